#include "harness/hex.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace x86diff {
namespace {

using ::testing::ElementsAre;

TEST(HexTest, FormatsLowerCaseSpaced) {
  const uint8_t bytes[] = {0x48, 0x01, 0xd8};
  EXPECT_EQ(FormatHex(bytes), "48 01 d8");
  EXPECT_EQ(FormatHex({}), "");
}

TEST(HexTest, ParsesCommonSpellings) {
  for (const char* text : {"48 01 d8", "4801d8", "48,01,D8", "\\x48\\x01\\xd8", "0x48 0x01 0xd8"}) {
    auto bytes = ParseHex(text);
    ASSERT_TRUE(bytes.ok()) << text << ": " << bytes.status();
    EXPECT_THAT(*bytes, ElementsAre(0x48, 0x01, 0xd8)) << text;
  }
}

TEST(HexTest, RejectsOddDigitsAndGarbage) {
  EXPECT_FALSE(ParseHex("480").ok());
  EXPECT_FALSE(ParseHex("4 8").ok());
  auto bad = ParseHex("48 zz");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("position 3"), absl::string_view::npos);
}

}  // namespace
}  // namespace x86diff

#include "harness/mode.h"

#include "gtest/gtest.h"

namespace x86diff {
namespace {

TEST(ModeTest, NamesRoundTrip) {
  for (Mode mode : kAllModes) {
    auto parsed = ParseMode(ModeName(mode));
    ASSERT_TRUE(parsed.ok()) << ModeName(mode);
    EXPECT_EQ(*parsed, mode);
  }
}

TEST(ModeTest, UnknownNameListsValidNames) {
  auto parsed = ParseMode("long32");
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(parsed.status().message().find("compat32"), absl::string_view::npos);
}

TEST(ModeTest, ByteValuesAreStable) {
  // These numbers are in every corpus file: changing them breaks old files.
  EXPECT_EQ(*ModeFromByte(0), Mode::kReal16);
  EXPECT_EQ(*ModeFromByte(1), Mode::kProt16);
  EXPECT_EQ(*ModeFromByte(2), Mode::kProt32);
  EXPECT_EQ(*ModeFromByte(3), Mode::kCompat32);
  EXPECT_EQ(*ModeFromByte(4), Mode::kLong64);
  EXPECT_FALSE(ModeFromByte(5).ok());
}

TEST(ModeTest, DefaultSizes) {
  struct Row {
    Mode mode;
    int operand_bits;
    int address_bits;
  };
  for (const Row& row : {Row{Mode::kReal16, 16, 16}, Row{Mode::kProt16, 16, 16},
                         Row{Mode::kProt32, 32, 32}, Row{Mode::kCompat32, 32, 32},
                         Row{Mode::kLong64, 32, 64}}) {
    EXPECT_EQ(DefaultOperandBits(row.mode), row.operand_bits) << ModeName(row.mode);
    EXPECT_EQ(DefaultAddressBits(row.mode), row.address_bits) << ModeName(row.mode);
  }
  EXPECT_FALSE(HasVexEncodings(Mode::kReal16));
  EXPECT_TRUE(HasVexEncodings(Mode::kProt16));
}

}  // namespace
}  // namespace x86diff

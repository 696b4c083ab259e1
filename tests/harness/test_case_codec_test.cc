#include "harness/test_case_codec.h"

#include <vector>

#include "gtest/gtest.h"

namespace x86diff {
namespace {

TEST(TestCaseCodecTest, RoundTripsEveryModeAndLength) {
  for (Mode mode : kAllModes) {
    for (size_t length : {size_t{0}, size_t{1}, size_t{15}, kMaxCodeBytes}) {
      TestCase original{mode, std::vector<uint8_t>(length)};
      for (size_t i = 0; i < length; ++i) original.code[i] = static_cast<uint8_t>(i * 37 + 1);
      auto parsed = ParseTestCase(SerializeTestCase(original));
      ASSERT_TRUE(parsed.ok()) << parsed.status();
      EXPECT_EQ(*parsed, original);
    }
  }
}

TEST(TestCaseCodecTest, LayoutIsVersionModeLengthCode) {
  TestCase test_case{Mode::kProt32, {0x0f, 0x0b}};
  EXPECT_EQ(SerializeTestCase(test_case), (std::vector<uint8_t>{1, 2, 2, 0x0f, 0x0b}));
}

struct MalformedCase {
  const char* name;
  std::vector<uint8_t> bytes;
  const char* message_part;
};

class MalformedTestCaseTest : public ::testing::TestWithParam<MalformedCase> {};

TEST_P(MalformedTestCaseTest, GivesInvalidArgumentWithReason) {
  auto parsed = ParseTestCase(GetParam().bytes);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(parsed.status().message().find(GetParam().message_part), absl::string_view::npos)
      << parsed.status();
}

INSTANTIATE_TEST_SUITE_P(
    All, MalformedTestCaseTest,
    ::testing::Values(
        MalformedCase{"empty", {}, "truncated"},
        MalformedCase{"header_only_two", {1, 4}, "truncated"},
        MalformedCase{"unknown_version", {2, 4, 1, 0x90}, "version 2"},
        MalformedCase{"version_zero", {0, 4, 1, 0x90}, "version 0"},
        MalformedCase{"unknown_mode", {1, 9, 1, 0x90}, "mode number 9"},
        MalformedCase{"code_too_long", {1, 4, 65}, "exceeds the limit"},
        MalformedCase{"truncated_code", {1, 4, 3, 0x48, 0x01}, "only 2 follow"},
        MalformedCase{"trailing_bytes", {1, 4, 1, 0x90, 0x07}, "section tag 7"},
        MalformedCase{"oversized", std::vector<uint8_t>(kMaxEncodedTestCaseBytes + 1, 1),
                      "limit"}),
    [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace x86diff

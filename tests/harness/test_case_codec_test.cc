#include "harness/test_case_codec.h"

#include <vector>

#include "gtest/gtest.h"
#include "harness/memory_layout.h"

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

TEST(TestCaseCodecTest, StateAndPatchesRoundTripAsVersion2) {
  TestCase original{Mode::kLong64, {0x48, 0x01, 0xd8}};
  CpuState state;
  for (int i = 0; i < kGprCount; ++i) state.gpr[i] = 0x1122334455667700ull + i;
  state.rflags = 0x8d7;
  original.initial_state = state;
  original.scratch_patches = {{0x10, {0xde, 0xad}}, {0x1ffe, {0xbe, 0xef}}};
  const std::vector<uint8_t> bytes = SerializeTestCase(original);
  EXPECT_EQ(bytes[0], 2);
  auto parsed = ParseTestCase(bytes);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(*parsed, original);
}

TEST(TestCaseCodecTest, StateFeedsInitialStateAndScratch) {
  TestCase test_case{Mode::kProt32, {0x90}};
  EXPECT_EQ(InitialState(test_case).gpr, DefaultInitialState(Mode::kProt32).gpr);
  test_case.scratch_patches = {{4, {1, 2, 3}}};
  std::vector<uint8_t> scratch = ScratchContents(test_case);
  EXPECT_EQ(scratch[4], 1);
  EXPECT_EQ(scratch[6], 3);
  EXPECT_EQ(scratch[7], DefaultScratchContents(Mode::kProt32)[7]);
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
        MalformedCase{"unknown_version", {3, 4, 1, 0x90}, "version 3"},
        MalformedCase{"version_zero", {0, 4, 1, 0x90}, "version 0"},
        MalformedCase{"unknown_mode", {1, 9, 1, 0x90}, "mode number 9"},
        MalformedCase{"code_too_long", {1, 4, 65}, "exceeds the limit"},
        MalformedCase{"truncated_code", {1, 4, 3, 0x48, 0x01}, "only 2 follow"},
        MalformedCase{"trailing_bytes", {1, 4, 1, 0x90, 0x07}, "section tag 7"},
        MalformedCase{"v2_unknown_section", {2, 4, 1, 0x90, 9, 0, 0}, "section tag 9"},
        MalformedCase{"v2_truncated_section_header", {2, 4, 1, 0x90, 1, 0}, "truncated section"},
        MalformedCase{"v2_truncated_section", {2, 4, 1, 0x90, 1, 136, 0, 1, 2}, "truncated section"},
        MalformedCase{"v2_short_state", {2, 4, 1, 0x90, 1, 2, 0, 1, 2}, "expected 136"},
        MalformedCase{"v2_patch_without_offset", {2, 4, 1, 0x90, 2, 1, 0, 5}, "2-byte offset"},
        MalformedCase{"v2_patch_outside_scratch", {2, 4, 1, 0x90, 2, 4, 0, 0xff, 0x1f, 7, 8},
                      "scratch is 8192 bytes"},
        MalformedCase{"oversized", std::vector<uint8_t>(kMaxEncodedTestCaseBytes + 1, 1),
                      "limit"}),
    [](const auto& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace x86diff

#include "fuzz/allowed_modes.h"

#include <cstdlib>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "harness/mode.h"
#include "harness/test_case.h"
#include "harness/test_case_codec.h"

namespace x86diff {
namespace {

using ::testing::HasSubstr;

TEST(ModeSetTest, AddContainsSizeNthIndexOf) {
  ModeSet set;
  EXPECT_TRUE(set.empty());
  set.Add(Mode::kLong64);
  set.Add(Mode::kProt16);
  set.Add(Mode::kLong64);
  EXPECT_EQ(set.size(), 2u);
  EXPECT_TRUE(set.Contains(Mode::kProt16));
  EXPECT_FALSE(set.Contains(Mode::kReal16));
  EXPECT_EQ(set.Nth(0), Mode::kProt16);  // numeric order, not insertion order
  EXPECT_EQ(set.Nth(1), Mode::kLong64);
  EXPECT_EQ(set.IndexOf(Mode::kLong64), 1u);
  EXPECT_EQ(set.Without(Mode::kProt16), ModeSet({Mode::kLong64}));
  EXPECT_FALSE(set.is_all());
  EXPECT_TRUE(ModeSet::All().is_all());
  EXPECT_EQ(ModeSet::All().size(), kAllModes.size());
  for (size_t i = 0; i < kAllModes.size(); ++i) EXPECT_EQ(ModeSet::All().Nth(i), kAllModes[i]);
}

TEST(ModeSetDeathTest, NthOutOfRangeIsABug) {
  EXPECT_DEATH(ModeSet({Mode::kLong64}).Nth(1), "CHECK failed");
}

TEST(ParseModeSetTest, Table) {
  struct Case {
    const char* text;
    ModeSet want;
  };
  const Case cases[] = {
      {"", ModeSet::All()},
      {"  ", ModeSet::All()},
      {",", ModeSet::All()},
      {"all", ModeSet::All()},
      {"long64,all", ModeSet::All()},
      {"long64", {Mode::kLong64}},
      {"real16,long64", {Mode::kReal16, Mode::kLong64}},
      {" prot16 , compat32 ,", {Mode::kProt16, Mode::kCompat32}},
      {"prot32,prot32", {Mode::kProt32}},
      {"real16,prot16,prot32,compat32,long64", ModeSet::All()},
  };
  for (const Case& c : cases) {
    absl::StatusOr<ModeSet> got = ParseModeSet(c.text);
    ASSERT_TRUE(got.ok()) << "'" << c.text << "': " << got.status();
    EXPECT_EQ(*got, c.want) << "'" << c.text << "' gave " << ModeSetToString(*got);
  }
}

TEST(ParseModeSetTest, RejectsUnknownNamesNamingThem) {
  for (const char* text : {"long", "LONG64", "long64,protected", "all,x"}) {
    absl::StatusOr<ModeSet> got = ParseModeSet(text);
    ASSERT_FALSE(got.ok()) << text;
    EXPECT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(got.status().message(), HasSubstr("expected one of")) << text;
  }
  EXPECT_THAT(ParseModeSet("long64,protected").status().message(), HasSubstr("'protected'"));
}

TEST(ModeSetToStringTest, NamesInNumericOrder) {
  EXPECT_EQ(ModeSetToString(ModeSet::All()), "all");
  EXPECT_EQ(ModeSetToString({Mode::kLong64, Mode::kReal16}), "real16,long64");
  EXPECT_EQ(ModeSetToString(ModeSet()), "");
  // Round trip for every non-empty subset.
  for (unsigned bits = 1; bits < 32; ++bits) {
    ModeSet set;
    for (Mode mode : kAllModes) {
      if (bits & (1u << static_cast<unsigned>(mode))) set.Add(mode);
    }
    absl::StatusOr<ModeSet> back = ParseModeSet(ModeSetToString(set));
    ASSERT_TRUE(back.ok()) << back.status();
    EXPECT_EQ(*back, set) << ModeSetToString(set);
  }
}

// Restores X86DIFF_MODES after each test.
class AllowedModesFromEnvTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* old = std::getenv(kModesEnvVar);
    had_ = old != nullptr;
    if (had_) old_ = old;
  }
  void TearDown() override {
    if (had_) {
      setenv(kModesEnvVar, old_.c_str(), 1);
    } else {
      unsetenv(kModesEnvVar);
    }
  }

 private:
  bool had_ = false;
  std::string old_;
};

TEST_F(AllowedModesFromEnvTest, UnsetEmptyAndListed) {
  unsetenv(kModesEnvVar);
  EXPECT_EQ(*AllowedModesFromEnv(), ModeSet::All());
  setenv(kModesEnvVar, "", 1);
  EXPECT_EQ(*AllowedModesFromEnv(), ModeSet::All());
  setenv(kModesEnvVar, "compat32,long64", 1);
  EXPECT_EQ(*AllowedModesFromEnv(), ModeSet({Mode::kCompat32, Mode::kLong64}));
}

TEST_F(AllowedModesFromEnvTest, InvalidNamesTheVariableAndValue) {
  setenv(kModesEnvVar, "long64,vm86", 1);
  absl::StatusOr<ModeSet> got = AllowedModesFromEnv();
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(got.status().message(), HasSubstr("X86DIFF_MODES=long64,vm86: unknown mode 'vm86'"));
}

TEST(EncodedTestCaseInModesTest, Table) {
  const std::vector<uint8_t> long64 = SerializeTestCase(TestCase{Mode::kLong64, {0x90}});
  TestCase with_state{Mode::kReal16, {0x90}};
  with_state.initial_state = CpuState{};
  const std::vector<uint8_t> real16_v2 = SerializeTestCase(with_state);
  ASSERT_EQ(real16_v2[0], 2);  // the version-2 form, whose mode is byte 1 too
  const std::vector<uint8_t> bad_mode = {1, 9, 0};
  const std::vector<uint8_t> too_short = {1};
  const ModeSet only_long64 = {Mode::kLong64};
  const ModeSet only_real16 = {Mode::kReal16};

  EXPECT_TRUE(EncodedTestCaseInModes(long64, only_long64));
  EXPECT_FALSE(EncodedTestCaseInModes(long64, only_real16));
  EXPECT_TRUE(EncodedTestCaseInModes(real16_v2, only_real16));
  EXPECT_FALSE(EncodedTestCaseInModes(real16_v2, only_long64));
  EXPECT_FALSE(EncodedTestCaseInModes(bad_mode, only_long64));
  EXPECT_FALSE(EncodedTestCaseInModes(too_short, only_long64));
  for (const std::vector<uint8_t>* input : {&long64, &real16_v2, &bad_mode, &too_short}) {
    EXPECT_TRUE(EncodedTestCaseInModes(*input, ModeSet::All()));
  }
}

}  // namespace
}  // namespace x86diff

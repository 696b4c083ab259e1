#include "harness/test_case_json.h"

#include "gtest/gtest.h"
#include "harness/memory_layout.h"

namespace x86diff {
namespace {

TEST(TestCaseJsonTest, RoundTrips) {
  for (Mode mode : kAllModes) {
    TestCase original{mode, {0x62, 0xf1, 0x7c, 0x48, 0x58, 0xc1}};
    auto parsed = TestCaseFromJson(TestCaseToJson(original));
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    EXPECT_EQ(*parsed, original);
  }
}

TEST(TestCaseJsonTest, ReadsHandWrittenText) {
  auto parsed = TestCaseFromJson(R"({"version": 1, "mode": "real16", "code": "66e8 0000 0000"})");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->mode, Mode::kReal16);
  EXPECT_EQ(parsed->code, (std::vector<uint8_t>{0x66, 0xe8, 0, 0, 0, 0}));
}

TEST(TestCaseJsonTest, StateAndScratchRoundTrip) {
  TestCase original{Mode::kLong64, {0x48, 0xf7, 0xf3}};
  CpuState state = DefaultInitialState(Mode::kLong64);
  state[Gpr::kRdx] = 0;
  state[Gpr::kRax] = 0xffffffffffffffffull;
  state.rflags = 0x203;
  original.initial_state = state;
  original.scratch_patches = {{0x20, {0x01, 0x02}}};
  const std::string text = TestCaseToJson(original);
  EXPECT_NE(text.find("\"rax\": \"0xffffffffffffffff\""), std::string::npos) << text;
  auto parsed = TestCaseFromJson(text);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(*parsed, original);
}

TEST(TestCaseJsonTest, PartialStateKeepsDefaults) {
  auto parsed = TestCaseFromJson(
      R"({"version": 2, "mode": "long64", "code": "f7 f3", "state": {"rbx": 0, "rflags": "0x2"}})");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  ASSERT_TRUE(parsed->initial_state.has_value());
  EXPECT_EQ((*parsed->initial_state)[Gpr::kRbx], 0u);
  EXPECT_EQ((*parsed->initial_state)[Gpr::kRcx], DefaultInitialState(Mode::kLong64)[Gpr::kRcx]);
}

TEST(TestCaseJsonTest, MalformedInputNamesTheProblem) {
  struct Row {
    const char* text;
    const char* message_part;
  };
  for (const Row& row : {
           Row{"{", "not valid JSON"},
           Row{"[1,2]", "must be an object"},
           Row{R"({"mode": "long64", "code": "90"})", "\"version\""},
           Row{R"({"version": 7, "mode": "long64", "code": "90"})", "unknown version 7"},
           Row{R"({"version": 1, "mode": "long128", "code": "90"})", "unknown mode"},
           Row{R"({"version": 1, "mode": "long64"})", "\"code\""},
           Row{R"({"version": 1, "mode": "long64", "code": "9"})", "odd number"},
           Row{R"({"version": 1, "mode": "long64", "code": 144})", "\"code\""},
           Row{R"({"version": 2, "mode": "long64", "code": "90", "state": {"xax": 1}})",
               "unknown register \"xax\""},
           Row{R"({"version": 2, "mode": "long64", "code": "90", "state": {"rax": "0xzz"}})",
               "\"rax\" must be"},
           Row{R"({"version": 2, "mode": "real16", "code": "90",
                   "scratch": [{"offset": 8190, "bytes": "01 02 03"}]})",
               "does not fit"},
       }) {
    auto parsed = TestCaseFromJson(row.text);
    ASSERT_FALSE(parsed.ok()) << row.text;
    EXPECT_NE(parsed.status().message().find(row.message_part), absl::string_view::npos)
        << row.text << " -> " << parsed.status();
  }
  std::string long_code = R"({"version": 1, "mode": "long64", "code": ")";
  for (int i = 0; i < 65; ++i) long_code += "90";
  long_code += "\"}";
  EXPECT_FALSE(TestCaseFromJson(long_code).ok());
}

}  // namespace
}  // namespace x86diff

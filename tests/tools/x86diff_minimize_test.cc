// Tests of the minimizer: each reduction with fake predicates, then the command with the real
// decoders on a known Capstone/Zydis disagreement.
#include <cstdint>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "harness/atomic_file.h"
#include "harness/executor.h"
#include "harness/finding.h"
#include "harness/memory_layout.h"
#include "harness/test_case_codec.h"
#include "harness/test_case_json.h"
#include "tests/test_support/temp_dir.h"
#include "tools/x86diff/case_oracle.h"
#include "tools/x86diff/decoder_set.h"
#include "tools/x86diff/exit_code.h"
#include "tools/x86diff/minimize.h"
#include "tools/x86diff/minimize_command.h"

namespace x86diff::cli {
namespace {

using test_support::TempDir;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr uint64_t kFakeSignature = 0x0123456789abcdefull;

// A predicate over a plain function that also records every candidate it is asked about.
struct RecordingPredicate {
  std::function<bool(const TestCase&)> keeps;
  std::vector<TestCase> asked;

  StillDiverges Get() {
    return [this](const TestCase& candidate) -> absl::StatusOr<bool> {
      asked.push_back(candidate);
      return keeps(candidate);
    };
  }
};

MinimizeResult Minimize(const TestCase& test_case, RecordingPredicate& predicate,
                        int max_attempts = 2000) {
  MinimizeOptions options;
  options.max_attempts = max_attempts;
  absl::StatusOr<MinimizeResult> result =
      MinimizeTestCase(test_case, kFakeSignature, predicate.Get(), options);
  EXPECT_TRUE(result.ok()) << result.status();
  return result.ok() ? *result : MinimizeResult{};
}

bool HasPair(const std::vector<uint8_t>& code, uint8_t first, uint8_t second) {
  for (size_t i = 0; i + 1 < code.size(); ++i) {
    if (code[i] == first && code[i + 1] == second) return true;
  }
  return false;
}

TEST(MinimizeTestCaseTest, CutsTheCodeAfterWhatThePredicateNeeds) {
  RecordingPredicate predicate{[](const TestCase& c) {
    return c.code.size() >= 2 && c.code[0] == 0xf0 && c.code[1] == 0xfe;
  }};
  const MinimizeResult result =
      Minimize({Mode::kLong64, {0xf0, 0xfe, 0xc0, 0x90, 0x90, 0xcc}}, predicate);
  EXPECT_THAT(result.minimized.code, ElementsAre(0xf0, 0xfe));
  EXPECT_EQ(result.original.code.size(), 6u);
  EXPECT_EQ(result.attempts, static_cast<int>(predicate.asked.size()));
}

TEST(MinimizeTestCaseTest, DeletesBytesInFrontAndBetween) {
  RecordingPredicate predicate{[](const TestCase& c) { return HasPair(c.code, 0xfe, 0xc0); }};
  const MinimizeResult result =
      Minimize({Mode::kLong64, {0x66, 0x2e, 0xfe, 0xc0, 0x90}}, predicate);
  EXPECT_THAT(result.minimized.code, ElementsAre(0xfe, 0xc0));
}

TEST(MinimizeTestCaseTest, LowersByteValuesTowardsZero) {
  RecordingPredicate predicate{
      [](const TestCase& c) { return c.code.size() == 2 && c.code[0] >= 0x10; }};
  const MinimizeResult result = Minimize({Mode::kLong64, {0xff, 0xff}}, predicate);
  EXPECT_THAT(result.minimized.code, ElementsAre(0x10, 0x00));
}

TEST(MinimizeTestCaseTest, ResetsRegistersAndFlagBitsItDoesNotNeed) {
  const CpuState defaults = DefaultInitialState(Mode::kLong64);
  CpuState state = defaults;
  state[Gpr::kRax] = 5;
  state[Gpr::kRbx] = 7;
  state[Gpr::kR15] = 9;
  state.rflags = kRflagsReserved1 | kRflagsCF | kRflagsZF | kRflagsOF;
  RecordingPredicate predicate{[](const TestCase& c) {
    const CpuState s = InitialState(c);
    return s[Gpr::kRax] == 5 && (s.rflags & kRflagsCF) != 0;
  }};
  const MinimizeResult result = Minimize({Mode::kLong64, {0x90}, state}, predicate);
  ASSERT_TRUE(result.minimized.initial_state.has_value());
  CpuState expected = defaults;
  expected[Gpr::kRax] = 5;
  expected.rflags = kRflagsReserved1 | kRflagsCF;
  EXPECT_EQ(result.minimized.initial_state->gpr, expected.gpr);
  EXPECT_EQ(result.minimized.initial_state->rflags, expected.rflags);
}

TEST(MinimizeTestCaseTest, DropsTheWholeStateWhenNothingNeedsIt) {
  CpuState state = DefaultInitialState(Mode::kProt32);
  state[Gpr::kRcx] = 1;
  RecordingPredicate predicate{[](const TestCase&) { return true; }};
  const MinimizeResult result = Minimize({Mode::kProt32, {0x90}, state}, predicate);
  EXPECT_FALSE(result.minimized.initial_state.has_value());
}

TEST(MinimizeTestCaseTest, DropsAndCutsScratchPatches) {
  const std::vector<uint8_t> defaults = DefaultScratchContents(Mode::kLong64);
  const uint8_t needed = defaults[0x13] ^ 0xff;
  std::vector<uint8_t> patch(8);
  for (size_t i = 0; i < patch.size(); ++i) patch[i] = defaults[0x10 + i] ^ 0x55;
  patch[3] = needed;
  TestCase test_case{Mode::kLong64, {0x90}};
  test_case.scratch_patches = {{0x10, patch}, {0x100, {1, 2, 3, 4}}};
  RecordingPredicate predicate{
      [needed](const TestCase& c) { return ScratchContents(c)[0x13] == needed; }};
  const MinimizeResult result = Minimize(test_case, predicate);
  ASSERT_EQ(result.minimized.scratch_patches.size(), 1u);
  EXPECT_EQ(result.minimized.scratch_patches[0].offset, 0x13);
  EXPECT_THAT(result.minimized.scratch_patches[0].bytes, ElementsAre(needed));
}

TEST(MinimizeTestCaseTest, NeverAsksTwiceAboutTheSameCandidate) {
  RecordingPredicate predicate{[](const TestCase& c) { return HasPair(c.code, 0x0f, 0x0b); }};
  CpuState state = DefaultInitialState(Mode::kLong64);
  state[Gpr::kRdx] = 3;
  Minimize({Mode::kLong64, {0x66, 0x0f, 0x0b, 0xff, 0xee}, state}, predicate);
  std::set<std::vector<uint8_t>> seen;
  for (const TestCase& candidate : predicate.asked) {
    EXPECT_TRUE(seen.insert(SerializeTestCase(candidate)).second)
        << "asked twice: " << TestCaseToJson(candidate);
  }
}

TEST(MinimizeTestCaseTest, IsDeterministic) {
  RecordingPredicate first{[](const TestCase& c) { return HasPair(c.code, 0xfe, 0xc0); }};
  RecordingPredicate second{first.keeps};
  const TestCase input{Mode::kReal16, {0x2e, 0x3e, 0xf0, 0xfe, 0xc0, 0x12, 0x34}};
  const MinimizeResult a = Minimize(input, first);
  const MinimizeResult b = Minimize(input, second);
  EXPECT_EQ(a.minimized, b.minimized);
  EXPECT_EQ(a.attempts, b.attempts);
  ASSERT_EQ(first.asked.size(), second.asked.size());
  for (size_t i = 0; i < first.asked.size(); ++i) EXPECT_EQ(first.asked[i], second.asked[i]);
}

TEST(MinimizeTestCaseTest, StopsAtTheAttemptBudgetWithAValidCase) {
  RecordingPredicate predicate{[](const TestCase& c) { return !c.code.empty(); }};
  const MinimizeResult result =
      Minimize({Mode::kLong64, {0x11, 0x22, 0x33, 0x44}}, predicate, /*max_attempts=*/3);
  EXPECT_TRUE(result.budget_exhausted);
  EXPECT_EQ(result.attempts, 3);
  EXPECT_EQ(predicate.asked.size(), 3u);
  EXPECT_TRUE(predicate.keeps(result.minimized));
}

TEST(MinimizeTestCaseTest, InputWithoutTheSignatureIsFailedPrecondition) {
  RecordingPredicate predicate{[](const TestCase&) { return false; }};
  absl::StatusOr<MinimizeResult> result =
      MinimizeTestCase({Mode::kLong64, {0x90}}, kFakeSignature, predicate.Get());
  ASSERT_EQ(result.status().code(), absl::StatusCode::kFailedPrecondition) << result.status();
  EXPECT_THAT(result.status().message(), HasSubstr("0123456789abcdef"));
  EXPECT_EQ(predicate.asked.size(), 1u);
}

TEST(MinimizeTestCaseTest, PredicateErrorsAbort) {
  int calls = 0;
  StillDiverges failing = [&calls](const TestCase&) -> absl::StatusOr<bool> {
    if (++calls > 2) return absl::InternalError("decoder exploded");
    return true;
  };
  absl::StatusOr<MinimizeResult> result =
      MinimizeTestCase({Mode::kLong64, {1, 2, 3, 4}}, kFakeSignature, failing);
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInternal);
  EXPECT_THAT(result.status().message(), HasSubstr("decoder exploded"));
}

TEST(MinimizeTestCaseTest, RejectsANonPositiveBudget) {
  RecordingPredicate predicate{[](const TestCase&) { return true; }};
  MinimizeOptions options;
  options.max_attempts = 0;
  EXPECT_EQ(MinimizeTestCase({Mode::kLong64, {0x90}}, kFakeSignature, predicate.Get(), options)
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(DescribeStateDifferencesTest, NamesChangedRegistersFlagsAndPatches) {
  CpuState state = DefaultInitialState(Mode::kLong64);
  state[Gpr::kRsi] = 0x1234;
  state.rflags |= kRflagsCF;
  TestCase test_case{Mode::kLong64, {0x90}, state, {{0x20, {0xde, 0xad}}}};
  const std::vector<std::string> lines = DescribeStateDifferences(test_case);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_THAT(lines[0], HasSubstr("rsi=0x1234 (default 0x"));
  EXPECT_EQ(lines[1], "rflags=0x3 (default 0x2)");
  EXPECT_EQ(lines[2], "scratch+0x20: 2 bytes de ad");
  EXPECT_TRUE(DescribeStateDifferences({Mode::kLong64, {0x90}}).empty());
}

// With the real decoders: F0 F3 FE C0 (LOCK REP INC AL) is "inc al" for Capstone 4, which drops
// the LOCK next to a REP prefix, and an illegal LOCK for Zydis. Padded with segment prefixes in
// front, a junk instruction behind, a non-default state and a scratch patch.
TestCase PaddedLockInc() {
  CpuState state = DefaultInitialState(Mode::kLong64);
  state[Gpr::kRax] = 0xdeadbeef;
  state.rflags |= kRflagsZF;
  TestCase test_case{
      Mode::kLong64, {0x2e, 0x3e, 0xf0, 0xf3, 0xfe, 0xc0, 0x48, 0x01, 0xd8, 0x90}, state};
  test_case.scratch_patches = {{0x40, {1, 2, 3}}};
  return test_case;
}

absl::StatusOr<MinimizedFinding> MinimizeWithDecoders(const TestCase& test_case,
                                                      uint64_t* signature) {
  absl::StatusOr<CaseOracle> oracle = CaseOracle::Create({});
  if (!oracle.ok()) return oracle.status();
  absl::StatusOr<OracleRun> run = oracle->Run(test_case);
  if (!run.ok()) return run.status();
  if (run->divergences.empty()) return absl::NotFoundError("the decoders agree");
  *signature = run->divergences.front().signature.hash;
  return MinimizeWithOracle(*oracle, test_case, *signature);
}

TEST(MinimizeWithOracleTest, KeepsTheSignatureOfARealDisagreementAndShrinks) {
  uint64_t signature = 0;
  absl::StatusOr<MinimizedFinding> minimized = MinimizeWithDecoders(PaddedLockInc(), &signature);
  ASSERT_TRUE(minimized.ok()) << minimized.status()
                              << " (pick another known Capstone/Zydis disagreement)";
  EXPECT_EQ(minimized->kept.signature.hash, signature);
  ASSERT_FALSE(minimized->finding.divergences.empty());
  EXPECT_EQ(minimized->finding.divergences.front().signature.hash, signature);
  const TestCase& result = minimized->result.minimized;
  EXPECT_LT(result.code.size(), PaddedLockInc().code.size());
  // Prefixes and the trailing instruction gone; F3 lowered to F2 (REPNE keeps Capstone's
  // answer and the signature, whose opcode class does not name the REP prefix).
  EXPECT_THAT(result.code, ElementsAre(0xf0, 0xf2, 0xfe, 0xc0));
  EXPECT_FALSE(result.initial_state.has_value()) << "decoders ignore the state";
  EXPECT_TRUE(result.scratch_patches.empty());
  EXPECT_EQ(minimized->finding.test_case, result);
  EXPECT_EQ(minimized->finding.outcomes.size(), 2u);  // capstone and zydis, recomputed
}

TEST(MinimizeWithOracleTest, IsDeterministicWithRealDecoders) {
  uint64_t first_signature = 0, second_signature = 0;
  absl::StatusOr<MinimizedFinding> first = MinimizeWithDecoders(PaddedLockInc(), &first_signature);
  absl::StatusOr<MinimizedFinding> second =
      MinimizeWithDecoders(PaddedLockInc(), &second_signature);
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(first->result.minimized, second->result.minimized);
  EXPECT_EQ(first->result.attempts, second->result.attempts);
  EXPECT_EQ(FindingToJson(first->finding), FindingToJson(second->finding));
}

TEST(MinimizeWithOracleTest, SignatureTheCaseDoesNotShowNamesWhatItShows) {
  absl::StatusOr<CaseOracle> oracle = CaseOracle::Create({});
  ASSERT_TRUE(oracle.ok()) << oracle.status();
  absl::StatusOr<MinimizedFinding> minimized =
      MinimizeWithOracle(*oracle, PaddedLockInc(), kFakeSignature);
  ASSERT_EQ(minimized.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(minimized.status().message(), HasSubstr("0123456789abcdef does not reproduce"));
  EXPECT_THAT(minimized.status().message(), HasSubstr("validity"));
}

// Two fake emulators that agree unless RAX starts at 0x1234, when "picky" raises #UD: an
// execution signature that depends on one register and nothing else.
class FakeExecutor : public Executor {
 public:
  FakeExecutor(std::string name, bool picky) : name_(std::move(name)), picky_(picky) {}
  absl::string_view name() const override { return name_; }
  Provenance provenance() const override { return Provenance::kSoftwareEmulator; }
  bool SupportsMode(Mode) const override { return true; }
  absl::StatusOr<ExecResult> Execute(const TestCase& test_case) override {
    ExecResult result;
    result.final_state = InitialState(test_case);
    result.length = static_cast<uint8_t>(test_case.code.size());
    result.final_state.rip += result.length;
    if (picky_ && result.final_state[Gpr::kRax] == 0x1234) {
      result.status = ExecStatus::kFault;
      result.vector = kVectorUD;
      result.length = 0;
      result.final_state.rip = InitialState(test_case).rip;
    }
    return result;
  }

 private:
  std::string name_;
  bool picky_;
};

TEST(MinimizeWithOracleTest, MinimizesExecutionSignaturesThroughTheExecutors) {
  absl::StatusOr<DecoderSet> owned = DecoderSet::Create({}, 2);
  ASSERT_TRUE(owned.ok()) << owned.status();
  FakeExecutor plain("plain", false), picky("picky", true);
  CaseOracle oracle({owned->views().begin(), owned->views().end()}, {&plain, &picky});
  ASSERT_TRUE(oracle.executes());

  CpuState state = DefaultInitialState(Mode::kLong64);
  state[Gpr::kRax] = 0x1234;
  state[Gpr::kRbx] = 0x99;
  state.rflags |= kRflagsCF;
  TestCase test_case{Mode::kLong64, {0x2e, 0x48, 0x01, 0xd8, 0x90, 0x90}, state, {{0, {7, 7}}}};
  absl::StatusOr<OracleRun> run = oracle.Run(test_case);
  ASSERT_TRUE(run.ok()) << run.status();
  const Divergence* fault = nullptr;
  for (const Divergence& divergence : run->divergences) {
    if (divergence.kind == DivergenceKind::kFault) fault = &divergence;
  }
  ASSERT_NE(fault, nullptr) << ListSignatures(run->divergences);

  absl::StatusOr<MinimizedFinding> minimized =
      MinimizeWithOracle(oracle, test_case, fault->signature.hash);
  ASSERT_TRUE(minimized.ok()) << minimized.status();
  const TestCase& result = minimized->result.minimized;
  ASSERT_TRUE(result.initial_state.has_value());
  CpuState expected = DefaultInitialState(Mode::kLong64);
  expected[Gpr::kRax] = 0x1234;
  EXPECT_EQ(result.initial_state->gpr, expected.gpr);
  EXPECT_EQ(result.initial_state->rflags, expected.rflags);
  EXPECT_TRUE(result.scratch_patches.empty());
  EXPECT_LE(result.code.size(), 3u);
  EXPECT_EQ(minimized->finding.divergences.front().signature.hash, fault->signature.hash);
  EXPECT_EQ(minimized->finding.outcomes.size(), 4u);  // two decoders, two executors
}

// The command, end to end.
class MinimizeCommandTest : public ::testing::Test {
 protected:
  std::string WriteCase(const std::string& name, const TestCase& test_case) {
    return dir_.Write(name, TestCaseToJson(test_case));
  }
  absl::Status Run(MinimizeCommandOptions options) {
    out_.str("");
    err_.str("");
    return RunMinimizeCommand(options, out_, err_);
  }

  TempDir dir_;
  std::ostringstream out_;
  std::ostringstream err_;
};

TEST_F(MinimizeCommandTest, WritesTheMinimizedFindingNextToTheInput) {
  const std::string input = WriteCase("case.json", PaddedLockInc());
  MinimizeCommandOptions options;
  options.path = input;
  const absl::Status status = Run(options);
  ASSERT_TRUE(status.ok()) << status << "\n" << err_.str();
  const std::string written = dir_.File("case.min.json");
  EXPECT_THAT(out_.str(), HasSubstr("before: long64  2e 3e f0 f3 fe c0 48 01 d8 90"));
  EXPECT_THAT(out_.str(), HasSubstr("state: rax=0xdeadbeef"));
  EXPECT_THAT(out_.str(), HasSubstr("after:  long64  f0 f2 fe c0  ["));
  EXPECT_THAT(out_.str(), HasSubstr("state: defaults, no scratch patches"));
  EXPECT_THAT(out_.str(), HasSubstr("wrote " + written));
  absl::StatusOr<std::string> text = ReadFileToString(written);
  ASSERT_TRUE(text.ok()) << text.status();
  absl::StatusOr<Finding> finding = FindingFromJson(*text);
  ASSERT_TRUE(finding.ok()) << finding.status();
  EXPECT_THAT(finding->test_case.code, ElementsAre(0xf0, 0xf2, 0xfe, 0xc0));
  ASSERT_FALSE(finding->divergences.empty());
  EXPECT_THAT(out_.str(), HasSubstr("signature " + finding->divergences[0].signature.HexId()));
}

TEST_F(MinimizeCommandTest, OutOverridesThePathAndRunsAreIdentical) {
  MinimizeCommandOptions options;
  options.path = WriteCase("case.json", PaddedLockInc());
  options.out = dir_.File("a.json");
  ASSERT_TRUE(Run(options).ok()) << err_.str();
  options.out = dir_.File("b.json");
  ASSERT_TRUE(Run(options).ok()) << err_.str();
  EXPECT_EQ(*ReadFileToString(dir_.File("a.json")), *ReadFileToString(dir_.File("b.json")));
  EXPECT_THAT(dir_.Files(), ElementsAre("a.json", "b.json", "case.json"));
}

TEST_F(MinimizeCommandTest, MinimizedFindingMinimizesToItself) {
  MinimizeCommandOptions options;
  options.path = WriteCase("case.json", PaddedLockInc());
  ASSERT_TRUE(Run(options).ok()) << err_.str();
  const std::string first = *ReadFileToString(dir_.File("case.min.json"));
  options.path = dir_.File("case.min.json");
  options.out = dir_.File("again.json");
  ASSERT_TRUE(Run(options).ok()) << err_.str();
  EXPECT_EQ(*ReadFileToString(dir_.File("again.json")), first);
}

TEST_F(MinimizeCommandTest, UnknownSignatureIsAnErrorNamingWhatTheCaseShows) {
  MinimizeCommandOptions options;
  options.path = WriteCase("case.json", PaddedLockInc());
  options.signature = "0123456789abcdef";
  const absl::Status status = Run(options);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(status.message(), HasSubstr("0123456789abcdef does not reproduce"));
  EXPECT_THAT(status.message(), HasSubstr("capstone=valid"));
  EXPECT_EQ(ExitCodeForStatus(status), kExitProblem);
  EXPECT_THAT(dir_.Files(), ElementsAre("case.json"));  // nothing written
}

TEST_F(MinimizeCommandTest, BadInputsGiveClearErrors) {
  MinimizeCommandOptions options;
  options.path = WriteCase("case.json", PaddedLockInc());
  options.signature = "xyz";
  EXPECT_EQ(Run(options).code(), absl::StatusCode::kInvalidArgument);

  options.signature = "";
  options.path = dir_.File("missing.json");
  absl::Status status = Run(options);
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(status.message(), HasSubstr("missing.json"));

  options.path = dir_.Write("broken.json", "{\"format\": \"x86diff-finding\", \"version\": 1}");
  status = Run(options);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("broken.json"));
  EXPECT_THAT(status.message(), HasSubstr("testcase"));

  options.path = dir_.Write("garbage.json", "{ not json");
  status = Run(options);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("garbage.json"));

  options.path = WriteCase("agree.json", {Mode::kLong64, {0x48, 0x01, 0xd8}});
  status = Run(options);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(status.message(), HasSubstr("no divergence"));
}

TEST(DefaultMinimizedPathTest, ReplacesJsonAndAppendsToOtherNames) {
  EXPECT_EQ(DefaultMinimizedPath("dir/0123456789abcdef.json"), "dir/0123456789abcdef.min.json");
  EXPECT_EQ(DefaultMinimizedPath("corpus/00075e51fa6a1bca"), "corpus/00075e51fa6a1bca.min.json");
}

}  // namespace
}  // namespace x86diff::cli

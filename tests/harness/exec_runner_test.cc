#include "harness/exec_runner.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "gtest/gtest.h"
#include "harness/decoder.h"
#include "harness/executor.h"
#include "harness/finding.h"
#include "harness/memory_layout.h"
#include "harness/test_case.h"
#include "harness/test_case_json.h"
#include "nlohmann/json.hpp"

namespace x86diff {
namespace {

// Decodes every instruction as two bytes long ("two"), except: 0x0f first is invalid, 0xff first
// wants more bytes than there are (kTruncated) and 0xee first is a decoder error. Flags metadata
// says CF is undefined, so the runs' undefined_flags are visible.
class TwoByteDecoder final : public Decoder {
 public:
  absl::string_view name() const override { return "zydis"; }
  std::string version() const override { return "fake"; }

 protected:
  absl::Status DecodeBytes(Mode, absl::Span<const uint8_t> code, DecodeDetail,
                           DecodeResult& result) const override {
    if (code[0] == 0xee) return absl::InternalError("decoder broke");
    if (code[0] == 0x0f) {
      result.failure = DecodeFailure::kInvalidEncoding;
      return absl::OkStatus();
    }
    if (code[0] == 0xff || code.size() < 2) {
      result.failure = DecodeFailure::kTruncated;
      return absl::OkStatus();
    }
    result.valid = true;
    result.length = 2;
    result.mnemonic = "two";
    result.has_flag_info = true;
    result.flags_undefined = 1;  // CF
    return absl::OkStatus();
  }
};

// Completes every case with rax = code bytes summed + `bias` (so results depend on the case and
// executors can disagree), length = code size; fails Execute() for code starting with 0xdd.
// Counts Execute() and ExecuteBatch() calls; `batch_error` makes ExecuteBatch() fail as a whole.
class FakeExecutor : public Executor {
 public:
  FakeExecutor(std::string name, uint64_t bias, bool long64_only)
      : name_(std::move(name)), bias_(bias), long64_only_(long64_only) {}
  absl::string_view name() const override { return name_; }
  Provenance provenance() const override { return Provenance::kSoftwareEmulator; }
  bool SupportsMode(Mode mode) const override { return !long64_only_ || mode == Mode::kLong64; }
  absl::StatusOr<ExecResult> Execute(const TestCase& test_case) override {
    ++execute_calls;
    if (test_case.code[0] == 0xdd) return absl::InternalError("machinery broke");
    ExecResult result;
    result.final_state = InitialState(test_case);
    result.final_state.rip = LayoutFor(test_case.mode).code_address + test_case.code.size();
    uint64_t sum = bias_;
    for (uint8_t byte : test_case.code) sum += byte;
    result.final_state[Gpr::kRax] = sum;
    result.length = static_cast<uint8_t>(test_case.code.size());
    return result;
  }
  int execute_calls = 0;

 private:
  std::string name_;
  uint64_t bias_;
  bool long64_only_;
};

// A FakeExecutor with its own ExecuteBatch(), as native and kvm have.
class BatchingFakeExecutor final : public FakeExecutor {
 public:
  using FakeExecutor::FakeExecutor;
  absl::StatusOr<std::vector<ExecResult>> ExecuteBatch(absl::Span<const TestCase> cases) override {
    ++batch_calls;
    batch_sizes.push_back(cases.size());
    if (!batch_error.ok()) return batch_error;
    return Executor::ExecuteBatch(cases);
  }
  int batch_calls = 0;
  std::vector<size_t> batch_sizes;
  absl::Status batch_error;
};

// Everything an ExecRun holds, as JSON, so runs compare field by field with readable failures.
nlohmann::json RunToJson(const absl::StatusOr<ExecRun>& run) {
  if (!run.ok()) return {{"error", run.status().ToString()}};
  nlohmann::json value = {{"executed", TestCaseToJsonValue(run->executed)},
                          {"undefined_flags", run->undefined_flags},
                          {"executor_errors", run->executor_errors},
                          {"not_executed", run->not_executed},
                          {"masked", run->exec.masked}};
  for (const Outcome& outcome : run->outcomes) {
    value["outcomes"].push_back(OutcomeToJsonValue(outcome));
  }
  for (const Divergence& divergence : run->decode_divergences) {
    value["decode_divergences"].push_back(DivergenceToJsonValue(divergence));
  }
  for (const Divergence& divergence : run->exec.divergences) {
    value["exec_divergences"].push_back(DivergenceToJsonValue(divergence));
  }
  return value;
}

// Cases covering every path: trimmed, too short to trim, invalid (untrimmed), truncated (not
// executed), other modes (long64-only executors skip them), a decoder error; with
// `executor_error`, last, a case whose Execute() fails.
std::vector<TestCase> Cases(bool executor_error) {
  std::vector<TestCase> cases = {
      {Mode::kLong64, {0x01, 0x02, 0x03}},        // trimmed to 01 02
      {Mode::kLong64, {0x05, 0x06}},              // as is
      {Mode::kProt32, {0x01, 0x02, 0x03, 0x04}},  // trimmed; long64-only executors skip it
      {Mode::kLong64, {0x0f, 0x0b, 0x90}},        // invalid: runs untrimmed
      {Mode::kLong64, {0xff}},                    // truncated: no executor runs it
      {Mode::kLong64, {0xee, 0x00}},              // decoder error: this entry fails
      {Mode::kReal16, {0x07, 0x08, 0x09}},
      {Mode::kLong64, {0x01, 0x02, 0x03}},  // the first case again
  };
  if (executor_error) cases.push_back({Mode::kLong64, {0xdd, 0x00}});  // kCrash outcomes
  return cases;
}

TEST(ExecutorTest, DefaultExecuteBatchEqualsExecutePerCase) {
  FakeExecutor batched("fake", 7, false);
  FakeExecutor single("fake", 7, false);
  std::vector<TestCase> cases = {{Mode::kLong64, {0x01, 0x02}},
                                 {Mode::kProt16, {0x40}},
                                 {Mode::kReal16, {0x90, 0x90, 0x90}},
                                 {Mode::kCompat32, {0xcc}}};
  absl::StatusOr<std::vector<ExecResult>> results = batched.ExecuteBatch(cases);
  ASSERT_TRUE(results.ok()) << results.status();
  ASSERT_EQ(results->size(), cases.size());
  for (size_t i = 0; i < cases.size(); ++i) {
    absl::StatusOr<ExecResult> one = single.Execute(cases[i]);
    ASSERT_TRUE(one.ok()) << one.status();
    Outcome a{"fake", Provenance::kSoftwareEmulator, {}, (*results)[i]};
    Outcome b{"fake", Provenance::kSoftwareEmulator, {}, *one};
    EXPECT_EQ(OutcomeToJsonValue(a), OutcomeToJsonValue(b)) << "case " << i;
  }
  EXPECT_EQ(batched.execute_calls, static_cast<int>(cases.size()));

  absl::StatusOr<std::vector<ExecResult>> empty = batched.ExecuteBatch({});
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
}

TEST(ExecutorTest, DefaultExecuteBatchFailsWithTheFirstError) {
  FakeExecutor executor("fake", 0, false);
  std::vector<TestCase> cases = {{Mode::kLong64, {0x01}}, {Mode::kLong64, {0xdd}}};
  absl::StatusOr<std::vector<ExecResult>> results = executor.ExecuteBatch(cases);
  EXPECT_EQ(results.status().code(), absl::StatusCode::kInternal);
  EXPECT_EQ(results.status().message(), "machinery broke");
}

class ExecRunnerBatchTest : public ::testing::Test {
 protected:
  // The same executors twice: one set runs one by one, the other batched.
  struct Set {
    FakeExecutor plain{"plain", 0, false};
    BatchingFakeExecutor batching{"batching", 1, true};
    std::vector<Executor*> views{&plain, &batching};
  };
  TwoByteDecoder decoder_;
  std::vector<const Decoder*> decoders_{&decoder_};
};

TEST_F(ExecRunnerBatchTest, BatchEqualsOneByOne) {
  const std::vector<TestCase> cases = Cases(false);
  Set one_by_one;
  Set batched;
  std::vector<absl::StatusOr<ExecRun>> runs =
      RunExecutionBatch(decoders_, batched.views, cases, {});
  ASSERT_EQ(runs.size(), cases.size());
  for (size_t i = 0; i < cases.size(); ++i) {
    absl::StatusOr<ExecRun> single = RunExecution(decoders_, one_by_one.views, cases[i], {});
    EXPECT_EQ(RunToJson(runs[i]).dump(1), RunToJson(single).dump(1)) << "case " << i;
  }
  // One ExecuteBatch for all the long64 cases that run (3 normal, the invalid one), no fallback.
  EXPECT_EQ(batched.batching.batch_calls, 1);
  EXPECT_EQ(batched.batching.batch_sizes, std::vector<size_t>{4});
  EXPECT_EQ(batched.batching.execute_calls, 4);

  // Spot checks that the runs are what the table's comments say (so equality is not vacuous).
  ASSERT_TRUE(runs[0].ok());
  EXPECT_EQ(runs[0]->executed.code, (std::vector<uint8_t>{0x01, 0x02}));
  ASSERT_EQ(runs[0]->outcomes.size(), 3u);          // decoder, plain, batching
  EXPECT_EQ(runs[0]->exec.divergences.size(), 1u);  // rax differs by the bias
  EXPECT_EQ(runs[0]->undefined_flags, 1u);
  ASSERT_TRUE(runs[2].ok());
  EXPECT_EQ(runs[2]->outcomes.size(), 2u);  // prot32: plain only
  ASSERT_TRUE(runs[3].ok());
  EXPECT_EQ(runs[3]->executed.code.size(), 3u);
  ASSERT_TRUE(runs[4].ok());
  EXPECT_FALSE(runs[4]->not_executed.empty());
  EXPECT_EQ(runs[4]->outcomes.size(), 1u);
  EXPECT_FALSE(runs[5].ok());
  EXPECT_EQ(runs[5].status().message(), "zydis: decoder broke");
}

// A failing ExecuteBatch(), because one case's Execute() fails or the whole batch does: every
// case runs again one by one, the error lands on the case that caused it.
TEST_F(ExecRunnerBatchTest, FailedBatchFallsBackToOneByOne) {
  for (bool whole_batch : {false, true}) {
    SCOPED_TRACE(whole_batch ? "ExecuteBatch fails" : "one case fails");
    const std::vector<TestCase> cases = Cases(!whole_batch);
    Set one_by_one;
    Set batched;
    if (whole_batch) batched.batching.batch_error = absl::UnavailableError("device gone");
    std::vector<absl::StatusOr<ExecRun>> runs =
        RunExecutionBatch(decoders_, batched.views, cases, {});
    ASSERT_EQ(runs.size(), cases.size());
    for (size_t i = 0; i < cases.size(); ++i) {
      absl::StatusOr<ExecRun> single = RunExecution(decoders_, one_by_one.views, cases[i], {});
      EXPECT_EQ(RunToJson(runs[i]).dump(1), RunToJson(single).dump(1)) << "case " << i;
    }
    EXPECT_EQ(batched.batching.batch_calls, 1);
    if (whole_batch) {
      EXPECT_EQ(batched.batching.execute_calls, 4);  // the fallback, once per case
    } else {
      // The default batch ran all 5 and failed on the last; then 5 one by one.
      EXPECT_EQ(batched.batching.execute_calls, 10);
      ASSERT_TRUE(runs.back().ok());
      EXPECT_EQ(runs.back()->executor_errors, 2);
      EXPECT_EQ(runs.back()->outcomes[2].exec->status, ExecStatus::kCrash);
      ASSERT_TRUE(runs[0].ok());
      EXPECT_EQ(runs[0]->executor_errors, 0);
    }
  }
}

TEST_F(ExecRunnerBatchTest, NoCasesNoCalls) {
  Set batched;
  EXPECT_TRUE(RunExecutionBatch(decoders_, batched.views, {}, {}).empty());
  EXPECT_EQ(batched.batching.batch_calls, 0);
}

}  // namespace
}  // namespace x86diff

// UnicornExecutor::Create(): Unicorn's abort()s and hangs become results, and the worker that
// replaces a dead one gives correct answers.
#include <memory>
#include <vector>

#include "adapters/unicorn/unicorn_executor.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "harness/memory_layout.h"

namespace x86diff {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

TestCase Case64(std::vector<uint8_t> code) {
  TestCase test_case;
  test_case.mode = Mode::kLong64;
  test_case.code = std::move(code);
  CpuState state = DefaultInitialState(Mode::kLong64);
  state[Gpr::kRax] = 10;
  state[Gpr::kRbx] = 3;
  test_case.initial_state = state;
  return test_case;
}

ExecResult RunCase(Executor& executor, const TestCase& test_case) {
  absl::StatusOr<ExecResult> result = executor.Execute(test_case);
  EXPECT_TRUE(result.ok()) << result.status();
  return result.ok() ? *result : ExecResult{};
}

// Inputs on which Unicorn 2.0.1 abort()s with "tcg fatal error" (checked on this build):
// call far / jmp far with a register operand, and LOCK on a non-lockable instruction with a
// memory operand ([rax] points into scratch by default). `f0 38 c0` does not abort: it is #UD.
TEST(UnicornContainmentTest, AbortIsACrashAndTheNextCaseWorks) {
  absl::StatusOr<std::unique_ptr<UnicornExecutor>> executor = UnicornExecutor::Create();
  ASSERT_TRUE(executor.ok()) << executor.status();
  UnicornExecutor& unicorn = **executor;
  ASSERT_TRUE(unicorn.contained());
  const TestCase add = Case64({0x48, 0x01, 0xd8});
  EXPECT_EQ(RunCase(unicorn, add).final_state[Gpr::kRax], 13u);

  const std::vector<std::vector<uint8_t>> aborting = {
      {0xff, 0xd8}, {0xff, 0xe8}, {0xf0, 0x38, 0x00}};
  for (const std::vector<uint8_t>& code : aborting) {
    const pid_t before = unicorn.worker()->worker_pid();
    TestCase crash = Case64(code);
    crash.initial_state->gpr[static_cast<int>(Gpr::kRax)] =
        DefaultInitialState(Mode::kLong64)[Gpr::kRax];
    const ExecResult result = RunCase(unicorn, crash);
    EXPECT_EQ(result.status, ExecStatus::kCrash);
    EXPECT_THAT(result.detail, AllOf(HasSubstr("unicorn worker"), HasSubstr("signal 6"),
                                     HasSubstr("tcg fatal error")));
    const ExecResult next = RunCase(unicorn, add);
    EXPECT_EQ(next.status, ExecStatus::kCompleted);
    EXPECT_EQ(next.final_state[Gpr::kRax], 13u);
    EXPECT_NE(unicorn.worker()->worker_pid(), before) << "a fresh worker runs the next case";
  }
}

// The worker's reply timeout backs up the engine's own limits: with the instruction limit out of
// the way, an endless loop is killed and reported as kTimeout.
TEST(UnicornContainmentTest, HangIsATimeoutAndTheNextCaseWorks) {
  UnicornExecutorOptions options;
  options.engine.instruction_limit = uint64_t{1} << 62;
  options.worker.reply_timeout = absl::Milliseconds(300);
  absl::StatusOr<std::unique_ptr<UnicornExecutor>> executor = UnicornExecutor::Create(options);
  ASSERT_TRUE(executor.ok()) << executor.status();
  const ExecResult hang = RunCase(**executor, Case64({0xeb, 0xfe}));
  EXPECT_EQ(hang.status, ExecStatus::kTimeout);
  EXPECT_THAT(hang.detail, HasSubstr("no reply within 300ms"));
  const ExecResult next = RunCase(**executor, Case64({0x48, 0x29, 0xd8}));
  EXPECT_EQ(next.status, ExecStatus::kCompleted);
  EXPECT_EQ(next.final_state[Gpr::kRax], 7u);
  EXPECT_EQ((*executor)->worker()->worker_starts(), 2);
}

TEST(UnicornContainmentTest, OversizedCodeIsRejectedBeforeTheWorker) {
  absl::StatusOr<std::unique_ptr<UnicornExecutor>> executor = UnicornExecutor::Create();
  ASSERT_TRUE(executor.ok()) << executor.status();
  absl::StatusOr<ExecResult> result =
      (*executor)->Execute(Case64(std::vector<uint8_t>(kMaxCodeBytes + 1, 0x90)));
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(RunCase(**executor, Case64({0x90})).status, ExecStatus::kCompleted);
}

TEST(UnicornContainmentTest, ReportsItsIdentity) {
  absl::StatusOr<std::unique_ptr<UnicornExecutor>> executor = UnicornExecutor::Create();
  ASSERT_TRUE(executor.ok()) << executor.status();
  EXPECT_EQ((*executor)->name(), "unicorn");
  EXPECT_EQ((*executor)->provenance(), Provenance::kSoftwareEmulator);
  for (Mode mode : kAllModes) EXPECT_TRUE((*executor)->SupportsMode(mode)) << ModeName(mode);
}

}  // namespace
}  // namespace x86diff

// 100k random 1..15-byte cases through one NativeExecutor: every case gets a result, the parent
// survives whatever the bytes do, and the executor still answers correctly afterwards. Labelled
// "long" in CTest (ctest -LE long skips it).
#include <array>
#include <cstdint>
#include <memory>
#include <random>
#include <vector>

#include "absl/time/clock.h"
#include "adapters/native/native_executor.h"
#include "gtest/gtest.h"
#include "harness/exec_result.h"
#include "harness/memory_layout.h"
#include "harness/test_case.h"

namespace x86diff {
namespace {

TEST(NativeExecutorLongTest, HundredThousandRandomCases) {
  constexpr int kCases = 100000;
  // A short budget: random bytes hang now and then (jmp $, loop with a large rcx).
  absl::StatusOr<std::unique_ptr<NativeExecutor>> executor =
      NativeExecutor::Create({.timeout = absl::Milliseconds(10), .batch_size = 1024});
  ASSERT_TRUE(executor.ok()) << executor.status();

  std::mt19937_64 random(20240611);
  std::vector<TestCase> cases(kCases);
  for (TestCase& test_case : cases) {
    test_case.mode = Mode::kLong64;
    test_case.code.resize(1 + random() % kMaxInstructionBytes);
    for (uint8_t& byte : test_case.code) byte = static_cast<uint8_t>(random());
  }

  const absl::Time start = absl::Now();
  absl::StatusOr<std::vector<ExecResult>> results = (*executor)->ExecuteBatch(cases);
  const absl::Duration elapsed = absl::Now() - start;
  ASSERT_TRUE(results.ok()) << results.status();
  ASSERT_EQ(results->size(), cases.size());

  std::array<int, kExecStatusMaxValue + 1> by_status{};
  for (const ExecResult& result : *results) {
    ASSERT_LE(static_cast<int>(result.status), kExecStatusMaxValue);
    ++by_status[static_cast<int>(result.status)];
    if (result.status == ExecStatus::kCompleted) {
      EXPECT_LE(result.length, kMaxInstructionBytes);
    }
  }
  for (int i = 0; i <= kExecStatusMaxValue; ++i) {
    std::printf("%-12s %6d\n", std::string(ExecStatusName(static_cast<ExecStatus>(i))).c_str(),
                by_status[i]);
  }
  const NativeExecutorStats& stats = (*executor)->stats();
  std::printf("%d cases in %s (%.0f cases/s), %llu children, %llu round trips\n", kCases,
              absl::FormatDuration(elapsed).c_str(), kCases / absl::ToDoubleSeconds(elapsed),
              static_cast<unsigned long long>(stats.children_started),
              static_cast<unsigned long long>(stats.round_trips));
  EXPECT_GT(by_status[static_cast<int>(ExecStatus::kCompleted)], 0);
  EXPECT_GT(by_status[static_cast<int>(ExecStatus::kFault)], 0);
  EXPECT_EQ(by_status[static_cast<int>(ExecStatus::kUnsupported)], 0);

  // Still correct afterwards: 48 01 d8  add rax, rbx.
  TestCase add;
  add.code = {0x48, 0x01, 0xd8};
  CpuState state = DefaultInitialState(Mode::kLong64);
  state[Gpr::kRax] = 40;
  state[Gpr::kRbx] = 2;
  add.initial_state = state;
  absl::StatusOr<ExecResult> after = (*executor)->Execute(add);
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(after->status, ExecStatus::kCompleted) << after->detail;
  EXPECT_EQ(after->final_state[Gpr::kRax], 42u);
}

}  // namespace
}  // namespace x86diff

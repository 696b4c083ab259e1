// NativeExecutor: every case starts from the same vector state (x86diff_restore_clean_fp in
// native_stubs.S), one by one and batched: after a case that dirties x87 (a push, FCW), MXCSR,
// XMM/YMM and opmask registers, a case that stores them sees FCW 0x037f, FSW 0, all tags empty,
// MXCSR 0x1f80 and zero registers (tests/test_support/vector_state_checks.h, shared with KVM).
#include <memory>
#include <vector>

#include "adapters/native/native_executor.h"
#include "gtest/gtest.h"
#include "tests/test_support/vector_state_checks.h"

namespace x86diff {
namespace {

using test_support::ExpectVectorInitValues;
using test_support::VectorStateSequence;

constexpr Mode kMode = Mode::kLong64;

TEST(NativeVectorStateTest, EveryCaseStartsFromTheInitState) {
  absl::StatusOr<std::unique_ptr<NativeExecutor>> executor = NativeExecutor::Create();
  ASSERT_TRUE(executor.ok()) << executor.status();
  const std::vector<TestCase> cases = VectorStateSequence(kMode);
  std::vector<ExecResult> one_by_one;
  for (const TestCase& c : cases) {
    absl::StatusOr<ExecResult> result = (*executor)->Execute(c);
    ASSERT_TRUE(result.ok()) << result.status();
    one_by_one.push_back(*std::move(result));
  }
  ExpectVectorInitValues(kMode, cases, one_by_one, "one-by-one");
  absl::StatusOr<std::vector<ExecResult>> batched = (*executor)->ExecuteBatch(cases);
  ASSERT_TRUE(batched.ok()) << batched.status();
  ExpectVectorInitValues(kMode, cases, *batched, "batched");
}

}  // namespace
}  // namespace x86diff

// Every case starts from the same vector state (kvm/vector_reset.h), one by one and in the batch
// runner: after a case that dirties x87 (a push, FCW), MXCSR, XMM/YMM and opmask registers, a
// case that stores them to scratch sees the init values (FCW 0x037f, FSW 0, all tags empty,
// MXCSR 0x1f80, zero registers). Skips when /dev/kvm is absent; tests/kvm/run-nested runs it.
#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "harness/memory_layout.h"
#include "kvm/kvm_executor.h"
#include "tests/test_support/vector_state_checks.h"

namespace x86diff::kvm {
namespace {

using test_support::ExpectVectorInitValues;
using test_support::VectorStateSequence;

constexpr Mode kModes[] = {Mode::kProt32, Mode::kCompat32, Mode::kLong64};

class KvmVectorStateTest : public testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<KvmExecutor>> created = KvmExecutor::Create();
    if (!created.ok()) GTEST_SKIP() << "no usable KVM: " << created.status();
    executor_ = *std::move(created);
  }
  std::unique_ptr<KvmExecutor> executor_;
};

TEST_F(KvmVectorStateTest, EveryCaseStartsFromTheInitStateOneByOne) {
  for (Mode mode : kModes) {
    const std::vector<TestCase> cases = VectorStateSequence(mode);
    std::vector<ExecResult> results;
    for (const TestCase& c : cases) {
      absl::StatusOr<ExecResult> result = executor_->Execute(c);
      ASSERT_TRUE(result.ok()) << result.status();
      results.push_back(*std::move(result));
    }
    ExpectVectorInitValues(mode, cases, results, "one-by-one");
  }
}

TEST_F(KvmVectorStateTest, EveryCaseStartsFromTheInitStateBatched) {
  for (Mode mode : kModes) {
    const std::vector<TestCase> cases = VectorStateSequence(mode);
    const KvmExecutorStats before = executor_->stats();
    absl::StatusOr<std::vector<ExecResult>> results = executor_->ExecuteBatch(cases);
    ASSERT_TRUE(results.ok()) << results.status();
    EXPECT_EQ(executor_->stats().batched_cases - before.batched_cases, cases.size())
        << ModeName(mode) << ": the runner must run them all";
    ExpectVectorInitValues(mode, cases, *results, "batched");
  }
}

}  // namespace
}  // namespace x86diff::kvm

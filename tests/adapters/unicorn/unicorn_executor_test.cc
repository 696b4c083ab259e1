#include "adapters/unicorn/unicorn_executor.h"

#include <cctype>
#include <memory>
#include <string>
#include <vector>

#include "harness/memory_diff.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "harness/memory_layout.h"
#include "tests/adapters/unicorn/unicorn_case_table.h"

namespace x86diff {
namespace {

using ::testing::HasSubstr;

// One in-process and one contained executor for the whole suite (engines are built once).
class UnicornExecutorTest : public ::testing::TestWithParam<UnicornRow> {
 protected:
  static void SetUpTestSuite() {
    absl::StatusOr<std::unique_ptr<UnicornExecutor>> in_process =
        UnicornExecutor::CreateInProcess();
    ASSERT_TRUE(in_process.ok()) << in_process.status();
    in_process_ = in_process->release();
    absl::StatusOr<std::unique_ptr<UnicornExecutor>> contained = UnicornExecutor::Create();
    ASSERT_TRUE(contained.ok()) << contained.status();
    contained_ = contained->release();
  }
  static void TearDownTestSuite() {
    delete in_process_;
    delete contained_;
  }

  static UnicornExecutor* in_process_;
  static UnicornExecutor* contained_;
};
UnicornExecutor* UnicornExecutorTest::in_process_ = nullptr;
UnicornExecutor* UnicornExecutorTest::contained_ = nullptr;

void ExpectRow(const UnicornRow& row, const ExecResult& result) {
  const MemoryLayout& layout = LayoutFor(row.mode);
  SCOPED_TRACE(result.detail);
  ASSERT_EQ(ExecStatusName(result.status), ExecStatusName(row.status));
  if (row.status == ExecStatus::kFault) {
    EXPECT_EQ(VectorName(result.vector), VectorName(row.vector));
    EXPECT_EQ(result.has_error_code, row.error_code.has_value());
    if (row.error_code) EXPECT_EQ(result.error_code, *row.error_code);
    EXPECT_EQ(result.has_fault_address, row.fault_address.has_value());
    if (row.fault_address) EXPECT_EQ(result.fault_address, *row.fault_address);
  }
  EXPECT_EQ(ImpreciseFieldNames(result.imprecise), ImpreciseFieldNames(row.imprecise));
  if (row.status == ExecStatus::kCompleted) {
    EXPECT_EQ(result.length, row.code.size());
    EXPECT_EQ(result.final_state.rip, layout.code_address + row.code.size());
  }
  if (row.rip_offset) EXPECT_EQ(result.final_state.rip, layout.code_address + *row.rip_offset);
  for (const auto& [gpr, value] : row.final_registers) {
    EXPECT_EQ(result.final_state[gpr], value) << GprName(gpr);
  }
  if (row.arithmetic_flags) {
    EXPECT_EQ(result.final_state.rflags & kRflagsArithmetic, *row.arithmetic_flags);
  }
  const std::vector<uint8_t> before = DefaultScratchContents(row.mode);
  std::vector<uint8_t> after = before;
  for (const auto& [address, bytes] : row.writes) {
    std::copy(bytes.begin(), bytes.end(), after.begin() + (address - layout.scratch_address));
  }
  EXPECT_EQ(result.memory_changes, DiffMemory(layout.scratch_address, before, after));
}

TEST_P(UnicornExecutorTest, InProcess) {
  absl::StatusOr<ExecResult> result = in_process_->Execute(RowTestCase(GetParam()));
  ASSERT_TRUE(result.ok()) << result.status();
  ExpectRow(GetParam(), *result);
}

TEST_P(UnicornExecutorTest, Contained) {
  absl::StatusOr<ExecResult> result = contained_->Execute(RowTestCase(GetParam()));
  ASSERT_TRUE(result.ok()) << result.status();
  ExpectRow(GetParam(), *result);
}

std::string RowName(const ::testing::TestParamInfo<UnicornRow>& info) {
  std::string name;
  for (char c : info.param.name) name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return absl::StrCat(info.index, "_", name);
}

INSTANTIATE_TEST_SUITE_P(Table, UnicornExecutorTest, ::testing::ValuesIn(UnicornRows()), RowName);

TestCase Case64(std::vector<uint8_t> code, RegisterValues registers = {}) {
  return RowTestCase({.name = "",
                      .mode = Mode::kLong64,
                      .code = std::move(code),
                      .registers = std::move(registers),
                      .status = ExecStatus::kCompleted});
}

class UnicornEngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<UnicornExecutor>> executor = UnicornExecutor::CreateInProcess();
    ASSERT_TRUE(executor.ok()) << executor.status();
    executor_ = std::move(executor).value();
  }

  ExecResult Run(const TestCase& test_case) {
    absl::StatusOr<ExecResult> result = executor_->Execute(test_case);
    EXPECT_TRUE(result.ok()) << result.status();
    return result.ok() ? *result : ExecResult{};
  }

  std::unique_ptr<UnicornExecutor> executor_;
};

// Different code at the same address in consecutive cases: the second must not run the first's
// cached translation (FACTS.md: uc_ctl_remove_cache after every code write).
TEST_F(UnicornEngineTest, NewCodeAtTheSameAddressRunsTheNewCode) {
  const RegisterValues registers = {{Gpr::kRax, 10}, {Gpr::kRbx, 3}};
  EXPECT_EQ(Run(Case64({0x48, 0x01, 0xd8}, registers)).final_state[Gpr::kRax], 13u);  // add
  EXPECT_EQ(Run(Case64({0x48, 0x29, 0xd8}, registers)).final_state[Gpr::kRax], 7u);   // sub
  EXPECT_EQ(Run(Case64({0x48, 0x01, 0xd8}, registers)).final_state[Gpr::kRax], 13u);
  // A shorter code after a longer one: the old tail must not survive behind the new code.
  EXPECT_EQ(Run(Case64({0x90, 0x90, 0x48, 0xff, 0xc0}, registers)).final_state[Gpr::kRax], 11u);
  const ExecResult shorter = Run(Case64({0x90}, registers));
  EXPECT_EQ(shorter.status, ExecStatus::kCompleted);
  EXPECT_EQ(shorter.final_state[Gpr::kRax], 10u);
}

// Unicorn never delivers the exceptions it reports, so without a full state restore a reused
// engine turns the next #DE into #DF and then stops reporting #UD at all (measured on 2.0.1).
TEST_F(UnicornEngineTest, ExceptionStateDoesNotLeakIntoTheNextCase) {
  const TestCase divide = Case64({0x90, 0x48, 0xf7, 0xf1}, {{Gpr::kRcx, 0}});
  for (int i = 0; i < 3; ++i) {
    const ExecResult result = Run(divide);
    EXPECT_EQ(result.status, ExecStatus::kFault);
    EXPECT_EQ(VectorName(result.vector), "#DE") << "run " << i;
    EXPECT_EQ(result.imprecise, 0u);
  }
  const ExecResult ud2 = Run(Case64({0x0f, 0x0b}));
  EXPECT_EQ(ud2.status, ExecStatus::kFault);
  EXPECT_EQ(VectorName(ud2.vector), "#UD");
}

TEST_F(UnicornEngineTest, SyscallAtTheStartReportsItsLength) {
  const ExecResult result = Run(Case64({0x0f, 0x05}));
  EXPECT_EQ(result.status, ExecStatus::kSyscall);
  EXPECT_EQ(result.length, 2);
  EXPECT_EQ(result.final_state.rip, LayoutFor(Mode::kLong64).code_address + 2);
}

TEST_F(UnicornEngineTest, NonCanonicalAddressIsDeclaredImprecise) {
  const ExecResult result = Run(Case64({0x48, 0x8b, 0x00}, {{Gpr::kRax, 0x8000000000000000}}));
  SCOPED_TRACE(result.detail);
  ASSERT_EQ(result.status, ExecStatus::kFault);
  EXPECT_EQ(result.imprecise & (kImpreciseVector | kImpreciseErrorCode | kImpreciseFaultAddress),
            kImpreciseVector | kImpreciseErrorCode | kImpreciseFaultAddress);
}

TEST_F(UnicornEngineTest, RejectsOversizedCode) {
  absl::StatusOr<ExecResult> result =
      executor_->Execute(Case64(std::vector<uint8_t>(kMaxCodeBytes + 1, 0x90)));
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(UnicornEngineOptionsTest, InstructionLimitEndsLongRunsAsTimeout) {
  // 16 nops under a limit of 8 instructions.
  absl::StatusOr<std::unique_ptr<UnicornExecutor>> executor =
      UnicornExecutor::CreateInProcess({.instruction_limit = 8});
  ASSERT_TRUE(executor.ok()) << executor.status();
  absl::StatusOr<ExecResult> result = (*executor)->Execute(Case64(std::vector<uint8_t>(16, 0x90)));
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->status, ExecStatus::kTimeout);
  EXPECT_THAT(result->detail, HasSubstr("limit of 8 instructions"));
  result = (*executor)->Execute(Case64(std::vector<uint8_t>(4, 0x90)));
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->status, ExecStatus::kCompleted);
}

// Re-opening the engine every few runs (to bound Unicorn's memory) must not change any result.
TEST(UnicornEngineOptionsTest, ReopenedEnginesGiveTheSameResults) {
  absl::StatusOr<std::unique_ptr<UnicornExecutor>> reference = UnicornExecutor::CreateInProcess();
  ASSERT_TRUE(reference.ok()) << reference.status();
  absl::StatusOr<std::unique_ptr<UnicornExecutor>> reopening =
      UnicornExecutor::CreateInProcess({.runs_per_engine = 2});
  ASSERT_TRUE(reopening.ok()) << reopening.status();
  for (const UnicornRow& row : UnicornRows()) {
    SCOPED_TRACE(row.name);
    absl::StatusOr<ExecResult> want = (*reference)->Execute(RowTestCase(row));
    absl::StatusOr<ExecResult> got = (*reopening)->Execute(RowTestCase(row));
    ASSERT_TRUE(want.ok() && got.ok());
    EXPECT_EQ(got->status, want->status);
    EXPECT_EQ(got->vector, want->vector);
    EXPECT_EQ(got->final_state, want->final_state);
    EXPECT_EQ(got->memory_changes, want->memory_changes);
  }
}

}  // namespace
}  // namespace x86diff

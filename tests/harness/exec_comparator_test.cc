#include "harness/exec_comparator.h"

#include "gtest/gtest.h"

namespace x86diff {
namespace {

Outcome Exec(const char* target, ExecResult result) {
  Outcome outcome;
  outcome.target = target;
  outcome.provenance = Provenance::kHardware;
  outcome.exec = std::move(result);
  return outcome;
}

ExecResult Completed(uint64_t rax, uint64_t rflags) {
  ExecResult result;
  result.status = ExecStatus::kCompleted;
  result.final_state.gpr[0] = rax;
  result.final_state.rflags = rflags;
  return result;
}

ExecResult Fault(uint8_t vector, uint32_t imprecise = 0) {
  ExecResult result;
  result.status = ExecStatus::kFault;
  result.vector = vector;
  result.imprecise = imprecise;
  return result;
}

const TestCase kMul{Mode::kLong64, {0x48, 0xf7, 0xe3}};  // mul rbx

std::vector<std::string> Fields(const ExecComparison& comparison) {
  std::vector<std::string> fields;
  for (const Divergence& d : comparison.divergences) {
    fields.push_back(std::string(DivergenceKindName(d.kind)) + " " + d.fields);
  }
  return fields;
}

TEST(ExecComparatorTest, IdenticalResultsAgree) {
  std::vector<Outcome> outcomes = {Exec("native", Completed(5, 0x202)),
                                   Exec("unicorn", Completed(5, 0x202))};
  EXPECT_TRUE(CompareExecutions(kMul, outcomes, 0).divergences.empty());
}

TEST(ExecComparatorTest, RegisterFlagAndMemoryDifferencesAreSeparateDivergences) {
  ExecResult a = Completed(5, 0x202 | kRflagsCF);
  ExecResult b = Completed(6, 0x202 | kRflagsOF);
  b.final_state.gpr[2] = 1;
  b.memory_changes = {{0x10010000, {1}, {2}}};
  std::vector<Outcome> outcomes = {Exec("unicorn", b), Exec("native", a)};
  ExecComparison comparison = CompareExecutions(kMul, outcomes, 0);
  EXPECT_EQ(Fields(comparison), (std::vector<std::string>{"register rax,rdx", "flags flags:cf,of",
                                                          "memory memory"}));
  EXPECT_EQ(comparison.divergences[0].targets, (std::vector<std::string>{"native", "unicorn"}));
}

TEST(ExecComparatorTest, UndefinedFlagsAreMaskedSoMulDoesNotFalselyDiverge) {
  // MUL leaves SF, ZF, AF and PF undefined (SDM Vol. 2 MUL): CPUs and emulators differ there.
  const uint64_t undefined = kRflagsSF | kRflagsZF | kRflagsAF | kRflagsPF;
  std::vector<Outcome> outcomes = {Exec("native", Completed(5, 0x202 | kRflagsZF | kRflagsPF)),
                                   Exec("unicorn", Completed(5, 0x202 | kRflagsSF))};
  EXPECT_TRUE(CompareExecutions(kMul, outcomes, undefined).divergences.empty());
  EXPECT_EQ(CompareExecutions(kMul, outcomes, 0).divergences.size(), 1u);
}

TEST(ExecComparatorTest, DifferentOutcomeKinds) {
  ExecResult crash;
  crash.status = ExecStatus::kCrash;
  ExecResult timeout;
  timeout.status = ExecStatus::kTimeout;
  struct Row {
    ExecResult a, b;
    const char* expected;
  };
  for (const Row& row : {Row{Fault(kVectorUD), Completed(0, 2), "fault native=#UD,unicorn=completed"},
                         Row{Fault(kVectorDE), Fault(kVectorGP), "fault native=#DE,unicorn=#GP"},
                         Row{Completed(0, 2), crash, "crash native=completed,unicorn=crash"},
                         Row{timeout, Completed(0, 2), "timeout native=timeout,unicorn=completed"}}) {
    std::vector<Outcome> outcomes = {Exec("native", row.a), Exec("unicorn", row.b)};
    EXPECT_EQ(Fields(CompareExecutions(kMul, outcomes, 0)),
              (std::vector<std::string>{row.expected}));
  }
}

TEST(ExecComparatorTest, ImpreciseVectorIsMaskedAndReported) {
  std::vector<Outcome> outcomes = {Exec("native", Fault(kVectorDE)),
                                   Exec("unicorn", Fault(kVectorDF, kImpreciseVector))};
  ExecComparison comparison = CompareExecutions(kMul, outcomes, 0);
  EXPECT_TRUE(comparison.divergences.empty());
  EXPECT_EQ(comparison.masked, (std::vector<std::string>{"unicorn:vector"}));
}

TEST(ExecComparatorTest, FaultDetailsCompareWhenBothReportThem) {
  ExecResult a = Fault(kVectorPF);
  a.has_error_code = a.has_fault_address = true;
  a.error_code = 4;
  a.fault_address = 0x1000;
  ExecResult b = a;
  b.error_code = 6;
  std::vector<Outcome> outcomes = {Exec("native", a), Exec("unicorn", b)};
  EXPECT_EQ(Fields(CompareExecutions(kMul, outcomes, 0)),
            (std::vector<std::string>{"fault #PF:error-code"}));
  b.has_error_code = false;  // not reported by one side: nothing to compare
  outcomes[1] = Exec("unicorn", b);
  EXPECT_TRUE(CompareExecutions(kMul, outcomes, 0).divergences.empty());
}

TEST(ExecComparatorTest, UnsupportedAndDecoderOutcomesAreLeftOut) {
  ExecResult unsupported;
  unsupported.status = ExecStatus::kUnsupported;
  Outcome decoder;
  decoder.target = "zydis";
  std::vector<Outcome> outcomes = {Exec("native", Completed(1, 2)), Exec("plugin", unsupported),
                                   decoder};
  EXPECT_TRUE(CompareExecutions(kMul, outcomes, 0).divergences.empty());
}

}  // namespace
}  // namespace x86diff

#include "harness/exec_comparator.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "harness/instruction_shape.h"

namespace x86diff {

namespace {

struct Pair {
  const Outcome& first;  // targets in name order, so (a, b) and (b, a) share a signature
  const Outcome& second;
  const ExecResult& a;
  const ExecResult& b;
};

std::string StatusView(const ExecResult& result) {
  if (result.status == ExecStatus::kFault) return VectorName(result.vector);
  return std::string(ExecStatusName(result.status));
}

std::string FlagNames(uint64_t flags) {
  static constexpr std::pair<uint64_t, const char*> kNames[] = {
      {kRflagsCF, "cf"}, {kRflagsPF, "pf"}, {kRflagsAF, "af"}, {kRflagsZF, "zf"},
      {kRflagsSF, "sf"}, {kRflagsDF, "df"}, {kRflagsOF, "of"},
  };
  std::vector<const char*> names;
  for (const auto& [bit, name] : kNames) {
    if (flags & bit) names.push_back(name);
  }
  return absl::StrJoin(names, ",");
}

class PairComparer {
 public:
  PairComparer(const TestCase& test_case, const Pair& pair, uint64_t undefined_flags,
               std::string& opcode_class, ExecComparison& out)
      : test_case_(test_case),
        pair_(pair),
        undefined_flags_(undefined_flags),
        opcode_class_(opcode_class),
        out_(out) {}

  void Run() {
    const ExecResult& a = pair_.a;
    const ExecResult& b = pair_.b;
    if (a.status != b.status) {
      DivergenceKind kind = DivergenceKind::kFault;
      for (ExecStatus status : {ExecStatus::kCrash, ExecStatus::kTimeout}) {
        if (a.status == status || b.status == status) {
          kind = status == ExecStatus::kCrash ? DivergenceKind::kCrash : DivergenceKind::kTimeout;
          break;
        }
      }
      if (a.status == ExecStatus::kFault && (a.imprecise & kImpreciseVector)) Mask(pair_.first, "vector");
      if (b.status == ExecStatus::kFault && (b.imprecise & kImpreciseVector)) Mask(pair_.second, "vector");
      Add(kind, absl::StrCat(pair_.first.target, "=", StatusView(a), ",", pair_.second.target, "=",
                             StatusView(b)));
      return;
    }
    if (a.status == ExecStatus::kCrash || a.status == ExecStatus::kTimeout) return;
    if (a.status == ExecStatus::kFault && !CompareFault()) return;
    CompareRegisters();
    CompareFlags();
    CompareMemory();
  }

 private:
  // True when the state at the fault is comparable (same vector).
  bool CompareFault() {
    const ExecResult& a = pair_.a;
    const ExecResult& b = pair_.b;
    if (a.vector != b.vector) {
      if (Imprecise(kImpreciseVector, "vector")) return false;
      Add(DivergenceKind::kFault, absl::StrCat(pair_.first.target, "=", VectorName(a.vector), ",",
                                               pair_.second.target, "=", VectorName(b.vector)));
      return false;
    }
    std::vector<std::string> fields;
    if (a.has_error_code && b.has_error_code && a.error_code != b.error_code &&
        !Imprecise(kImpreciseErrorCode, "error-code")) {
      fields.push_back("error-code");
    }
    if (a.has_fault_address && b.has_fault_address && a.fault_address != b.fault_address &&
        !Imprecise(kImpreciseFaultAddress, "fault-address")) {
      fields.push_back("fault-address");
    }
    if (!fields.empty()) {
      Add(DivergenceKind::kFault, absl::StrCat(VectorName(a.vector), ":", absl::StrJoin(fields, ",")));
    }
    return true;
  }

  void CompareRegisters() {
    if (Imprecise(kImpreciseRegisters, "registers")) return;
    std::vector<absl::string_view> differing;
    for (int i = 0; i < kGprCount; ++i) {
      if (pair_.a.final_state.gpr[i] != pair_.b.final_state.gpr[i]) differing.push_back(kGprNames[i]);
    }
    if (pair_.a.final_state.rip != pair_.b.final_state.rip) differing.push_back("rip");
    if (!differing.empty()) Add(DivergenceKind::kRegister, absl::StrJoin(differing, ","));
  }

  void CompareFlags() {
    if (Imprecise(kImpreciseRegisters, "flags")) return;
    const uint64_t compared = kRflagsControllable & ~undefined_flags_;
    const uint64_t differing = (pair_.a.final_state.rflags ^ pair_.b.final_state.rflags) & compared;
    if (differing != 0) Add(DivergenceKind::kFlags, absl::StrCat("flags:", FlagNames(differing)));
  }

  void CompareMemory() {
    if (Imprecise(kImpreciseMemory, "memory")) return;
    if (pair_.a.memory_changes != pair_.b.memory_changes) Add(DivergenceKind::kMemory, "memory");
  }

  // Whether either side declared `bit` imprecise; records the mask when so.
  bool Imprecise(uint32_t bit, absl::string_view field) {
    bool masked = false;
    if (pair_.a.imprecise & bit) {
      Mask(pair_.first, field);
      masked = true;
    }
    if (pair_.b.imprecise & bit) {
      Mask(pair_.second, field);
      masked = true;
    }
    return masked;
  }

  void Mask(const Outcome& outcome, absl::string_view field) {
    out_.masked.push_back(absl::StrCat(outcome.target, ":", field));
  }

  void Add(DivergenceKind kind, std::string fields) {
    if (opcode_class_.empty()) {
      opcode_class_ = OpcodeClass(ReadInstructionShape(test_case_.mode, test_case_.code));
    }
    Divergence divergence;
    divergence.kind = kind;
    divergence.targets = {pair_.first.target, pair_.second.target};
    divergence.mode = test_case_.mode;
    divergence.opcode_class = opcode_class_;
    divergence.fields = std::move(fields);
    divergence.signature = MakeSignature(kind, divergence.targets, divergence.mode,
                                         divergence.opcode_class, divergence.fields);
    out_.divergences.push_back(std::move(divergence));
  }

  const TestCase& test_case_;
  const Pair& pair_;
  const uint64_t undefined_flags_;
  std::string& opcode_class_;
  ExecComparison& out_;
};

bool Comparable(const Outcome& outcome) {
  return outcome.exec.has_value() && outcome.exec->status != ExecStatus::kUnsupported;
}

}  // namespace

ExecComparison CompareExecutions(const TestCase& test_case, absl::Span<const Outcome> outcomes,
                                 uint64_t undefined_flags) {
  ExecComparison comparison;
  std::string opcode_class;
  for (size_t i = 0; i < outcomes.size(); ++i) {
    if (!Comparable(outcomes[i])) continue;
    for (size_t j = i + 1; j < outcomes.size(); ++j) {
      if (!Comparable(outcomes[j])) continue;
      const Outcome* first = &outcomes[i];
      const Outcome* second = &outcomes[j];
      if (second->target < first->target) std::swap(first, second);
      const Pair pair{*first, *second, *first->exec, *second->exec};
      PairComparer(test_case, pair, undefined_flags, opcode_class, comparison).Run();
    }
  }
  return comparison;
}

}  // namespace x86diff

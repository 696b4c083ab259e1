#include "harness/exec_result.h"

#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace x86diff {

absl::string_view ExecStatusName(ExecStatus status) {
  switch (status) {
    case ExecStatus::kCompleted: return "completed";
    case ExecStatus::kFault: return "fault";
    case ExecStatus::kSyscall: return "syscall";
    case ExecStatus::kTimeout: return "timeout";
    case ExecStatus::kCrash: return "crash";
    case ExecStatus::kUnsupported: return "unsupported";
  }
  return "invalid";
}

std::string VectorName(uint8_t vector) {
  static constexpr std::pair<uint8_t, const char*> kNames[] = {
      {kVectorDE, "#DE"}, {kVectorDB, "#DB"}, {2, "NMI"},        {kVectorBP, "#BP"},
      {kVectorOF, "#OF"}, {kVectorBR, "#BR"}, {kVectorUD, "#UD"}, {kVectorNM, "#NM"},
      {kVectorDF, "#DF"}, {kVectorTS, "#TS"}, {kVectorNP, "#NP"}, {kVectorSS, "#SS"},
      {kVectorGP, "#GP"}, {kVectorPF, "#PF"}, {kVectorMF, "#MF"}, {kVectorAC, "#AC"},
      {kVectorMC, "#MC"}, {kVectorXM, "#XM"}, {20, "#VE"},       {21, "#CP"},
  };
  for (const auto& [number, name] : kNames) {
    if (number == vector) return name;
  }
  return absl::StrCat("vector ", vector);
}

bool VectorPushesErrorCode(uint8_t vector) {
  switch (vector) {
    case kVectorDF:
    case kVectorTS:
    case kVectorNP:
    case kVectorSS:
    case kVectorGP:
    case kVectorPF:
    case kVectorAC:
    case 21:  // #CP
    case 29:  // #VC
    case 30:  // #SX
      return true;
    default:
      return false;
  }
}

std::string ImpreciseFieldNames(uint32_t fields) {
  static constexpr std::pair<uint32_t, const char*> kNames[] = {
      {kImpreciseVector, "vector"},       {kImpreciseErrorCode, "error-code"},
      {kImpreciseFaultAddress, "fault-address"}, {kImpreciseLength, "length"},
      {kImpreciseRegisters, "registers"}, {kImpreciseMemory, "memory"},
  };
  std::vector<const char*> names;
  for (const auto& [bit, name] : kNames) {
    if (fields & bit) names.push_back(name);
  }
  return absl::StrJoin(names, ",");
}

}  // namespace x86diff

// ExecResult: what an executor (CPU, KVM, emulator, plugin) did with a test case.
#ifndef X86DIFF_HARNESS_EXEC_RESULT_H_
#define X86DIFF_HARNESS_EXEC_RESULT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "harness/cpu_state.h"

namespace x86diff {

enum class ExecStatus : uint8_t {
  kCompleted,    // ran off the end of the code normally (RIP = code end)
  kFault,        // an exception: see vector, error code, fault address
  kSyscall,      // the code tried to enter the kernel (syscall, sysenter, int 0x80): not executed
  kTimeout,      // did not finish within the instruction or time budget
  kCrash,        // the target itself died (emulator abort, plugin segfault)
  kUnsupported,  // the target cannot run this case (mode, instruction class) and says so
};
inline constexpr int kExecStatusMaxValue = static_cast<int>(ExecStatus::kUnsupported);
absl::string_view ExecStatusName(ExecStatus status);

// Exception vectors (SDM Vol. 3 Table 6-1).
enum Vector : uint8_t {
  kVectorDE = 0,
  kVectorDB = 1,
  kVectorBP = 3,
  kVectorOF = 4,
  kVectorBR = 5,
  kVectorUD = 6,
  kVectorNM = 7,
  kVectorDF = 8,
  kVectorTS = 10,
  kVectorNP = 11,
  kVectorSS = 12,
  kVectorGP = 13,
  kVectorPF = 14,
  kVectorMF = 16,
  kVectorAC = 17,
  kVectorMC = 18,
  kVectorXM = 19,
};
// "#PF", "#GP", ...; "vector 42" for others.
std::string VectorName(uint8_t vector);
// Whether the CPU pushes an error code for this exception (SDM Vol. 3 Table 6-1).
bool VectorPushesErrorCode(uint8_t vector);

// Fields a backend reports but cannot be trusted on (declared by the backend, per result), so that
// the comparator masks them explicitly instead of silently skipping them.
enum ImpreciseField : uint32_t {
  kImpreciseVector = 1u << 0,       // e.g. Unicorn's lossy exception reporting
  kImpreciseErrorCode = 1u << 1,
  kImpreciseFaultAddress = 1u << 2,
  kImpreciseLength = 1u << 3,
  kImpreciseRegisters = 1u << 4,
  kImpreciseMemory = 1u << 5,
};
std::string ImpreciseFieldNames(uint32_t fields);

struct MemoryChange {
  uint64_t address = 0;
  std::vector<uint8_t> before;
  std::vector<uint8_t> after;
  friend bool operator==(const MemoryChange&, const MemoryChange&) = default;
};

struct ExecResult {
  ExecStatus status = ExecStatus::kCompleted;
  // kFault only.
  uint8_t vector = 0;
  bool has_error_code = false;
  uint64_t error_code = 0;
  bool has_fault_address = false;  // #PF: CR2 / si_addr
  uint64_t fault_address = 0;
  // Length of the first instruction as observed (RIP delta, or page-boundary probing for a
  // faulting one); 0 when unknown.
  uint8_t length = 0;
  // Registers at the end (kCompleted) or at the faulting instruction (kFault).
  CpuState final_state;
  // Scratch bytes that differ from the initial contents, as maximal runs.
  std::vector<MemoryChange> memory_changes;
  uint32_t imprecise = 0;  // ImpreciseField set
  // Human-readable detail (crash reason, kernel signal info); never compared.
  std::string detail;
};

}  // namespace x86diff

#endif  // X86DIFF_HARNESS_EXEC_RESULT_H_

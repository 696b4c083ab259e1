// Architectural register state that test cases start from and executors report.
#ifndef X86DIFF_HARNESS_CPU_STATE_H_
#define X86DIFF_HARNESS_CPU_STATE_H_

#include <array>
#include <cstdint>

#include "absl/strings/string_view.h"

namespace x86diff {

// The one register list: comparator, printers, serializers and tests iterate it, so no register
// can be left out silently. Order = x86 register number (ModRM/REX encoding order).
#define X86DIFF_FOR_EACH_GPR(X) \
  X(Rax, "rax")                 \
  X(Rcx, "rcx")                 \
  X(Rdx, "rdx")                 \
  X(Rbx, "rbx")                 \
  X(Rsp, "rsp")                 \
  X(Rbp, "rbp")                 \
  X(Rsi, "rsi")                 \
  X(Rdi, "rdi")                 \
  X(R8, "r8")                   \
  X(R9, "r9")                   \
  X(R10, "r10")                 \
  X(R11, "r11")                 \
  X(R12, "r12")                 \
  X(R13, "r13")                 \
  X(R14, "r14")                 \
  X(R15, "r15")

enum class Gpr : uint8_t {
#define X86DIFF_GPR_ENUM(name, text) k##name,
  X86DIFF_FOR_EACH_GPR(X86DIFF_GPR_ENUM)
#undef X86DIFF_GPR_ENUM
};
inline constexpr int kGprCount = 16;
inline constexpr std::array<absl::string_view, kGprCount> kGprNames = {
#define X86DIFF_GPR_NAME(name, text) text,
    X86DIFF_FOR_EACH_GPR(X86DIFF_GPR_NAME)
#undef X86DIFF_GPR_NAME
};
inline absl::string_view GprName(Gpr gpr) { return kGprNames[static_cast<int>(gpr)]; }

// RFLAGS bits a ring-3 test case may set and every executor reports: the arithmetic flags and DF.
// (TF would single-step, IF/IOPL/AC/ID are not under the case's control in every executor.)
inline constexpr uint64_t kRflagsCF = 1u << 0;
inline constexpr uint64_t kRflagsReserved1 = 1u << 1;  // always reads as 1
inline constexpr uint64_t kRflagsPF = 1u << 2;
inline constexpr uint64_t kRflagsAF = 1u << 4;
inline constexpr uint64_t kRflagsZF = 1u << 6;
inline constexpr uint64_t kRflagsSF = 1u << 7;
inline constexpr uint64_t kRflagsTF = 1u << 8;
inline constexpr uint64_t kRflagsIF = 1u << 9;
inline constexpr uint64_t kRflagsDF = 1u << 10;
inline constexpr uint64_t kRflagsOF = 1u << 11;
inline constexpr uint64_t kRflagsArithmetic =
    kRflagsCF | kRflagsPF | kRflagsAF | kRflagsZF | kRflagsSF | kRflagsOF;
inline constexpr uint64_t kRflagsControllable = kRflagsArithmetic | kRflagsDF;

struct CpuState {
  std::array<uint64_t, kGprCount> gpr{};
  uint64_t rflags = kRflagsReserved1;
  // Address of the next instruction (final state) or of the code (initial state: ignored, the
  // executor places the code at the layout's code address).
  uint64_t rip = 0;

  uint64_t& operator[](Gpr gpr_index) { return gpr[static_cast<int>(gpr_index)]; }
  uint64_t operator[](Gpr gpr_index) const { return gpr[static_cast<int>(gpr_index)]; }
  friend bool operator==(const CpuState&, const CpuState&) = default;
};

}  // namespace x86diff

#endif  // X86DIFF_HARNESS_CPU_STATE_H_

// How a protected-mode case's end (its exception frame in ring 0) becomes an ExecResult. Shared
// by one-by-one execution (frame read from the ring-0 stack at the `hlt` stub) and the batch
// runner (frame copied into the case's record), so that both report exactly the same thing.
#ifndef X86DIFF_KVM_CASE_END_H_
#define X86DIFF_KVM_CASE_END_H_

#include <cstdint>

#include "absl/types/span.h"
#include "harness/cpu_state.h"
#include "harness/exec_result.h"
#include "harness/mode.h"

namespace x86diff::kvm {

// A protected-mode case's state when an exception (the sentinel's #GP included) entered ring 0.
struct ProtectedEnd {
  uint8_t vector = 0;
  uint64_t error_code = 0;  // as pushed; meaningless for vectors that push none
  // As pushed by the CPU (SDM Vol. 3 6.12.1, 6.14.2).
  uint64_t saved_rip = 0;
  uint64_t saved_cs = 0;
  uint64_t saved_rflags = 0;
  uint64_t saved_rsp = 0;
  uint64_t cr2 = 0;
  // GPRs in ring 0 (unchanged by the interrupt gate); RSP is the ring-0 RSP.
  CpuState gprs;
};

// The RFLAGS a case starts with: its arithmetic flags and DF; IF set as for Linux user code
// (there is no interrupt source in the VM).
inline uint64_t LoadedRflags(uint64_t rflags) {
  return (rflags & kRflagsControllable) | kRflagsReserved1 | kRflagsIF;
}

// Whether the exception came from the case (CPL 3) rather than from ring 0.
inline bool FromUserMode(const ProtectedEnd& end) { return (end.saved_cs & 3) == 3; }

// kCompleted when the sentinel `hlt` (at `sentinel`, privileged at CPL 3) raised #GP(0), else
// kFault with vector, error code and CR2 (#PF); final registers as pushed (RF cleared). Needs
// FromUserMode(end). Memory changes and length are FinishResult()'s.
ExecResult ResultFromProtectedEnd(Mode mode, uint64_t sentinel, const ProtectedEnd& end);

// Sets `length` for kCompleted (RIP delta from the code address, 1..15) and the memory changes
// (scratch after the case against its initial contents).
void FinishResult(Mode mode, absl::Span<const uint8_t> initial_scratch,
                  absl::Span<const uint8_t> scratch_after, ExecResult& result);

}  // namespace x86diff::kvm

#endif  // X86DIFF_KVM_CASE_END_H_

#include "kvm/case_end.h"

#include "harness/memory_diff.h"
#include "harness/memory_layout.h"
#include "harness/test_case.h"

namespace x86diff::kvm {

namespace {
constexpr uint64_t kRflagsRF = 1u << 16;
}  // namespace

ExecResult ResultFromProtectedEnd(Mode mode, uint64_t sentinel, const ProtectedEnd& end) {
  ExecResult result;
  result.final_state = end.gprs;
  result.final_state.rip = end.saved_rip;
  result.final_state.rflags = end.saved_rflags & ~kRflagsRF;
  // Long mode pushes the full RSP; 32-bit gates push ESP (the upper half is the ring-0 one).
  const bool long_mode = mode == Mode::kCompat32 || mode == Mode::kLong64;
  result.final_state[Gpr::kRsp] =
      long_mode ? end.saved_rsp
                : (end.gprs[Gpr::kRsp] & ~uint64_t{0xffffffff}) | (end.saved_rsp & 0xffffffff);
  const bool has_error_code = VectorPushesErrorCode(end.vector);
  const uint64_t error_code = has_error_code ? end.error_code : 0;
  if (end.vector == kVectorGP && error_code == 0 && end.saved_rip == sentinel) {
    // The sentinel `hlt` is privileged at CPL 3: #GP(0) exactly there means the code ran off
    // its end.
    result.status = ExecStatus::kCompleted;
  } else {
    result.status = ExecStatus::kFault;
    result.vector = end.vector;
    result.has_error_code = has_error_code;
    result.error_code = error_code;
    if (end.vector == kVectorPF) {
      result.has_fault_address = true;
      result.fault_address = end.cr2;
    }
  }
  return result;
}

void FinishResult(Mode mode, absl::Span<const uint8_t> initial_scratch,
                  absl::Span<const uint8_t> scratch_after, ExecResult& result) {
  const MemoryLayout& layout = LayoutFor(mode);
  if (result.status == ExecStatus::kCompleted) {
    const uint64_t delta = result.final_state.rip - layout.code_address;
    if (delta >= 1 && delta <= kMaxInstructionBytes) result.length = static_cast<uint8_t>(delta);
  }
  result.memory_changes = DiffMemory(layout.scratch_address, initial_scratch, scratch_after);
}

}  // namespace x86diff::kvm

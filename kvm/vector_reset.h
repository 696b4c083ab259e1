// The vector state every case starts from (x87, SSE, AVX, AVX-512): the x87 reset state (FCW
// 0x037f, FSW 0, every tag empty), MXCSR 0x1f80 and every XMM/YMM/ZMM and opmask register zero.
// Without it a case that reads vector registers would see what the previous case left, and
// results would depend on case order.
//
// One by one the host loads it with KVM_SET_XSAVE (KVM_SET_FPU without KVM_CAP_XSAVE) before each
// case; the batch runner executes `xrstor` (`fxrstor` when the guest has no XSAVE) from the same
// image in the system area (batch_abi.h X86DIFF_KVM_BATCH_FPU_INIT).
#ifndef X86DIFF_KVM_VECTOR_RESET_H_
#define X86DIFF_KVM_VECTOR_RESET_H_

#include <cstddef>
#include <cstdint>

#include "absl/status/status.h"
#include "kvm/kvm_fd.h"

namespace x86diff::kvm {

inline constexpr uint16_t kInitFcw = 0x037f;
inline constexpr uint32_t kInitMxcsr = 0x1f80;
// Legacy area (512) + XSAVE header (64): what an xrstor with XSTATE_BV <= 3 reads.
inline constexpr size_t kInitXsaveImageBytes = 576;

// Writes the init image in standard (non-compacted) XSAVE form into `image`
// (kInitXsaveImageBytes, 64-byte aligned in guest memory): the legacy area holds the x87 and SSE
// reset values and XSTATE_BV = `xstate_bv` (x87|SSE = 3, or 0 for fxrstor-only use; every other
// component then restores its init state: YMM/ZMM upper halves and opmasks zero). The first 512
// bytes are also a valid fxrstor image. XSTATE_BV keeps x87 and SSE set because KVM_SET_XSAVE
// copies MXCSR from the image only when one of x87/SSE/AVX is marked present.
void WriteInitXsaveImage(uint8_t* image, uint64_t xstate_bv);

// Loads the init state into the vCPU: KVM_SET_XSAVE with the image (a buffer of `xsave_bytes`,
// at least 4096: KVM_CHECK_EXTENSION(KVM_CAP_XSAVE2) where larger) when `use_xsave`, else
// KVM_SET_FPU.
absl::Status ResetVectorState(Vcpu& vcpu, bool use_xsave, size_t xsave_bytes);

}  // namespace x86diff::kvm

#endif  // X86DIFF_KVM_VECTOR_RESET_H_

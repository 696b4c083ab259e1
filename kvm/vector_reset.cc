#include "kvm/vector_reset.h"

#include <linux/kvm.h>
#include <sys/ioctl.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <vector>

#include "absl/strings/str_cat.h"

namespace x86diff::kvm {
namespace {

// Byte offsets in the legacy (FXSAVE) area and the XSAVE header (SDM Vol. 1 10.5.1, 13.4.2).
constexpr size_t kFcwOffset = 0;
constexpr size_t kMxcsrOffset = 24;
constexpr size_t kXstateBvOffset = 512;

// KVM_SET_XSAVE for a 4096-byte struct kvm_xsave: Debian 12's UAPI header gives the struct a
// flexible array that makes sizeof 4100 in C++, and so a request number KVM does not know
// (EINVAL); as kvm_fd.cc does for the CPUID ioctls.
constexpr unsigned long kSetXsave = _IOC(_IOC_WRITE, KVMIO, 0xa5, 4096);

absl::Status IoctlStatus(const char* name, int rc) {
  if (rc == 0) return absl::OkStatus();
  const int error_number = errno;
  return absl::InternalError(
      absl::StrCat(name, " failed (rc ", rc, "): ", std::strerror(error_number)));
}

}  // namespace

void WriteInitXsaveImage(uint8_t* image, uint64_t xstate_bv) {
  std::memset(image, 0, kInitXsaveImageBytes);
  std::memcpy(image + kFcwOffset, &kInitFcw, sizeof(kInitFcw));
  // FSW 0; abridged FTW 0 = every register empty; FIP/FDP/FOP 0; XMM 0.
  std::memcpy(image + kMxcsrOffset, &kInitMxcsr, sizeof(kInitMxcsr));
  std::memcpy(image + kXstateBvOffset, &xstate_bv, sizeof(xstate_bv));
}

absl::Status ResetVectorState(Vcpu& vcpu, bool use_xsave, size_t xsave_bytes) {
  if (use_xsave) {
    // One buffer per thread: KVM reads the whole uabi size (4096, or more with KVM_CAP_XSAVE2).
    thread_local std::vector<uint8_t> buffer;
    const size_t bytes = std::max<size_t>(xsave_bytes, 4096);
    if (buffer.size() != bytes) {
      buffer.assign(bytes, 0);
      WriteInitXsaveImage(buffer.data(), /*xstate_bv=*/0x3);
    }
    return IoctlStatus("KVM_SET_XSAVE", ioctl(vcpu.fd(), kSetXsave, buffer.data()));
  }
  kvm_fpu fpu = {};
  fpu.fcw = kInitFcw;
  fpu.mxcsr = kInitMxcsr;  // fsw 0, ftwx 0 (abridged: all empty), registers 0
  return IoctlStatus("KVM_SET_FPU", ioctl(vcpu.fd(), KVM_SET_FPU, &fpu));
}

}  // namespace x86diff::kvm

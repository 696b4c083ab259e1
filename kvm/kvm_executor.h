// KvmExecutor: runs test cases on the CPU through /dev/kvm, in all five harness modes.
#ifndef X86DIFF_KVM_KVM_EXECUTOR_H_
#define X86DIFF_KVM_KVM_EXECUTOR_H_

#include <linux/kvm.h>

#include <array>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "harness/executor.h"
#include "harness/mode.h"
#include "kvm/guest_state.h"
#include "kvm/kvm_fd.h"
#include "kvm/run_loop.h"

namespace x86diff::kvm {

struct KvmExecutorOptions {
  std::string device = "/dev/kvm";
  // Wall-clock budget of one case; a runaway guest is stopped and reported as kTimeout.
  absl::Duration timeout = absl::Milliseconds(50);
  // Signal for the timeout timer; 0 means SIGRTMIN + 4. Its handler is installed process-wide.
  int timeout_signal = 0;
};

// Contract (see harness/executor.h): one VM per mode, built on first use and reused; per case
// the code page, the scratch pages and the registers are rewritten. Guest behaviour (faults,
// timeouts, triple faults, KVM emulator involvement) is data in the ExecResult:
//   kCompleted  the code ran into the `hlt` sentinel placed right after it;
//   kFault      an exception: vector, error code (for vectors that push one), CR2 for #PF, and
//               registers as pushed (RIP of the faulting instruction, or after it for traps);
//   kTimeout    still running after options.timeout;
//   kCrash      KVM_EXIT_SHUTDOWN (triple fault), FAIL_ENTRY, INTERNAL_ERROR, other exits;
//   kUnsupported with detail "kvm-emulated: ..." and every ImpreciseField bit when KVM's own
//               instruction emulator was involved (MMIO or port I/O exits): not silicon.
// After kCrash or kUnsupported the mode's VM is discarded and rebuilt on the next case. A new VM
// first runs an empty case (warm-up); if that does not complete, Execute() fails with Internal.
// Not thread-safe; the timeout signal targets the thread that calls Execute().
class KvmExecutor final : public Executor {
 public:
  // Unavailable when the device is missing or cannot be opened; FailedPrecondition when KVM
  // lacks a capability this executor needs (named in the message).
  static absl::StatusOr<std::unique_ptr<KvmExecutor>> Create(KvmExecutorOptions options = {});

  absl::string_view name() const override { return "kvm"; }
  Provenance provenance() const override { return Provenance::kHardware; }
  bool SupportsMode(Mode mode) const override { return true; }
  absl::StatusOr<ExecResult> Execute(const TestCase& test_case) override;

  // What the guest CPU offers (from KVM_GET_SUPPORTED_CPUID).
  const GuestFeatures& features() const { return features_; }

 private:
  struct ModeVm {
    std::unique_ptr<Vm> vm;
    kvm_sregs sregs = {};
    // Real mode only: the low memory as built, to restore pages the guest dirtied.
    std::vector<uint8_t> pristine_low;
  };

  KvmExecutor(KvmExecutorOptions options, KvmSystem system, RunTimer timer, GuestFeatures features);
  absl::StatusOr<ModeVm*> VmFor(Mode mode);
  absl::StatusOr<std::unique_ptr<ModeVm>> BuildVm(Mode mode);
  absl::Status RestoreDirtyLowMemory(ModeVm& mode_vm);

  // A fresh VM's first runs are slow under nested virtualization (QEMU TCG: tens of ms), so VmFor()
  // runs an empty case with this budget before the VM takes real cases.
  static constexpr absl::Duration kWarmUpTimeout = absl::Seconds(10);

  KvmExecutorOptions options_;
  KvmSystem system_;
  RunTimer timer_;
  GuestFeatures features_;
  std::array<std::unique_ptr<ModeVm>, kModeMaxValue + 1> vms_;
  bool warming_up_ = false;
};

}  // namespace x86diff::kvm

#endif  // X86DIFF_KVM_KVM_EXECUTOR_H_

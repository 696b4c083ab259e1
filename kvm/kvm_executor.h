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
#include "absl/types/span.h"
#include "harness/executor.h"
#include "harness/mode.h"
#include "kvm/batch.h"
#include "kvm/guest_state.h"
#include "kvm/kvm_fd.h"
#include "kvm/run_loop.h"

namespace x86diff::kvm {

struct KvmExecutorOptions {
  std::string device = "/dev/kvm";
  // Wall-clock budget of one case; a runaway guest is stopped and reported as kTimeout. Also the
  // budget of one batch run: a run that exceeds it keeps the results it has and restarts at the
  // case it was in; a case that alone exhausts a run's budget runs one by one (kvm/README.md).
  absl::Duration timeout = absl::Milliseconds(50);
  // Signal for the timeout timer; 0 means SIGRTMIN + 4. Its handler is installed process-wide.
  int timeout_signal = 0;
  // ExecuteBatch(): at most this many cases per run of the in-guest batch runner (1 runs every
  // case one by one; capped at kMaxBatchCases).
  int batch_size = kMaxBatchCases;
  // Page-boundary length probing for kFault results in the paged modes (all but real16): up to
  // min(code size, 15) extra one-by-one runs per fault (kvm/README.md, "Length of faults").
  bool probe_length = true;
};

// Counters since Create(), for benchmarks and health checks.
struct KvmExecutorStats {
  uint64_t cases = 0;           // results returned (Execute and ExecuteBatch)
  uint64_t exits = 0;           // KVM_RUN returns to userspace (VM exits seen by the executor)
  uint64_t batch_runs = 0;      // KVM_RUNs of the batch runner
  uint64_t batch_restarts = 0;  // runs restarted after their time budget ran out mid-batch
  uint64_t batched_cases = 0;   // results that came from the batch runner
  uint64_t fallback_cases = 0;  // cases the runner could not finish, re-run one by one
  uint64_t vm_builds = 0;
  uint64_t probe_runs = 0;  // page-boundary length probe runs (each one VM exit or more)
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

  // Runs the cases in order and returns one result per case, each equal to what Execute() gives
  // for it. Consecutive cases of a protected mode that fit a record (batch.h EncodeRecord) run
  // in the in-guest batch runner, up to options.batch_size per VM exit; the others, and a case
  // the runner could not finish (one that alone exhausts options.timeout, a KVM exit other than
  // the runner's final hlt, a fault in ring 0), run one by one. InvalidArgument (nothing runs) when
  // a case's code does not fit the code page.
  absl::StatusOr<std::vector<ExecResult>> ExecuteBatch(absl::Span<const TestCase> cases) override;

  const KvmExecutorStats& stats() const { return stats_; }

  // What the guest CPU offers (from KVM_GET_SUPPORTED_CPUID).
  const GuestFeatures& features() const { return features_; }

 private:
  struct ModeVm {
    std::unique_ptr<Vm> vm;
    kvm_sregs sregs = {};
    kvm_sregs runner_sregs = {};  // the batch runner's (ring 0)
    bool idt_batch = false;       // the IDT holds the batch gates (else the `hlt` ones)
    // Real mode only: the low memory as built, to restore pages the guest dirtied.
    std::vector<uint8_t> pristine_low;
  };

  KvmExecutor(KvmExecutorOptions options, KvmSystem system, RunTimer timer, GuestFeatures features);
  absl::StatusOr<ModeVm*> VmFor(Mode mode);
  absl::StatusOr<std::unique_ptr<ModeVm>> BuildVm(Mode mode);
  absl::Status RestoreDirtyLowMemory(ModeVm& mode_vm);
  // One case, one KVM_RUN. `code_offset` (length probing only) places the code that far into the
  // code page, RIP with it; the `hlt` sentinel is left out when the code ends the page.
  absl::StatusOr<ExecResult> ExecuteOne(const TestCase& test_case, size_t code_offset = 0);
  // Sets result.length of a kFault result by page-boundary probing (options.probe_length, paged
  // modes); leaves it 0 when every probe faulted at the boundary or a probe crashed.
  absl::Status ProbeFaultLength(const TestCase& test_case, ExecResult& result);
  // KVM_RUN under the timer, counted in stats_.exits.
  absl::StatusOr<Stop> RunVcpu(Vcpu& vcpu, absl::Duration limit);
  // Cases of one mode with their records, results written to `results`; falls back to
  // ExecuteOne() for a case the runner could not finish.
  absl::Status RunBatch(absl::Span<const TestCase> cases,
                        absl::Span<const std::vector<uint8_t>> records,
                        absl::Span<ExecResult> results);

  // A fresh VM's first runs are slow under nested virtualization (QEMU TCG: tens of ms), so VmFor()
  // runs an empty case with this budget before the VM takes real cases.
  static constexpr absl::Duration kWarmUpTimeout = absl::Seconds(10);

  KvmExecutorOptions options_;
  KvmSystem system_;
  RunTimer timer_;
  GuestFeatures features_;
  std::array<std::unique_ptr<ModeVm>, kModeMaxValue + 1> vms_;
  bool warming_up_ = false;
  KvmExecutorStats stats_;
};

}  // namespace x86diff::kvm

#endif  // X86DIFF_KVM_KVM_EXECUTOR_H_

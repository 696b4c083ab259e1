// Running a vCPU with a time limit, and naming why KVM_RUN came back.
#ifndef X86DIFF_KVM_RUN_LOOP_H_
#define X86DIFF_KVM_RUN_LOOP_H_

#include <time.h>

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "kvm/kvm_fd.h"

namespace x86diff::kvm {

// Why a run stopped, as far as the exit reason tells.
enum class StopKind : uint8_t {
  kHalt,           // KVM_EXIT_HLT: the guest reached a `hlt` (sentinel or exception stub)
  kTimeout,        // the timer fired: runaway guest, stopped through immediate_exit + signal
  kEmulated,       // KVM_EXIT_MMIO / KVM_EXIT_IO: KVM's instruction emulator was involved
  kShutdown,       // KVM_EXIT_SHUTDOWN: triple fault
  kFailEntry,      // KVM_EXIT_FAIL_ENTRY: invalid guest state
  kInternalError,  // KVM_EXIT_INTERNAL_ERROR (e.g. emulation failure)
  kOther,          // any other exit reason
};

struct Stop {
  StopKind kind = StopKind::kHalt;
  uint32_t exit_reason = 0;
  std::string detail;  // human-readable, names the exit and its data
};

// A one-shot per-thread POSIX timer that stops KVM_RUN with a signal. The handler sets
// kvm_run::immediate_exit, so a signal that lands just before KVM_RUN still stops it (KVM API
// doc, "immediate_exit"). Create() installs the handler for `signal_number` process-wide (a
// real-time signal by default, so libFuzzer's SIGUSR1/2 stay free). Bound to the thread that
// calls Run() (re-created when the thread changes). Not thread-safe.
class RunTimer {
 public:
  static absl::StatusOr<RunTimer> Create(int signal_number);
  RunTimer(RunTimer&& other) noexcept;
  RunTimer& operator=(RunTimer&&) = delete;
  RunTimer(const RunTimer&) = delete;
  RunTimer& operator=(const RunTimer&) = delete;
  ~RunTimer();

  // KVM_RUN until an exit that is not a foreign signal, or until `limit` has passed.
  absl::StatusOr<Stop> Run(Vcpu& vcpu, absl::Duration limit);

 private:
  explicit RunTimer(int signal_number) : signal_number_(signal_number) {}
  absl::Status BindToThisThread();
  absl::Status Arm(absl::Duration limit);
  void Disarm();

  int signal_number_;
  bool has_timer_ = false;
  timer_t timer_{};
  int thread_id_ = -1;
};

// "KVM_EXIT_SHUTDOWN" etc.; "exit N" for unknown ones.
std::string ExitReasonName(uint32_t exit_reason);

}  // namespace x86diff::kvm

#endif  // X86DIFF_KVM_RUN_LOOP_H_

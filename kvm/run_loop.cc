#include "kvm/run_loop.h"

#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <mutex>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "harness/status_macros.h"

namespace x86diff::kvm {

namespace {

// The vCPU being run on this thread and whether our timer fired during the run. Only the timer's
// signal handler writes them besides Run(); thread_local because the timer targets one thread.
thread_local kvm_run* t_running = nullptr;
thread_local volatile sig_atomic_t t_fired = 0;

void OnTimeoutSignal(int) {
  t_fired = 1;
  if (t_running != nullptr) t_running->immediate_exit = 1;
}

absl::Status InstallHandler(int signal_number) {
  static std::mutex mu;
  static bool installed[128] = {};
  std::lock_guard<std::mutex> lock(mu);
  if (signal_number <= 0 || signal_number >= 128) {
    return absl::InvalidArgumentError(absl::StrCat("bad timeout signal ", signal_number));
  }
  if (installed[signal_number]) return absl::OkStatus();
  struct sigaction action = {};
  action.sa_handler = OnTimeoutSignal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0;  // no SA_RESTART: KVM_RUN must come back with EINTR
  if (sigaction(signal_number, &action, nullptr) != 0) {
    return IoctlError("sigaction(timeout signal)", -1, errno);
  }
  installed[signal_number] = true;
  return absl::OkStatus();
}

}  // namespace

std::string ExitReasonName(uint32_t exit_reason) {
  switch (exit_reason) {
#define X86DIFF_EXIT_NAME(name) \
  case name:                    \
    return #name;
    X86DIFF_EXIT_NAME(KVM_EXIT_UNKNOWN)
    X86DIFF_EXIT_NAME(KVM_EXIT_EXCEPTION)
    X86DIFF_EXIT_NAME(KVM_EXIT_IO)
    X86DIFF_EXIT_NAME(KVM_EXIT_HYPERCALL)
    X86DIFF_EXIT_NAME(KVM_EXIT_DEBUG)
    X86DIFF_EXIT_NAME(KVM_EXIT_HLT)
    X86DIFF_EXIT_NAME(KVM_EXIT_MMIO)
    X86DIFF_EXIT_NAME(KVM_EXIT_IRQ_WINDOW_OPEN)
    X86DIFF_EXIT_NAME(KVM_EXIT_SHUTDOWN)
    X86DIFF_EXIT_NAME(KVM_EXIT_FAIL_ENTRY)
    X86DIFF_EXIT_NAME(KVM_EXIT_INTR)
    X86DIFF_EXIT_NAME(KVM_EXIT_INTERNAL_ERROR)
    X86DIFF_EXIT_NAME(KVM_EXIT_SYSTEM_EVENT)
#undef X86DIFF_EXIT_NAME
    default:
      return absl::StrCat("exit ", exit_reason);
  }
}

absl::StatusOr<RunTimer> RunTimer::Create(int signal_number) {
  RETURN_IF_ERROR(InstallHandler(signal_number));
  RunTimer timer(signal_number);
  RETURN_IF_ERROR(timer.BindToThisThread());
  return timer;
}

RunTimer::RunTimer(RunTimer&& other) noexcept
    : signal_number_(other.signal_number_),
      has_timer_(std::exchange(other.has_timer_, false)),
      timer_(other.timer_),
      thread_id_(other.thread_id_) {}

RunTimer::~RunTimer() {
  if (has_timer_) timer_delete(timer_);
}

absl::Status RunTimer::BindToThisThread() {
  const int tid = static_cast<int>(gettid());
  if (has_timer_ && tid == thread_id_) return absl::OkStatus();
  if (has_timer_) timer_delete(timer_);
  has_timer_ = false;
  struct sigevent event = {};
  event.sigev_notify = SIGEV_THREAD_ID;
  event.sigev_signo = signal_number_;
  event._sigev_un._tid = tid;  // glibc 2.36 has no sigev_notify_thread_id macro
  if (timer_create(CLOCK_MONOTONIC, &event, &timer_) != 0) {
    return IoctlError("timer_create(SIGEV_THREAD_ID)", -1, errno);
  }
  has_timer_ = true;
  thread_id_ = tid;
  return absl::OkStatus();
}

absl::Status RunTimer::Arm(absl::Duration limit) {
  struct itimerspec spec = {};
  spec.it_value = absl::ToTimespec(limit);
  if (spec.it_value.tv_sec == 0 && spec.it_value.tv_nsec == 0) spec.it_value.tv_nsec = 1;
  if (timer_settime(timer_, 0, &spec, nullptr) != 0) {
    return IoctlError("timer_settime", -1, errno);
  }
  return absl::OkStatus();
}

void RunTimer::Disarm() {
  struct itimerspec spec = {};
  timer_settime(timer_, 0, &spec, nullptr);
}

absl::StatusOr<Stop> RunTimer::Run(Vcpu& vcpu, absl::Duration limit) {
  RETURN_IF_ERROR(BindToThisThread());
  kvm_run* run = vcpu.run();
  run->immediate_exit = 0;
  t_fired = 0;
  t_running = run;
  absl::Status armed = Arm(limit);
  absl::StatusOr<int> error_number = armed.ok() ? vcpu.Run() : armed;
  // A signal from someone else (profiler, debugger) also interrupts KVM_RUN: run on.
  while (error_number.ok() && *error_number != 0 && !t_fired) error_number = vcpu.Run();
  // Disarm before clearing immediate_exit, so that no late signal leaves it set for the next run.
  Disarm();
  t_running = nullptr;
  run->immediate_exit = 0;
  if (!error_number.ok()) return error_number.status();

  Stop stop;
  if (*error_number != 0) {
    stop.kind = StopKind::kTimeout;
    stop.exit_reason = KVM_EXIT_INTR;
    stop.detail = absl::StrCat("timeout after ", absl::FormatDuration(limit));
    return stop;
  }
  stop.exit_reason = run->exit_reason;
  stop.detail = ExitReasonName(run->exit_reason);
  switch (run->exit_reason) {
    case KVM_EXIT_HLT:
      stop.kind = StopKind::kHalt;
      break;
    case KVM_EXIT_MMIO:
      stop.kind = StopKind::kEmulated;
      absl::StrAppendFormat(&stop.detail, ": %s of %u bytes at gpa 0x%x",
                            run->mmio.is_write ? "write" : "read", run->mmio.len,
                            run->mmio.phys_addr);
      break;
    case KVM_EXIT_IO:
      stop.kind = StopKind::kEmulated;
      absl::StrAppendFormat(&stop.detail, ": %s port 0x%x size %u count %u",
                            run->io.direction == KVM_EXIT_IO_OUT ? "out" : "in", run->io.port,
                            run->io.size, run->io.count);
      break;
    case KVM_EXIT_SHUTDOWN:
      stop.kind = StopKind::kShutdown;
      stop.detail += " (triple fault)";
      break;
    case KVM_EXIT_FAIL_ENTRY:
      stop.kind = StopKind::kFailEntry;
      absl::StrAppendFormat(&stop.detail, ": hardware_entry_failure_reason=0x%x",
                            run->fail_entry.hardware_entry_failure_reason);
      break;
    case KVM_EXIT_INTERNAL_ERROR:
      stop.kind = StopKind::kInternalError;
      absl::StrAppendFormat(
          &stop.detail, ": suberror=%u%s", run->internal.suberror,
          run->internal.suberror == KVM_INTERNAL_ERROR_EMULATION ? " (emulation failure)" : "");
      break;
    default:
      stop.kind = StopKind::kOther;
      break;
  }
  return stop;
}

}  // namespace x86diff::kvm

#include "adapters/native/native_executor.h"

#include <asm/hwcap2.h>
#include <poll.h>
#include <signal.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "adapters/native/child_signals.h"
#include "harness/memory_diff.h"
#include "adapters/native/native_abi.h"
#include "adapters/native/native_child.h"
#include "adapters/native/seccomp_filter.h"
#include "harness/memory_layout.h"

namespace x86diff {

namespace {

using native::ChildState;
using native::LoadAcquire;
using native::RegionHeader;
using native::ResultSlot;
using native::SlotKind;
using native::StoreRelease;

constexpr uint32_t kNoCase = 0xFFFFFFFFu;
constexpr uint64_t kRflagsRF = 1u << 16;  // resume flag: set in fault frames (SDM Vol. 3 18.3.1.1)
constexpr absl::Duration kReadyTimeout = absl::Seconds(10);

const MemoryLayout& Layout() { return LayoutFor(Mode::kLong64); }

std::string ErrnoText(int error) { return absl::StrCat(strerror(error), " (errno ", error, ")"); }

// Exceptions that push an error code (SDM Vol. 3 Table 6-1): #DF, #TS, #NP, #SS, #GP, #PF, #AC,
// #CP, #VC, #SX.
bool HasErrorCode(uint8_t vector) {
  switch (vector) {
    case 8:
    case 10:
    case 11:
    case 12:
    case 13:
    case 14:
    case 17:
    case 21:
    case 29:
    case 30:
      return true;
    default:
      return false;
  }
}

std::string SignalName(int signo) {
  const char* abbrev = sigabbrev_np(signo);
  return abbrev != nullptr ? absl::StrCat("SIG", abbrev) : absl::StrCat("signal ", signo);
}

absl::string_view SetupStageName(native::SetupStage stage) {
  switch (stage) {
    case native::SetupStage::kNone:
      return "unknown";
    case native::SetupStage::kDeathSignal:
      return "PR_SET_PDEATHSIG";
    case native::SetupStage::kMapCode:
      return "mapping the code page (address in use?)";
    case native::SetupStage::kGuardPage:
      return "the page after the code is mapped";
    case native::SetupStage::kMapScratch:
      return "mapping the scratch pages (address in use?)";
    case native::SetupStage::kMapExitStub:
      return "mapping the exit stub page (address in use?)";
    case native::SetupStage::kRseq:
      return "unregistering the rseq area";
    case native::SetupStage::kAddressSpace:
      return "unmapping the inherited address space";
    case native::SetupStage::kSignals:
      return "installing signal handlers";
    case native::SetupStage::kFpu:
      return "XSAVE area larger than the clean FPU image";
    case native::SetupStage::kSegments:
      return "zeroing the FS/GS bases";
    case native::SetupStage::kSeccomp:
      return "installing the seccomp filter";
  }
  return "unknown";
}

// Restarts a syscall wrapper on EINTR.
template <typename F>
auto RetryOnEintr(F f) {
  decltype(f()) rc;
  do {
    rc = f();
  } while (rc < 0 && errno == EINTR);
  return rc;
}

}  // namespace

absl::StatusOr<std::unique_ptr<NativeExecutor>> NativeExecutor::Create(
    NativeExecutorOptions options) {
  if (options.batch_size < 1 || options.batch_size > kMaxBatchSize) {
    return absl::InvalidArgumentError(
        absl::StrCat("batch_size must be in [1, ", kMaxBatchSize, "], got ", options.batch_size));
  }
  if (options.timeout <= absl::ZeroDuration()) {
    return absl::InvalidArgumentError("timeout must be positive");
  }
  const MemoryLayout& layout = Layout();
  if (layout.code_size != native::kCodePageBytes || layout.scratch_size != native::kScratchBytes) {
    return absl::InternalError("memory layout does not match the native executor's protocol");
  }
  const auto capacity = static_cast<uint32_t>(options.batch_size);
  const size_t bytes = native::RegionView::BytesFor(capacity);
  void* memory = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (memory == MAP_FAILED) {
    return absl::InternalError(absl::StrCat("mmap of the shared region: ", ErrnoText(errno)));
  }
  // Only our own child inherits the region (toggled around our fork in SpawnChild): children that
  // other code in this process forks must not see another executor's protocol.
  madvise(memory, bytes, MADV_DONTFORK);
  std::unique_ptr<NativeExecutor> executor(new NativeExecutor(options, memory, bytes));
  if (absl::Status status = executor->SpawnChild(); !status.ok()) return status;
  return executor;
}

NativeExecutor::NativeExecutor(NativeExecutorOptions options, void* region, size_t region_bytes)
    : options_(options),
      region_memory_(region),
      region_bytes_(region_bytes),
      region_(region, static_cast<uint32_t>(options.batch_size)),
      default_scratch_(DefaultScratchContents(Mode::kLong64)) {
  RegionHeader* header = region_.header();
  header->magic = native::kRegionMagic;
  header->capacity = region_.capacity();
}

NativeExecutor::~NativeExecutor() {
  ReapChild();
  munmap(region_memory_, region_bytes_);
}

absl::Status NativeExecutor::SpawnChild() {
  int channel[2];
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, channel) != 0) {
    return absl::InternalError(absl::StrCat("socketpair: ", ErrnoText(errno)));
  }
  native::SeccompPolicy policy;
  policy.trusted_ip_begin = reinterpret_cast<uint64_t>(&x86diff_native_text_begin);
  policy.trusted_ip_end = reinterpret_cast<uint64_t>(&x86diff_native_text_end);
  policy.channel_fd = channel[1];
  absl::StatusOr<std::vector<sock_filter>> filter = native::BuildChildSeccompFilter(policy);
  if (!filter.ok()) {
    close(channel[0]);
    close(channel[1]);
    return filter.status();
  }

  RegionHeader* header = region_.header();
  header->magic = native::kRegionMagic;
  header->capacity = region_.capacity();
  header->first_case = 0;
  header->end_case = 0;
  StoreRelease(&header->stop_case, kNoCase);
  StoreRelease(&header->cases_done, 0);
  StoreRelease(&header->state, static_cast<uint32_t>(ChildState::kStarting));
  header->setup_stage = 0;
  header->setup_errno = 0;
  header->fault_signo = 0;
  header->fault_rip = 0;
  header->fault_address = 0;

  native::ChildConfig config;
  config.region = region_;
  config.channel_fd = channel[1];
  config.parent_pid = getpid();
  config.code_address = Layout().code_address;
  config.scratch_address = Layout().scratch_address;
  config.default_scratch = default_scratch_.data();
  config.filter = filter->data();
  config.filter_length = filter->size();
  config.kernel_fsgsbase = (getauxval(AT_HWCAP2) & HWCAP2_FSGSBASE) != 0;

  madvise(region_memory_, region_bytes_, MADV_DOFORK);
  const pid_t pid = fork();
  if (pid == 0) native::RunChild(config);  // never returns
  const int fork_errno = errno;
  madvise(region_memory_, region_bytes_, MADV_DONTFORK);
  close(channel[1]);
  if (pid < 0) {
    close(channel[0]);
    return absl::InternalError(absl::StrCat("fork: ", ErrnoText(fork_errno)));
  }
  child_pid_ = pid;
  channel_fd_ = channel[0];
  // A pidfd (Linux 5.3+) signals exactly this child even if something else reaped it (SIGCHLD set
  // to SIG_IGN), and becomes readable when it exits even if another process still holds a copy of
  // the child's socket end. Without it, kill() and the socket's hang-up do the same job.
  child_pidfd_ = static_cast<int>(syscall(SYS_pidfd_open, pid, 0));
  child_clock_valid_ = clock_getcpuclockid(pid, &child_clock_) == 0;
  ++stats_.children_started;

  // Wait for 'R' (ready) or 'F' (setup failed) / EOF.
  pollfd poll_fd = {channel_fd_, POLLIN, 0};
  const int ready = RetryOnEintr([&] {
    return poll(&poll_fd, 1, static_cast<int>(absl::ToInt64Milliseconds(kReadyTimeout)));
  });
  char byte = 0;
  const ssize_t got =
      ready > 0 ? RetryOnEintr([&] { return recv(channel_fd_, &byte, 1, MSG_DONTWAIT); }) : -1;
  if (got == 1 && byte == 'R') return absl::OkStatus();

  const auto state = static_cast<ChildState>(LoadAcquire(&header->state));
  const auto stage = static_cast<native::SetupStage>(header->setup_stage);
  const int setup_errno = header->setup_errno;
  const std::string ended = ReapChild();
  if (state == ChildState::kSetupFailed) {
    return absl::FailedPreconditionError(absl::StrCat(
        "native executor child setup failed: ", SetupStageName(stage),
        setup_errno != 0 ? absl::StrCat(": ", ErrnoText(setup_errno)) : std::string()));
  }
  return absl::InternalError(
      absl::StrCat("native executor child did not become ready (", ended, ")"));
}

std::string NativeExecutor::ReapChild() {
  if (child_pid_ <= 0) return "no child";
  SignalChild(SIGKILL);
  int status = 0;
  const pid_t reaped = RetryOnEintr([&] { return waitpid(child_pid_, &status, 0); });
  // What the child reported about itself first: a damaged child sends its last 'D' before it
  // exits, so it may still be running (and get our SIGKILL) when we get here.
  const RegionHeader* header = region_.header();
  const auto state = static_cast<ChildState>(LoadAcquire(&header->state));
  std::string description;
  if (state == ChildState::kDamaged) {
    description = "the child's integrity check failed after the case: memory corrupted by the case";
  } else if (state == ChildState::kOwnFault) {
    description = absl::StrFormat(
        "the child's own code took %s at rip %#x (address %#x): memory corrupted by the case",
        SignalName(header->fault_signo), header->fault_rip, header->fault_address);
  } else if (reaped != child_pid_) {
    description = absl::StrCat("waitpid: ", ErrnoText(errno));  // e.g. SIGCHLD set to SIG_IGN
  } else if (WIFSIGNALED(status)) {
    const int signo = WTERMSIG(status);
    description = absl::StrCat("child killed by ", SignalName(signo));
    if (signo == SIGSYS) absl::StrAppend(&description, " (seccomp: disallowed syscall)");
  } else if (WIFEXITED(status) && WEXITSTATUS(status) == native::kExitOwnFault) {
    description = "the child's own code took a signal; the case overwrote even the details";
  } else {
    description = absl::StrCat("child exited with code ", WEXITSTATUS(status));
  }
  close(channel_fd_);
  if (child_pidfd_ >= 0) close(child_pidfd_);
  channel_fd_ = -1;
  child_pidfd_ = -1;
  child_pid_ = -1;
  child_clock_valid_ = false;
  return description;
}

void NativeExecutor::SignalChild(int signo) const {
  if (child_pidfd_ >= 0 && syscall(SYS_pidfd_send_signal, child_pidfd_, signo, nullptr, 0) == 0) {
    return;
  }
  kill(child_pid_, signo);
}

absl::StatusOr<ExecResult> NativeExecutor::Execute(const TestCase& test_case) {
  absl::StatusOr<std::vector<ExecResult>> results =
      ExecuteBatch(absl::MakeConstSpan(&test_case, 1));
  if (!results.ok()) return results.status();
  return std::move(results->front());
}

absl::StatusOr<std::vector<ExecResult>> NativeExecutor::ExecuteBatch(
    absl::Span<const TestCase> cases) {
  for (size_t i = 0; i < cases.size(); ++i) {
    if (!SupportsMode(cases[i].mode)) {
      return absl::FailedPreconditionError(absl::StrCat("native executor runs long64 only; case ",
                                                        i, " is ", ModeName(cases[i].mode)));
    }
    if (cases[i].code.size() > kMaxCodeBytes) {
      return absl::InvalidArgumentError(absl::StrCat("case ", i, " has ", cases[i].code.size(),
                                                     " code bytes, more than ", kMaxCodeBytes));
    }
  }
  std::vector<ExecResult> results(cases.size());
  const size_t batch = static_cast<size_t>(options_.batch_size);
  for (size_t start = 0; start < cases.size(); start += batch) {
    const size_t count = std::min(batch, cases.size() - start);
    absl::Status status =
        RunChunk(cases.subspan(start, count), absl::MakeSpan(results).subspan(start, count));
    if (!status.ok()) return status;
  }
  stats_.cases += cases.size();
  return results;
}

absl::Status NativeExecutor::RunChunk(absl::Span<const TestCase> cases,
                                      absl::Span<ExecResult> results) {
  const auto count = static_cast<uint32_t>(cases.size());
  // Patched scratch contents, kept for the diff; unpatched cases use default_scratch_.
  std::vector<std::vector<uint8_t>> patched(count);
  for (uint32_t i = 0; i < count; ++i) {
    const TestCase& test_case = cases[i];
    native::CaseSlot* slot = region_.case_slot(i);
    const CpuState state = InitialState(test_case);
    std::copy(state.gpr.begin(), state.gpr.end(), slot->gpr);
    slot->rflags = state.rflags;
    slot->code_size = static_cast<uint32_t>(test_case.code.size());
    std::copy(test_case.code.begin(), test_case.code.end(), slot->code);
    slot->has_scratch = test_case.scratch_patches.empty() ? 0 : 1;
    if (slot->has_scratch != 0) {
      // ScratchContents() regenerates the default pattern; only pay for it when patched.
      patched[i] = ScratchContents(test_case);
      std::copy(patched[i].begin(), patched[i].end(), region_.scratch_in(i));
    }
  }
  auto initial = [&](uint32_t i) -> absl::Span<const uint8_t> {
    return patched[i].empty() ? absl::MakeConstSpan(default_scratch_)
                              : absl::MakeConstSpan(patched[i]);
  };

  RegionHeader* header = region_.header();
  uint32_t next = 0;
  while (next < count) {
    if (child_pid_ <= 0) {
      if (absl::Status status = SpawnChild(); !status.ok()) return status;
    }
    header->first_case = next;
    header->end_case = count;
    header->probe_length = options_.probe_length ? 1 : 0;
    StoreRelease(&header->stop_case, kNoCase);
    StoreRelease(&header->cases_done, next);
    ++stats_.round_trips;
    const char go = 'G';
    const bool sent = RetryOnEintr([&] { return send(channel_fd_, &go, 1, MSG_NOSIGNAL); }) == 1;
    const BatchEnd end = sent ? WaitForBatch(next) : BatchEnd::kChildGone;

    const uint32_t done = std::clamp(LoadAcquire(&header->cases_done), next, count);
    for (uint32_t j = next; j < done; ++j) {
      results[j] = ReadResult(j, cases[j], initial(j));
      if (results[j].status == ExecStatus::kTimeout) ++stats_.timeouts;
    }
    const auto state = static_cast<ChildState>(LoadAcquire(&header->state));
    if (end == BatchEnd::kFinished && done == count && state == ChildState::kReady) break;

    // The child is gone, hung or damaged: replace it, blame one case, go on after it.
    uint32_t culprit = done;
    if (end == BatchEnd::kFinished && state == ChildState::kDamaged && done > next) {
      culprit = done - 1;  // it checks itself after each case and publishes that case first
    }
    const std::string how = ReapChild();
    if (culprit >= count) break;  // died after the last result: nothing to blame
    ExecResult& result = results[culprit];
    result = ExecResult{};
    if (end == BatchEnd::kUnresponsive) {
      result.status = ExecStatus::kTimeout;
      result.detail =
          absl::StrCat("no progress within the ", absl::FormatDuration(options_.timeout),
                       " budget and no answer to the stop signal; child killed (", how, ")");
      ++stats_.timeouts;
    } else {
      result.status = ExecStatus::kCrash;
      result.detail = how;
      ++stats_.crashes;
    }
    next = culprit + 1;
  }
  return absl::OkStatus();
}

absl::Duration NativeExecutor::ChildCpuTime() const {
  timespec now;
  if (child_clock_valid_ && clock_gettime(child_clock_, &now) == 0) {
    return absl::DurationFromTimespec(now);
  }
  return absl::Now() - absl::UnixEpoch();  // fall back to wall time
}

NativeExecutor::BatchEnd NativeExecutor::WaitForBatch(uint32_t first) {
  RegionHeader* header = region_.header();
  const absl::Duration budget = options_.timeout;
  // After the stop signal: the handler answers within microseconds once the child is scheduled.
  const absl::Duration stop_grace = std::max(budget, absl::Milliseconds(100));
  // A child that neither progresses nor uses CPU (stopped, or stuck outside our control).
  const absl::Duration wall_limit = std::max(20 * budget, absl::Seconds(5));

  uint32_t last_done = first;
  absl::Time wall_progress = absl::Now();
  absl::Duration cpu_progress = ChildCpuTime();
  bool stop_sent = false;
  absl::Duration cpu_stop;
  // CPU time cannot run faster than wall time for a single thread: sleeping for the remaining CPU
  // budget never oversleeps the deadline. Most batches end within the first wait.
  int wait_ms = static_cast<int>(std::min<int64_t>(absl::ToInt64Milliseconds(budget) + 1, 1000));
  for (;;) {
    pollfd poll_fds[2] = {{channel_fd_, POLLIN, 0}, {child_pidfd_, POLLIN, 0}};
    const int rc = poll(poll_fds, child_pidfd_ >= 0 ? 2 : 1, wait_ms);
    if (rc < 0 && errno != EINTR) return BatchEnd::kChildGone;
    if (rc > 0 && poll_fds[0].revents != 0) {
      // The channel first: a damaged child sends 'D' and then exits.
      char byte = 0;
      const ssize_t got = recv(channel_fd_, &byte, 1, MSG_DONTWAIT);
      if (got == 1 && byte == 'D') return BatchEnd::kFinished;
      if (got < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      return BatchEnd::kChildGone;  // EOF (the child died), an error or a protocol violation
    }
    if (rc > 0 && poll_fds[1].revents != 0) return BatchEnd::kChildGone;  // the child exited
    const uint32_t done = LoadAcquire(&header->cases_done);
    const absl::Duration cpu_now = ChildCpuTime();
    const absl::Time wall_now = absl::Now();
    if (done != last_done) {
      last_done = done;
      wall_progress = wall_now;
      cpu_progress = cpu_now;
      stop_sent = false;
    } else if (wall_now - wall_progress >= wall_limit) {
      return BatchEnd::kUnresponsive;
    } else if (!stop_sent && cpu_now - cpu_progress >= budget) {
      // The handler acts only for this case and only while RIP is in the code page.
      StoreRelease(&header->stop_case, done);
      SignalChild(native::kStopSignal);
      stop_sent = true;
      cpu_stop = cpu_now;
    } else if (stop_sent && cpu_now - cpu_stop >= stop_grace) {
      return BatchEnd::kUnresponsive;
    }
    const absl::Duration remaining =
        stop_sent ? stop_grace - (cpu_now - cpu_stop) : budget - (cpu_now - cpu_progress);
    wait_ms =
        static_cast<int>(std::clamp<int64_t>(absl::ToInt64Milliseconds(remaining) + 1, 1, 1000));
  }
}

ExecResult NativeExecutor::ReadResult(uint32_t index, const TestCase& test_case,
                                      absl::Span<const uint8_t> initial_scratch) const {
  // One copy out of the shared region, then validate: the case could have written there.
  ResultSlot slot;
  std::memcpy(&slot, region_.result_slot(index), sizeof(slot));
  ExecResult result;
  if (slot.kind > native::kSlotKindMaxValue) {
    result.status = ExecStatus::kCrash;
    result.detail = absl::StrCat("corrupt result slot (kind ", slot.kind, ")");
    return result;
  }
  const auto kind = static_cast<SlotKind>(slot.kind);
  std::copy(std::begin(slot.gpr), std::end(slot.gpr), result.final_state.gpr.begin());
  result.final_state.rflags = slot.rflags & ~kRflagsRF;
  result.final_state.rip = slot.rip;
  const size_t code_size = test_case.code.size();
  switch (kind) {
    case SlotKind::kCompleted:
      result.status = ExecStatus::kCompleted;
      result.length = code_size <= kMaxInstructionBytes ? static_cast<uint8_t>(code_size) : 0;
      break;
    case SlotKind::kSignal:
      result.status = ExecStatus::kFault;
      result.vector = static_cast<uint8_t>(slot.trapno);
      result.has_error_code = HasErrorCode(result.vector);
      result.error_code = result.has_error_code ? slot.error_code : 0;
      result.has_fault_address = result.vector == kVectorPF;
      result.fault_address = result.has_fault_address ? slot.signal_address : 0;
      // CR2 in the frame is the thread's last page-fault address: meaningful for #PF only.
      result.detail = absl::StrFormat(
          "%s si_code=%d trapno=%d err=%#x si_addr=%#x%s (as reported by the kernel)",
          SignalName(slot.signo), slot.si_code, slot.trapno, slot.error_code, slot.signal_address,
          result.vector == kVectorPF ? absl::StrFormat(" cr2=%#x", slot.cr2) : "");
      break;
    case SlotKind::kSyscall:
      result.status = ExecStatus::kSyscall;
      result.detail =
          absl::StrFormat("syscall %d trapped by seccomp (SIGSYS si_code=%d), not executed",
                          slot.syscall_nr, slot.si_code);
      break;
    case SlotKind::kTimeout:
      result.status = ExecStatus::kTimeout;
      result.detail = absl::StrFormat("stopped after the %s CPU budget at rip %#x",
                                      absl::FormatDuration(options_.timeout), slot.rip);
      break;
  }
  if (kind == SlotKind::kSignal || kind == SlotKind::kSyscall) {
    switch (static_cast<native::ProbeNote>(slot.probe)) {
      case native::ProbeNote::kFound:
        result.length = static_cast<uint8_t>(std::min<uint32_t>(slot.length, kMaxInstructionBytes));
        break;
      case native::ProbeNote::kBeyondCode:
        absl::StrAppend(&result.detail, "; length probe: the instruction continues past the ",
                        code_size, " code bytes");
        break;
      default:
        break;
    }
  }
  if (slot.scratch_changed != 0) {
    result.memory_changes =
        DiffMemory(Layout().scratch_address, initial_scratch,
                   absl::MakeConstSpan(region_.scratch_out(index), native::kScratchBytes));
  }
  return result;
}

}  // namespace x86diff

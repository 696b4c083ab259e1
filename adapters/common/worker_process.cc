#include "adapters/common/worker_process.h"

#include <errno.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"
#include "harness/status_macros.h"

namespace x86diff {

namespace {

constexpr size_t kHeaderBytes = sizeof(uint64_t);  // the sequence number
constexpr uint64_t kBootSequence = 0;
constexpr uint8_t kBootOk = 1;
constexpr uint8_t kBootFailed = 0;
constexpr int kChildSocketFd = 3;
constexpr size_t kOutputTailBytes = 600;

absl::Status ErrnoError(absl::string_view what) {
  return absl::InternalError(absl::StrCat(what, ": ", std::strerror(errno)));
}

bool SendMessage(int socket, uint64_t sequence, absl::Span<const uint8_t> payload) {
  iovec iov[2] = {{&sequence, kHeaderBytes},
                  {const_cast<uint8_t*>(payload.data()), payload.size()}};
  msghdr message{};
  message.msg_iov = iov;
  message.msg_iovlen = 2;
  for (;;) {
    if (sendmsg(socket, &message, MSG_NOSIGNAL) >= 0) return true;
    if (errno != EINTR) return false;
  }
}

// The child's descriptors: the socket at a fixed number, stdout/stderr into the output buffer,
// everything else closed (other workers' sockets must not be kept alive by this child).
void SetUpChildDescriptors(int socket, int output) {
  dup2(output, STDOUT_FILENO);
  dup2(output, STDERR_FILENO);
  if (socket != kChildSocketFd) dup2(socket, kChildSocketFd);
  close_range(kChildSocketFd + 1, ~0u, 0);
}

// Crashes must kill the child with their signal, so the parent can name it: undo any handlers
// the parent installed (test frameworks, sanitizers) and any blocked signals.
void ResetSignals() {
  for (int signal_number :
       {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGTRAP, SIGSYS, SIGPIPE, SIGTERM, SIGINT}) {
    ::signal(signal_number, SIG_DFL);
  }
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
}

[[noreturn]] void RunChild(int socket, int output, pid_t parent, const WorkerBoot& boot) {
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent) _exit(1);  // the parent died before prctl took effect
  SetUpChildDescriptors(socket, output);
  ResetSignals();
  // Crashing is this process's job: no core files (with systemd-coredump or apport each would
  // take long and fill the disk); a crash is reproduced by replaying its test case.
  const rlimit no_core = {0, 0};
  setrlimit(RLIMIT_CORE, &no_core);

  std::vector<uint8_t> boot_message;
  absl::StatusOr<WorkerStart> start = boot();
  if (start.ok()) {
    boot_message.push_back(kBootOk);
    boot_message.insert(boot_message.end(), start->greeting.begin(), start->greeting.end());
  } else {
    boot_message.push_back(kBootFailed);
    const uint32_t code = static_cast<uint32_t>(start.status().code());
    boot_message.insert(boot_message.end(), reinterpret_cast<const uint8_t*>(&code),
                        reinterpret_cast<const uint8_t*>(&code) + sizeof(code));
    const absl::string_view text = start.status().message();
    boot_message.insert(boot_message.end(), text.begin(), text.end());
  }
  if (!SendMessage(kChildSocketFd, kBootSequence, boot_message) || !start.ok()) _exit(0);

  WorkerService& service = *start->service;
  std::vector<uint8_t> request(kHeaderBytes + kMaxWorkerMessageBytes);
  std::vector<uint8_t> reply;
  for (;;) {
    const ssize_t size = recv(kChildSocketFd, request.data(), request.size(), 0);
    if (size < 0 && errno == EINTR) continue;
    if (size < static_cast<ssize_t>(kHeaderBytes)) _exit(0);  // parent gone (EOF) or garbage
    uint64_t sequence;
    std::memcpy(&sequence, request.data(), kHeaderBytes);
    reply.clear();
    service.Handle(absl::MakeConstSpan(request).subspan(kHeaderBytes, size - kHeaderBytes), reply);
    if (reply.size() > kMaxWorkerMessageBytes) {
      std::fprintf(stderr, "worker reply of %zu bytes exceeds the limit of %zu\n", reply.size(),
                   kMaxWorkerMessageBytes);
      _exit(3);
    }
    if (!SendMessage(kChildSocketFd, sequence, reply)) _exit(0);
  }
}

absl::Status SetReceiveTimeout(int socket, absl::Duration timeout) {
  const timeval tv = absl::ToTimeval(std::max(timeout, absl::Milliseconds(1)));
  if (setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) != 0) {
    return ErrnoError("setsockopt(SO_RCVTIMEO)");
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<WorkerProcess>> WorkerProcess::Start(WorkerBoot boot,
                                                                    WorkerOptions options) {
  std::unique_ptr<WorkerProcess> worker(new WorkerProcess(std::move(boot), std::move(options)));
  RETURN_IF_ERROR(worker->Spawn());
  return worker;
}

WorkerProcess::WorkerProcess(WorkerBoot boot, WorkerOptions options)
    : boot_(std::move(boot)),
      options_(std::move(options)),
      buffer_(kHeaderBytes + kMaxWorkerMessageBytes) {}

WorkerProcess::~WorkerProcess() {
  if (pid_ > 0) Kill();
}

absl::Status WorkerProcess::Spawn() {
  int sockets[2];
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sockets) != 0) {
    return ErrnoError("socketpair");
  }
  const int output = memfd_create("x86diff-worker-output", MFD_CLOEXEC);
  if (output < 0) {
    close(sockets[0]);
    close(sockets[1]);
    return ErrnoError("memfd_create");
  }
  const pid_t parent = getpid();
  std::fflush(nullptr);  // buffered output must not be written twice (by the child too)
  const pid_t pid = fork();
  if (pid < 0) {
    const absl::Status status = ErrnoError("fork");
    close(sockets[0]);
    close(sockets[1]);
    close(output);
    return status;
  }
  if (pid == 0) {
    close(sockets[0]);
    RunChild(sockets[1], output, parent, boot_);
  }
  close(sockets[1]);
  pid_ = pid;
  socket_ = sockets[0];
  output_ = output;
  ++starts_;

  RETURN_IF_ERROR(SetReceiveTimeout(socket_, options_.start_timeout));
  ASSIGN_OR_RETURN(WorkerReply boot_reply, Receive(kBootSequence, options_.start_timeout));
  if (boot_reply.outcome == WorkerOutcome::kDied) {
    return absl::InternalError(
        absl::StrCat(options_.label, " died while starting: ", boot_reply.detail));
  }
  if (boot_reply.outcome == WorkerOutcome::kTimedOut) {
    return absl::DeadlineExceededError(
        absl::StrCat(options_.label, " did not start: ", boot_reply.detail));
  }
  const absl::Span<const uint8_t> message = boot_reply.payload;
  if (!message.empty() && message[0] == kBootOk) {
    if (starts_ == 1) greeting_.assign(message.begin() + 1, message.end());
    return SetReceiveTimeout(socket_, options_.reply_timeout);
  }
  uint32_t code = static_cast<uint32_t>(absl::StatusCode::kInternal);
  std::string text = "malformed boot message";
  if (message.size() >= 1 + sizeof(code)) {
    std::memcpy(&code, message.data() + 1, sizeof(code));
    text.assign(message.begin() + 1 + sizeof(code), message.end());
  }
  Kill();
  if (code == 0 || code > static_cast<uint32_t>(absl::StatusCode::kUnauthenticated)) {
    code = static_cast<uint32_t>(absl::StatusCode::kInternal);
  }
  return absl::Status(static_cast<absl::StatusCode>(code), text);
}

absl::StatusOr<WorkerReply> WorkerProcess::Call(absl::Span<const uint8_t> request) {
  if (request.size() > kMaxWorkerMessageBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("request of ", request.size(), " bytes exceeds ", kMaxWorkerMessageBytes));
  }
  const uint64_t sequence = ++sequence_;
  // A child that died between calls (killed from outside) has not seen this request: restart
  // it and send again rather than blaming this request for the death.
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (pid_ < 0) RETURN_IF_ERROR(Spawn());
    if (SendMessage(socket_, sequence, request)) {
      return Receive(sequence, options_.reply_timeout);
    }
    if (errno != EPIPE && errno != ECONNRESET) {
      const absl::Status status = ErrnoError(absl::StrCat("send to ", options_.label));
      Kill();
      return status;
    }
    Reap();
  }
  return absl::InternalError(absl::StrCat(options_.label, " died twice before reading a request"));
}

absl::StatusOr<WorkerReply> WorkerProcess::Receive(uint64_t sequence, absl::Duration timeout) {
  for (;;) {
    // SO_RCVTIMEO bounds the wait without a poll() call per message.
    const ssize_t size = recv(socket_, buffer_.data(), buffer_.size(), MSG_TRUNC);
    if (size < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) {
        Kill();
        WorkerReply reply;
        reply.outcome = WorkerOutcome::kTimedOut;
        reply.detail =
            absl::StrCat("no reply within ", absl::FormatDuration(timeout), "; worker killed");
        return reply;
      }
      if (errno == ECONNRESET) return Reap();
      const absl::Status status = ErrnoError(absl::StrCat("receive from ", options_.label));
      Kill();
      return status;
    }
    if (size == 0) return Reap();  // the child's end closed: it died
    if (static_cast<size_t>(size) > buffer_.size() || static_cast<size_t>(size) < kHeaderBytes) {
      Kill();
      return absl::InternalError(
          absl::StrCat(options_.label, " sent a message of ", size, " bytes"));
    }
    uint64_t got;
    std::memcpy(&got, buffer_.data(), kHeaderBytes);
    if (got != sequence) continue;  // a reply to an earlier request is never returned
    WorkerReply reply;
    reply.payload = absl::MakeConstSpan(buffer_).subspan(kHeaderBytes, size - kHeaderBytes);
    return reply;
  }
}

WorkerReply WorkerProcess::Reap() {
  int status = 0;
  while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  WorkerReply reply;
  reply.outcome = WorkerOutcome::kDied;
  if (WIFSIGNALED(status)) {
    reply.signal = WTERMSIG(status);
    reply.detail =
        absl::StrCat("killed by signal ", reply.signal, " (", strsignal(reply.signal), ")");
  } else if (WIFEXITED(status)) {
    reply.detail = absl::StrCat("exited with status ", WEXITSTATUS(status));
  }
  const std::string tail = OutputTail();
  if (!tail.empty()) absl::StrAppend(&reply.detail, "; output: ", tail);
  CloseChannels();
  return reply;
}

void WorkerProcess::Kill() {
  kill(pid_, SIGKILL);
  while (waitpid(pid_, nullptr, 0) < 0 && errno == EINTR) {
  }
  CloseChannels();
}

void WorkerProcess::CloseChannels() {
  if (socket_ >= 0) close(socket_);
  if (output_ >= 0) close(output_);
  socket_ = -1;
  output_ = -1;
  pid_ = -1;
}

std::string WorkerProcess::OutputTail() const {
  struct stat info;
  if (output_ < 0 || fstat(output_, &info) != 0 || info.st_size == 0) return "";
  const size_t size = static_cast<size_t>(info.st_size);
  const size_t count = std::min(size, kOutputTailBytes);
  std::string tail(count, '\0');
  const ssize_t got = pread(output_, tail.data(), count, size - count);
  if (got <= 0) return "";
  tail.resize(got);
  return absl::StrReplaceAll(absl::StripAsciiWhitespace(tail), {{"\n", " | "}});
}

}  // namespace x86diff

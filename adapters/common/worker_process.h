// WorkerProcess: a persistent child process that serves request/reply messages, so that code
// which may crash or hang (Unicorn's abort() on some inputs, third-party plugins) runs where a
// crash is a result, not the end of the fuzzer (mishegos' forked decoder workers; FACTS.md
// "Unicorn 2.0.1").
//
// The child is forked once and then serves many requests; it is forked again only after it died
// or was killed. Messages travel over an AF_UNIX SOCK_SEQPACKET socket pair: message boundaries
// are kept, a dead peer shows up as end-of-file at once, and MSG_NOSIGNAL avoids SIGPIPE without
// touching the process's signal dispositions. Every request carries a sequence number that the
// reply echoes, so a reply can never be attributed to the wrong request.
#ifndef X86DIFF_ADAPTERS_COMMON_WORKER_PROCESS_H_
#define X86DIFF_ADAPTERS_COMMON_WORKER_PROCESS_H_

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/span.h"

namespace x86diff {

// Largest request or reply payload. Requests are encoded test cases (at most a few KiB), replies
// encoded results (at most twice the scratch size plus text).
inline constexpr size_t kMaxWorkerMessageBytes = 256 * 1024;

struct WorkerOptions {
  // Names the worker in messages, e.g. "unicorn worker" or "plugin /path/lib.so".
  std::string label = "worker";
  // How long Call() waits for a reply before it kills the child and reports kTimedOut.
  absl::Duration reply_timeout = absl::Seconds(5);
  // How long Start() and restarts wait for the child's boot message.
  absl::Duration start_timeout = absl::Seconds(30);
};

// Lives in the child: answers one request at a time.
class WorkerService {
 public:
  virtual ~WorkerService() = default;
  // Writes the reply for `request` into `reply` (passed in empty, its capacity reused).
  virtual void Handle(absl::Span<const uint8_t> request, std::vector<uint8_t>& reply) = 0;
};

// What the boot function returns in the child: the service, plus a greeting that the parent
// receives from Start() (e.g. the target's name), at most kMaxWorkerMessageBytes.
struct WorkerStart {
  std::unique_ptr<WorkerService> service;
  std::vector<uint8_t> greeting;
};
// Runs in every freshly forked child (first start and each restart). An error is passed back to
// the parent verbatim (code and message) and ends that child.
using WorkerBoot = std::function<absl::StatusOr<WorkerStart>()>;

enum class WorkerOutcome {
  kReplied,   // payload holds the reply
  kDied,      // the child died while handling the request (signal or exit); it will be restarted
  kTimedOut,  // no reply within reply_timeout; the child was killed and will be restarted
};

struct WorkerReply {
  WorkerOutcome outcome = WorkerOutcome::kReplied;
  // kReplied: the reply, valid until the next Call().
  absl::Span<const uint8_t> payload;
  // kDied / kTimedOut: how ("killed by signal 6 (Aborted)"), plus the tail of what the child wrote
  // to stdout/stderr (which go to a private buffer, not to the parent's terminal).
  std::string detail;
  int signal = 0;  // kDied by a signal: its number
};

// Parent-side handle. Not thread-safe; the child is killed by the destructor. The child is made
// to die with its parent (PR_SET_PDEATHSIG: strictly, with the parent *thread* that forked it, so
// start workers from a thread that outlives them), closes every inherited descriptor but its
// own socket and output buffer, restores the default disposition of fatal signals, and writes no
// core files. The parent must not have other threads that hold locks across fork() (the child
// runs the boot function and the service without exec).
class WorkerProcess {
 public:
  // Forks the first child and waits for its boot message. Returns the boot function's error as
  // is, Internal if the child died while booting, DeadlineExceeded if it did not answer within
  // start_timeout, or Internal if socketpair/memfd/fork failed.
  static absl::StatusOr<std::unique_ptr<WorkerProcess>> Start(WorkerBoot boot,
                                                              WorkerOptions options);
  WorkerProcess(const WorkerProcess&) = delete;
  WorkerProcess& operator=(const WorkerProcess&) = delete;
  ~WorkerProcess();

  // The first child's greeting.
  const std::vector<uint8_t>& greeting() const { return greeting_; }
  const WorkerOptions& options() const { return options_; }

  // Sends `request` (at most kMaxWorkerMessageBytes, else InvalidArgument) and waits for the
  // reply. Restarts the child first if the previous call ended in kDied/kTimedOut; a failing
  // restart returns its error. Other errors: Internal for socket failures and protocol
  // violations (the child is killed and restarted next time).
  absl::StatusOr<WorkerReply> Call(absl::Span<const uint8_t> request);

  // The current child's pid, or -1 between a death and the next Call() (for tests).
  pid_t pid() const { return pid_; }
  // How many children were started so far (1 after Start()).
  int starts() const { return starts_; }

 private:
  WorkerProcess(WorkerBoot boot, WorkerOptions options);
  absl::Status Spawn();
  // Waits for the message with sequence number `sequence`; fills payload_ on success.
  absl::StatusOr<WorkerReply> Receive(uint64_t sequence, absl::Duration timeout);
  // Reaps the exited child and describes how it ended.
  WorkerReply Reap();
  void Kill();
  void CloseChannels();
  std::string OutputTail() const;

  WorkerBoot boot_;
  WorkerOptions options_;
  std::vector<uint8_t> greeting_;
  pid_t pid_ = -1;
  int socket_ = -1;
  int output_ = -1;  // memfd holding the child's stdout/stderr
  uint64_t sequence_ = 0;
  int starts_ = 0;
  std::vector<uint8_t> buffer_;
};

}  // namespace x86diff

#endif  // X86DIFF_ADAPTERS_COMMON_WORKER_PROCESS_H_

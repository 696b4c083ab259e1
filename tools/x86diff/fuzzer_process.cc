#include "tools/x86diff/fuzzer_process.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

extern char** environ;

namespace x86diff::cli {
namespace {

constexpr size_t kTailLines = 20;

absl::Status ErrnoError(absl::string_view what) {
  return absl::InternalError(absl::StrCat(what, ": ", strerror(errno)));
}

// After fork, before exec: only async-signal-safe calls.
[[noreturn]] void ExecChild(char* const* argv, char* const* envp, int output_fd, int log_fd,
                            pid_t parent) {
  setpgid(0, 0);
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent) _exit(127);  // the parent died before prctl took effect
  dup2(output_fd, STDOUT_FILENO);
  dup2(output_fd, STDERR_FILENO);
  int devnull = open("/dev/null", O_RDONLY);
  if (devnull >= 0) dup2(devnull, STDIN_FILENO);
  execve(argv[0], argv, envp);
  const char* reason = strerror(errno);
  dprintf(log_fd, "x86diff: cannot execute %s: %s\n", argv[0], reason);
  dprintf(STDERR_FILENO, "x86diff: cannot execute %s: %s\n", argv[0], reason);
  _exit(127);
}

}  // namespace

absl::StatusOr<std::unique_ptr<FuzzerProcess>> FuzzerProcess::Start(const Spec& spec) {
  if (spec.argv.empty()) return absl::InvalidArgumentError("no program to run");
  int log_fd = open(spec.log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd < 0) return ErrnoError(absl::StrCat("cannot open log ", spec.log_path));
  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) {
    close(log_fd);
    return ErrnoError("pipe");
  }
  // Everything the child needs is prepared before fork.
  std::vector<char*> argv;
  for (const std::string& arg : spec.argv) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  // The environment of x86diff with the spec's variables replaced.
  std::vector<std::string> environment;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const absl::string_view variable(*entry);
    bool replaced = false;
    for (const auto& [name, value] : spec.environment) {
      replaced |= absl::StartsWith(variable, absl::StrCat(name, "="));
    }
    if (!replaced) environment.emplace_back(variable);
  }
  for (const auto& [name, value] : spec.environment) {
    environment.push_back(absl::StrCat(name, "=", value));
  }
  std::vector<char*> envp;
  for (std::string& variable : environment) envp.push_back(variable.data());
  envp.push_back(nullptr);

  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) {
    close(pipe_fds[0]);
    close(pipe_fds[1]);
    close(log_fd);
    return ErrnoError("fork");
  }
  if (pid == 0) ExecChild(argv.data(), envp.data(), pipe_fds[1], log_fd, parent);
  setpgid(pid, pid);  // also in the parent, so that Signal() works from the first moment
  close(pipe_fds[1]);
  fcntl(pipe_fds[0], F_SETFL, fcntl(pipe_fds[0], F_GETFL) | O_NONBLOCK);
  return std::unique_ptr<FuzzerProcess>(new FuzzerProcess(pid, pipe_fds[0], log_fd));
}

FuzzerProcess::~FuzzerProcess() {
  if (!wait_status_.has_value()) {
    Signal(SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
  if (output_fd_ >= 0) close(output_fd_);
  close(log_fd_);
}

bool FuzzerProcess::Drain(const std::function<void(absl::string_view line)>& on_line) {
  if (output_fd_ < 0) return false;
  char buffer[16384];
  for (;;) {
    const ssize_t got = read(output_fd_, buffer, sizeof(buffer));
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return true;  // EAGAIN: nothing more for now
    if (got == 0) {
      if (!partial_line_.empty()) {
        on_line(partial_line_);
        partial_line_.clear();
      }
      close(output_fd_);
      output_fd_ = -1;
      return false;
    }
    // The log keeps everything, complete lines or not.
    for (ssize_t written = 0; written < got;) {
      const ssize_t n = write(log_fd_, buffer + written, got - written);
      if (n <= 0 && errno != EINTR) break;
      if (n > 0) written += n;
    }
    partial_line_.append(buffer, static_cast<size_t>(got));
    size_t start = 0;
    for (size_t newline; (newline = partial_line_.find('\n', start)) != std::string::npos;
         start = newline + 1) {
      absl::string_view line(partial_line_.data() + start, newline - start);
      on_line(line);
      tail_.emplace_back(line);
      if (tail_.size() > kTailLines) tail_.erase(tail_.begin());
    }
    partial_line_.erase(0, start);
  }
}

void FuzzerProcess::Signal(int signal) {
  if (wait_status_.has_value()) return;
  kill(-pid_, signal);
}

std::optional<int> FuzzerProcess::Poll() {
  if (wait_status_.has_value()) return wait_status_;
  int status = 0;
  const pid_t got = waitpid(pid_, &status, WNOHANG);
  if (got == pid_) {
    wait_status_ = status;
    // Jobs the fuzzer left behind (libFuzzer -fork children) go with it.
    kill(-pid_, SIGKILL);
  }
  return wait_status_;
}

std::string DescribeWaitStatus(int wait_status) {
  if (WIFEXITED(wait_status)) return absl::StrCat("exited with status ", WEXITSTATUS(wait_status));
  if (WIFSIGNALED(wait_status)) {
    return absl::StrCat("killed by signal ", WTERMSIG(wait_status), " (",
                        strsignal(WTERMSIG(wait_status)), ")");
  }
  return absl::StrCat("ended with wait status ", wait_status);
}

}  // namespace x86diff::cli

// One fuzzer child of a campaign: started in its own process group (so that the signals a
// terminal sends to x86diff do not reach it directly, and so that stopping it stops every
// libFuzzer -fork job it started), killed by the kernel if x86diff dies (even by SIGKILL), its
// output appended to a log file and handed over line by line.
#ifndef X86DIFF_TOOLS_X86DIFF_FUZZER_PROCESS_H_
#define X86DIFF_TOOLS_X86DIFF_FUZZER_PROCESS_H_

#include <sys/types.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace x86diff::cli {

class FuzzerProcess {
 public:
  struct Spec {
    std::vector<std::string> argv;  // argv[0]: path of the program
    // Added to (or replacing in) the environment x86diff runs with.
    std::vector<std::pair<std::string, std::string>> environment;
    std::string log_path;  // stdout and stderr are appended here
  };

  // Forks and executes; a program that cannot be executed is reported by the child as exit
  // status 127 with the reason in the log.
  static absl::StatusOr<std::unique_ptr<FuzzerProcess>> Start(const Spec& spec);
  ~FuzzerProcess();  // kills the process group if it is still running

  FuzzerProcess(const FuzzerProcess&) = delete;
  FuzzerProcess& operator=(const FuzzerProcess&) = delete;

  // Reads what is available (never blocks), appends it to the log and calls `on_line` for every
  // complete line. Returns false once the output is closed (the process and its jobs are done
  // writing).
  bool Drain(const std::function<void(absl::string_view line)>& on_line);

  // The output descriptor, for poll(); -1 once closed.
  int output_fd() const { return output_fd_; }
  pid_t pid() const { return pid_; }

  // Sends `signal` to the whole process group.
  void Signal(int signal);

  // Collects the exit status without blocking: nullopt while running; otherwise the raw wait
  // status (WIFEXITED etc.).
  std::optional<int> Poll();

  // The last lines of output, for error messages.
  const std::vector<std::string>& tail() const { return tail_; }

 private:
  FuzzerProcess(pid_t pid, int output_fd, int log_fd)
      : pid_(pid), output_fd_(output_fd), log_fd_(log_fd) {}

  pid_t pid_;
  int output_fd_;
  int log_fd_;
  std::optional<int> wait_status_;
  std::string partial_line_;
  std::vector<std::string> tail_;
};

// "exited with status 3", "killed by signal 9 (Killed)".
std::string DescribeWaitStatus(int wait_status);

}  // namespace x86diff::cli

#endif  // X86DIFF_TOOLS_X86DIFF_FUZZER_PROCESS_H_

// WorkerExecutor: runs any Executor inside a WorkerProcess, so that a target which crashes or
// hangs (Unicorn's abort(), a plugin's segfault or endless loop) yields kCrash / kTimeout for
// that case instead of taking the harness down.
#ifndef X86DIFF_ADAPTERS_COMMON_WORKER_EXECUTOR_H_
#define X86DIFF_ADAPTERS_COMMON_WORKER_EXECUTOR_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "adapters/common/worker_process.h"
#include "harness/executor.h"

namespace x86diff {

// Creates the executor that runs inside the worker. Called in the child, once per child start
// (so again after every crash); its error becomes WorkerExecutor::Start's error.
using ExecutorFactory = std::function<absl::StatusOr<std::unique_ptr<Executor>>()>;

// name(), provenance() and SupportsMode() are the inner executor's, as reported when the first
// child started. Execute() sends the test case (harness/test_case_codec.h) and receives the
// result (adapters/common/exec_reply_codec.h); the inner executor's error statuses come back
// unchanged. When the child dies during a case the result is kCrash with `detail` naming the
// signal or exit status and the tail of the child's output (e.g. Unicorn's "tcg fatal error");
// when it does not answer within WorkerOptions::reply_timeout it is killed and the result is
// kTimeout. Either way the next case gets a fresh child. In both results only `status` and
// `detail` are meaningful. A mode the inner executor does not support is FailedPrecondition
// without a round trip. Not thread-safe.
class WorkerExecutor final : public Executor {
 public:
  static absl::StatusOr<std::unique_ptr<WorkerExecutor>> Start(ExecutorFactory factory,
                                                               WorkerOptions options);

  absl::string_view name() const override { return name_; }
  Provenance provenance() const override { return provenance_; }
  bool SupportsMode(Mode mode) const override;
  absl::StatusOr<ExecResult> Execute(const TestCase& test_case) override;

  // The worker's pid and how many workers were started (for tests of the restart behaviour).
  pid_t worker_pid() const { return worker_->pid(); }
  int worker_starts() const { return worker_->starts(); }

 private:
  explicit WorkerExecutor(std::unique_ptr<WorkerProcess> worker);

  std::unique_ptr<WorkerProcess> worker_;
  std::string name_;
  Provenance provenance_ = Provenance::kSoftwareEmulator;
  uint32_t mode_mask_ = 0;  // bit i: static_cast<Mode>(i) supported
};

}  // namespace x86diff

#endif  // X86DIFF_ADAPTERS_COMMON_WORKER_EXECUTOR_H_

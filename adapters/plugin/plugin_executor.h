// PluginExecutor: an execution oracle provided by a third-party shared object implementing the
// x86diff plugin ABI (adapters/plugin/x86diff_plugin.h).
#ifndef X86DIFF_ADAPTERS_PLUGIN_PLUGIN_EXECUTOR_H_
#define X86DIFF_ADAPTERS_PLUGIN_PLUGIN_EXECUTOR_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "adapters/common/worker_executor.h"
#include "adapters/common/worker_process.h"
#include "harness/executor.h"

namespace x86diff {

struct PluginExecutorOptions {
  // An empty label becomes "plugin <path>". reply_timeout is how long one run() may take before
  // the case is kTimeout and the worker is restarted.
  WorkerOptions worker = {.label = ""};
};

// name() is the plugin's own name, provenance kSoftwareEmulator, SupportsMode() the modes whose
// create() succeeded. The plugin is loaded (dlopen) only in a worker process
// (adapters/common/worker_executor.h): a plugin that crashes during run() gives a kCrash result
// naming the signal (and the tail of the plugin's output), one that does not return within
// reply_timeout gives kTimeout; the next case runs in a fresh worker, which loads the plugin and
// calls create() again. Not thread-safe.
class PluginExecutor final : public Executor {
 public:
  // Starts the worker and loads `path` there. The errors of LoadedPlugin::Load (missing file,
  // missing symbol, ABI version mismatch, create() failing for every mode; each names the path
  // and the problem) come back unchanged; a plugin that crashes or hangs while loading gives
  // Internal / DeadlineExceeded naming the path.
  static absl::StatusOr<std::unique_ptr<PluginExecutor>> Create(
      const std::string& path, const PluginExecutorOptions& options = {});

  absl::string_view name() const override { return worker_->name(); }
  Provenance provenance() const override { return worker_->provenance(); }
  bool SupportsMode(Mode mode) const override { return worker_->SupportsMode(mode); }
  absl::StatusOr<ExecResult> Execute(const TestCase& test_case) override {
    return worker_->Execute(test_case);
  }

  // For tests of crash recovery.
  const WorkerExecutor& worker() const { return *worker_; }

 private:
  explicit PluginExecutor(std::unique_ptr<WorkerExecutor> worker) : worker_(std::move(worker)) {}

  std::unique_ptr<WorkerExecutor> worker_;
};

}  // namespace x86diff

#endif  // X86DIFF_ADAPTERS_PLUGIN_PLUGIN_EXECUTOR_H_

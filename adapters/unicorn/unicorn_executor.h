// UnicornExecutor: the Unicorn 2 emulator (https://www.unicorn-engine.org) as an execution oracle
// for all five modes. What it reports, and where Unicorn is imprecise, is documented on
// UnicornEngine (unicorn_engine.h).
#ifndef X86DIFF_ADAPTERS_UNICORN_UNICORN_EXECUTOR_H_
#define X86DIFF_ADAPTERS_UNICORN_UNICORN_EXECUTOR_H_

#include <array>
#include <memory>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "adapters/common/worker_executor.h"
#include "adapters/common/worker_process.h"
#include "adapters/unicorn/unicorn_engine.h"
#include "harness/executor.h"

namespace x86diff {

struct UnicornExecutorOptions {
  UnicornOptions engine;
  // For Create() only. The label defaults to "unicorn worker".
  WorkerOptions worker = {.label = "unicorn worker"};
};

// name() "unicorn", provenance kSoftwareEmulator, every mode. One engine per mode, created on the
// mode's first case (~5 ms, so that a worker restarted after a crash pays only for the modes it
// uses) and reused for every later case; an engine that cannot be created is an Internal error
// of that Execute(). Not thread-safe.
class UnicornExecutor final : public Executor {
 public:
  // The safe form: the engines live in a persistent worker process (WorkerExecutor), so that an
  // input on which Unicorn abort()s ("tcg fatal error", FACTS.md) is a kCrash result whose
  // detail carries Unicorn's message, and the next case runs in a fresh worker. Costs one socket
  // round trip per case.
  static absl::StatusOr<std::unique_ptr<UnicornExecutor>> Create(
      const UnicornExecutorOptions& options = {});

  // The engines in the calling process: fastest, for tests and benchmarks with known inputs.
  // UNSAFE against aborts: an input that makes Unicorn abort() kills the calling process.
  static absl::StatusOr<std::unique_ptr<UnicornExecutor>> CreateInProcess(
      const UnicornOptions& options = {});

  absl::string_view name() const override { return "unicorn"; }
  Provenance provenance() const override { return Provenance::kSoftwareEmulator; }
  bool SupportsMode(Mode mode) const override { return true; }
  absl::StatusOr<ExecResult> Execute(const TestCase& test_case) override;

  // Whether the engines run in a worker process (Create) or here (CreateInProcess).
  bool contained() const { return worker_ != nullptr; }
  // The worker (contained() only; for tests of crash recovery).
  const WorkerExecutor* worker() const { return worker_.get(); }

 private:
  UnicornExecutor() = default;
  absl::StatusOr<UnicornEngine*> EngineFor(Mode mode);

  UnicornOptions options_;
  // Exactly one of the two is in use.
  std::unique_ptr<WorkerExecutor> worker_;
  std::array<std::unique_ptr<UnicornEngine>, kAllModes.size()> engines_;  // by Mode value
};

}  // namespace x86diff

#endif  // X86DIFF_ADAPTERS_UNICORN_UNICORN_EXECUTOR_H_

#include "adapters/unicorn/unicorn_executor.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "harness/status_macros.h"

namespace x86diff {

absl::StatusOr<std::unique_ptr<UnicornExecutor>> UnicornExecutor::Create(
    const UnicornExecutorOptions& options) {
  const UnicornOptions engine_options = options.engine;
  std::unique_ptr<UnicornExecutor> executor(new UnicornExecutor());
  ASSIGN_OR_RETURN(executor->worker_,
                   WorkerExecutor::Start(
                       [engine_options]() -> absl::StatusOr<std::unique_ptr<Executor>> {
                         return CreateInProcess(engine_options);
                       },
                       options.worker));
  return executor;
}

absl::StatusOr<std::unique_ptr<UnicornExecutor>> UnicornExecutor::CreateInProcess(
    const UnicornOptions& options) {
  if (!uc_arch_supported(UC_ARCH_X86)) {
    return absl::FailedPreconditionError("this Unicorn library was built without x86 support");
  }
  std::unique_ptr<UnicornExecutor> executor(new UnicornExecutor());
  executor->options_ = options;
  return executor;
}

absl::StatusOr<UnicornEngine*> UnicornExecutor::EngineFor(Mode mode) {
  std::unique_ptr<UnicornEngine>& engine = engines_[static_cast<int>(mode)];
  if (engine == nullptr) {
    absl::StatusOr<std::unique_ptr<UnicornEngine>> created = UnicornEngine::Create(mode, options_);
    if (!created.ok()) {
      return absl::Status(created.status().code(), absl::StrCat("unicorn ", ModeName(mode), ": ",
                                                                created.status().message()));
    }
    engine = std::move(created).value();
  }
  return engine.get();
}

absl::StatusOr<ExecResult> UnicornExecutor::Execute(const TestCase& test_case) {
  if (worker_ != nullptr) return worker_->Execute(test_case);
  ASSIGN_OR_RETURN(UnicornEngine * engine, EngineFor(test_case.mode));
  return engine->Run(test_case);
}

}  // namespace x86diff

#include "adapters/common/worker_executor.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "adapters/common/exec_reply_codec.h"
#include "harness/status_macros.h"
#include "harness/test_case_codec.h"

namespace x86diff {

namespace {

// Greeting layout: u8 provenance, u8 mode mask, name bytes.
constexpr size_t kGreetingHeaderBytes = 2;

// The child side: decodes a test case, runs the inner executor, encodes its answer.
class ExecutorService final : public WorkerService {
 public:
  explicit ExecutorService(std::unique_ptr<Executor> executor) : executor_(std::move(executor)) {}

  void Handle(absl::Span<const uint8_t> request, std::vector<uint8_t>& reply) override {
    absl::StatusOr<TestCase> test_case = ParseTestCase(request);
    if (!test_case.ok()) {
      SerializeExecReply(test_case.status(), reply);
      return;
    }
    SerializeExecReply(executor_->Execute(*test_case), reply);
  }

 private:
  std::unique_ptr<Executor> executor_;
};

absl::StatusOr<WorkerStart> BootExecutor(const ExecutorFactory& factory) {
  ASSIGN_OR_RETURN(std::unique_ptr<Executor> executor, factory());
  WorkerStart start;
  start.greeting.push_back(static_cast<uint8_t>(executor->provenance()));
  uint8_t modes = 0;
  for (Mode mode : kAllModes) {
    if (executor->SupportsMode(mode)) modes |= 1u << static_cast<int>(mode);
  }
  start.greeting.push_back(modes);
  const absl::string_view name = executor->name();
  start.greeting.insert(start.greeting.end(), name.begin(), name.end());
  start.service = std::make_unique<ExecutorService>(std::move(executor));
  return start;
}

}  // namespace

absl::StatusOr<std::unique_ptr<WorkerExecutor>> WorkerExecutor::Start(ExecutorFactory factory,
                                                                      WorkerOptions options) {
  ASSIGN_OR_RETURN(
      std::unique_ptr<WorkerProcess> worker,
      WorkerProcess::Start([factory = std::move(factory)] { return BootExecutor(factory); },
                           std::move(options)));
  if (worker->greeting().size() < kGreetingHeaderBytes) {
    return absl::InternalError(absl::StrCat(worker->options().label, " sent a malformed greeting"));
  }
  return std::unique_ptr<WorkerExecutor>(new WorkerExecutor(std::move(worker)));
}

WorkerExecutor::WorkerExecutor(std::unique_ptr<WorkerProcess> worker) : worker_(std::move(worker)) {
  const std::vector<uint8_t>& greeting = worker_->greeting();
  provenance_ = static_cast<Provenance>(greeting[0]);
  mode_mask_ = greeting[1];
  name_.assign(greeting.begin() + kGreetingHeaderBytes, greeting.end());
}

bool WorkerExecutor::SupportsMode(Mode mode) const {
  return (mode_mask_ >> static_cast<int>(mode)) & 1;
}

absl::StatusOr<ExecResult> WorkerExecutor::Execute(const TestCase& test_case) {
  if (!SupportsMode(test_case.mode)) {
    return absl::FailedPreconditionError(
        absl::StrCat(name_, " does not support mode ", ModeName(test_case.mode)));
  }
  if (test_case.code.size() > kMaxCodeBytes) {  // SerializeTestCase would CHECK-fail
    return absl::InvalidArgumentError(
        absl::StrCat(test_case.code.size(), " code bytes, at most ", kMaxCodeBytes));
  }
  const std::vector<uint8_t> request = SerializeTestCase(test_case);
  ASSIGN_OR_RETURN(WorkerReply reply, worker_->Call(request));
  switch (reply.outcome) {
    case WorkerOutcome::kReplied:
      return ParseExecReply(reply.payload);
    case WorkerOutcome::kDied: {
      ExecResult result;
      result.status = ExecStatus::kCrash;
      result.detail = absl::StrCat(worker_->options().label, " ", reply.detail);
      return result;
    }
    case WorkerOutcome::kTimedOut: {
      ExecResult result;
      result.status = ExecStatus::kTimeout;
      result.detail = absl::StrCat(worker_->options().label, ": ", reply.detail);
      return result;
    }
  }
  return absl::InternalError("unknown worker outcome");
}

}  // namespace x86diff

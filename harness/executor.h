// Executor: the interface every execution oracle implements (native CPU, KVM, Unicorn, plugins).
#ifndef X86DIFF_HARNESS_EXECUTOR_H_
#define X86DIFF_HARNESS_EXECUTOR_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "harness/exec_result.h"
#include "harness/outcome.h"
#include "harness/test_case.h"

namespace x86diff {

// Contract: Execute() runs the test case's code at LayoutFor(mode).code_address with the case's
// initial registers and scratch memory (TestCase::InitialState / ScratchContents) and reports what
// happened. Whatever the code does (fault, hang, crash the target) is data in the ExecResult; a
// non-OK status means the executor's own machinery failed (cannot fork, ioctl failed) or the mode
// is not supported (FailedPrecondition). Executors are created once and reset cheaply per case;
// they are not thread-safe.
class Executor {
 public:
  Executor() = default;
  Executor(const Executor&) = delete;
  Executor& operator=(const Executor&) = delete;
  virtual ~Executor() = default;

  // Stable lower-case target name ("native", "unicorn", "kvm", plugin-given).
  virtual absl::string_view name() const = 0;
  virtual Provenance provenance() const = 0;
  virtual bool SupportsMode(Mode mode) const = 0;
  virtual absl::StatusOr<ExecResult> Execute(const TestCase& test_case) = 0;

  // Runs the cases in order and returns one result per case, each what Execute() returns for it.
  // Executors that can run many cases per round trip (a child process, a VM exit) override this;
  // the default calls Execute() per case. A non-OK status fails the whole batch (the first failing
  // case's status here; an override may fail before running anything): callers that need per-case
  // errors run the cases one by one after it (RunExecutionBatch does). Every case must be in a
  // mode the executor SupportsMode().
  virtual absl::StatusOr<std::vector<ExecResult>> ExecuteBatch(absl::Span<const TestCase> cases) {
    std::vector<ExecResult> results;
    results.reserve(cases.size());
    for (const TestCase& test_case : cases) {
      absl::StatusOr<ExecResult> result = Execute(test_case);
      if (!result.ok()) return result.status();
      results.push_back(*std::move(result));
    }
    return results;
  }
};

}  // namespace x86diff

#endif  // X86DIFF_HARNESS_EXECUTOR_H_

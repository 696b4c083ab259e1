// Running one case of the regression corpus: the same pipeline for `x86diff record` and
// `x86diff replay --check`, so that a check compares like with like.
#ifndef X86DIFF_TOOLS_X86DIFF_EXPECTATION_RUN_H_
#define X86DIFF_TOOLS_X86DIFF_EXPECTATION_RUN_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "harness/decoder.h"
#include "harness/divergence.h"
#include "harness/executor.h"
#include "harness/outcome.h"
#include "harness/test_case.h"

namespace x86diff::cli {

struct CaseRun {
  std::vector<Outcome> outcomes;        // decoders in order, then the executors that ran the case
  std::vector<Divergence> divergences;  // decode divergences, then execution divergences
  std::string not_executed;             // why no executor ran the case (ExecRun::not_executed)
};

// Without executors: RunDecoders + CompareDecodes. With executors: RunExecution (first
// instruction only, Zydis' length; harness/exec_runner.h), keeping only the executors that
// support the case's mode. Errors are the decoders' infrastructure errors.
absl::StatusOr<CaseRun> RunCase(absl::Span<const Decoder* const> decoders,
                                absl::Span<Executor* const> executors, const TestCase& test_case);

// What each target is, for "recorded_with": the decoders' library versions, Unicorn's version,
// "cpu <model name>" for hardware executors (native, KVM), "plugin" for others.
std::map<std::string, std::string> DescribeTargets(absl::Span<const Decoder* const> decoders,
                                                   absl::Span<Executor* const> executors);

// Whether a target's answer depends on the host CPU (hardware provenance), judged from the
// DescribeTargets() description it was recorded with.
bool IsCpuDescription(absl::string_view description);

// "cpu " and the first "model name" of /proc/cpuinfo ("cpu unknown" when unreadable).
std::string HostCpuDescription();

}  // namespace x86diff::cli

#endif  // X86DIFF_TOOLS_X86DIFF_EXPECTATION_RUN_H_

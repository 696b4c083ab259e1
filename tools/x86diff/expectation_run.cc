#include "tools/x86diff/expectation_run.h"

#include <fstream>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "harness/comparator.h"
#include "harness/decode_runner.h"
#include "harness/exec_runner.h"
#include "harness/status_macros.h"

#if defined(X86DIFF_HAVE_UNICORN)
#include <unicorn/unicorn.h>
#endif

namespace x86diff::cli {

namespace {
constexpr absl::string_view kCpuPrefix = "cpu ";
}  // namespace

absl::StatusOr<CaseRun> RunCase(absl::Span<const Decoder* const> decoders,
                                absl::Span<Executor* const> executors, const TestCase& test_case) {
  std::vector<Executor*> runnable;
  for (Executor* executor : executors) {
    if (executor->SupportsMode(test_case.mode)) runnable.push_back(executor);
  }
  CaseRun run;
  if (runnable.empty()) {
    ASSIGN_OR_RETURN(run.outcomes, RunDecoders(decoders, test_case));
    run.divergences = CompareDecodes(test_case, run.outcomes);
    return run;
  }
  ASSIGN_OR_RETURN(ExecRun executed, RunExecution(decoders, runnable, test_case));
  run.outcomes = std::move(executed.outcomes);
  run.divergences = std::move(executed.decode_divergences);
  run.divergences.insert(run.divergences.end(), executed.exec.divergences.begin(),
                         executed.exec.divergences.end());
  run.not_executed = std::move(executed.not_executed);
  return run;
}

std::string HostCpuDescription() {
  std::ifstream cpuinfo("/proc/cpuinfo");
  std::string line;
  while (std::getline(cpuinfo, line)) {
    absl::string_view rest = line;
    if (!absl::ConsumePrefix(&rest, "model name")) continue;
    const size_t colon = rest.find(':');
    if (colon == absl::string_view::npos) continue;
    return absl::StrCat(kCpuPrefix, absl::StripAsciiWhitespace(rest.substr(colon + 1)));
  }
  return absl::StrCat(kCpuPrefix, "unknown");
}

bool IsCpuDescription(absl::string_view description) {
  return absl::StartsWith(description, kCpuPrefix);
}

std::map<std::string, std::string> DescribeTargets(absl::Span<const Decoder* const> decoders,
                                                   absl::Span<Executor* const> executors) {
  std::map<std::string, std::string> described;
  for (const Decoder* decoder : decoders) {
    described[std::string(decoder->name())] = decoder->version();
  }
  for (Executor* executor : executors) {
    std::string description = "plugin";
    if (executor->provenance() == Provenance::kHardware ||
        executor->provenance() == Provenance::kKvmEmulated) {
      description = HostCpuDescription();
    }
#if defined(X86DIFF_HAVE_UNICORN)
    if (executor->name() == "unicorn") {
      unsigned int major = 0;
      unsigned int minor = 0;
      uc_version(&major, &minor);
      // uc_version() reports major.minor only; the patch level comes from the header.
      description = absl::StrCat("Unicorn ", major, ".", minor, ".", UC_VERSION_PATCH);
    }
#endif
    described[std::string(executor->name())] = std::move(description);
  }
  return described;
}

}  // namespace x86diff::cli

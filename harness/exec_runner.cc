#include "harness/exec_runner.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "harness/comparator.h"
#include "harness/decode_runner.h"

namespace x86diff {
namespace {

const Outcome* FindOutcome(absl::Span<const Outcome> outcomes, absl::string_view target) {
  for (const Outcome& outcome : outcomes) {
    if (outcome.provenance == Provenance::kDecoder && outcome.target == target) return &outcome;
  }
  return nullptr;
}

}  // namespace

TestCase TrimToFirstInstruction(const TestCase& test_case, absl::Span<const Outcome> decoded,
                                absl::string_view reference_decoder) {
  TestCase trimmed = test_case;
  const Outcome* reference = FindOutcome(decoded, reference_decoder);
  if (reference != nullptr && reference->decode.valid && reference->decode.length > 0 &&
      reference->decode.length < trimmed.code.size()) {
    trimmed.code.resize(reference->decode.length);
  }
  return trimmed;
}

absl::StatusOr<ExecRun> RunExecution(absl::Span<const Decoder* const> decoders,
                                     absl::Span<Executor* const> executors,
                                     const TestCase& test_case, const ExecRunOptions& options) {
  absl::StatusOr<std::vector<Outcome>> decoded = RunDecoders(decoders, test_case, options.detail);
  if (!decoded.ok()) return decoded.status();

  ExecRun run;
  run.outcomes = *std::move(decoded);
  run.decode_divergences = CompareDecodes(test_case, run.outcomes);
  run.executed = TrimToFirstInstruction(test_case, run.outcomes, options.reference_decoder);
  const Outcome* reference = FindOutcome(run.outcomes, options.reference_decoder);
  if (reference != nullptr && reference->decode.has_flag_info) {
    run.undefined_flags = reference->decode.flags_undefined;
  }

  if (reference != nullptr && !reference->decode.valid &&
      reference->decode.failure == DecodeFailure::kTruncated) {
    run.not_executed =
        absl::StrCat(options.reference_decoder, " says the instruction continues past the code's ",
                     test_case.code.size(),
                     " bytes; executors would read what "
                     "each places after the code, so none runs it");
    return run;
  }
  const size_t first_exec = run.outcomes.size();
  for (Executor* executor : executors) {
    if (!executor->SupportsMode(run.executed.mode)) continue;
    Outcome outcome{std::string(executor->name()), executor->provenance(), {}};
    absl::StatusOr<ExecResult> result = executor->Execute(run.executed);
    if (result.ok()) {
      outcome.exec = *std::move(result);
    } else {
      // The executor's machinery failed; the others still run, and the failure is on record.
      ++run.executor_errors;
      ExecResult crashed;
      crashed.status = ExecStatus::kCrash;
      crashed.detail = absl::StrCat("executor error: ", result.status().ToString());
      outcome.exec = std::move(crashed);
    }
    run.outcomes.push_back(std::move(outcome));
  }
  run.exec = CompareExecutions(run.executed, absl::MakeConstSpan(run.outcomes).subspan(first_exec),
                               run.undefined_flags);
  return run;
}

}  // namespace x86diff

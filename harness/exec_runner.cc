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

namespace {

// The decode half of RunExecution: decoders, decode comparison, trimming, undefined flags and
// not_executed. The executors have not run yet.
absl::StatusOr<ExecRun> PrepareRun(absl::Span<const Decoder* const> decoders,
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
  }
  return run;
}

bool RunsExecutors(const ExecRun& run) { return run.not_executed.empty(); }

// Appends `executor`'s outcome for `result` to run.outcomes.
void AddExecOutcome(const Executor& executor, absl::StatusOr<ExecResult> result, ExecRun& run) {
  Outcome outcome{std::string(executor.name()), executor.provenance(), {}};
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

// The comparison over the executor outcomes, which follow the `decoded` decoder outcomes.
void CompareRun(size_t decoded, ExecRun& run) {
  run.exec = CompareExecutions(run.executed, absl::MakeConstSpan(run.outcomes).subspan(decoded),
                               run.undefined_flags);
}

}  // namespace

absl::StatusOr<ExecRun> RunExecution(absl::Span<const Decoder* const> decoders,
                                     absl::Span<Executor* const> executors,
                                     const TestCase& test_case, const ExecRunOptions& options) {
  absl::StatusOr<ExecRun> prepared = PrepareRun(decoders, test_case, options);
  if (!prepared.ok() || !RunsExecutors(*prepared)) return prepared;
  ExecRun& run = *prepared;
  const size_t first_exec = run.outcomes.size();
  for (Executor* executor : executors) {
    if (!executor->SupportsMode(run.executed.mode)) continue;
    AddExecOutcome(*executor, executor->Execute(run.executed), run);
  }
  CompareRun(first_exec, run);
  return prepared;
}

std::vector<absl::StatusOr<ExecRun>> RunExecutionBatch(absl::Span<const Decoder* const> decoders,
                                                       absl::Span<Executor* const> executors,
                                                       absl::Span<const TestCase> cases,
                                                       const ExecRunOptions& options) {
  std::vector<absl::StatusOr<ExecRun>> runs;
  runs.reserve(cases.size());
  std::vector<size_t> decoded(cases.size(), 0);  // decoder outcomes per run
  for (size_t i = 0; i < cases.size(); ++i) {
    runs.push_back(PrepareRun(decoders, cases[i], options));
    if (runs.back().ok()) decoded[i] = runs.back()->outcomes.size();
  }
  // Executor order within each run's outcomes is kept because executors run one after another,
  // each appending to every run it executes.
  std::vector<size_t> indices;
  std::vector<TestCase> batch;
  for (Executor* executor : executors) {
    indices.clear();
    batch.clear();
    for (size_t i = 0; i < runs.size(); ++i) {
      if (runs[i].ok() && RunsExecutors(*runs[i]) &&
          executor->SupportsMode(runs[i]->executed.mode)) {
        indices.push_back(i);
        batch.push_back(runs[i]->executed);
      }
    }
    if (batch.empty()) continue;
    absl::StatusOr<std::vector<ExecResult>> results = executor->ExecuteBatch(batch);
    if (results.ok() && results->size() != batch.size()) {
      results = absl::InternalError(absl::StrCat(executor->name(), " returned ", results->size(),
                                                 " results for ", batch.size(), " cases"));
    }
    for (size_t k = 0; k < indices.size(); ++k) {
      ExecRun& run = *runs[indices[k]];
      AddExecOutcome(*executor,
                     results.ok() ? std::move((*results)[k]) : executor->Execute(batch[k]), run);
    }
  }
  for (size_t i = 0; i < runs.size(); ++i) {
    if (runs[i].ok() && RunsExecutors(*runs[i])) CompareRun(decoded[i], *runs[i]);
  }
  return runs;
}

}  // namespace x86diff

#include "tools/x86diff/replay.h"

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "adapters/executor_registry.h"
#include "harness/comparator.h"
#include "harness/decode_runner.h"
#include "harness/exec_runner.h"
#include "harness/finding.h"
#include "harness/status_macros.h"
#include "harness/test_case_json.h"
#include "nlohmann/json.hpp"
#include "tools/x86diff/decoder_set.h"
#include "tools/x86diff/expectation.h"
#include "tools/x86diff/expectation_check.h"
#include "tools/x86diff/file_walk.h"
#include "tools/x86diff/outcome_view.h"
#include "tools/x86diff/run.h"

namespace x86diff::cli {

namespace {

// Rows shown for a divergent case: enough to see who said what without the flag metadata.
constexpr uint32_t kReplayRows = kRowBytes | kRowInstruction | kRowLength | kRowPrefixes;

struct ReplayCounts {
  size_t files = 0;  // files read (loaded or not)
  size_t cases = 0;  // loaded and decoded
  size_t divergent_cases = 0;
  size_t divergences = 0;
  size_t skipped = 0;
  size_t decoder_errors = 0;
  absl::flat_hash_set<uint64_t> signatures;
  std::vector<std::pair<std::string, std::string>> unreadable;  // path, reason
};

void WriteTextCase(const std::string& path, const TestCase& test_case,
                   absl::Span<const Outcome> outcomes, absl::Span<const Divergence> divergences,
                   const ViewStyle& style, std::ostream& out, const ExecRun* run = nullptr) {
  out << Colored(style, "1", path) << "\n";
  out << "  " << CaseHeadline(test_case) << "\n";
  WriteOutcomeTable(outcomes, test_case.code, divergences, kReplayRows, style, "  ", out);
  WriteDivergences(divergences, style, "  ", out);
  if (run != nullptr) WriteExecutionView(*run, style, "  ", out);
  out << "\n";
}

void WriteJsonCase(const std::string& path, const TestCase& test_case,
                   absl::Span<const Outcome> outcomes, absl::Span<const Divergence> divergences,
                   std::ostream& out) {
  nlohmann::json value = {{"path", path},
                          {"testcase", TestCaseToJsonValue(test_case)},
                          {"outcomes", nlohmann::json::array()},
                          {"divergences", nlohmann::json::array()}};
  for (const Outcome& outcome : outcomes) value["outcomes"].push_back(OutcomeToJsonValue(outcome));
  for (const Divergence& divergence : divergences) {
    value["divergences"].push_back(DivergenceToJsonValue(divergence));
  }
  out << value.dump() << "\n";
}

std::string SummaryLine(const ReplayCounts& counts) {
  return absl::StrCat("replay: ", counts.files, " files, ", counts.cases, " cases run, ",
                      counts.divergent_cases, " diverge (", counts.divergences, " divergences, ",
                      counts.signatures.size(), " signatures); ", counts.unreadable.size(),
                      " unreadable, ", counts.decoder_errors, " decoder errors, ", counts.skipped,
                      " skipped");
}

void WriteJsonSummary(const ReplayCounts& counts, std::ostream& out) {
  nlohmann::json unreadable = nlohmann::json::array();
  for (const auto& [path, reason] : counts.unreadable) {
    unreadable.push_back({{"path", path}, {"error", reason}});
  }
  nlohmann::json summary = {{"files", counts.files},
                            {"cases", counts.cases},
                            {"divergent_cases", counts.divergent_cases},
                            {"divergences", counts.divergences},
                            {"signatures", counts.signatures.size()},
                            {"decoder_errors", counts.decoder_errors},
                            {"skipped", counts.skipped},
                            {"unreadable", std::move(unreadable)}};
  out << nlohmann::json{{"summary", std::move(summary)}}.dump() << "\n";
}

// The final status, from the most serious problem down (see replay.h).
absl::Status FinalStatus(const ReplayOptions& options, const ReplayCounts& counts) {
  if (!options.keep_going && counts.decoder_errors > 0) {
    return absl::InternalError(
        absl::StrCat(counts.decoder_errors, " cases hit a decoder error (see above)"));
  }
  if (!options.keep_going && !counts.unreadable.empty()) {
    return absl::DataLossError(absl::StrCat(counts.unreadable.size(), " of ", counts.files,
                                            " files could not be loaded (see above; "
                                            "--keep_going ignores them)"));
  }
  if (options.fail_on_divergence && counts.divergent_cases > 0) {
    return absl::FailedPreconditionError(
        absl::StrCat(counts.divergent_cases, " of ", counts.cases, " cases diverge"));
  }
  return absl::OkStatus();
}

// --exec runs the files' cases in chunks through RunExecutionBatch, so that executors that batch
// (native, kvm) make one round trip per chunk instead of one per file. Run(i) hands out file i's
// run, loading and running the chunk it is in on first use; files that do not load are left out
// here and reported by the caller as it loads them.
class ChunkedExecution {
 public:
  static constexpr size_t kChunkFiles = 256;

  ChunkedExecution(absl::Span<const Decoder* const> decoders, absl::Span<Executor* const> executors,
                   absl::Span<const std::string> files)
      : decoders_(decoders), executors_(executors), files_(files) {}

  absl::StatusOr<ExecRun> Run(size_t index, const TestCase& test_case) {
    if (index < first_ || index >= first_ + runs_.size()) LoadChunk(index - index % kChunkFiles);
    std::optional<absl::StatusOr<ExecRun>>& run = runs_[index - first_];
    if (!run.has_value()) return RunExecution(decoders_, executors_, test_case);
    return *std::move(run);
  }

 private:
  void LoadChunk(size_t first) {
    first_ = first;
    const size_t count = std::min(kChunkFiles, files_.size() - first);
    runs_.assign(count, std::nullopt);
    std::vector<TestCase> cases;
    std::vector<size_t> loaded;
    for (size_t i = 0; i < count; ++i) {
      absl::StatusOr<TestCase> test_case = LoadAnyCaseFile(files_[first + i]);
      if (!test_case.ok()) continue;
      cases.push_back(*std::move(test_case));
      loaded.push_back(i);
    }
    std::vector<absl::StatusOr<ExecRun>> runs = RunExecutionBatch(decoders_, executors_, cases);
    for (size_t k = 0; k < loaded.size(); ++k) runs_[loaded[k]] = std::move(runs[k]);
  }

  absl::Span<const Decoder* const> decoders_;
  absl::Span<Executor* const> executors_;
  absl::Span<const std::string> files_;
  size_t first_ = 0;
  std::vector<std::optional<absl::StatusOr<ExecRun>>> runs_;
};

}  // namespace

absl::Status RunReplayCommand(const ReplayOptions& options, std::ostream& out, std::ostream& err) {
  if (options.check) return RunExpectationCheck(options.paths, out, err);
  if (options.paths.empty()) {
    return absl::InvalidArgumentError("replay needs at least one file or directory");
  }
  ASSIGN_OR_RETURN(DecoderSet decoders, DecoderSet::Create(options.decoders, 2));
  ASSIGN_OR_RETURN(FileWalk walk, WalkPaths(options.paths, &IsTestCaseCandidate));
  std::vector<std::unique_ptr<Executor>> executors;
  std::vector<Executor*> executor_views;
  if (options.exec) {
    std::vector<std::string> notes;
    ASSIGN_OR_RETURN(executors, MakeExecutors({options.executors, options.plugins}, &notes));
    if (executors.empty()) return absl::InvalidArgumentError("--exec: no executor selected");
    for (const std::string& note : notes) err << "note: " << note << "\n";
    for (const std::unique_ptr<Executor>& executor : executors) {
      executor_views.push_back(executor.get());
    }
  }

  ReplayCounts counts;
  for (const FileWalk::Error& error : walk.errors) {
    err << "error: " << error.path << ": " << error.reason << "\n";
    counts.unreadable.emplace_back(error.path, error.reason);
  }
  for (const std::string& path : walk.skipped) {
    err << "skipped (documentation, hidden or not a regular file): " << path << "\n";
  }
  counts.skipped = walk.skipped.size();

  const ViewStyle style{options.color};
  ChunkedExecution chunks(decoders.views(), executor_views, walk.files);
  for (size_t index = 0; index < walk.files.size(); ++index) {
    const std::string& path = walk.files[index];
    ++counts.files;
    absl::StatusOr<TestCase> test_case = LoadAnyCaseFile(path);
    if (!test_case.ok()) {
      // LoadAnyCaseFile names the path in its message.
      err << "error: " << test_case.status().message() << "\n";
      counts.unreadable.emplace_back(path, std::string(test_case.status().message()));
      continue;
    }
    std::optional<ExecRun> run;
    absl::StatusOr<std::vector<Outcome>> outcomes;
    std::vector<Divergence> divergences;
    if (options.exec) {
      absl::StatusOr<ExecRun> executed = chunks.Run(index, *test_case);
      if (executed.ok()) {
        run = *std::move(executed);
        outcomes = run->outcomes;
        divergences = run->decode_divergences;
        divergences.insert(divergences.end(), run->exec.divergences.begin(),
                           run->exec.divergences.end());
      } else {
        outcomes = executed.status();
      }
    } else {
      outcomes = RunDecoders(decoders.views(), *test_case);
      if (outcomes.ok()) divergences = CompareDecodes(*test_case, *outcomes);
    }
    if (!outcomes.ok()) {
      err << "error: " << path << ": " << outcomes.status().message() << "\n";
      ++counts.decoder_errors;
      continue;
    }
    ++counts.cases;
    if (divergences.empty()) continue;
    ++counts.divergent_cases;
    counts.divergences += divergences.size();
    for (const Divergence& divergence : divergences) {
      counts.signatures.insert(divergence.signature.hash);
    }
    if (options.json) {
      WriteJsonCase(path, run ? run->executed : *test_case, *outcomes, divergences, out);
    } else if (run) {
      std::vector<Outcome> decoded;
      for (const Outcome& outcome : run->outcomes) {
        if (!outcome.exec.has_value()) decoded.push_back(outcome);
      }
      WriteTextCase(path, *test_case, decoded, run->decode_divergences, style, out, &*run);
    } else {
      WriteTextCase(path, *test_case, *outcomes, divergences, style, out);
    }
  }

  if (options.json) {
    WriteJsonSummary(counts, out);
  } else {
    out << SummaryLine(counts) << "\n";
  }
  return FinalStatus(options, counts);
}

}  // namespace x86diff::cli

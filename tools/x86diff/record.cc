#include "tools/x86diff/record.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <memory>
#include <system_error>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "adapters/executor_registry.h"
#include "harness/atomic_file.h"
#include "harness/finding.h"
#include "harness/hex.h"
#include "harness/mode.h"
#include "harness/status_macros.h"
#include "tools/x86diff/decoder_set.h"
#include "tools/x86diff/expectation.h"
#include "tools/x86diff/expectation_check.h"
#include "tools/x86diff/expectation_run.h"
#include "tools/x86diff/file_walk.h"

namespace x86diff::cli {

namespace {

// An expectation file with a few outcomes stays well under this.
constexpr size_t kMaxExpectationBytes = 1 << 20;

struct RecordCounts {
  size_t inputs = 0;
  size_t created = 0;
  size_t updated = 0;
  size_t unchanged = 0;
  size_t duplicates = 0;
  size_t errors = 0;
};

// The executors to record with: the named ones, or the deterministic default.
absl::StatusOr<std::vector<std::unique_ptr<Executor>>> RecordExecutors(
    const std::vector<std::string>& names) {
  if (names == std::vector<std::string>{"none"}) {
    return std::vector<std::unique_ptr<Executor>>();
  }
  ExecutorSelection selection{.names = names};
  if (names.empty()) {
    const std::vector<std::string> available = AvailableExecutorNames();
    if (std::find(available.begin(), available.end(), "unicorn") == available.end()) {
      return std::vector<std::unique_ptr<Executor>>();
    }
    selection.names = {"unicorn"};
  }
  return MakeExecutors(selection);
}

// What changed between the file's previous expectation and the new one, target by target.
std::vector<std::string> DescribeUpdate(const Expectation& before, const Expectation& after) {
  std::vector<std::string> lines;
  for (const nlohmann::json& outcome : after.expected) {
    const std::string target = OutcomeTarget(outcome);
    auto old = std::find_if(before.expected.begin(), before.expected.end(),
                            [&](const nlohmann::json& o) { return OutcomeTarget(o) == target; });
    if (old == before.expected.end()) {
      lines.push_back(absl::StrCat(target, ": newly recorded"));
      continue;
    }
    std::vector<std::string> changes = DiffOutcomes(*old, outcome);
    if (!changes.empty()) lines.push_back(absl::StrCat(target, ": ", absl::StrJoin(changes, "; ")));
  }
  for (const nlohmann::json& outcome : before.expected) {
    const std::string target = OutcomeTarget(outcome);
    const bool kept =
        std::any_of(after.expected.begin(), after.expected.end(),
                    [&](const nlohmann::json& o) { return OutcomeTarget(o) == target; });
    if (!kept) lines.push_back(absl::StrCat(target, ": no longer recorded"));
  }
  if (lines.empty()) lines.push_back("divergences or recorded_with changed");
  return lines;
}

// Writes `expectation` unless the file already has these bytes; counts and reports what it did.
absl::Status WriteExpectation(const std::string& file, const Expectation& expectation,
                              RecordCounts& counts, std::ostream& out) {
  const std::string contents = ExpectationToJson(expectation);
  std::error_code error;
  const bool exists = std::filesystem::exists(file, error);
  std::vector<std::string> changes;
  if (exists) {
    absl::StatusOr<std::string> previous = ReadFileToString(file, kMaxExpectationBytes);
    if (previous.ok() && *previous == contents) {
      ++counts.unchanged;
      return absl::OkStatus();
    }
    absl::StatusOr<Expectation> old = previous.ok()
                                          ? ExpectationFromJson(*previous)
                                          : absl::StatusOr<Expectation>(previous.status());
    changes = old.ok() ? DescribeUpdate(*old, expectation)
                       : std::vector<std::string>{absl::StrCat("replaces a file that was not a "
                                                               "readable expectation: ",
                                                               old.status().message())};
  }
  RETURN_IF_ERROR(WriteFileAtomically(file, contents));
  const std::string what = absl::StrCat(ModeName(expectation.test_case.mode), " ",
                                        FormatHex(expectation.test_case.code));
  if (exists) {
    ++counts.updated;
    out << "updated " << file << " (" << what << ")\n";
    for (const std::string& line : changes) out << "  " << line << "\n";
  } else {
    ++counts.created;
    out << "new " << file << " (" << what << ")\n";
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status RunRecordCommand(const RecordOptions& options, std::ostream& out, std::ostream& err) {
  if (options.paths.empty()) {
    return absl::InvalidArgumentError("record needs at least one test case file or directory");
  }
  if (options.out_dir.empty()) {
    return absl::InvalidArgumentError("record needs --out=<corpus directory>");
  }
  ASSIGN_OR_RETURN(DecoderSet decoders, DecoderSet::Create(options.decoders, 1));
  ASSIGN_OR_RETURN(std::vector<std::unique_ptr<Executor>> executors,
                   RecordExecutors(options.executors));
  std::vector<Executor*> executor_views;
  for (const auto& executor : executors) executor_views.push_back(executor.get());
  ASSIGN_OR_RETURN(FileWalk walk, WalkPaths(options.paths, &IsTestCaseCandidate));
  std::error_code mkdir_error;
  std::filesystem::create_directories(options.out_dir, mkdir_error);
  if (mkdir_error) {
    return absl::DataLossError(
        absl::StrCat(options.out_dir, ": cannot create directory: ", mkdir_error.message()));
  }
  const std::map<std::string, std::string> described =
      DescribeTargets(decoders.views(), executor_views);

  RecordCounts counts;
  for (const FileWalk::Error& error : walk.errors) {
    err << "error: " << error.path << ": " << error.reason << "\n";
    ++counts.errors;
  }
  std::map<std::string, std::string> recorded_from;  // file name -> first input path
  for (const std::string& path : walk.files) {
    ++counts.inputs;
    absl::StatusOr<TestCase> test_case = LoadAnyCaseFile(path);
    if (!test_case.ok()) {
      err << "error: " << test_case.status().message() << "\n";
      ++counts.errors;
      continue;
    }
    const std::string name = ExpectationFileName(*test_case);
    if (auto [it, inserted] = recorded_from.emplace(name, path); !inserted) {
      ++counts.duplicates;
      continue;
    }
    absl::StatusOr<CaseRun> run = RunCase(decoders.views(), executor_views, *test_case);
    if (!run.ok()) {
      err << "error: " << path << ": " << run.status().message() << "\n";
      ++counts.errors;
      continue;
    }
    // Only the targets that answered: native, for one, runs long64 cases only.
    std::map<std::string, std::string> recorded_with;
    for (const Outcome& outcome : run->outcomes) {
      auto it = described.find(outcome.target);
      if (it != described.end()) recorded_with.insert(*it);
    }
    const Expectation expectation =
        MakeExpectation(*test_case, run->outcomes, run->divergences, std::move(recorded_with));
    absl::Status written = WriteExpectation(
        (std::filesystem::path(options.out_dir) / name).string(), expectation, counts, out);
    if (!written.ok()) {
      err << "error: " << written.message() << "\n";
      ++counts.errors;
    }
  }

  std::vector<std::string> targets;
  for (const auto& [target, version] : described) {
    targets.push_back(absl::StrCat(target, " (", version, ")"));
  }
  out << "record: " << counts.inputs << " inputs -> " << options.out_dir << ": " << counts.created
      << " new, " << counts.updated << " updated, " << counts.unchanged << " unchanged, "
      << counts.duplicates << " duplicates, " << counts.errors << " errors; targets "
      << absl::StrJoin(targets, ", ") << "\n";
  if (counts.errors > 0) {
    return absl::DataLossError(
        absl::StrCat(counts.errors, " inputs could not be recorded (see above)"));
  }
  return absl::OkStatus();
}

}  // namespace x86diff::cli

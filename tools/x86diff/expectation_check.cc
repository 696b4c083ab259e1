#include "tools/x86diff/expectation_check.h"

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "adapters/executor_registry.h"
#include "adapters/registry.h"
#include "harness/hex.h"
#include "harness/mode.h"
#include "harness/status_macros.h"
#include "tools/x86diff/expectation.h"
#include "tools/x86diff/expectation_run.h"
#include "tools/x86diff/file_walk.h"

namespace x86diff::cli {

namespace {

// Fields DiffOutcomes leaves out, by their dotted path (see expectation_check.h for why).
bool IsIgnoredField(absl::string_view path) {
  static constexpr absl::string_view kIgnored[] = {
      "instruction_id", "prefix_bits", "exec.imprecise_bits", "exec.vector", "exec.detail"};
  return std::find(std::begin(kIgnored), std::end(kIgnored), path) != std::end(kIgnored);
}

std::string Show(const nlohmann::json* value) {
  if (value == nullptr) return "(absent)";
  if (value->is_string()) {
    const std::string& text = value->get_ref<const std::string&>();
    return text.empty() ? "\"\"" : text;
  }
  return value->dump();
}

void DiffInto(const nlohmann::json& expected, const nlohmann::json& actual,
              const std::string& prefix, std::vector<std::string>& changes) {
  // Keys of both in sorted order (nlohmann::json objects iterate sorted).
  std::set<std::string> keys;
  for (const auto& [key, value] : expected.items()) keys.insert(key);
  for (const auto& [key, value] : actual.items()) keys.insert(key);
  for (const std::string& key : keys) {
    const std::string path = prefix + key;
    if (IsIgnoredField(path)) continue;
    auto old_it = expected.find(key);
    auto new_it = actual.find(key);
    const nlohmann::json* old_value = old_it != expected.end() ? &*old_it : nullptr;
    const nlohmann::json* new_value = new_it != actual.end() ? &*new_it : nullptr;
    if (old_value != nullptr && new_value != nullptr && old_value->is_object() &&
        new_value->is_object()) {
      DiffInto(*old_value, *new_value, path + ".", changes);
      continue;
    }
    if (old_value != nullptr && new_value != nullptr && *old_value == *new_value) continue;
    changes.push_back(absl::StrCat(path, " ", Show(old_value), " -> ", Show(new_value)));
  }
}

// The targets of this build and machine, created on first use and kept for every later case.
class TargetPool {
 public:
  // The decoder named `name`, or null with `reason` set when it cannot be created here.
  const Decoder* FindDecoder(const std::string& name, std::string& reason) {
    auto [it, inserted] = decoders_.try_emplace(name);
    if (inserted) {
      auto made = MakeDecoders({name});
      if (made.ok()) {
        it->second.target = std::move(made->front());
      } else {
        it->second.reason =
            absl::StrCat("not available in this build (", made.status().message(), ")");
      }
    }
    reason = it->second.reason;
    return it->second.target.get();
  }

  Executor* FindExecutor(const std::string& name, std::string& reason) {
    auto [it, inserted] = executors_.try_emplace(name);
    if (inserted) {
      auto made = MakeExecutors({.names = {name}});
      if (made.ok() && made->size() == 1) {
        it->second.target = std::move(made->front());
      } else {
        it->second.reason =
            absl::StrCat("not available here (",
                         made.ok() ? "not created" : std::string(made.status().message()), ")");
      }
    }
    reason = it->second.reason;
    return it->second.target.get();
  }

 private:
  template <typename T>
  struct Slot {
    std::unique_ptr<T> target;
    std::string reason;
  };
  std::map<std::string, Slot<Decoder>> decoders_;
  std::map<std::string, Slot<Executor>> executors_;
};

struct CheckCounts {
  size_t files = 0;
  size_t unchanged = 0;
  size_t changed_cases = 0;
  size_t changed_targets = 0;
  size_t unreadable = 0;
  size_t decoder_errors = 0;
  // Skipped target -> (reason, number of cases).
  std::map<std::string, std::pair<std::string, size_t>> skipped;
};

// The signatures of `divergences` between targets that all ran.
std::set<std::string> SignaturesAmong(absl::Span<const Divergence> divergences,
                                      const std::set<std::string>& ran) {
  std::set<std::string> signatures;
  for (const Divergence& divergence : divergences) {
    const bool all_ran = std::all_of(divergence.targets.begin(), divergence.targets.end(),
                                     [&](const std::string& target) { return ran.count(target); });
    if (all_ran) signatures.insert(divergence.signature.text);
  }
  return signatures;
}

// Checks one case; writes its report to `out` when something changed.
absl::Status CheckCase(const std::string& path, const Expectation& expectation, TargetPool& pool,
                       const std::map<std::string, std::string>& current,
                       const std::string& host_cpu, CheckCounts& counts, std::ostream& out) {
  std::vector<const Decoder*> decoders;
  std::vector<Executor*> executors;
  std::set<std::string> ran;
  for (const nlohmann::json& outcome : expectation.expected) {
    const std::string target = OutcomeTarget(outcome);
    auto recorded = expectation.recorded_with.find(target);
    const std::string recorded_as =
        recorded != expectation.recorded_with.end() ? recorded->second : "";
    std::string reason;
    if (IsCpuDescription(recorded_as) && recorded_as != host_cpu) {
      reason = absl::StrCat("recorded on ", recorded_as, ", this machine has ", host_cpu);
    } else if (recorded_as == "plugin") {
      reason = "a plugin; --check does not load plugins";
    } else if (IsDecoderOutcome(outcome)) {
      if (const Decoder* decoder = pool.FindDecoder(target, reason)) decoders.push_back(decoder);
    } else if (Executor* executor = pool.FindExecutor(target, reason)) {
      executors.push_back(executor);
    }
    if (reason.empty()) {
      ran.insert(target);
    } else {
      auto& [skip_reason, cases] = counts.skipped[target];
      if (skip_reason.empty()) skip_reason = reason;
      ++cases;
    }
  }
  absl::StatusOr<CaseRun> run = RunCase(decoders, executors, expectation.test_case);
  if (!run.ok()) return run.status();

  std::vector<std::string> lines;
  for (const nlohmann::json& outcome : expectation.expected) {
    const std::string target = OutcomeTarget(outcome);
    if (!ran.count(target)) continue;
    auto now = std::find_if(run->outcomes.begin(), run->outcomes.end(),
                            [&](const Outcome& candidate) { return candidate.target == target; });
    std::vector<std::string> changes;
    if (now == run->outcomes.end()) {
      changes.push_back(absl::StrCat(
          "no outcome any more", run->not_executed.empty() ? "" : " (" + run->not_executed + ")"));
    } else {
      changes = DiffOutcomes(outcome, OutcomeToJsonValue(*now));
    }
    if (changes.empty()) continue;
    ++counts.changed_targets;
    std::string label = target;
    auto recorded = expectation.recorded_with.find(target);
    auto here = current.find(target);
    if (recorded != expectation.recorded_with.end() && here != current.end() &&
        recorded->second != here->second) {
      absl::StrAppend(&label, " (recorded with ", recorded->second, ", now ", here->second, ")");
    }
    lines.push_back(absl::StrCat(label, ": ", absl::StrJoin(changes, "; ")));
  }
  const std::set<std::string> before = SignaturesAmong(expectation.divergences, ran);
  const std::set<std::string> after = SignaturesAmong(run->divergences, ran);
  for (const std::string& signature : before) {
    if (!after.count(signature)) lines.push_back(absl::StrCat("divergence gone: ", signature));
  }
  for (const std::string& signature : after) {
    if (!before.count(signature)) lines.push_back(absl::StrCat("divergence new: ", signature));
  }
  if (lines.empty()) {
    ++counts.unchanged;
    return absl::OkStatus();
  }
  ++counts.changed_cases;
  out << "CHANGED " << path << " (" << ModeName(expectation.test_case.mode) << " "
      << FormatHex(expectation.test_case.code) << ")\n";
  for (const std::string& line : lines) out << "  " << line << "\n";
  return absl::OkStatus();
}

}  // namespace

std::vector<std::string> DiffOutcomes(const nlohmann::json& expected,
                                      const nlohmann::json& actual) {
  std::vector<std::string> changes;
  DiffInto(expected, actual, "", changes);
  return changes;
}

absl::Status RunExpectationCheck(absl::Span<const std::string> paths, std::ostream& out,
                                 std::ostream& err) {
  if (paths.empty()) {
    return absl::InvalidArgumentError("replay --check needs an expectation directory or files");
  }
  ASSIGN_OR_RETURN(FileWalk walk, WalkPaths(paths, &IsTestCaseCandidate));
  CheckCounts counts;
  for (const FileWalk::Error& error : walk.errors) {
    err << "error: " << error.path << ": " << error.reason << "\n";
    ++counts.unreadable;
  }
  TargetPool pool;
  const std::string host_cpu = HostCpuDescription();
  // The versions of this build's targets, to show next to a changed outcome.
  std::map<std::string, std::string> current;
  for (const std::string& name : AvailableDecoderNames()) {
    std::string reason;
    if (const Decoder* decoder = pool.FindDecoder(name, reason)) {
      current.merge(DescribeTargets({decoder}, {}));
    }
  }
  for (const std::string& path : walk.files) {
    ++counts.files;
    absl::StatusOr<Expectation> expectation = LoadExpectationFile(path);
    if (!expectation.ok()) {
      err << "error: " << expectation.status().message() << "\n";
      ++counts.unreadable;
      continue;
    }
    for (const nlohmann::json& outcome : expectation->expected) {
      const std::string target = OutcomeTarget(outcome);
      if (IsDecoderOutcome(outcome) || current.count(target)) continue;
      std::string reason;
      if (Executor* executor = pool.FindExecutor(target, reason)) {
        Executor* const views[] = {executor};
        current.merge(DescribeTargets({}, views));
      }
    }
    absl::Status checked = CheckCase(path, *expectation, pool, current, host_cpu, counts, out);
    if (!checked.ok()) {
      err << "error: " << path << ": " << checked.message() << "\n";
      ++counts.decoder_errors;
    }
  }

  for (const auto& [target, skip] : counts.skipped) {
    out << "skipped " << target << " in " << skip.second << " cases: " << skip.first << "\n";
  }
  std::vector<std::string> skipped_names;
  for (const auto& [target, skip] : counts.skipped) skipped_names.push_back(target);
  out << "check: " << counts.files << " expectation files, " << counts.unchanged << " unchanged, "
      << counts.changed_cases << " changed (" << counts.changed_targets << " target outcomes), "
      << counts.unreadable << " unreadable, " << counts.decoder_errors << " decoder errors"
      << (skipped_names.empty() ? ""
                                : absl::StrCat("; skipped ", absl::StrJoin(skipped_names, ", ")))
      << "\n";
  if (counts.unreadable > 0 || counts.decoder_errors > 0) {
    return absl::DataLossError(absl::StrCat(
        counts.unreadable + counts.decoder_errors, " of ", counts.files,
        " expectation files could not be checked",
        counts.changed_cases > 0 ? absl::StrCat(" and ", counts.changed_cases, " cases changed")
                                 : "",
        " (see above)"));
  }
  if (counts.changed_cases > 0) {
    return absl::FailedPreconditionError(
        absl::StrCat(counts.changed_cases, " of ", counts.files,
                     " cases changed their outcome; after a deliberate change, re-record them "
                     "(corpora/regression/README.md)"));
  }
  if (counts.files == 0) {
    return absl::FailedPreconditionError("no expectation files found: nothing was checked");
  }
  return absl::OkStatus();
}

}  // namespace x86diff::cli

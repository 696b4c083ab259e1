#include "tools/x86diff/compare.h"

#include <algorithm>
#include <filesystem>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "harness/atomic_file.h"
#include "harness/finding.h"
#include "harness/hex.h"
#include "harness/mode.h"
#include "harness/status_macros.h"
#include "nlohmann/json.hpp"
#include "tools/x86diff/expectation.h"
#include "tools/x86diff/file_walk.h"

namespace x86diff::cli {

namespace {

// A campaign's JSON Lines can be long; a finding or expectation file is a few kilobytes.
constexpr size_t kMaxResultFileBytes = 256 << 20;

void AddCase(const TestCase& test_case, const std::vector<Divergence>& divergences,
             const std::string& where, ResultSet& set) {
  ++set.cases;
  std::set<std::string> seen;  // a case counts once per bucket
  for (const Divergence& divergence : divergences) {
    if (!seen.insert(divergence.signature.text).second) continue;
    ResultBucket& bucket = set.buckets[divergence.signature.text];
    if (bucket.cases++ == 0) {
      bucket.signature = divergence.signature.text;
      bucket.signature_id = divergence.signature.HexId();
      bucket.example =
          absl::StrCat(ModeName(test_case.mode), " ", FormatHex(test_case.code), " (", where, ")");
    }
  }
}

// One replay --json line: {"path", "testcase", "outcomes", "divergences"} or {"summary"}.
absl::Status AddJsonLine(absl::string_view line, const std::string& where, ResultSet& set) {
  nlohmann::json value = nlohmann::json::parse(line.begin(), line.end(), nullptr,
                                               /*allow_exceptions=*/false);
  if (value.is_discarded() || !value.is_object()) {
    return absl::InvalidArgumentError("not a JSON object");
  }
  if (value.contains("summary")) return absl::OkStatus();
  for (const char* field : {"testcase", "outcomes", "divergences"}) {
    if (!value.contains(field)) {
      return absl::InvalidArgumentError(absl::StrCat("missing \"", field, "\""));
    }
  }
  ASSIGN_OR_RETURN(Finding finding,
                   FindingFromParts(value["testcase"], value["outcomes"], value["divergences"]));
  auto path = value.find("path");
  AddCase(finding.test_case, finding.divergences,
          path != value.end() && path->is_string() ? path->get<std::string>() : where, set);
  return absl::OkStatus();
}

// Reads one file of any accepted kind into `set`; problems are appended to set.errors.
void AddFile(const std::string& path, ResultSet& set) {
  absl::StatusOr<std::string> text = ReadFileToString(path, kMaxResultFileBytes);
  if (!text.ok()) {
    set.errors.push_back(std::string(text.status().message()));
    return;
  }
  nlohmann::json whole = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (!whole.is_discarded() && whole.is_object() && whole.contains("format")) {
    const nlohmann::json& format = whole["format"];
    if (format.is_string() && format.get<std::string>() == kExpectationFormat) {
      absl::StatusOr<Expectation> expectation = ExpectationFromJson(*text);
      if (!expectation.ok()) {
        set.errors.push_back(absl::StrCat(path, ": ", expectation.status().message()));
        return;
      }
      AddCase(expectation->test_case, expectation->divergences, path, set);
      return;
    }
    absl::StatusOr<Finding> finding = FindingFromJson(*text);
    if (!finding.ok()) {
      set.errors.push_back(absl::StrCat(path, ": ", finding.status().message()));
      return;
    }
    AddCase(finding->test_case, finding->divergences, path, set);
    return;
  }
  // Otherwise JSON Lines: every non-empty line is one case (or the summary).
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(*text, '\n')) {
    ++line_number;
    if (absl::StripAsciiWhitespace(line).empty()) continue;
    const std::string where = absl::StrCat(path, ":", line_number);
    if (absl::Status added = AddJsonLine(line, where, set); !added.ok()) {
      set.errors.push_back(absl::StrCat(
          where, ": not a finding, an expectation or a replay --json line: ", added.message()));
    }
  }
}

// Buckets sorted by the number of cases, most first, then by signature.
template <typename Count>
void SortByCount(std::vector<const ResultBucket*>& buckets, Count count) {
  std::sort(buckets.begin(), buckets.end(), [&](const ResultBucket* a, const ResultBucket* b) {
    if (count(*a) != count(*b)) return count(*a) > count(*b);
    return a->signature < b->signature;
  });
}

size_t SumCases(const std::vector<const ResultBucket*>& buckets) {
  size_t total = 0;
  for (const ResultBucket* bucket : buckets) total += bucket->cases;
  return total;
}

void WriteBucket(const std::string& counts, const ResultBucket& bucket, std::ostream& out) {
  out << "  " << counts << "  " << bucket.signature << "  [" << bucket.signature_id << "]\n"
      << "      e.g. " << bucket.example << "\n";
}

}  // namespace

absl::StatusOr<ResultSet> LoadResultSet(const std::string& path) {
  ASSIGN_OR_RETURN(FileWalk walk, WalkPaths({path}, &IsTestCaseCandidate));
  ResultSet set;
  for (const FileWalk::Error& error : walk.errors) {
    set.errors.push_back(absl::StrCat(error.path, ": ", error.reason));
  }
  for (const std::string& file : walk.files) AddFile(file, set);
  return set;
}

absl::Status RunCompareCommand(const CompareOptions& options, std::ostream& out,
                               std::ostream& err) {
  if (options.old_path.empty() || options.new_path.empty()) {
    return absl::InvalidArgumentError("compare needs two result sets: <old> <new>");
  }
  ASSIGN_OR_RETURN(ResultSet old_set, LoadResultSet(options.old_path));
  ASSIGN_OR_RETURN(ResultSet new_set, LoadResultSet(options.new_path));
  for (const ResultSet* set : {&old_set, &new_set}) {
    for (const std::string& error : set->errors) err << "error: " << error << "\n";
  }

  std::vector<const ResultBucket*> fixed;
  std::vector<const ResultBucket*> introduced;
  std::vector<std::pair<const ResultBucket*, const ResultBucket*>> remaining;  // old, new
  for (const auto& [signature, bucket] : old_set.buckets) {
    auto now = new_set.buckets.find(signature);
    if (now == new_set.buckets.end()) {
      fixed.push_back(&bucket);
    } else {
      remaining.emplace_back(&bucket, &now->second);
    }
  }
  for (const auto& [signature, bucket] : new_set.buckets) {
    if (!old_set.buckets.count(signature)) introduced.push_back(&bucket);
  }

  out << "old " << options.old_path << ": " << old_set.cases << " cases, " << old_set.buckets.size()
      << " buckets\n";
  out << "new " << options.new_path << ": " << new_set.cases << " cases, " << new_set.buckets.size()
      << " buckets\n";

  auto by_cases = [](const ResultBucket& bucket) { return bucket.cases; };
  SortByCount(fixed, by_cases);
  out << "\nfixed (in old only): " << fixed.size() << " buckets, " << SumCases(fixed)
      << " old cases\n";
  for (const ResultBucket* bucket : fixed) {
    WriteBucket(absl::StrCat(bucket->cases, " cases"), *bucket, out);
  }
  SortByCount(introduced, by_cases);
  out << "\nintroduced (in new only): " << introduced.size() << " buckets, " << SumCases(introduced)
      << " new cases\n";
  for (const ResultBucket* bucket : introduced) {
    WriteBucket(absl::StrCat(bucket->cases, " cases"), *bucket, out);
  }
  std::sort(remaining.begin(), remaining.end(), [](const auto& a, const auto& b) {
    if (a.second->cases != b.second->cases) return a.second->cases > b.second->cases;
    return a.second->signature < b.second->signature;
  });
  out << "\nremaining (in both): " << remaining.size() << " buckets\n";
  for (const auto& [before, after] : remaining) {
    WriteBucket(absl::StrCat(before->cases, " -> ", after->cases, " cases"), *after, out);
  }
  out << "\ncompare: " << fixed.size() << " fixed, " << introduced.size() << " introduced, "
      << remaining.size() << " remaining; " << old_set.errors.size() + new_set.errors.size()
      << " unreadable\n";

  const size_t errors = old_set.errors.size() + new_set.errors.size();
  if (errors > 0 && !options.keep_going) {
    return absl::DataLossError(absl::StrCat(
        errors, " files or lines could not be read (see above; --keep_going ignores them)"));
  }
  return absl::OkStatus();
}

}  // namespace x86diff::cli

#include "tools/x86diff/buckets.h"

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <system_error>
#include <tuple>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "harness/atomic_file.h"
#include "harness/status_macros.h"
#include "tools/x86diff/file_walk.h"

namespace x86diff::cli {

namespace {

bool IsFindingFile(absl::string_view path) {
  return absl::EndsWith(path, ".json") && IsTestCaseCandidate(path);
}

int64_t ModificationTime(const std::string& path) {
  struct stat info;
  if (stat(path.c_str(), &info) != 0) return 0;
  return static_cast<int64_t>(info.st_mtime);
}

}  // namespace

std::string Plural(size_t count, absl::string_view singular, absl::string_view plural) {
  return absl::StrCat(count, " ", count == 1 ? singular : plural);
}

absl::StatusOr<LoadedFinding> LoadFindingFile(const std::string& path) {
  ASSIGN_OR_RETURN(std::string text, ReadFileToString(path));
  absl::StatusOr<Finding> finding = FindingFromJson(text);
  if (!finding.ok()) {
    return absl::Status(finding.status().code(),
                        absl::StrCat(path, ": ", finding.status().message()));
  }
  return LoadedFinding{path, *std::move(finding), ModificationTime(path)};
}

absl::StatusOr<FindingSet> LoadFindingDir(const std::string& dir) {
  std::error_code error;
  if (!std::filesystem::exists(dir, error)) {
    return absl::NotFoundError(absl::StrCat(dir, ": no such directory"));
  }
  if (!std::filesystem::is_directory(dir, error)) {
    return absl::InvalidArgumentError(
        absl::StrCat(dir, ": not a directory (expected a directory of findings)"));
  }
  ASSIGN_OR_RETURN(FileWalk walk, WalkPaths({dir}, &IsFindingFile));
  FindingSet set;
  set.skipped = std::move(walk.skipped);
  for (FileWalk::Error& problem : walk.errors) {
    set.unreadable.push_back({std::move(problem.path), std::move(problem.reason)});
  }
  for (const std::string& path : walk.files) {
    absl::StatusOr<std::string> text = ReadFileToString(path);
    absl::StatusOr<Finding> finding =
        text.ok() ? FindingFromJson(*text) : absl::StatusOr<Finding>(text.status());
    if (!finding.ok()) {
      set.unreadable.push_back({path, std::string(finding.status().message())});
      continue;
    }
    set.findings.push_back({path, *std::move(finding), ModificationTime(path)});
  }
  return set;
}

size_t CountDivergences(absl::Span<const LoadedFinding> findings) {
  size_t count = 0;
  for (const LoadedFinding& loaded : findings) count += loaded.finding.divergences.size();
  return count;
}

std::vector<Bucket> GroupIntoBuckets(absl::Span<const LoadedFinding> findings) {
  absl::flat_hash_map<uint64_t, size_t> index_of;  // signature hash -> index in `buckets`
  std::vector<Bucket> buckets;
  for (const LoadedFinding& loaded : findings) {
    for (const Divergence& divergence : loaded.finding.divergences) {
      auto [it, inserted] = index_of.try_emplace(divergence.signature.hash, buckets.size());
      if (inserted) buckets.push_back({divergence, {}, nullptr});
      Bucket& bucket = buckets[it->second];
      if (!bucket.findings.empty() && bucket.findings.back() == &loaded) continue;
      bucket.findings.push_back(&loaded);
      if (bucket.example == nullptr ||
          loaded.finding.test_case.code.size() < bucket.example->finding.test_case.code.size()) {
        bucket.example = &loaded;
      }
    }
  }
  auto key = [](const Bucket& bucket) {
    const Divergence& d = bucket.divergence;
    return std::make_tuple(-static_cast<int64_t>(bucket.findings.size()), d.kind,
                           std::cref(d.fields), std::cref(d.opcode_class), d.mode,
                           d.signature.hash);
  };
  std::sort(buckets.begin(), buckets.end(),
            [&key](const Bucket& a, const Bucket& b) { return key(a) < key(b); });
  return buckets;
}

}  // namespace x86diff::cli

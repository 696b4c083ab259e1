// Findings of a campaign loaded from disk and grouped into buckets by divergence signature: what
// `summary`, `triage` and `report` share.
#ifndef X86DIFF_TOOLS_X86DIFF_BUCKETS_H_
#define X86DIFF_TOOLS_X86DIFF_BUCKETS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "harness/divergence.h"
#include "harness/finding.h"

namespace x86diff::cli {

struct LoadedFinding {
  std::string path;
  Finding finding;
  int64_t mtime = 0;  // unix seconds of the file's last modification (when it was written)
};

// A file that could not be read or parsed, and why.
struct FileProblem {
  std::string path;
  std::string reason;
};

struct FindingSet {
  std::vector<LoadedFinding> findings;  // in walk order (sorted paths)
  std::vector<FileProblem> unreadable;  // files that failed, and directories not fully listed
  std::vector<std::string> skipped;     // other files (not *.json, hidden, documentation)
};

// Reads every *.json file under `dir` (recursively) as a finding (harness/finding.h). Files that
// fail are recorded in `unreadable` and do not stop the loading.
// Errors: NotFound when `dir` does not exist, InvalidArgument when it is not a directory.
absl::StatusOr<FindingSet> LoadFindingDir(const std::string& dir);

// Loads one finding file; errors name the path.
absl::StatusOr<LoadedFinding> LoadFindingFile(const std::string& path);

// All findings that share one divergence signature.
struct Bucket {
  Divergence divergence;  // the first finding's divergence: every one in the bucket has the same
                          // kind, targets, mode, opcode class and fields
  std::vector<const LoadedFinding*> findings;  // each once, in input order
  const LoadedFinding* example = nullptr;      // shortest code, then first in input order
};

// Groups the findings' divergences by signature: one bucket per signature, a finding counts once
// per bucket even when it has the same signature twice. The buckets point into `findings`, which
// must outlive them. Order: most findings first, ties in a fixed order that keeps buckets of one
// disagreement pattern (kind and fields) together (then opcode class, mode, signature id).
std::vector<Bucket> GroupIntoBuckets(absl::Span<const LoadedFinding> findings);

// Total number of divergences recorded in the findings.
size_t CountDivergences(absl::Span<const LoadedFinding> findings);

// "1 finding", "3 findings".
std::string Plural(size_t count, absl::string_view singular, absl::string_view plural);

}  // namespace x86diff::cli

#endif  // X86DIFF_TOOLS_X86DIFF_BUCKETS_H_

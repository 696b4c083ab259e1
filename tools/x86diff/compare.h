// `x86diff compare`: what changed between two result sets, bucket by bucket (divergence
// signatures): which buckets a dependency upgrade fixed, which it introduced, which remain.
#ifndef X86DIFF_TOOLS_X86DIFF_COMPARE_H_
#define X86DIFF_TOOLS_X86DIFF_COMPARE_H_

#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace x86diff::cli {

struct CompareOptions {
  std::string old_path;
  std::string new_path;
  // Report unreadable files but do not fail because of them.
  bool keep_going = false;
};

// One bucket of a result set.
struct ResultBucket {
  std::string signature;  // the signature text (recomputed from its parts, never trusted)
  std::string signature_id;
  size_t cases = 0;     // cases (files or lines) with at least one divergence of this signature
  std::string example;  // the first such case: "long64 f0 fe c0 (path)"
};

struct ResultSet {
  size_t cases = 0;                             // cases read, divergent or not
  std::map<std::string, ResultBucket> buckets;  // by signature text
  std::vector<std::string> errors;  // "path: reason", one per file or line that could not be read
};

// Reads a result set: a directory of finding files and/or expectation files (walked recursively;
// documentation and hidden files skipped), one such file, or a JSON Lines file written by
// `x86diff replay --json` (its summary line is skipped; a line is named by file:line in errors).
// The kind of each file is detected by content. NotFound when `path` does not exist.
absl::StatusOr<ResultSet> LoadResultSet(const std::string& path);

// Loads both sets and writes: a headline per set (cases and buckets), then the buckets fixed (in
// old only), introduced (in new only) and remaining (in both), each with its case counts and one
// example case (from old for fixed buckets, from new otherwise), most cases first; then a summary
// line. Unreadable files and lines go to `err`. Returns NotFound for a missing path, DataLoss when
// something could not be read (unless keep_going), OK otherwise.
absl::Status RunCompareCommand(const CompareOptions& options, std::ostream& out, std::ostream& err);

}  // namespace x86diff::cli

#endif  // X86DIFF_TOOLS_X86DIFF_COMPARE_H_

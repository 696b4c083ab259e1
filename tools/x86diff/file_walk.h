// Lists the files under command-line paths, for commands that read many files.
#ifndef X86DIFF_TOOLS_X86DIFF_FILE_WALK_H_
#define X86DIFF_TOOLS_X86DIFF_FILE_WALK_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace x86diff::cli {

struct FileWalk {
  struct Error {
    std::string path;
    std::string reason;
  };
  std::vector<std::string> files;    // to read, in order
  std::vector<std::string> skipped;  // found in directories but not accepted by the filter
  std::vector<Error> errors;         // directories that could not be listed completely
};

// Walks `paths`: a file is taken as is; a directory is walked recursively, its regular files
// passed to `accept` (given the path) and listed in sorted order per directory argument; other
// entries that are not directories (sockets, dangling links) count as skipped.
// Missing paths are NotFound naming the path; unreadable subdirectories are recorded in
// `errors` and do not stop the walk.
absl::StatusOr<FileWalk> WalkPaths(absl::Span<const std::string> paths,
                                   bool (*accept)(absl::string_view path));

// Accepts what may be a test case: not documentation (*.md, *.txt) and not a hidden file.
bool IsTestCaseCandidate(absl::string_view path);

}  // namespace x86diff::cli

#endif  // X86DIFF_TOOLS_X86DIFF_FILE_WALK_H_

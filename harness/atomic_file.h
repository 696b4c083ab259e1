// Files that are either absent or complete: readers (and a resumed campaign) never see half a file.
#ifndef X86DIFF_HARNESS_ATOMIC_FILE_H_
#define X86DIFF_HARNESS_ATOMIC_FILE_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace x86diff {

// Writes `contents` to a temporary file in the same directory, fsyncs it and renames it over
// `path`. Errors name the path and errno text.
absl::Status WriteFileAtomically(const std::string& path, absl::string_view contents);

// Reads a whole file; files over `max_bytes` are InvalidArgument (malformed corpora can be huge).
absl::StatusOr<std::string> ReadFileToString(const std::string& path,
                                             size_t max_bytes = 16 << 20);

}  // namespace x86diff

#endif  // X86DIFF_HARNESS_ATOMIC_FILE_H_

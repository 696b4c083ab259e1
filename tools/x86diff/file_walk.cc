#include "tools/x86diff/file_walk.h"

#include <algorithm>
#include <filesystem>
#include <system_error>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace x86diff::cli {

namespace fs = std::filesystem;

bool IsTestCaseCandidate(absl::string_view path) {
  const std::string name = fs::path(std::string(path)).filename().string();
  return !absl::StartsWith(name, ".") && !absl::EndsWith(name, ".md") &&
         !absl::EndsWith(name, ".txt");
}

absl::StatusOr<FileWalk> WalkPaths(absl::Span<const std::string> paths,
                                   bool (*accept)(absl::string_view path)) {
  FileWalk walk;
  for (const std::string& path : paths) {
    std::error_code error;
    const fs::file_status status = fs::status(path, error);
    if (error || !fs::exists(status)) {
      return absl::NotFoundError(absl::StrCat(
          path, ": ", error ? error.message() : std::string("no such file or directory")));
    }
    if (!fs::is_directory(status)) {
      walk.files.push_back(path);
      continue;
    }
    std::vector<std::string> found;
    fs::recursive_directory_iterator it(path, fs::directory_options::skip_permission_denied, error);
    for (; !error && it != fs::recursive_directory_iterator(); it.increment(error)) {
      std::error_code entry_error;
      if (it->is_directory(entry_error)) continue;
      if (it->is_regular_file(entry_error)) {
        found.push_back(it->path().string());
      } else {
        // Sockets, FIFOs, dangling symlinks: never readable as a case, but named all the same.
        walk.skipped.push_back(it->path().string());
      }
    }
    if (error) walk.errors.push_back({path, error.message()});
    std::sort(found.begin(), found.end());
    for (std::string& file : found) {
      (accept(file) ? walk.files : walk.skipped).push_back(std::move(file));
    }
  }
  return walk;
}

}  // namespace x86diff::cli

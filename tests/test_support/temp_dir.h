// A temporary directory for one test, removed with everything in it when the object goes away.
#ifndef X86DIFF_TESTS_TEST_SUPPORT_TEMP_DIR_H_
#define X86DIFF_TESTS_TEST_SUPPORT_TEMP_DIR_H_

#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <system_error>
#include <vector>

#include "gtest/gtest.h"

namespace x86diff::test_support {

class TempDir {
 public:
  TempDir() {
    std::string pattern = ::testing::TempDir() + "/x86diff_test_XXXXXX";
    if (mkdtemp(pattern.data()) != nullptr) path_ = pattern;
    EXPECT_FALSE(path_.empty()) << "mkdtemp failed";
  }
  ~TempDir() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // The path of `name` inside the directory (the file need not exist).
  std::string File(const std::string& name) const { return path_ + "/" + name; }
  // Writes `contents` to `name` and returns its path.
  std::string Write(const std::string& name, const std::string& contents) const {
    const std::string file = File(name);
    std::ofstream(file, std::ios::binary) << contents;
    return file;
  }
  // The names of the entries in the directory, sorted.
  std::vector<std::string> Files() const {
    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(path_)) {
      names.push_back(entry.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
  }

 private:
  std::string path_;
};

}  // namespace x86diff::test_support

#endif  // X86DIFF_TESTS_TEST_SUPPORT_TEMP_DIR_H_

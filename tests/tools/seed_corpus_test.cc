// The committed seed corpus (corpora/seed, made by tools/corpus/generate_seed.py) is usable.
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "harness/test_case_codec.h"

namespace x86diff {
namespace {

TEST(SeedCorpusTest, HasEnoughParsableCasesInEveryMode) {
  const std::filesystem::path dir = X86DIFF_SOURCE_DIR "/corpora/seed";
  ASSERT_TRUE(std::filesystem::is_directory(dir)) << dir;
  const std::regex generated_name("[0-9a-f]{16}");
  size_t cases = 0;
  std::set<Mode> modes;
  std::set<std::string> other_files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (!std::regex_match(name, generated_name)) {
      other_files.insert(name);
      continue;
    }
    std::ifstream file(entry.path(), std::ios::binary);
    const std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(file)),
                                     std::istreambuf_iterator<char>());
    absl::StatusOr<TestCase> test_case = ParseTestCase(bytes);
    ASSERT_TRUE(test_case.ok()) << entry.path() << ": " << test_case.status();
    EXPECT_FALSE(test_case->code.empty()) << entry.path();
    EXPECT_LE(test_case->code.size(), kMaxInstructionBytes + 1) << entry.path();
    modes.insert(test_case->mode);
    ++cases;
  }
  EXPECT_GE(cases, 300u);
  EXPECT_EQ(modes.size(), kAllModes.size()) << "some mode has no seed";
  EXPECT_EQ(other_files, std::set<std::string>{"README.md"});
}

}  // namespace
}  // namespace x86diff

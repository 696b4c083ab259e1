#include "fuzz/hit_stats.h"

#include <filesystem>
#include <string>

#include "gtest/gtest.h"
#include "harness/atomic_file.h"
#include "nlohmann/json.hpp"
#include "tests/test_support/temp_dir.h"

namespace x86diff {
namespace {

using test_support::TempDir;

nlohmann::json ReadJson(const std::string& path) {
  auto text = ReadFileToString(path);
  EXPECT_TRUE(text.ok()) << text.status();
  return nlohmann::json::parse(text.ok() ? *text : "null");
}

TEST(HitStatsTest, FlushWritesCountsPerSignature) {
  TempDir dir;
  HitStats stats("decoder_diff", dir.path());
  stats.Record(0x0123456789abcdefull);
  stats.Record(0x0123456789abcdefull);
  stats.Record(0xffull);
  ASSERT_TRUE(stats.Flush().ok());
  EXPECT_EQ(std::filesystem::path(stats.path()).parent_path(), dir.path());
  EXPECT_EQ(std::filesystem::path(stats.path()).filename().string().rfind("hits-decoder_diff-", 0),
            0u);
  const nlohmann::json file = ReadJson(stats.path());
  EXPECT_EQ(file["format"], "x86diff-hits");
  EXPECT_EQ(file["version"], 1);
  EXPECT_EQ(file["target"], "decoder_diff");
  ASSERT_EQ(file["signatures"].size(), 2u);
  std::map<std::string, uint64_t> hits;
  for (const auto& signature : file["signatures"]) {
    hits[signature["id"]] = signature["hits"];
    EXPECT_GT(signature["first_seen"].get<int64_t>(), 0);
    EXPECT_GE(signature["last_seen"], signature["first_seen"]);
  }
  EXPECT_EQ(hits["0123456789abcdef"], 2u);
  EXPECT_EQ(hits["00000000000000ff"], 1u);  // ids are Signature::HexId: 16 digits
}

TEST(HitStatsTest, NothingRecordedWritesNothing) {
  TempDir dir;
  HitStats stats("exec_diff", dir.path());
  ASSERT_TRUE(stats.Flush().ok());
  EXPECT_FALSE(std::filesystem::exists(stats.path()));
}

TEST(HitStatsTest, LaterFlushesReplaceTheFileWithGrownCounts) {
  TempDir dir;
  HitStats stats("decoder_diff", dir.path());
  stats.Record(7);
  ASSERT_TRUE(stats.Flush().ok());
  stats.Record(7);
  stats.Record(7);
  ASSERT_TRUE(stats.Flush().ok());
  const nlohmann::json file = ReadJson(stats.path());
  ASSERT_EQ(file["signatures"].size(), 1u);
  EXPECT_EQ(file["signatures"][0]["hits"], 3);
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()),
                          std::filesystem::directory_iterator()),
            1);
}

TEST(HitStatsTest, TwoProcessesNeverShareAFileName) {
  TempDir dir;
  HitStats first("decoder_diff", dir.path());
  HitStats second("decoder_diff", dir.path());
  EXPECT_NE(first.path(), second.path());
}

TEST(HitStatsTest, UnwritableDirectoryIsAnError) {
  HitStats stats("decoder_diff", "/nonexistent/x86diff/stats");
  stats.Record(1);
  EXPECT_FALSE(stats.Flush().ok());
}

}  // namespace
}  // namespace x86diff

// Tests of `x86diff triage` (tools/x86diff/triage.h) and the hit statistics reader.
#include <filesystem>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/test_support/temp_dir.h"
#include "tests/tools/triage_fixtures.h"
#include "tools/x86diff/exit_code.h"
#include "tools/x86diff/hit_stats_file.h"
#include "tools/x86diff/triage.h"

namespace x86diff::cli {
namespace {

using test_fixtures::DecoderFinding;
using test_fixtures::Hash;
using test_fixtures::IdOf;
using test_fixtures::WriteFinding;
using test_fixtures::WriteHits;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kToday[] = "2026-11-23";
constexpr char kValidity[] = "capstone=valid,zydis=invalid-encoding";

// A campaign directory with three buckets:
//   a: validity long64, two findings, hits 10 (decoder_diff) + 5 (exec_diff), minimized example
//   b: length prot32, one finding, hits 100 (decoder_diff)
//   c: validity real16, one finding, no statistics (a killed process): counted by its file
class CampaignTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(dir_.File("findings/sub"));
    std::filesystem::create_directories(dir_.File("stats"));
    std::filesystem::create_directories(dir_.File("minimized"));
    a1_ = DecoderFinding(Mode::kLong64, {0x0f, 0x0d, 0xc0, 0x90}, DivergenceKind::kValidity,
                         "legacy:0f:0d:none", kValidity);
    a2_ = DecoderFinding(Mode::kLong64, {0x0f, 0x0d, 0xc1}, DivergenceKind::kValidity,
                         "legacy:0f:0d:none", kValidity);
    b_ = DecoderFinding(Mode::kProt32, {0x66, 0xe8, 0x00, 0x00}, DivergenceKind::kLength,
                        "legacy:primary:e8:66", "capstone<zydis");
    c_ = DecoderFinding(Mode::kReal16, {0xc4, 0x00}, DivergenceKind::kValidity,
                        "legacy:primary:c4:none", kValidity);
    a1_path_ = WriteFinding(dir_.File("findings"), IdOf(a1_) + ".json", a1_);
    a2_path_ = WriteFinding(dir_.File("findings/sub"), "other.json", a2_);
    WriteFinding(dir_.File("findings"), IdOf(b_) + ".json", b_);
    c_path_ = WriteFinding(dir_.File("findings"), IdOf(c_) + ".json", c_, 1763800000);
    dir_.Write("findings/README.md", "not a finding");
    WriteHits(dir_.File("stats"), "decoder_diff", 11,
              {{Hash(a1_), 10, 1763890000, 1763890500}, {Hash(b_), 100, 1763880000, 1763899000}});
    WriteHits(dir_.File("stats"), "exec_diff", 12,
              {{Hash(a1_), 5, 1763885000, 1763891000}, {0x1234, 7, 1763885000, 1763885001}});
    Finding minimized = a2_;
    minimized.test_case.code = {0x0f, 0x0d};
    minimized_path_ = WriteFinding(dir_.File("minimized"), IdOf(a1_) + ".json", minimized);
  }

  absl::StatusOr<TriageResult> Compute(const std::string& waivers = "") {
    return ComputeTriage(dir_.path(), waivers, kToday);
  }

  test_support::TempDir dir_;
  Finding a1_, a2_, b_, c_;
  std::string a1_path_, a2_path_, c_path_, minimized_path_;
};

TEST_F(CampaignTest, CountsHitsFirstLastSeenTargetsAndRanksByHits) {
  absl::StatusOr<TriageResult> result = Compute();
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->paths.findings_dir, dir_.File("findings"));
  EXPECT_EQ(result->findings.size(), 4u);
  EXPECT_EQ(result->stats_files, 2u);
  EXPECT_EQ(result->skipped_files, 1u);  // README.md
  ASSERT_EQ(result->buckets.size(), 3u);
  const TriageBucket& b = result->buckets[0];
  const TriageBucket& a = result->buckets[1];
  const TriageBucket& c = result->buckets[2];
  EXPECT_EQ(b.divergence.signature.hash, Hash(b_));
  EXPECT_EQ(b.hits, 100);
  EXPECT_EQ(b.divergence.mode, Mode::kProt32);
  EXPECT_THAT(b.fuzz_targets, ElementsAre("decoder_diff"));

  EXPECT_EQ(a.divergence.signature.hash, Hash(a1_));
  EXPECT_EQ(a.hits, 15);  // summed over the processes' files
  EXPECT_EQ(a.findings, 2u);
  EXPECT_EQ(a.first_seen, 1763885000);  // minimum first_seen
  EXPECT_EQ(a.last_seen, 1763891000);   // maximum last_seen
  EXPECT_THAT(a.fuzz_targets, ElementsAre("decoder_diff", "exec_diff"));
  EXPECT_THAT(a.divergence.targets, ElementsAre("capstone", "zydis"));
  EXPECT_EQ(result->findings[a.example].path, a2_path_);  // shortest code
  EXPECT_EQ(a.minimized_path, minimized_path_);

  EXPECT_EQ(c.divergence.signature.hash, Hash(c_));
  EXPECT_FALSE(c.hits.has_value());
  EXPECT_EQ(c.count(), 1);
  EXPECT_EQ(c.first_seen, 1763800000);  // the file's mtime
  EXPECT_EQ(c.last_seen, 1763800000);
  EXPECT_EQ(c.divergence.mode, Mode::kReal16);
  EXPECT_TRUE(c.minimized_path.empty());

  ASSERT_EQ(result->unmatched_hits.size(), 1u);
  EXPECT_EQ(result->unmatched_hits[0].id, 0x1234u);
}

TEST_F(CampaignTest, TextListsBucketsWithHitsOrNa) {
  TriageOptions options;
  options.input = dir_.path();
  options.today = kToday;
  std::ostringstream out, err;
  const absl::Status status = RunTriageCommand(options, out, err);
  ASSERT_TRUE(status.ok()) << status;
  const std::string text = out.str();
  EXPECT_THAT(text, HasSubstr("4 findings, 4 divergences in 3 buckets (0 waived), 116 hits from "
                              "2 statistics files"));
  const size_t b = text.find(IdOf(b_)), a = text.find(IdOf(a1_)), c = text.find(IdOf(c_));
  ASSERT_NE(b, std::string::npos);
  ASSERT_NE(a, std::string::npos);
  ASSERT_NE(c, std::string::npos);
  EXPECT_LT(b, a);
  EXPECT_LT(a, c);
  EXPECT_THAT(text, HasSubstr("n/a"));
  EXPECT_THAT(text, HasSubstr("2025-11-22 08:26"));  // c's mtime, 1763800000
  EXPECT_THAT(text, HasSubstr(minimized_path_));
  EXPECT_THAT(text, HasSubstr("decoder_diff,exec_diff"));
  EXPECT_THAT(text, HasSubstr("0000000000001234 (7)"));  // statistics without a finding
  EXPECT_EQ(err.str(), "");
}

TEST_F(CampaignTest, MaxRowsShortensTheTable) {
  TriageOptions options;
  options.input = dir_.path();
  options.today = kToday;
  options.max_rows = 1;
  std::ostringstream out, err;
  ASSERT_TRUE(RunTriageCommand(options, out, err).ok());
  EXPECT_THAT(out.str(), HasSubstr(IdOf(b_)));
  EXPECT_THAT(out.str(), Not(HasSubstr(IdOf(c_))));
  EXPECT_THAT(out.str(), HasSubstr("2 more buckets (--max_rows=0 shows all)"));
}

TEST_F(CampaignTest, JsonHasTheDocumentedFields) {
  TriageOptions options;
  options.input = dir_.path();
  options.today = kToday;
  options.json = true;
  std::ostringstream out, err;
  ASSERT_TRUE(RunTriageCommand(options, out, err).ok());
  const nlohmann::json root = nlohmann::json::parse(out.str());
  EXPECT_EQ(root["format"], "x86diff-triage");
  EXPECT_EQ(root["version"], 1);
  EXPECT_EQ(root["totals"]["buckets"], 3);
  EXPECT_EQ(root["totals"]["hits"], 116);
  ASSERT_EQ(root["buckets"].size(), 3u);
  const nlohmann::json& a = root["buckets"][1];
  EXPECT_EQ(a["id"], IdOf(a1_));
  EXPECT_EQ(a["signature"], a1_.divergences[0].signature.text);
  EXPECT_EQ(a["kind"], "validity");
  EXPECT_EQ(a["mode"], "long64");
  EXPECT_EQ(a["targets"], nlohmann::json({"capstone", "zydis"}));
  EXPECT_EQ(a["hits"], 15);
  EXPECT_EQ(a["count"], 15);
  EXPECT_EQ(a["findings"], 2);
  EXPECT_EQ(a["first_seen"], 1763885000);
  EXPECT_EQ(a["last_seen"], 1763891000);
  EXPECT_EQ(a["seen_from"], "hit-stats");
  EXPECT_EQ(a["fuzz_targets"], nlohmann::json({"decoder_diff", "exec_diff"}));
  EXPECT_EQ(a["example"], a2_path_);
  EXPECT_EQ(a["minimized"], minimized_path_);
  const nlohmann::json& c = root["buckets"][2];
  EXPECT_TRUE(c["hits"].is_null());
  EXPECT_EQ(c["count"], 1);
  EXPECT_EQ(c["seen_from"], "file-mtime");
  EXPECT_TRUE(c["minimized"].is_null());
  EXPECT_EQ(root["unmatched_hits"][0]["id"], "0000000000001234");
}

TEST_F(CampaignTest, WaiversHideBucketsAndStaleOnesAreNoted) {
  const std::string waivers = dir_.Write(
      "waivers.txt", absl::StrCat("# reviewed\n", IdOf(b_),
                                  "  2026-12-31  AMD and Intel differ on 66 e8\n"
                                  "validity|*|real16|*|*\t2027-01-01\tno VEX in real mode\n"
                                  "crash|*|*|*|*  2027-01-01  nothing crashes\n"));
  absl::StatusOr<TriageResult> result = Compute(waivers);
  ASSERT_TRUE(result.ok()) << result.status();
  ASSERT_EQ(result->buckets.size(), 1u);
  EXPECT_EQ(result->buckets[0].divergence.signature.hash, Hash(a1_));
  ASSERT_EQ(result->waived.size(), 2u);
  EXPECT_EQ(result->waived[0].waiver->reason, "AMD and Intel differ on 66 e8");
  EXPECT_EQ(result->waived[1].waiver->line, 3);
  ASSERT_EQ(result->stale_waivers.size(), 1u);
  EXPECT_EQ(result->stale_waivers[0].line, 4);

  TriageOptions options;
  options.input = dir_.path();
  options.waivers_file = waivers;
  options.today = kToday;
  std::ostringstream out, err;
  ASSERT_TRUE(RunTriageCommand(options, out, err).ok());
  EXPECT_THAT(out.str(), HasSubstr("2 waived buckets not shown"));
  EXPECT_THAT(out.str(), Not(HasSubstr(IdOf(b_))));
  EXPECT_THAT(out.str(), HasSubstr(waivers + ":4"));  // stale
  options.show_waived = true;
  std::ostringstream listed, err2;
  ASSERT_TRUE(RunTriageCommand(options, listed, err2).ok());
  EXPECT_THAT(listed.str(), HasSubstr(IdOf(b_)));
  EXPECT_THAT(listed.str(), HasSubstr("AMD and Intel differ on 66 e8"));
  EXPECT_THAT(listed.str(), HasSubstr(waivers + ":2"));
}

TEST_F(CampaignTest, ExpiredWaiverIsAUsageErrorBeforeAnyOutput) {
  const std::string waivers =
      dir_.Write("waivers.txt", "\n\nlength|*|*|*|*  2026-11-22  yesterday\n");
  TriageOptions options;
  options.input = dir_.path();
  options.waivers_file = waivers;
  options.today = kToday;
  std::ostringstream out, err;
  const absl::Status status = RunTriageCommand(options, out, err);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr(waivers + ":3: "));
  EXPECT_EQ(ExitCodeForStatus(status), kExitUsage);
  EXPECT_EQ(out.str(), "");
}

TEST_F(CampaignTest, MalformedFindingAndHitsFilesFailUnlessKeepGoing) {
  const std::string bad_finding = dir_.Write("findings/broken.json", "{\"format\": \"x86diff");
  const std::string bad_hits = dir_.Write(
      "stats/hits-decoder_diff-99-1.json",
      "{\"format\":\"x86diff-hits\",\"version\":1,\"target\":\"decoder_diff\",\"pid\":99,"
      "\"written_at\":1,\"signatures\":[{\"id\":\"xyz\",\"hits\":1,\"first_seen\":1,"
      "\"last_seen\":1}]}");
  TriageOptions options;
  options.input = dir_.path();
  options.today = kToday;
  std::ostringstream out, err;
  const absl::Status status = RunTriageCommand(options, out, err);
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(ExitCodeForStatus(status), kExitProblem);
  EXPECT_THAT(err.str(), HasSubstr(bad_finding + ": "));
  EXPECT_THAT(err.str(), HasSubstr(bad_hits + ": signatures[0].id: \"xyz\" is not a signature id"));
  EXPECT_THAT(out.str(), HasSubstr("2 files could not be read"));
  EXPECT_THAT(out.str(), HasSubstr("3 buckets"));  // everything else is still triaged

  options.keep_going = true;
  std::ostringstream out2, err2;
  ASSERT_TRUE(RunTriageCommand(options, out2, err2).ok());
  EXPECT_THAT(err2.str(), HasSubstr(bad_finding + ": "));
  EXPECT_THAT(err2.str(), HasSubstr(bad_hits + ": "));
  EXPECT_THAT(err2.str(), HasSubstr("(skipped)"));
  EXPECT_THAT(out2.str(), HasSubstr("116 hits from 2 statistics files"));
}

TEST(TriageTest, PlainFindingsDirectoryCountsFindings) {
  test_support::TempDir dir;
  const Finding a = DecoderFinding(Mode::kLong64, {0x0f, 0x0d, 0xc0}, DivergenceKind::kValidity,
                                   "legacy:0f:0d:none", kValidity);
  WriteFinding(dir.path(), "x.json", a, 1763000000);
  WriteFinding(dir.path(), "y.json", a, 1763100000);
  absl::StatusOr<TriageResult> result = ComputeTriage(dir.path(), "", kToday);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_TRUE(result->paths.stats_dir.empty());
  ASSERT_EQ(result->buckets.size(), 1u);
  EXPECT_FALSE(result->buckets[0].hits.has_value());
  EXPECT_EQ(result->buckets[0].count(), 2);
  EXPECT_EQ(result->buckets[0].first_seen, 1763000000);
  EXPECT_EQ(result->buckets[0].last_seen, 1763100000);

  EXPECT_EQ(ComputeTriage(dir.File("missing"), "", kToday).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(ComputeTriage(dir.File("x.json"), "", kToday).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(HitStatsFileTest, RoundTripsAndNamesMalformedFields) {
  HitStatsFile file;
  file.target = "exec_diff";
  file.pid = 42;
  file.written_at = 1763900000;
  file.signatures = {{0x0123456789abcdefull, 42, 1763890000, 1763899000}};
  absl::StatusOr<HitStatsFile> parsed = HitStatsFromJson(HitStatsToJson(file));
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->target, "exec_diff");
  EXPECT_EQ(parsed->pid, 42);
  ASSERT_EQ(parsed->signatures.size(), 1u);
  EXPECT_EQ(parsed->signatures[0].id, 0x0123456789abcdefull);
  EXPECT_EQ(parsed->signatures[0].hits, 42);

  struct Case {
    const char* text;
    const char* problem;
  } cases[] = {
      {"not json", "not valid JSON"},
      {"[]", "not a JSON object"},
      {R"({"format":"x86diff-finding"})", "format"},
      {R"({"format":"x86diff-hits","version":2})", "version: 2 is not supported"},
      {R"({"format":"x86diff-hits","version":1,"pid":1,"written_at":1,"signatures":[]})", "target"},
      {R"({"format":"x86diff-hits","version":1,"target":"t","pid":1,"written_at":1})",
       "signatures"},
      {R"({"format":"x86diff-hits","version":1,"target":"t","pid":1,"written_at":1,
           "signatures":[{"id":"0123456789abcdef","hits":-1,"first_seen":1,"last_seen":1}]})",
       "signatures[0].hits: negative"},
      {R"({"format":"x86diff-hits","version":1,"target":"t","pid":1,"written_at":1,
           "signatures":[{"id":"0123456789abcdef","hits":1,"first_seen":5,"last_seen":1}]})",
       "signatures[0].first_seen: 5 is after last_seen 1"},
      {R"({"format":"x86diff-hits","version":1,"target":"t","pid":1,"written_at":1,
           "signatures":[{"id":"0123456789abcdef","hits":"1","first_seen":1,"last_seen":1}]})",
       "signatures[0].hits: not an integer"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<HitStatsFile> bad = HitStatsFromJson(c.text);
    EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument) << c.text;
    EXPECT_THAT(bad.status().message(), HasSubstr(c.problem)) << c.text;
  }
}

}  // namespace
}  // namespace x86diff::cli

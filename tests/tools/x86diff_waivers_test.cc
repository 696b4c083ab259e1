// Tests of the waivers file format (tools/x86diff/waivers.h).
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "harness/divergence.h"
#include "tests/test_support/temp_dir.h"
#include "tools/x86diff/exit_code.h"
#include "tools/x86diff/waivers.h"

namespace x86diff::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kToday[] = "2026-11-23";

Signature ValiditySignature(Mode mode = Mode::kLong64) {
  return MakeSignature(DivergenceKind::kValidity, {"capstone", "zydis"}, mode, "legacy:0f:0d:none",
                       "capstone=valid,zydis=illegal-lock");
}

TEST(WaiversTest, ParsesIdsGlobsCommentsAndReasons) {
  const Signature signature = ValiditySignature();
  std::string id = signature.HexId();
  for (char& c : id) c = static_cast<char>(toupper(c));  // ids are case-insensitive
  const std::string text = absl::StrCat(
      "# reviewed 2026-11-01\n"
      "\n"
      "   # indented comment\n",
      id, "\t2026-12-31\tcapstone#1234: LOCK accepted   \n",
      "validity|capstone,zydis|*|legacy:0f:??:*|*=illegal-lock  2026-11-23  until the fix "
      "lands\r\n");
  absl::StatusOr<std::vector<Waiver>> waivers = ParseWaivers(text, "w.txt", kToday);
  ASSERT_TRUE(waivers.ok()) << waivers.status();
  ASSERT_EQ(waivers->size(), 2u);
  EXPECT_EQ((*waivers)[0].line, 4);
  EXPECT_EQ((*waivers)[0].id, signature.hash);
  EXPECT_EQ((*waivers)[0].expiry, "2026-12-31");
  EXPECT_EQ((*waivers)[0].reason, "capstone#1234: LOCK accepted");
  EXPECT_EQ((*waivers)[1].line, 5);
  EXPECT_FALSE((*waivers)[1].id.has_value());
  EXPECT_EQ((*waivers)[1].reason, "until the fix lands");  // expiring today is still valid
  EXPECT_TRUE(WaiverMatches((*waivers)[0], signature));
  EXPECT_TRUE(WaiverMatches((*waivers)[1], signature));
  EXPECT_EQ(FindWaiver(*waivers, signature), &(*waivers)[0]);  // first in file order
  EXPECT_EQ(FindWaiver(*waivers, MakeSignature(DivergenceKind::kLength, {"capstone", "zydis"},
                                               Mode::kLong64, "x", "capstone<zydis")),
            nullptr);
}

TEST(WaiversTest, ExpiredWaiverFailsNamingFileAndLine) {
  const absl::StatusOr<std::vector<Waiver>> waivers =
      ParseWaivers("# known\n0123456789abcdef 2026-11-30 fine\n*|*|*|*|* 2026-11-22 old news\n",
                   "w.txt", kToday);
  ASSERT_EQ(waivers.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(waivers.status().message(), HasSubstr("w.txt:3: "));
  EXPECT_THAT(waivers.status().message(), HasSubstr("expired on 2026-11-22"));
  EXPECT_THAT(waivers.status().message(), Not(HasSubstr("w.txt:2")));
  EXPECT_EQ(ExitCodeForStatus(waivers.status()), kExitUsage);
}

struct MalformedCase {
  const char* line;
  const char* problem;  // expected in the message
};

class MalformedWaiverTest : public ::testing::TestWithParam<MalformedCase> {};

TEST_P(MalformedWaiverTest, FailsNamingTheLine) {
  const std::string text = absl::StrCat("# header\n\n", GetParam().line, "\n");
  const absl::StatusOr<std::vector<Waiver>> waivers = ParseWaivers(text, "dir/waivers", kToday);
  ASSERT_EQ(waivers.status().code(), absl::StatusCode::kInvalidArgument) << GetParam().line;
  EXPECT_THAT(waivers.status().message(), HasSubstr("dir/waivers:3: "));
  EXPECT_THAT(waivers.status().message(), HasSubstr(GetParam().problem));
}

INSTANTIATE_TEST_SUITE_P(
    Lines, MalformedWaiverTest,
    ::testing::Values(
        MalformedCase{"0123456789abcdef", "expected \"<signature id or glob>"},
        MalformedCase{"0123456789abcdef 2026-12-01", "reason is missing"},
        MalformedCase{"0123456789abcdef 2026-12-01   ", "reason is missing"},
        MalformedCase{"0123456789abcdef 2026-13-01 reason", "is not a date"},
        MalformedCase{"0123456789abcdef 2026-02-29 reason", "is not a date"},  // not a leap year
        MalformedCase{"0123456789abcdef 26-12-01 reason", "is not a date"},
        MalformedCase{"0123456789abcdef 31.12.2026 reason", "is not a date"},
        MalformedCase{"0123456789abcde 2026-12-01 reason", "neither a signature id"},
        MalformedCase{"0123456789abcdeg 2026-12-01 reason", "neither a signature id"},
        MalformedCase{"validity|capstone,zydis 2026-12-01 reason", "has 2 '|'-separated parts"},
        MalformedCase{"validity|a|long64|b|c|d 2026-12-01 reason", "has 6 '|'-separated parts"},
        MalformedCase{"valid|*|*|*|* 2026-12-01 reason", "not a divergence kind"},
        MalformedCase{"validity|*|long32|*|* 2026-12-01 reason", "not a mode"}));

TEST(WaiversTest, EveryBadLineIsReported) {
  const absl::StatusOr<std::vector<Waiver>> waivers = ParseWaivers(
      "bad 2026-12-01 x\nlength|*|*|*|* 2020-01-01 x\nlength|*|*|*|* 2026-12-01\n", "w", kToday);
  ASSERT_FALSE(waivers.ok());
  EXPECT_THAT(waivers.status().message(), HasSubstr("w:1: "));
  EXPECT_THAT(waivers.status().message(), HasSubstr("w:2: "));
  EXPECT_THAT(waivers.status().message(), HasSubstr("w:3: "));
}

TEST(WaiversTest, GlobMatchesWithinOneSignaturePart) {
  struct Case {
    const char* pattern;
    bool matches;
  } cases[] = {
      {"*|*|*|*|*", true},
      {"validity|*|long64|*|*", true},
      {"validity|*|prot32|*|*", false},
      {"length|*|*|*|*", false},
      {"validity|capstone,zydis|long64|legacy:0f:0d:none|capstone=valid,zydis=illegal-lock", true},
      {"validity|capstone*|long64|legacy:0f:0d:none|*illegal-lock", true},
      {"validity|capstone|long64|*|*", false},  // no implicit prefix match
      {"validity|*|long??|legacy:0f:0?:none|*", true},
      {"validity|*|long?|*|*", false},
      {"*|*|*|*|*zydis=illegal", false},  // anchored at the end
  };
  const Signature signature = ValiditySignature();
  for (const Case& c : cases) {
    absl::StatusOr<std::vector<Waiver>> waivers =
        ParseWaivers(absl::StrCat(c.pattern, " 2027-01-01 test"), "w", kToday);
    ASSERT_TRUE(waivers.ok()) << c.pattern << ": " << waivers.status();
    EXPECT_EQ(WaiverMatches(waivers->at(0), signature), c.matches) << c.pattern;
  }
}

TEST(WaiversTest, LoadNamesMissingFile) {
  test_support::TempDir dir;
  const absl::StatusOr<std::vector<Waiver>> missing = LoadWaivers(dir.File("none"), kToday);
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(missing.status().message(), HasSubstr(dir.File("none")));
  const std::string path = dir.Write("waivers", "0123456789abcdef 2026-01-01 expired\n");
  const absl::StatusOr<std::vector<Waiver>> expired = LoadWaivers(path, kToday);
  EXPECT_THAT(expired.status().message(), HasSubstr(path + ":1: "));
}

TEST(WaiversTest, DatesAreCheckedStrictly) {
  EXPECT_TRUE(IsValidDate("2028-02-29"));
  EXPECT_TRUE(IsValidDate("2000-02-29"));
  EXPECT_FALSE(IsValidDate("1900-02-29"));
  EXPECT_FALSE(IsValidDate("2026-04-31"));
  EXPECT_FALSE(IsValidDate("2026-4-30"));
  EXPECT_FALSE(IsValidDate("2026-04-30x"));
  EXPECT_TRUE(IsValidDate(TodayUtc()));
}

}  // namespace
}  // namespace x86diff::cli

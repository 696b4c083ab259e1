// Tests of `x86diff compare` on synthetic result sets: findings directories, replay --json lines
// and expectation directories.
#include <sstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "harness/finding.h"
#include "harness/test_case_json.h"
#include "nlohmann/json.hpp"
#include "tests/test_support/temp_dir.h"
#include "tools/x86diff/compare.h"
#include "tools/x86diff/expectation.h"

namespace x86diff::cli {
namespace {

using test_support::TempDir;
using ::testing::HasSubstr;
using ::testing::Not;

// A decoder divergence whose signature is decided by `fields` (the rest fixed).
Divergence Bucket(const std::string& fields) {
  Divergence divergence;
  divergence.kind = DivergenceKind::kValidity;
  divergence.targets = {"capstone", "zydis"};
  divergence.mode = Mode::kLong64;
  divergence.opcode_class = "legacy:primary:fe:reg";
  divergence.fields = fields;
  divergence.signature = MakeSignature(divergence.kind, divergence.targets, divergence.mode,
                                       divergence.opcode_class, divergence.fields);
  return divergence;
}

const Divergence kFixed = Bucket("capstone=valid,zydis=illegal-lock");
const Divergence kRemains = Bucket("capstone=valid,zydis=invalid-encoding");
const Divergence kIntroduced = Bucket("capstone=invalid-encoding,zydis=valid");

TestCase Case(uint8_t last) { return {Mode::kLong64, {0xf0, 0xfe, last}}; }

std::string FindingText(const TestCase& test_case, std::vector<Divergence> divergences) {
  return FindingToJson({test_case, {}, std::move(divergences)});
}

// A replay --json line for the case.
std::string JsonLine(const std::string& path, const TestCase& test_case,
                     const std::vector<Divergence>& divergences) {
  nlohmann::json line = {{"path", path},
                         {"testcase", TestCaseToJsonValue(test_case)},
                         {"outcomes", nlohmann::json::array()},
                         {"divergences", nlohmann::json::array()}};
  for (const Divergence& divergence : divergences) {
    line["divergences"].push_back(DivergenceToJsonValue(divergence));
  }
  return line.dump() + "\n";
}

struct Compared {
  absl::Status status;
  std::string out;
  std::string err;
};

Compared Compare(const std::string& old_path, const std::string& new_path) {
  std::ostringstream out, err;
  Compared result;
  result.status = RunCompareCommand({old_path, new_path}, out, err);
  result.out = out.str();
  result.err = err.str();
  return result;
}

TEST(CompareTest, FindingsAgainstReplayJsonTellsFixedIntroducedAndRemaining) {
  TempDir old_dir, new_dir;
  old_dir.Write("a.json", FindingText(Case(0xc0), {kFixed}));
  old_dir.Write("b.json", FindingText(Case(0xc1), {kRemains}));
  old_dir.Write("c.json", FindingText(Case(0xc2), {kRemains, kFixed}));
  const std::string jsonl = new_dir.Write(
      "replay.jsonl", JsonLine("corpus/b", Case(0xc1), {kRemains}) +
                          JsonLine("corpus/d", Case(0xc3), {kIntroduced, kIntroduced}) +
                          R"({"summary": {"files": 4}})" + "\n");

  Compared compared = Compare(old_dir.path(), jsonl);
  ASSERT_TRUE(compared.status.ok()) << compared.status << compared.err;
  const std::string& out = compared.out;
  EXPECT_THAT(out, HasSubstr("old " + old_dir.path() + ": 3 cases, 2 buckets\n"));
  EXPECT_THAT(out, HasSubstr("new " + jsonl + ": 2 cases, 2 buckets\n"));
  EXPECT_THAT(out, HasSubstr("fixed (in old only): 1 buckets, 2 old cases\n  2 cases  " +
                             kFixed.signature.text + "  [" + kFixed.signature.HexId() +
                             "]\n"
                             "      e.g. long64 f0 fe c0 (" +
                             old_dir.File("a.json") + ")\n"));
  // A case with the same signature twice counts once.
  EXPECT_THAT(out, HasSubstr("introduced (in new only): 1 buckets, 1 new cases\n  1 cases  " +
                             kIntroduced.signature.text));
  EXPECT_THAT(out, HasSubstr("e.g. long64 f0 fe c3 (corpus/d)"));
  EXPECT_THAT(
      out, HasSubstr("remaining (in both): 1 buckets\n  2 -> 1 cases  " + kRemains.signature.text));
  EXPECT_THAT(out, HasSubstr("compare: 1 fixed, 1 introduced, 1 remaining; 0 unreadable"));
}

TEST(CompareTest, ExpectationDirectoriesAreResultSets) {
  TempDir old_dir, new_dir;
  for (const auto& [dir, divergence] :
       {std::pair{&old_dir, kFixed}, std::pair{&new_dir, kIntroduced}}) {
    Outcome outcome;
    outcome.target = "zydis";
    const Expectation expectation = MakeExpectation(Case(0xc0), {outcome}, {divergence}, {});
    dir->Write(ExpectationFileName(Case(0xc0)), ExpectationToJson(expectation));
    // Cases without divergences count as cases, not buckets.
    dir->Write(ExpectationFileName(Case(0x90)),
               ExpectationToJson(MakeExpectation(Case(0x90), {outcome}, {}, {})));
  }
  Compared compared = Compare(old_dir.path(), new_dir.path());
  ASSERT_TRUE(compared.status.ok()) << compared.status << compared.err;
  EXPECT_THAT(compared.out, HasSubstr(": 2 cases, 1 buckets"));
  EXPECT_THAT(compared.out, HasSubstr("compare: 1 fixed, 1 introduced, 0 remaining"));
}

TEST(CompareTest, UnreadableFilesAndLinesAreNamed) {
  TempDir old_dir, new_dir;
  old_dir.Write("a.json", FindingText(Case(0xc0), {kFixed}));
  const std::string broken = old_dir.Write("broken.json", R"({"format": "x86diff-finding"})");
  const std::string jsonl =
      new_dir.Write("replay.jsonl", JsonLine("x", Case(0xc0), {kFixed}) + "{not json\n");

  Compared compared = Compare(old_dir.path(), jsonl);
  EXPECT_EQ(compared.status.code(), absl::StatusCode::kDataLoss) << compared.status;
  EXPECT_THAT(compared.err, HasSubstr("error: " + broken + ": "));
  EXPECT_THAT(compared.err, HasSubstr("error: " + jsonl + ":2: not a finding"));
  EXPECT_THAT(compared.out, HasSubstr("compare: 0 fixed, 0 introduced, 1 remaining; 2 unreadable"));

  std::ostringstream out, err;
  EXPECT_TRUE(RunCompareCommand({old_dir.path(), jsonl, /*keep_going=*/true}, out, err).ok());
  EXPECT_EQ(RunCompareCommand({old_dir.File("absent"), jsonl}, out, err).code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace x86diff::cli

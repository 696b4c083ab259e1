// Tests of the regression corpus: `x86diff record`, the expectation format and
// `x86diff replay --check`.
#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include "adapters/executor_registry.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "harness/atomic_file.h"
#include "harness/test_case_json.h"
#include "nlohmann/json.hpp"
#include "tests/test_support/temp_dir.h"
#include "tools/x86diff/expectation.h"
#include "tools/x86diff/expectation_check.h"
#include "tools/x86diff/record.h"
#include "tools/x86diff/replay.h"

namespace x86diff::cli {
namespace {

using test_support::TempDir;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

bool HaveUnicorn() {
  const std::vector<std::string> names = AvailableExecutorNames();
  return std::find(names.begin(), names.end(), "unicorn") != names.end();
}

struct Recorded {
  absl::Status status;
  std::string out;
  std::string err;
};

Recorded Record(const std::vector<std::string>& paths, const std::string& out_dir,
                std::vector<std::string> executors = {}) {
  RecordOptions options;
  options.paths = paths;
  options.out_dir = out_dir;
  options.executors = std::move(executors);
  std::ostringstream out, err;
  Recorded result;
  result.status = RunRecordCommand(options, out, err);
  result.out = out.str();
  result.err = err.str();
  return result;
}

Recorded Check(const std::string& dir) {
  ReplayOptions options;
  options.paths = {dir};
  options.check = true;
  std::ostringstream out, err;
  Recorded result;
  result.status = RunReplayCommand(options, out, err);
  result.out = out.str();
  result.err = err.str();
  return result;
}

// Writes test case JSON files into `cases`: an agreeing add, the 66-prefixed call that Capstone
// and Zydis decode with different lengths (AMD vs Intel), and ud2 in 32-bit protected mode.
void WriteCases(const TempDir& cases) {
  cases.Write("add.json", R"({"version": 1, "mode": "long64", "code": "48 01 d8"})");
  cases.Write("call66.json", R"({"version": 1, "mode": "long64", "code": "66 e8 00 00 00 00"})");
  cases.Write("ud2.json", R"({"version": 1, "mode": "prot32", "code": "0f 0b"})");
  cases.Write("README.md", "documentation is skipped\n");
}

std::string ReadFile(const std::string& path) {
  auto text = ReadFileToString(path);
  EXPECT_TRUE(text.ok()) << text.status();
  return text.ok() ? *text : "";
}

// The expectation file of the add case in `dir`.
std::string AddFile(const TempDir& dir) {
  TestCase add{Mode::kLong64, {0x48, 0x01, 0xd8}};
  return dir.File(ExpectationFileName(add));
}

TEST(RecordTest, RecordThenCheckPasses) {
  TempDir cases, corpus;
  WriteCases(cases);
  Recorded recorded = Record({cases.path()}, corpus.path());
  ASSERT_TRUE(recorded.status.ok()) << recorded.status << recorded.err;
  EXPECT_THAT(recorded.out, HasSubstr("3 new, 0 updated, 0 unchanged"));
  ASSERT_EQ(corpus.Files().size(), 3u);

  nlohmann::json add = nlohmann::json::parse(ReadFile(AddFile(corpus)));
  EXPECT_EQ(add["format"], "x86diff-expectation");
  std::vector<std::string> targets;
  for (const auto& outcome : add["expected"]) targets.push_back(outcome["target"]);
  if (HaveUnicorn()) {
    EXPECT_THAT(targets, ElementsAre("capstone", "zydis", "unicorn"));
    EXPECT_EQ(add["expected"][2]["exec"]["status"], "completed");
    EXPECT_THAT(add["recorded_with"]["unicorn"].get<std::string>(), HasSubstr("Unicorn 2."));
  } else {
    EXPECT_THAT(targets, ElementsAre("capstone", "zydis"));
  }
  EXPECT_THAT(add["recorded_with"]["capstone"].get<std::string>(), HasSubstr("Capstone"));
  EXPECT_FALSE(add["recorded_with"].contains("native")) << "native is recorded only when named";

  Recorded checked = Check(corpus.path());
  EXPECT_TRUE(checked.status.ok()) << checked.status << checked.out << checked.err;
  EXPECT_THAT(checked.out, HasSubstr("3 expectation files, 3 unchanged, 0 changed"));
}

TEST(RecordTest, ReRecordingLeavesFilesByteIdentical) {
  TempDir cases, corpus;
  WriteCases(cases);
  ASSERT_TRUE(Record({cases.path()}, corpus.path()).status.ok());
  std::vector<std::string> first;
  for (const std::string& name : corpus.Files()) first.push_back(ReadFile(corpus.File(name)));

  // From the same inputs, and from the corpus itself (the upgrade workflow).
  Recorded again = Record({cases.path()}, corpus.path());
  ASSERT_TRUE(again.status.ok()) << again.status;
  EXPECT_THAT(again.out, HasSubstr("0 new, 0 updated, 3 unchanged"));
  Recorded from_corpus = Record({corpus.path()}, corpus.path());
  ASSERT_TRUE(from_corpus.status.ok()) << from_corpus.status << from_corpus.err;
  EXPECT_THAT(from_corpus.out, HasSubstr("0 new, 0 updated, 3 unchanged"));

  std::vector<std::string> second;
  for (const std::string& name : corpus.Files()) second.push_back(ReadFile(corpus.File(name)));
  EXPECT_EQ(first, second);
}

TEST(RecordTest, SameCaseTwiceIsRecordedOnce) {
  TempDir cases, corpus;
  cases.Write("a.json", R"({"version": 1, "mode": "long64", "code": "90"})");
  cases.Write("b.json", R"({"version": 1, "mode": "long64", "code": "90"})");
  Recorded recorded = Record({cases.path()}, corpus.path(), {"none"});
  ASSERT_TRUE(recorded.status.ok()) << recorded.status;
  EXPECT_THAT(recorded.out, HasSubstr("1 new, 0 updated, 0 unchanged, 1 duplicates"));
  EXPECT_EQ(corpus.Files().size(), 1u);
}

TEST(RecordTest, ChangedOutcomeFailsWithDiffNamingTargetAndField) {
  TempDir cases, corpus;
  WriteCases(cases);
  ASSERT_TRUE(Record({cases.path()}, corpus.path()).status.ok());
  // Pretend Zydis used to say "adc", 4 bytes, and Unicorn used to leave another RAX.
  const std::string file = AddFile(corpus);
  nlohmann::json add = nlohmann::json::parse(ReadFile(file));
  for (auto& outcome : add["expected"]) {
    if (outcome["target"] == "zydis") {
      outcome["length"] = 4;
      outcome["mnemonic"] = "adc";
    }
    if (outcome["target"] == "unicorn") outcome["exec"]["registers"]["rax"] = "0x1234";
  }
  ASSERT_TRUE(WriteFileAtomically(file, add.dump(2)).ok());

  Recorded checked = Check(corpus.path());
  EXPECT_EQ(checked.status.code(), absl::StatusCode::kFailedPrecondition) << checked.status;
  EXPECT_THAT(checked.out, HasSubstr("CHANGED " + file + " (long64 48 01 d8)"));
  EXPECT_THAT(checked.out, HasSubstr("  zydis: length 4 -> 3; mnemonic adc -> add\n"));
  if (HaveUnicorn()) {
    EXPECT_THAT(checked.out, HasSubstr("  unicorn: exec.registers.rax 0x1234 -> 0x"));
  }
  EXPECT_THAT(checked.out, Not(HasSubstr("capstone:")));
  EXPECT_THAT(checked.out, HasSubstr("3 expectation files, 2 unchanged, 1 changed"));

  // Re-recording says what it updates and makes the check pass again.
  Recorded rerecorded = Record({corpus.path()}, corpus.path());
  ASSERT_TRUE(rerecorded.status.ok()) << rerecorded.status;
  EXPECT_THAT(rerecorded.out, HasSubstr("updated " + file));
  EXPECT_THAT(rerecorded.out, HasSubstr("zydis: length 4 -> 3; mnemonic adc -> add"));
  EXPECT_TRUE(Check(corpus.path()).status.ok());
}

TEST(RecordTest, ChangedDivergencesAreReported) {
  TempDir cases, corpus;
  WriteCases(cases);
  ASSERT_TRUE(Record({cases.path()}, corpus.path(), {"none"}).status.ok());
  TestCase call{Mode::kLong64, {0x66, 0xe8, 0x00, 0x00, 0x00, 0x00}};
  const std::string file = corpus.File(ExpectationFileName(call));
  nlohmann::json value = nlohmann::json::parse(ReadFile(file));
  ASSERT_FALSE(value["divergences"].empty()) << "capstone and zydis now agree on 66 e8";
  const std::string signature = value["divergences"][0]["signature"];
  value["divergences"] = nlohmann::json::array();
  ASSERT_TRUE(WriteFileAtomically(file, value.dump(2)).ok());

  Recorded checked = Check(corpus.path());
  EXPECT_EQ(checked.status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(checked.out, HasSubstr("divergence new: " + signature));
}

TEST(RecordTest, TargetsNotAvailableHereAreSkippedNotFailed) {
  TempDir cases, corpus;
  cases.Write("add.json", R"({"version": 1, "mode": "long64", "code": "48 01 d8"})");
  ASSERT_TRUE(Record({cases.path()}, corpus.path(), {"none"}).status.ok());
  const std::string file = AddFile(corpus);
  nlohmann::json value = nlohmann::json::parse(ReadFile(file));
  // A native outcome recorded on another CPU and a decoder this build does not have.
  nlohmann::json native = value["expected"][0];
  native["target"] = "native";
  native["provenance"] = "hardware";
  value["expected"].push_back(native);
  value["recorded_with"]["native"] = "cpu Imaginary 8086 Extreme";
  nlohmann::json other = value["expected"][0];
  other["target"] = "llvm-mc";
  value["expected"].push_back(other);
  ASSERT_TRUE(WriteFileAtomically(file, value.dump(2)).ok());

  Recorded checked = Check(corpus.path());
  EXPECT_TRUE(checked.status.ok()) << checked.status << checked.out;
  EXPECT_THAT(checked.out,
              HasSubstr("skipped native in 1 cases: recorded on cpu Imaginary 8086 Extreme, this "
                        "machine has cpu "));
  EXPECT_THAT(checked.out, HasSubstr("skipped llvm-mc in 1 cases: not available"));
  EXPECT_THAT(checked.out, HasSubstr("1 unchanged, 0 changed"));
}

TEST(RecordTest, MalformedExpectationFilesAreNamedWithTheReason) {
  TempDir corpus;
  const std::string broken = corpus.Write("broken.json", "{\"format\": \"x86diff-expectation\",");
  const std::string wrong =
      corpus.Write("wrong.json", R"({"format": "x86diff-finding", "version": 1})");
  const std::string missing = corpus.Write("missing.json",
                                           R"({"format": "x86diff-expectation", "version": 1,
          "testcase": {"version": 1, "mode": "long64", "code": "90"},
          "expected": [{"target": "zydis", "provenance": "decoder", "valid": true}],
          "divergences": [], "recorded_with": {}})");
  Recorded checked = Check(corpus.path());
  EXPECT_EQ(checked.status.code(), absl::StatusCode::kDataLoss) << checked.status;
  EXPECT_THAT(checked.err, HasSubstr(broken + ": expectation: not valid JSON at byte"));
  EXPECT_THAT(checked.err, HasSubstr(wrong + ": expectation: format is \"x86diff-finding\""));
  EXPECT_THAT(checked.err, HasSubstr(missing + ": expectation: zydis: missing or mistyped "
                                               "\"length\""));
  EXPECT_THAT(checked.out, HasSubstr("3 expectation files, 0 unchanged, 0 changed (0 target "
                                     "outcomes), 3 unreadable"));
}

TEST(RecordTest, PlainReplayReadsExpectationFilesAsCases) {
  TempDir cases, corpus;
  WriteCases(cases);
  ASSERT_TRUE(Record({cases.path()}, corpus.path(), {"none"}).status.ok());
  ReplayOptions options;
  options.paths = {corpus.path()};
  options.json = true;
  std::ostringstream out, err;
  ASSERT_TRUE(RunReplayCommand(options, out, err).ok()) << err.str();
  // One divergent case (66 e8) and the summary; nothing unreadable.
  EXPECT_THAT(out.str(), HasSubstr("\"code\":\"66 e8 00 00 00 00\""));
  EXPECT_THAT(out.str(), HasSubstr("\"cases\":3,"));
  EXPECT_THAT(out.str(), HasSubstr("\"unreadable\":[]"));
}

TEST(RecordTest, EmptyCorpusIsNotAPass) {
  TempDir corpus;
  EXPECT_EQ(Check(corpus.path()).status.code(), absl::StatusCode::kFailedPrecondition);
}

TEST(RecordTest, UsageErrors) {
  TempDir corpus;
  EXPECT_EQ(Record({}, corpus.path()).status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Record({corpus.path()}, "").status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Record({corpus.File("absent")}, corpus.path()).status.code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(Record({corpus.path()}, corpus.path(), {"bochs"}).status.code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(ExpectationTest, RoundTripsAndNamesFilesByContent) {
  TestCase test_case{Mode::kProt16, {0x0f, 0x0b}};
  Outcome outcome;
  outcome.target = "zydis";
  outcome.decode.valid = true;
  outcome.decode.length = 2;
  outcome.decode.mnemonic = "ud2";
  outcome.decode.has_flag_info = true;
  const Expectation expectation =
      MakeExpectation(test_case, {outcome}, {}, {{"zydis", "Zydis 4.0.0"}});
  const std::string text = ExpectationToJson(expectation);
  EXPECT_EQ(text.rfind("{\n  \"format\": \"x86diff-expectation\",\n  \"version\": 1,", 0), 0u);
  auto parsed = ExpectationFromJson(text);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->test_case, test_case);
  EXPECT_EQ(ExpectationToJson(*parsed), text);

  const std::string name = ExpectationFileName(test_case);
  EXPECT_EQ(name.size(), std::string("prot16-0123456789abcdef.json").size()) << name;
  EXPECT_EQ(name.rfind("prot16-", 0), 0u);
  EXPECT_EQ(ExpectationFileName(test_case), name);
  EXPECT_NE(ExpectationFileName({Mode::kProt16, {0x0f, 0x0c}}), name);
}

TEST(ExpectationTest, RejectsWhatIsNotOne) {
  struct Case {
    const char* text;
    const char* message;
  } cases[] = {
      {"[]", "not a JSON object"},
      {R"({"version": 1})", "missing or mistyped \"format\""},
      {R"({"format": "x86diff-expectation", "version": 2})", "unknown version 2"},
      {R"({"format": "x86diff-expectation", "version": 1, "testcase": {}, "expected": [],
           "divergences": [], "recorded_with": {}})",
       "\"expected\" must be a non-empty array"},
  };
  for (const Case& c : cases) {
    auto parsed = ExpectationFromJson(c.text);
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument) << c.text;
    EXPECT_THAT(parsed.status().message(), HasSubstr(c.message)) << c.text;
  }
}

TEST(DiffOutcomesTest, NamesEachChangedFieldAndLeavesOutDerivedOnes) {
  const nlohmann::json before = {{"target", "zydis"},
                                 {"length", 3},
                                 {"mnemonic", "add"},
                                 {"instruction_id", 7},
                                 {"prefixes", "rex.w"},
                                 {"prefix_bits", 192},
                                 {"exec", {{"status", "completed"}, {"detail", "x"}}}};
  nlohmann::json after = before;
  EXPECT_TRUE(DiffOutcomes(before, after).empty());
  after["instruction_id"] = 8;  // the library's numbering, not behaviour
  after["exec"]["detail"] = "y";
  EXPECT_TRUE(DiffOutcomes(before, after).empty());
  after["length"] = 4;
  after["mnemonic"] = "adc";
  after["prefixes"] = "";
  after["exec"]["status"] = "fault";
  after["exec"]["vector_name"] = "#UD";
  EXPECT_THAT(DiffOutcomes(before, after),
              ElementsAre("exec.status completed -> fault", "exec.vector_name (absent) -> #UD",
                          "length 3 -> 4", "mnemonic add -> adc", "prefixes rex.w -> \"\""));
}

}  // namespace
}  // namespace x86diff::cli

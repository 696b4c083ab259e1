// Tests of the x86diff subcommands through their library entry points.
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "adapters/registry.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "harness/comparator.h"
#include "harness/decode_runner.h"
#include "harness/finding.h"
#include "harness/test_case_codec.h"
#include "harness/test_case_json.h"
#include "nlohmann/json.hpp"
#include "tools/x86diff/decode.h"
#include "tools/x86diff/exit_code.h"
#include "tools/x86diff/replay.h"
#include "tools/x86diff/summary.h"
#include "tests/test_support/temp_dir.h"
#include "tests/tools/triage_fixtures.h"

namespace x86diff::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// 66 e8 rel16 in 64-bit mode: AMD reads a 4-byte call with a 16-bit offset, Intel ignores the
// 66 (FACTS.md); Capstone and Zydis disagree on its length.
constexpr char kDisagreementHex[] = "66 e8 00 00 00 00";

// A fresh directory under the test's temporary directory, removed at the end.
using test_support::TempDir;

std::string Bytes(const std::vector<uint8_t>& bytes) {
  return std::string(bytes.begin(), bytes.end());
}

// What the library itself says about a test case: the expected divergences.
std::vector<Divergence> Compare(const TestCase& test_case) {
  auto decoders = MakeDecoders();
  EXPECT_TRUE(decoders.ok()) << decoders.status();
  std::vector<const Decoder*> views;
  for (const auto& decoder : *decoders) views.push_back(decoder.get());
  auto outcomes = RunDecoders(views, test_case);
  EXPECT_TRUE(outcomes.ok()) << outcomes.status();
  return CompareDecodes(test_case, *outcomes);
}

TEST(DecodeCommandTest, AgreeingInstructionShowsEveryDecoderAndNoDivergence) {
  DecodeOptions options;
  options.hex = "48 01 d8";
  options.mode = "long64";
  std::ostringstream out;
  const absl::Status status = RunDecodeCommand(options, out);
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_THAT(out.str(), HasSubstr("long64  48 01 d8"));
  for (const std::string& name : AvailableDecoderNames()) {
    EXPECT_THAT(out.str(), HasSubstr(name));
  }
  EXPECT_THAT(out.str(), HasSubstr("add rax, rbx"));
  EXPECT_THAT(out.str(), HasSubstr("decoders agree"));
  EXPECT_THAT(out.str(), Not(HasSubstr("!!")));
  EXPECT_THAT(out.str(), Not(HasSubstr("\x1b[")));  // no colour unless asked
}

TEST(DecodeCommandTest, DisagreementShowsDivergenceWithItsSignature) {
  TestCase test_case{Mode::kLong64, {0x66, 0xe8, 0x00, 0x00, 0x00, 0x00}};
  const std::vector<Divergence> expected = Compare(test_case);
  ASSERT_EQ(expected.size(), 1u) << "capstone and zydis now agree on " << kDisagreementHex
                                 << ": pick another known disagreement";

  DecodeOptions options;
  options.hex = kDisagreementHex;
  std::ostringstream out;
  const absl::Status status = RunDecodeCommand(options, out);
  ASSERT_TRUE(status.ok()) << status;
  EXPECT_THAT(out.str(), HasSubstr(absl::StrCat("!! ", DivergenceKindName(expected[0].kind), "  ",
                                                expected[0].fields)));
  EXPECT_THAT(out.str(), HasSubstr(expected[0].signature.HexId()));
  EXPECT_THAT(out.str(), HasSubstr(expected[0].signature.text));
  EXPECT_THAT(out.str(), Not(HasSubstr("decoders agree")));
}

TEST(DecodeCommandTest, ModeAllDecodesInEveryMode) {
  DecodeOptions options;
  options.hex = "90";
  options.mode = "all";
  std::ostringstream out;
  ASSERT_TRUE(RunDecodeCommand(options, out).ok());
  for (Mode mode : kAllModes) {
    EXPECT_THAT(out.str(), HasSubstr(absl::StrCat(ModeName(mode), "  90")));
  }
}

TEST(DecodeCommandTest, ColorOnlyWhenAsked) {
  DecodeOptions options;
  options.hex = kDisagreementHex;
  options.color = true;
  std::ostringstream out;
  ASSERT_TRUE(RunDecodeCommand(options, out).ok());
  EXPECT_THAT(out.str(), HasSubstr("\x1b[1;31m!!"));
}

TEST(DecodeCommandTest, BadInputIsInvalidArgumentWithNothingWritten) {
  struct BadInput {
    const char* hex;
    const char* mode;
    const char* message;
  };
  for (const BadInput& bad :
       {BadInput{"48 0", "long64", "bad hex"}, BadInput{"zz", "long64", "bad hex"},
        BadInput{"", "long64", "no instruction bytes"}, BadInput{"90", "long32", "long32"},
        BadInput{"90", "", "--mode"}}) {
    DecodeOptions options;
    options.hex = bad.hex;
    options.mode = bad.mode;
    std::ostringstream out;
    const absl::Status status = RunDecodeCommand(options, out);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << bad.hex << " " << bad.mode;
    EXPECT_THAT(status.message(), HasSubstr(bad.message));
    EXPECT_EQ(out.str(), "");
    EXPECT_EQ(ExitCodeForStatus(status), kExitUsage);
  }
}

TEST(DecodeCommandTest, UnknownDecoderIsInvalidArgument) {
  DecodeOptions options;
  options.hex = "90";
  options.decoders = {"no-such-decoder"};
  std::ostringstream out;
  EXPECT_EQ(RunDecodeCommand(options, out).code(), absl::StatusCode::kInvalidArgument);
}

class ReplayCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    good_ = dir_.Write("good.bin", Bytes(SerializeTestCase({Mode::kLong64, {0x48, 0x01, 0xd8}})));
    json_ = dir_.Write("case.json", TestCaseToJson({Mode::kProt32, {0x01, 0xd8}}));
    std::filesystem::create_directory(dir_.path() + "/sub");
    // Version 7 does not exist.
    bad_ = dir_.Write("sub/bad.bin", std::string("\x07\x04\x01\x90", 4));
    dir_.Write("README.md", "not a test case\n");
  }

  TempDir dir_;
  std::string good_, json_, bad_;
};

TEST_F(ReplayCommandTest, MalformedFileIsNamedCountedAndFailsTheRun) {
  ReplayOptions options;
  options.paths = {dir_.path()};
  std::ostringstream out, err;
  const absl::Status status = RunReplayCommand(options, out, err);
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss) << status;
  EXPECT_EQ(ExitCodeForStatus(status), kExitProblem);
  EXPECT_THAT(err.str(), HasSubstr(absl::StrCat("error: ", bad_)));
  EXPECT_THAT(err.str(), HasSubstr("version"));
  EXPECT_THAT(err.str(), HasSubstr("skipped (documentation, hidden or not a regular file): "));
  EXPECT_THAT(out.str(), HasSubstr("replay: 3 files, 2 cases run, 0 diverge"));
  EXPECT_THAT(out.str(), HasSubstr("1 unreadable"));
  EXPECT_THAT(out.str(), HasSubstr("1 skipped"));
}

TEST_F(ReplayCommandTest, KeepGoingCountsMalformedFileButSucceeds) {
  ReplayOptions options;
  options.paths = {dir_.path()};
  options.keep_going = true;
  std::ostringstream out, err;
  const absl::Status status = RunReplayCommand(options, out, err);
  EXPECT_TRUE(status.ok()) << status;
  EXPECT_THAT(err.str(), HasSubstr(bad_));
  EXPECT_THAT(out.str(), HasSubstr("1 unreadable"));
}

TEST_F(ReplayCommandTest, DivergentCaseIsShownAndFailsOnlyWhenAsked) {
  const std::string divergent = dir_.Write(
      "divergent.bin", Bytes(SerializeTestCase({Mode::kLong64, {0x66, 0xe8, 0, 0, 0, 0}})));
  const std::vector<Divergence> expected =
      Compare({Mode::kLong64, {0x66, 0xe8, 0x00, 0x00, 0x00, 0x00}});
  ASSERT_EQ(expected.size(), 1u);

  ReplayOptions options;
  options.paths = {good_, divergent};
  std::ostringstream out, err;
  EXPECT_TRUE(RunReplayCommand(options, out, err).ok());
  EXPECT_THAT(out.str(), HasSubstr(divergent));
  EXPECT_THAT(out.str(), Not(HasSubstr(good_)));
  EXPECT_THAT(out.str(), HasSubstr("long64  66 e8 00 00 00 00"));
  EXPECT_THAT(out.str(), HasSubstr(expected[0].signature.HexId()));
  EXPECT_THAT(out.str(), HasSubstr("2 cases run, 1 diverge"));

  options.fail_on_divergence = true;
  std::ostringstream out2, err2;
  const absl::Status status = RunReplayCommand(options, out2, err2);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition) << status;
  EXPECT_EQ(ExitCodeForStatus(status), kExitProblem);
}

TEST_F(ReplayCommandTest, JsonLinesHaveOneObjectPerDivergentCaseAndASummary) {
  const std::string divergent = dir_.Write(
      "divergent.bin", Bytes(SerializeTestCase({Mode::kLong64, {0x66, 0xe8, 0, 0, 0, 0}})));
  ReplayOptions options;
  options.paths = {good_, json_, divergent, bad_};
  options.json = true;
  options.keep_going = true;
  std::ostringstream out, err;
  ASSERT_TRUE(RunReplayCommand(options, out, err).ok());
  std::vector<std::string> lines = absl::StrSplit(out.str(), '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 2u) << out.str();
  const nlohmann::json first = nlohmann::json::parse(lines[0]);
  EXPECT_EQ(first["path"], divergent);
  EXPECT_EQ(first["testcase"]["code"], "66 e8 00 00 00 00");
  EXPECT_EQ(first["divergences"].size(), 1u);
  const nlohmann::json summary = nlohmann::json::parse(lines[1])["summary"];
  EXPECT_EQ(summary["files"], 4);
  EXPECT_EQ(summary["cases"], 3);
  EXPECT_EQ(summary["divergent_cases"], 1);
  ASSERT_EQ(summary["unreadable"].size(), 1u);
  EXPECT_EQ(summary["unreadable"][0]["path"], bad_);
}

TEST_F(ReplayCommandTest, MissingPathIsNotFound) {
  ReplayOptions options;
  options.paths = {dir_.path() + "/does-not-exist"};
  std::ostringstream out, err;
  const absl::Status status = RunReplayCommand(options, out, err);
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(status.message(), HasSubstr("does-not-exist"));
}

TEST(ReplayCommandSeedTest, SeedCorpusReplaysWithoutUnreadableFiles) {
  ReplayOptions options;
  options.paths = {X86DIFF_SOURCE_DIR "/corpora/seed"};
  std::ostringstream out, err;
  const absl::Status status = RunReplayCommand(options, out, err);
  EXPECT_TRUE(status.ok()) << status << "\n" << err.str();
  EXPECT_THAT(out.str(), HasSubstr("0 unreadable, 0 decoder errors, 1 skipped"));
}

// A finding as the fuzzer writes it, with the divergence built from its parts.
Finding MakeFinding(Mode mode, std::vector<uint8_t> code, DivergenceKind kind,
                    const std::string& opcode_class, const std::string& fields) {
  return test_fixtures::DecoderFinding(mode, std::move(code), kind, opcode_class, fields);
}

TEST(SummaryCommandTest, GroupsFindingsIntoBucketsByCount) {
  TempDir dir;
  const std::string validity = "capstone=valid,zydis=invalid-encoding";
  const Finding a = MakeFinding(Mode::kLong64, {0x0f, 0x0d, 0xc0}, DivergenceKind::kValidity,
                                "legacy:0f:0d:none", validity);
  const Finding b = MakeFinding(Mode::kLong64, {0x0f, 0x0d, 0xc1}, DivergenceKind::kValidity,
                                "legacy:0f:0d:none", validity);
  const Finding c = MakeFinding(Mode::kProt32, {0x66, 0xe8, 0x00, 0x00}, DivergenceKind::kLength,
                                "legacy:primary:e8:66", "capstone<zydis");
  dir.Write(absl::StrCat(a.divergences[0].signature.HexId(), ".json"), FindingToJson(a));
  dir.Write("b.json", FindingToJson(b));
  dir.Write(absl::StrCat(c.divergences[0].signature.HexId(), ".json"), FindingToJson(c));

  SummaryOptions options;
  options.findings_dir = dir.path();
  std::ostringstream out, err;
  const absl::Status status = RunSummaryCommand(options, out, err);
  ASSERT_TRUE(status.ok()) << status;
  const std::string text = out.str();
  EXPECT_THAT(text, HasSubstr("3 findings, 3 divergences in 2 buckets"));
  EXPECT_THAT(text, HasSubstr("Disagreement patterns"));
  // Most findings first, each with its example.
  const size_t first =
      text.find("#1  validity  long64  legacy:0f:0d:none  " + validity + "  (2 findings)");
  const size_t second =
      text.find("#2  length  prot32  legacy:primary:e8:66  capstone<zydis  (1 finding)");
  ASSERT_NE(first, std::string::npos) << text;
  ASSERT_NE(second, std::string::npos) << text;
  EXPECT_LT(first, second);
  EXPECT_THAT(text, HasSubstr(a.divergences[0].signature.HexId()));
  EXPECT_THAT(text, HasSubstr(c.divergences[0].signature.HexId()));
  EXPECT_THAT(text, HasSubstr("call 0x4"));
  EXPECT_THAT(text, HasSubstr("invalid: invalid-encoding"));
  EXPECT_THAT(text, HasSubstr("Totals by divergence kind"));
  EXPECT_THAT(text, HasSubstr("Totals by mode"));
  EXPECT_EQ(err.str(), "");
}

TEST(SummaryCommandTest, MaxRowsAndMaxExamplesShortenTheReport) {
  TempDir dir;
  const Finding a = MakeFinding(Mode::kLong64, {0x0f, 0x0d, 0xc0}, DivergenceKind::kValidity,
                                "legacy:0f:0d:none", "capstone=valid,zydis=invalid-encoding");
  const Finding c = MakeFinding(Mode::kProt32, {0x66, 0xe8, 0x00, 0x00}, DivergenceKind::kLength,
                                "legacy:primary:e8:66", "capstone<zydis");
  dir.Write("a.json", FindingToJson(a));
  dir.Write("c.json", FindingToJson(c));
  SummaryOptions options;
  options.findings_dir = dir.path();
  options.max_rows = 1;
  options.max_examples = 1;
  std::ostringstream out, err;
  ASSERT_TRUE(RunSummaryCommand(options, out, err).ok());
  const std::string text = out.str();
  // One row left out of the patterns table and one of the bucket table.
  size_t left_out = 0;
  for (size_t at = text.find("1 more row"); at != std::string::npos;
       at = text.find("1 more row", at + 1)) {
    ++left_out;
  }
  EXPECT_EQ(left_out, 2) << text;
  EXPECT_THAT(text, HasSubstr("1 more bucket without an example"));
  // Only one of the two buckets is shown with its example.
  EXPECT_NE(text.find("#1 "), std::string::npos) << text;
  EXPECT_EQ(text.find("#2 "), std::string::npos) << text;
}

TEST(SummaryCommandTest, UnreadableFindingIsNamedAndFailsUnlessKeepGoing) {
  TempDir dir;
  const std::string bad = dir.Write("broken.json", "{\"format\": \"x86diff-finding\"");
  SummaryOptions options;
  options.findings_dir = dir.path();
  std::ostringstream out, err;
  EXPECT_EQ(RunSummaryCommand(options, out, err).code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(err.str(), HasSubstr(bad));
  EXPECT_THAT(out.str(), HasSubstr("0 findings"));

  options.keep_going = true;
  std::ostringstream out2, err2;
  EXPECT_TRUE(RunSummaryCommand(options, out2, err2).ok());
}

TEST(SummaryCommandTest, MissingDirectoryIsNotFound) {
  SummaryOptions options;
  options.findings_dir = "/nonexistent/x86diff/findings";
  std::ostringstream out, err;
  EXPECT_EQ(RunSummaryCommand(options, out, err).code(), absl::StatusCode::kNotFound);
}

TEST(ExitCodeTest, UsageProblemAndSuccess) {
  EXPECT_EQ(ExitCodeForStatus(absl::OkStatus()), kExitOk);
  EXPECT_EQ(ExitCodeForStatus(absl::InvalidArgumentError("x")), kExitUsage);
  EXPECT_EQ(ExitCodeForStatus(absl::NotFoundError("x")), kExitUsage);
  EXPECT_EQ(ExitCodeForStatus(absl::FailedPreconditionError("x")), kExitProblem);
  EXPECT_EQ(ExitCodeForStatus(absl::DataLossError("x")), kExitProblem);
}

}  // namespace
}  // namespace x86diff::cli

// Tests of `x86diff report` (tools/x86diff/report.h) and its Markdown and HTML renderers.
#include <filesystem>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "harness/atomic_file.h"
#include "tests/test_support/temp_dir.h"
#include "tests/tools/triage_fixtures.h"
#include "tools/x86diff/report.h"
#include "tools/x86diff/report_document.h"

namespace x86diff::cli {
namespace {

using test_fixtures::DecoderFinding;
using test_fixtures::Hash;
using test_fixtures::IdOf;
using test_fixtures::WriteFinding;
using test_fixtures::WriteHits;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kToday[] = "2026-11-23";
constexpr char kValidity[] = "capstone=valid,zydis=invalid-encoding";

std::string ReadOrDie(const std::string& path) {
  absl::StatusOr<std::string> text = ReadFileToString(path);
  EXPECT_TRUE(text.ok()) << text.status();
  return text.ok() ? *text : "";
}

// An execution finding: native faults with #UD, unicorn completes and changes rax and memory.
Finding ExecutionFinding() {
  Finding finding;
  finding.test_case = {Mode::kLong64, {0x0f, 0x0b}};
  Outcome native;
  native.target = "native";
  native.provenance = Provenance::kHardware;
  native.exec = ExecResult{};
  native.exec->status = ExecStatus::kFault;
  native.exec->vector = kVectorUD;
  native.exec->final_state = InitialState(finding.test_case);
  Outcome unicorn;
  unicorn.target = "unicorn";
  unicorn.provenance = Provenance::kSoftwareEmulator;
  unicorn.exec = ExecResult{};
  unicorn.exec->status = ExecStatus::kCompleted;
  unicorn.exec->length = 2;
  unicorn.exec->final_state = InitialState(finding.test_case);
  unicorn.exec->final_state[Gpr::kRax] = 0xfeedface;
  unicorn.exec->memory_changes = {{0x10000, {0x00}, {0x2a}}};
  finding.outcomes = {native, unicorn};
  Divergence divergence;
  divergence.kind = DivergenceKind::kFault;
  divergence.targets = {"native", "unicorn"};
  divergence.mode = Mode::kLong64;
  divergence.opcode_class = "legacy:0f:0b:none";
  divergence.fields = "native=#UD,unicorn=completed";
  divergence.signature = MakeSignature(divergence.kind, divergence.targets, divergence.mode,
                                       divergence.opcode_class, divergence.fields);
  finding.divergences = {divergence};
  return finding;
}

class ReportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::filesystem::create_directories(dir_.File("findings"));
    std::filesystem::create_directories(dir_.File("stats"));
    std::filesystem::create_directories(dir_.File("minimized"));
    a_ = DecoderFinding(Mode::kLong64, {0x0f, 0x0d, 0xc0, 0x90, 0x90}, DivergenceKind::kValidity,
                        "legacy:0f:0d:none", kValidity);
    // A mnemonic that must be escaped in HTML.
    b_ = DecoderFinding(Mode::kProt32, {0x66, 0xe8, 0x00, 0x00}, DivergenceKind::kLength,
                        "legacy:primary:e8:66", "capstone<zydis", "<script>alert(1)</script>");
    waived_ = DecoderFinding(Mode::kReal16, {0xc4, 0x00}, DivergenceKind::kValidity,
                             "legacy:primary:c4:none", kValidity);
    exec_ = ExecutionFinding();
    for (const Finding* finding : {&a_, &b_, &waived_, &exec_}) {
      WriteFinding(dir_.File("findings"), IdOf(*finding) + ".json", *finding);
    }
    WriteHits(dir_.File("stats"), "decoder_diff", 1,
              {{Hash(a_), 50, 1763890000, 1763890500}, {Hash(b_), 7, 1763880000, 1763899000}});
    WriteHits(dir_.File("stats"), "exec_diff", 2, {{Hash(exec_), 3, 1763885000, 1763891000}});
    // The minimized example of bucket a: distinctive bytes and a different mnemonic.
    Finding minimized = a_;
    minimized.test_case.code = {0x0f, 0x0d};
    minimized.outcomes[0].decode.mnemonic = "minimizedmnemonic";
    WriteFinding(dir_.File("minimized"), IdOf(a_) + ".json", minimized);
    waivers_ =
        dir_.Write("waivers", absl::StrCat(IdOf(waived_), " 2027-01-01 no VEX in real mode\n"));
  }

  ReportOptions Options() {
    ReportOptions options;
    options.input = dir_.path();
    options.waivers_file = waivers_;
    options.today = kToday;
    options.out_dir = dir_.File("out");
    return options;
  }

  test_support::TempDir dir_;
  Finding a_, b_, waived_, exec_;
  std::string waivers_;
};

TEST_F(ReportTest, BothFormatsHaveEveryBucketAndTheMinimizedExample) {
  std::ostringstream out, err;
  const absl::Status status = RunReportCommand(Options(), out, err);
  ASSERT_TRUE(status.ok()) << status << err.str();
  EXPECT_EQ(err.str(), "");
  EXPECT_THAT(out.str(), HasSubstr("wrote " + dir_.File("out/report.md")));
  EXPECT_THAT(out.str(), HasSubstr("wrote " + dir_.File("out/report.html")));
  for (const std::string& path : {dir_.File("out/report.md"), dir_.File("out/report.html")}) {
    const std::string text = ReadOrDie(path);
    SCOPED_TRACE(path);
    for (const Finding* finding : {&a_, &b_, &waived_, &exec_}) {
      EXPECT_THAT(text, HasSubstr(IdOf(*finding)));
    }
    EXPECT_THAT(text, HasSubstr("minimizedmnemonic"));  // the minimized example is shown
    EXPECT_THAT(text, HasSubstr("0f 0d"));
    EXPECT_THAT(text, Not(HasSubstr("0f 0d c0 90 90")));  // not the original finding
    EXPECT_THAT(text, HasSubstr("no VEX in real mode"));  // the waiver's reason
    EXPECT_THAT(text, HasSubstr("Per target pair"));
    EXPECT_THAT(text, HasSubstr("Per mode"));
    EXPECT_THAT(text, HasSubstr("native vs unicorn"));
    // The execution example: status, vector and the changed register side by side.
    EXPECT_THAT(text, HasSubstr("#UD"));
    EXPECT_THAT(text, HasSubstr("0xfeedface"));
    const bool html = path.ends_with(".html");
    EXPECT_THAT(text, HasSubstr(html ? "0x10000: 00 -&gt; 2a" : "0x10000: 00 -> 2a"));
  }
}

TEST_F(ReportTest, ShortestFindingWithoutMinimizedExample) {
  std::filesystem::remove_all(dir_.File("minimized"));
  ReportOptions options = Options();
  std::ostringstream out, err;
  ASSERT_TRUE(RunReportCommand(options, out, err).ok()) << err.str();
  const std::string markdown = ReadOrDie(dir_.File("out/report.md"));
  EXPECT_THAT(markdown, Not(HasSubstr("minimizedmnemonic")));
  EXPECT_THAT(markdown, HasSubstr("0f 0d c0 90 90"));
  EXPECT_THAT(markdown, HasSubstr("Example (shortest finding)"));
}

TEST_F(ReportTest, HtmlEscapesTextFromFindings) {
  ReportOptions options = Options();
  options.out_dir.clear();
  options.html_file = dir_.File("r.html");
  std::ostringstream out, err;
  ASSERT_TRUE(RunReportCommand(options, out, err).ok()) << err.str();
  EXPECT_FALSE(std::filesystem::exists(dir_.File("out")));
  const std::string html = ReadOrDie(dir_.File("r.html"));
  EXPECT_THAT(html, HasSubstr("&lt;script&gt;alert(1)&lt;/script&gt;"));
  EXPECT_THAT(html, Not(HasSubstr("<script")));
  EXPECT_THAT(html, HasSubstr("capstone&lt;zydis"));
  EXPECT_THAT(html, Not(HasSubstr("<link")));  // self-contained
  EXPECT_THAT(html, HasSubstr("<style>"));
  // The bucket table links to the examples.
  EXPECT_THAT(html, HasSubstr(absl::StrCat("<a href=\"#bucket-", IdOf(b_), "\">")));
  EXPECT_THAT(html, HasSubstr(absl::StrCat(" id=\"bucket-", IdOf(b_), "\"")));
}

TEST_F(ReportTest, MarkdownKeepsMarkupInCodeSpans) {
  ReportOptions options = Options();
  options.out_dir.clear();
  options.markdown_file = dir_.File("r.md");
  std::ostringstream out, err;
  ASSERT_TRUE(RunReportCommand(options, out, err).ok()) << err.str();
  const std::string markdown = ReadOrDie(dir_.File("r.md"));
  EXPECT_THAT(markdown, HasSubstr("`minimizedmnemonic 0x4`"));
  EXPECT_THAT(markdown, HasSubstr("`<script>alert(1)</script> 0x4`"));
  EXPECT_EQ(EscapeMarkdown("a|b<c>*d_"), "a\\|b\\<c\\>\\*d\\_");
  EXPECT_EQ(EscapeHtml("<a href=\"x\">&'"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
}

TEST_F(ReportTest, DefaultDirectoryAndOutputOptionErrors) {
  ReportOptions options = Options();
  options.out_dir.clear();
  std::ostringstream out, err;
  ASSERT_TRUE(RunReportCommand(options, out, err).ok()) << err.str();
  EXPECT_TRUE(std::filesystem::exists(dir_.File("report.md")));
  EXPECT_TRUE(std::filesystem::exists(dir_.File("report.html")));

  options.out_dir = dir_.File("x");
  options.markdown_file = dir_.File("y.md");
  EXPECT_EQ(RunReportCommand(options, out, err).code(), absl::StatusCode::kInvalidArgument);

  // A plain findings directory has no default place for the report.
  ReportOptions plain;
  plain.input = dir_.File("findings");
  plain.today = kToday;
  EXPECT_EQ(RunReportCommand(plain, out, err).code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(ReportTest, UnreadableMinimizedExampleFallsBackAndIsNamed) {
  const std::string broken = dir_.Write(absl::StrCat("minimized/", IdOf(a_), ".json"), "{");
  std::ostringstream out, err;
  EXPECT_EQ(RunReportCommand(Options(), out, err).code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(err.str(), HasSubstr(broken));
  const std::string markdown = ReadOrDie(dir_.File("out/report.md"));
  EXPECT_THAT(markdown, HasSubstr("0f 0d c0 90 90"));  // the shortest finding instead
  ReportOptions options = Options();
  options.keep_going = true;
  std::ostringstream out2, err2;
  EXPECT_TRUE(RunReportCommand(options, out2, err2).ok());
}

}  // namespace
}  // namespace x86diff::cli

// Tests of `x86diff export`: golden files per format and mode for hand-built disagreements
// (tests/tools/testdata/export/*; X86DIFF_UPDATE_GOLDEN=1 rewrites them for review), the choice
// of the expectation, and the command end to end with the real decoders.
#include <algorithm>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "harness/atomic_file.h"
#include "harness/finding.h"
#include "harness/instruction_shape.h"
#include "harness/test_case_json.h"
#include "tests/test_support/temp_dir.h"
#include "tools/x86diff/exit_code.h"
#include "tools/x86diff/export.h"
#include "tools/x86diff/export_format.h"

namespace x86diff::cli {
namespace {

using test_support::TempDir;
using ::testing::HasSubstr;
using ::testing::Not;

Outcome Valid(const std::string& target, uint8_t length, const std::string& mnemonic,
              const std::string& operands, uint32_t prefixes = 0) {
  Outcome outcome;
  outcome.target = target;
  outcome.decode.valid = true;
  outcome.decode.length = length;
  outcome.decode.mnemonic = mnemonic;
  outcome.decode.operands = operands;
  outcome.decode.prefixes = prefixes;
  return outcome;
}

Outcome Invalid(const std::string& target, DecodeFailure failure) {
  Outcome outcome;
  outcome.target = target;
  outcome.decode.failure = failure;
  return outcome;
}

Outcome Hardware(const std::string& target, ExecStatus status, uint8_t vector, uint8_t length) {
  Outcome outcome;
  outcome.target = target;
  outcome.provenance = Provenance::kHardware;
  outcome.exec = ExecResult{};
  outcome.exec->status = status;
  outcome.exec->vector = vector;
  outcome.exec->length = length;
  return outcome;
}

ExportInput MakeInput(Mode mode, std::vector<uint8_t> code, DivergenceKind kind,
                      const std::string& fields, std::vector<Outcome> outcomes) {
  ExportInput input;
  input.test_case = {mode, std::move(code)};
  input.divergence.kind = kind;
  input.divergence.targets = {"capstone", "zydis"};
  input.divergence.mode = mode;
  input.divergence.opcode_class = OpcodeClass(ReadInstructionShape(mode, input.test_case.code));
  input.divergence.fields = fields;
  input.divergence.signature =
      MakeSignature(kind, input.divergence.targets, mode, input.divergence.opcode_class, fields);
  input.outcomes = std::move(outcomes);
  input.origin = "findings/example.json";
  return input;
}

// F0 F2 FE C0: Capstone 4 decodes inc al (dropping the LOCK next to REPNE), Zydis rejects the
// LOCK: what both say in long64.
ExportInput LockInc(Mode mode) {
  return MakeInput(
      mode, {0xf0, 0xf2, 0xfe, 0xc0}, DivergenceKind::kValidity,
      "capstone=valid,zydis=illegal-lock",
      {Valid("capstone", 4, "inc", "al"), Invalid("zydis", DecodeFailure::kIllegalLock)});
}

// C5 F8 77 in real mode: vzeroupper for Capstone, invalid for Zydis (no VEX in real mode).
ExportInput VexInRealMode() {
  return MakeInput(
      Mode::kReal16, {0xc5, 0xf8, 0x77}, DivergenceKind::kValidity,
      "capstone=valid,zydis=invalid-encoding",
      {Valid("capstone", 3, "vzeroupper", ""), Invalid("zydis", DecodeFailure::kInvalidEncoding)});
}

// 66 E8 rel16 in 64-bit mode: Capstone reads 4 bytes (AMD), Zydis 6 (Intel ignores the 66).
ExportInput CallLength() {
  return MakeInput(
      Mode::kLong64, {0x66, 0xe8, 0x00, 0x00, 0x00, 0x00}, DivergenceKind::kLength,
      "capstone<zydis",
      {Valid("capstone", 4, "call", "4"), Valid("zydis", 6, "call", "0x0000000000000006")});
}

// F3 0F 11 E2 in 16-bit code: movups for Capstone, movss for Zydis.
ExportInput MovssMnemonic(Mode mode) {
  return MakeInput(
      mode, {0xf3, 0x0f, 0x11, 0xe2}, DivergenceKind::kMnemonic, "capstone:movups,zydis:movss",
      {Valid("capstone", 4, "movups", "xmm2, xmm4"), Valid("zydis", 4, "movss", "xmm2, xmm4")});
}

// 0F 1C 03 in 32-bit code: a hint NOP for Capstone, cldemote for Zydis.
ExportInput CldemoteMnemonic() {
  return MakeInput(
      Mode::kProt32, {0x0f, 0x1c, 0x03}, DivergenceKind::kMnemonic, "capstone:nop,zydis:cldemote",
      {Valid("capstone", 3, "nop", "dword ptr [ebx]"), Valid("zydis", 3, "cldemote", "[ebx]")});
}

struct GoldenCase {
  const char* name;  // file under tests/tools/testdata/export
  ExportFormat format;
  ExportInput input;
  const char* expect_from;
};

std::vector<GoldenCase> GoldenCases() {
  ExportInput lock_with_ud = LockInc(Mode::kProt16);
  lock_with_ud.outcomes.push_back(Hardware("kvm", ExecStatus::kFault, kVectorUD, 0));
  ExportInput lock_cpu_accepts = LockInc(Mode::kLong64);
  lock_cpu_accepts.outcomes.push_back(Hardware("native", ExecStatus::kCompleted, 0, 4));
  ExportInput vex_with_ud = VexInRealMode();
  vex_with_ud.outcomes.push_back(Hardware("kvm", ExecStatus::kFault, kVectorUD, 0));
  return {
      {"lock_inc_long64.llvm-mc.txt", ExportFormat::kLlvmMc, LockInc(Mode::kLong64), ""},
      {"lock_inc_long64.capstone.s.cs", ExportFormat::kCapstone, LockInc(Mode::kLong64), ""},
      {"lock_inc_long64.zydis.in.txt", ExportFormat::kZydis, LockInc(Mode::kLong64), ""},
      {"lock_inc_compat32.llvm-mc.txt", ExportFormat::kLlvmMc, LockInc(Mode::kCompat32), ""},
      {"lock_inc_prot16_cpu_ud.zydis.in.txt", ExportFormat::kZydis, lock_with_ud, ""},
      {"lock_inc_long64_cpu_accepts.capstone.s.cs", ExportFormat::kCapstone, lock_cpu_accepts, ""},
      {"vex_real16.llvm-mc.txt", ExportFormat::kLlvmMc, VexInRealMode(), ""},
      {"vex_real16.capstone.s.cs", ExportFormat::kCapstone, VexInRealMode(), ""},
      {"vex_real16_cpu_ud.zydis.in.txt", ExportFormat::kZydis, vex_with_ud, ""},
      {"call_length_long64.llvm-mc.txt", ExportFormat::kLlvmMc, CallLength(), ""},
      {"call_length_long64.zydis.in.txt", ExportFormat::kZydis, CallLength(), ""},
      {"movss_prot16.llvm-mc.txt", ExportFormat::kLlvmMc, MovssMnemonic(Mode::kProt16), ""},
      {"movss_prot16.capstone.s.cs", ExportFormat::kCapstone, MovssMnemonic(Mode::kProt16), ""},
      {"cldemote_prot32.zydis.in.txt", ExportFormat::kZydis, CldemoteMnemonic(), ""},
      {"cldemote_prot32_expect_capstone.capstone.s.cs", ExportFormat::kCapstone, CldemoteMnemonic(),
       "capstone"},
  };
}

TEST(ExportGoldenTest, EveryFormatAndModeMatchesItsGoldenFile) {
  const bool update = std::getenv("X86DIFF_UPDATE_GOLDEN") != nullptr;
  for (const GoldenCase& golden : GoldenCases()) {
    SCOPED_TRACE(golden.name);
    absl::StatusOr<std::string> text =
        FormatExport(golden.input, golden.format, golden.expect_from);
    ASSERT_TRUE(text.ok()) << text.status();
    const std::string path =
        absl::StrCat(X86DIFF_SOURCE_DIR, "/tests/tools/testdata/export/", golden.name);
    if (update) {
      ASSERT_TRUE(WriteFileAtomically(path, *text).ok());
      continue;
    }
    absl::StatusOr<std::string> expected = ReadFileToString(path);
    ASSERT_TRUE(expected.ok()) << expected.status()
                               << " (X86DIFF_UPDATE_GOLDEN=1 writes the golden files)";
    EXPECT_EQ(*text, *expected) << "X86DIFF_UPDATE_GOLDEN=1 rewrites " << path << " for review";
  }
}

TEST(ExportFormatTest, LlvmMcUsesTheModesTripleAndIntelSyntax) {
  const struct {
    Mode mode;
    const char* triple;
  } kTriples[] = {{Mode::kReal16, "-triple=i386-unknown-unknown-code16 "},
                  {Mode::kProt16, "-triple=i386-unknown-unknown-code16 "},
                  {Mode::kProt32, "-triple=i386-unknown-unknown "},
                  {Mode::kCompat32, "-triple=i386-unknown-unknown "},
                  {Mode::kLong64, "-triple=x86_64-unknown-unknown "}};
  for (const auto& [mode, triple] : kTriples) {
    absl::StatusOr<std::string> text = FormatExport(LockInc(mode), ExportFormat::kLlvmMc);
    ASSERT_TRUE(text.ok()) << text.status();
    EXPECT_THAT(*text, HasSubstr(absl::StrCat("# RUN: llvm-mc --disassemble %s ", triple,
                                              "--output-asm-variant=1 2>&1 | FileCheck %s\n")));
    // The expectation comes from Zydis, the other side: invalid.
    EXPECT_THAT(
        *text,
        HasSubstr("\n# CHECK: warning: invalid instruction encoding\n0xf0 0xf2 0xfe 0xc0\n"));
    // Exactly one RUN and one CHECK directive: comments never read as directives.
    EXPECT_EQ(text->find("RUN:"), text->rfind("RUN:"));
    EXPECT_EQ(text->find("CHECK"), text->rfind("CHECK"));
  }
}

TEST(ExportFormatTest, CapstoneHeaderIsTheFirstLineAndOnlyTheTestStartsWith0x) {
  const struct {
    Mode mode;
    const char* header;
  } kHeaders[] = {{Mode::kReal16, "# CS_ARCH_X86, CS_MODE_16, None\n"},
                  {Mode::kProt16, "# CS_ARCH_X86, CS_MODE_16, None\n"},
                  {Mode::kProt32, "# CS_ARCH_X86, CS_MODE_32, None\n"},
                  {Mode::kCompat32, "# CS_ARCH_X86, CS_MODE_32, None\n"},
                  {Mode::kLong64, "# CS_ARCH_X86, CS_MODE_64, None\n"}};
  for (const auto& [mode, header] : kHeaders) {
    absl::StatusOr<std::string> text = FormatExport(MovssMnemonic(mode), ExportFormat::kCapstone);
    ASSERT_TRUE(text.ok()) << text.status();
    EXPECT_EQ(text->substr(0, text->find('\n') + 1), header);
    EXPECT_THAT(*text, HasSubstr("\n0xf3,0x0f,0x11,0xe2 = movss xmm2, xmm4\n"));
    EXPECT_EQ(text->find("\n0x"), text->rfind("\n0x"));
    EXPECT_EQ(text->find(" = "), text->rfind(" = "));
  }
}

TEST(ExportFormatTest, ZydisLastLineIsTheInFile) {
  const struct {
    Mode mode;
    const char* line;
  } kLines[] = {{Mode::kReal16, "\n-real F0F2FEC0\n"},
                {Mode::kProt16, "\n-16 F0F2FEC0\n"},
                {Mode::kProt32, "\n-32 F0F2FEC0\n"},
                {Mode::kCompat32, "\n-32 F0F2FEC0\n"},
                {Mode::kLong64, "\n-64 F0F2FEC0\n"}};
  for (const auto& [mode, line] : kLines) {
    absl::StatusOr<std::string> text = FormatExport(LockInc(mode), ExportFormat::kZydis);
    ASSERT_TRUE(text.ok()) << text.status();
    EXPECT_TRUE(absl::EndsWith(*text, line)) << *text;
    EXPECT_THAT(*text, HasSubstr("INTEL ABSOLUTE: inc al"));
  }
}

TEST(ChooseExpectationTest, TakesTheOtherSideOrTheNamedDecoder) {
  absl::StatusOr<ExportExpectation> expectation =
      ChooseExpectation(LockInc(Mode::kLong64), ExportFormat::kZydis);
  ASSERT_TRUE(expectation.ok()) << expectation.status();
  EXPECT_TRUE(expectation->valid);
  EXPECT_EQ(expectation->text, "inc al");
  EXPECT_EQ(expectation->length, 4);
  EXPECT_EQ(expectation->source, "capstone");
  EXPECT_EQ(expectation->questioned, "zydis");

  expectation = ChooseExpectation(LockInc(Mode::kLong64), ExportFormat::kCapstone);
  ASSERT_TRUE(expectation.ok());
  EXPECT_FALSE(expectation->valid);
  EXPECT_EQ(expectation->source, "zydis");

  expectation = ChooseExpectation(LockInc(Mode::kLong64), ExportFormat::kCapstone, "capstone");
  ASSERT_TRUE(expectation.ok());
  EXPECT_TRUE(expectation->valid);
  EXPECT_EQ(expectation->questioned, "");
}

TEST(ChooseExpectationTest, HardwareDecidesValidity) {
  ExportInput input = LockInc(Mode::kLong64);
  input.outcomes.push_back(Hardware("native", ExecStatus::kFault, kVectorUD, 0));
  absl::StatusOr<ExportExpectation> expectation = ChooseExpectation(input, ExportFormat::kZydis);
  ASSERT_TRUE(expectation.ok());
  EXPECT_FALSE(expectation->valid);
  EXPECT_EQ(expectation->source, "native");
  ASSERT_EQ(expectation->notes.size(), 2u);
  EXPECT_THAT(expectation->notes[0], HasSubstr("native (hardware) raised #UD"));
  // The CPU sides with Zydis: a Zydis test would pass, and the output says so.
  EXPECT_THAT(expectation->notes[1], HasSubstr("zydis already gives this answer"));

  input = LockInc(Mode::kLong64);
  input.outcomes.push_back(Hardware("kvm", ExecStatus::kCompleted, 0, 4));
  expectation = ChooseExpectation(input, ExportFormat::kCapstone);
  ASSERT_TRUE(expectation.ok());
  EXPECT_TRUE(expectation->valid);
  EXPECT_EQ(expectation->source, "capstone");
  EXPECT_EQ(expectation->text, "inc al");
}

TEST(ChooseExpectationTest, SpellsOutLock) {
  ExportInput input = LockInc(Mode::kLong64);
  input.outcomes[0] = Valid("capstone", 4, "inc", "al", kPrefixLock);
  absl::StatusOr<ExportExpectation> expectation = ChooseExpectation(input, ExportFormat::kZydis);
  ASSERT_TRUE(expectation.ok());
  EXPECT_EQ(expectation->text, "lock inc al");
}

TEST(ChooseExpectationTest, ErrorsNameTheProblem) {
  EXPECT_EQ(
      ChooseExpectation(LockInc(Mode::kLong64), ExportFormat::kZydis, "unicorn").status().code(),
      absl::StatusCode::kInvalidArgument);
  ExportInput own_only = LockInc(Mode::kLong64);
  own_only.divergence.targets = {"capstone", "llvm"};
  absl::StatusOr<ExportExpectation> expectation =
      ChooseExpectation(own_only, ExportFormat::kLlvmMc);
  EXPECT_EQ(expectation.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(expectation.status().message(), HasSubstr("--expect_from"));
  EXPECT_EQ(ParseExportFormat("gas").status().code(), absl::StatusCode::kInvalidArgument);
}

// The command with the real decoders.
class ExportCommandTest : public ::testing::Test {
 protected:
  std::string WriteLockInc() {
    return dir_.Write("lock.json", TestCaseToJson({Mode::kLong64, {0xf0, 0xf2, 0xfe, 0xc0}}));
  }
  absl::Status Run(ExportOptions options) {
    out_.str("");
    return RunExportCommand(options, out_);
  }

  TempDir dir_;
  std::ostringstream out_;
};

TEST_F(ExportCommandTest, WritesEachFormatForARealDisagreement) {
  ExportOptions options;
  options.path = WriteLockInc();
  options.format = "llvm-mc";
  absl::Status status = Run(options);
  ASSERT_TRUE(status.ok()) << status << " (pick another known Capstone/Zydis disagreement)";
  EXPECT_THAT(out_.str(), HasSubstr("-triple=x86_64-unknown-unknown"));
  EXPECT_THAT(out_.str(), HasSubstr("# CHECK: warning: invalid instruction encoding\n"));
  EXPECT_THAT(out_.str(), HasSubstr("#   capstone: inc al  (4 bytes)"));

  options.format = "capstone";
  ASSERT_TRUE(Run(options).ok());
  EXPECT_EQ(out_.str().substr(0, 32), "# CS_ARCH_X86, CS_MODE_64, None\n");

  options.format = "zydis";
  ASSERT_TRUE(Run(options).ok());
  EXPECT_TRUE(absl::EndsWith(out_.str(), "\n-64 F0F2FEC0\n")) << out_.str();
  EXPECT_THAT(out_.str(), HasSubstr("INTEL ABSOLUTE: inc al"));
}

TEST_F(ExportCommandTest, OutWritesTheFileAndRecordedHardwareCounts) {
  Finding finding;
  finding.test_case = {Mode::kLong64, {0xf0, 0xf2, 0xfe, 0xc0}};
  finding.outcomes.push_back(Hardware("native", ExecStatus::kFault, kVectorUD, 0));
  ExportOptions options;
  options.path = dir_.Write("finding.json", FindingToJson(finding));
  options.format = "zydis";
  options.out_path = dir_.File("case.in.txt");
  ASSERT_TRUE(Run(options).ok());
  EXPECT_EQ(out_.str(), "wrote " + options.out_path + "\n");
  absl::StatusOr<std::string> text = ReadFileToString(options.out_path);
  ASSERT_TRUE(text.ok());
  EXPECT_THAT(*text, HasSubstr("native (hardware) raised #UD"));
  EXPECT_THAT(*text, HasSubstr("expected: an empty .out"));
  EXPECT_THAT(*text, Not(HasSubstr("INTEL ABSOLUTE")));
}

TEST_F(ExportCommandTest, BadRequestsGiveClearErrors) {
  ExportOptions options;
  options.path = WriteLockInc();
  options.format = "gas";
  EXPECT_EQ(Run(options).code(), absl::StatusCode::kInvalidArgument);

  options.format = "llvm-mc";
  options.expect_from = "unicorn";
  EXPECT_EQ(Run(options).code(), absl::StatusCode::kInvalidArgument);

  options.expect_from = "";
  options.signature = "0123456789abcdef";
  absl::Status status = Run(options);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(status.message(), HasSubstr("does not reproduce"));

  options.signature = "";
  options.path = dir_.Write("agree.json", TestCaseToJson({Mode::kLong64, {0x48, 0x01, 0xd8}}));
  status = Run(options);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(status.message(), HasSubstr("agree"));

  options.path = dir_.Write("bad.json", "{\"format\": \"x86diff-testcase\", \"version\": 1}");
  status = Run(options);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("bad.json"));
  EXPECT_EQ(ExitCodeForStatus(status), kExitUsage);
  EXPECT_TRUE(out_.str().empty());
}

}  // namespace
}  // namespace x86diff::cli

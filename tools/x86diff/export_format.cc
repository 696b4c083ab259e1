#include "tools/x86diff/export_format.h"

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/types/span.h"
#include "harness/hex.h"
#include "tools/x86diff/outcome_view.h"

namespace x86diff::cli {

namespace {

struct FormatInfo {
  ExportFormat format;
  absl::string_view name;
  // Targets whose answers this format's project is responsible for.
  std::vector<absl::string_view> own_targets;
};

const FormatInfo& InfoFor(ExportFormat format) {
  static const FormatInfo kInfos[] = {
      {ExportFormat::kLlvmMc, "llvm-mc", {"llvm", "llvm-mc", "capstone"}},
      {ExportFormat::kCapstone, "capstone", {"capstone"}},
      {ExportFormat::kZydis, "zydis", {"zydis"}},
  };
  for (const FormatInfo& info : kInfos) {
    if (info.format == format) return info;
  }
  return kInfos[0];
}

bool IsOwnTarget(const FormatInfo& info, absl::string_view target) {
  return std::find(info.own_targets.begin(), info.own_targets.end(), target) !=
         info.own_targets.end();
}

// How each format names a mode, and what gets lost on the way.
struct ModeSpelling {
  std::string spelling;
  std::string note;  // empty when the format has the exact mode
};

ModeSpelling SpellMode(ExportFormat format, Mode mode) {
  switch (format) {
    case ExportFormat::kLlvmMc:
      switch (mode) {
        case Mode::kReal16:
          return {"i386-unknown-unknown-code16",
                  "LLVM has no real-mode triple; code16 is 16-bit protected mode, where C4/C5/62 "
                  "may start VEX/EVEX"};
        case Mode::kProt16:
          return {"i386-unknown-unknown-code16", ""};
        case Mode::kProt32:
          return {"i386-unknown-unknown", ""};
        case Mode::kCompat32:
          return {"i386-unknown-unknown",
                  "LLVM does not tell compatibility mode from 32-bit protected mode"};
        case Mode::kLong64:
          return {"x86_64-unknown-unknown", ""};
      }
      break;
    case ExportFormat::kCapstone:
      switch (mode) {
        case Mode::kReal16:
          return {"CS_MODE_16", "Capstone has no real mode; CS_MODE_16 decodes 16-bit code"};
        case Mode::kProt16:
          return {"CS_MODE_16", ""};
        case Mode::kProt32:
          return {"CS_MODE_32", ""};
        case Mode::kCompat32:
          return {"CS_MODE_32", "Capstone does not tell compatibility mode from 32-bit mode"};
        case Mode::kLong64:
          return {"CS_MODE_64", ""};
      }
      break;
    case ExportFormat::kZydis:
      switch (mode) {
        case Mode::kReal16:
          return {"-real", ""};
        case Mode::kProt16:
          return {"-16",
                  "ZydisInfo -16 decodes as ZYDIS_MACHINE_MODE_LONG_COMPAT_16; x86diff used "
                  "ZYDIS_MACHINE_MODE_LEGACY_16"};
        case Mode::kProt32:
          return {"-32",
                  "ZydisInfo -32 decodes as ZYDIS_MACHINE_MODE_LONG_COMPAT_32; x86diff used "
                  "ZYDIS_MACHINE_MODE_LEGACY_32"};
        case Mode::kCompat32:
          return {"-32", ""};
        case Mode::kLong64:
          return {"-64", ""};
      }
      break;
  }
  return {"?", "unknown mode"};
}

// "lock inc al": the decoder's mnemonic and operands with LOCK spelled out (the adapters move
// prefix words out of the mnemonic; other prefixes are often part of the mnemonic's meaning and
// are left to the reviewer).
std::string AsmText(const DecodeResult& result) {
  std::string text = (result.prefixes & kPrefixLock) ? "lock " : "";
  absl::StrAppend(&text, result.mnemonic);
  if (!result.operands.empty()) absl::StrAppend(&text, " ", result.operands);
  return text;
}

const Outcome* FindDecoder(absl::Span<const Outcome> outcomes, absl::string_view target) {
  for (const Outcome& outcome : outcomes) {
    if (outcome.provenance == Provenance::kDecoder && !outcome.exec.has_value() &&
        outcome.target == target) {
      return &outcome;
    }
  }
  return nullptr;
}

std::string ExecSummary(const ExecResult& exec) {
  std::string text(ExecStatusName(exec.status));
  if (exec.status == ExecStatus::kFault) absl::StrAppend(&text, " ", VectorName(exec.vector));
  if (exec.length > 0) absl::StrAppend(&text, ", length ", exec.length);
  return text;
}

std::string DecodeSummary(const DecodeResult& result) {
  if (!result.valid) return InstructionText(result);
  return absl::StrCat(AsmText(result), "  (", result.length, " bytes)");
}

// The hardware executor's word on validity (see ChooseExpectation).
void ApplyHardware(const ExportInput& input, ExportExpectation& expectation) {
  for (const Outcome& outcome : input.outcomes) {
    if (!outcome.exec.has_value() || outcome.provenance != Provenance::kHardware) continue;
    const ExecResult& exec = *outcome.exec;
    const std::string cpu = absl::StrCat(outcome.target, " (hardware)");
    if (exec.status == ExecStatus::kFault && exec.vector == kVectorUD) {
      if (expectation.valid) {
        expectation.notes.push_back(absl::StrCat(cpu,
                                                 " raised #UD: expecting \"invalid\" "
                                                 "although ",
                                                 expectation.source, " decodes it"));
        expectation = ExportExpectation{
            false, "", 0, outcome.target, expectation.questioned, std::move(expectation.notes)};
      } else {
        expectation.notes.push_back(absl::StrCat(cpu, " raised #UD too"));
      }
      return;
    }
    if (exec.status != ExecStatus::kCompleted && exec.status != ExecStatus::kFault) return;
    if (expectation.valid) {
      if (exec.length != 0 && exec.length != expectation.length) {
        expectation.notes.push_back(
            absl::StrCat(cpu, " saw length ", exec.length, ", not ", expectation.length));
      } else {
        expectation.notes.push_back(absl::StrCat(cpu, " accepts it (", ExecSummary(exec), ")"));
      }
      return;
    }
    for (const Outcome& decoder : input.outcomes) {
      if (decoder.provenance != Provenance::kDecoder || decoder.exec.has_value()) continue;
      if (decoder.decode.valid && (exec.length == 0 || decoder.decode.length == exec.length)) {
        expectation.notes.push_back(
            absl::StrCat(cpu, " executes it (", ExecSummary(exec), "): expecting ", decoder.target,
                         "'s decoding although ", expectation.source, " rejects it"));
        expectation.valid = true;
        expectation.text = AsmText(decoder.decode);
        expectation.length = decoder.decode.length;
        expectation.source = decoder.target;
        return;
      }
    }
    expectation.notes.push_back(absl::StrCat(cpu, " executes it (", ExecSummary(exec),
                                             ") but no decoder accepts it with that length"));
    return;
  }
}

// The bytes the test feeds the decoder: the expected instruction when it is valid, else the code.
std::vector<uint8_t> ExportedBytes(const ExportInput& input, const ExportExpectation& expectation) {
  std::vector<uint8_t> bytes = input.test_case.code;
  if (expectation.valid && expectation.length > 0 && expectation.length < bytes.size()) {
    bytes.resize(expectation.length);
  }
  return bytes;
}

// The review comment lines shared by every format (without the comment marker).
std::vector<std::string> CommonComments(const ExportInput& input, ExportFormat format,
                                        const ExportExpectation& expectation,
                                        const ModeSpelling& mode) {
  std::vector<std::string> lines;
  lines.push_back(absl::StrCat("Exported by x86diff (", ExportFormatName(format),
                               " format). REVIEW BEFORE FILING: the expected answer is ",
                               expectation.source, "'s view, not a verified fact."));
  if (!input.origin.empty()) lines.push_back(absl::StrCat("From: ", input.origin));
  lines.push_back(absl::StrCat("Signature ", input.divergence.signature.HexId(), ": ",
                               input.divergence.signature.text));
  lines.push_back(absl::StrCat("Mode ", ModeName(input.test_case.mode), " (", mode.spelling,
                               "), bytes ", FormatHex(input.test_case.code)));
  if (!mode.note.empty()) lines.push_back(absl::StrCat("Mode note: ", mode.note));
  for (const Outcome& outcome : input.outcomes) {
    if (outcome.exec.has_value()) {
      lines.push_back(absl::StrCat("  ", outcome.target, " (", ProvenanceName(outcome.provenance),
                                   "): ", ExecSummary(*outcome.exec)));
    } else {
      lines.push_back(absl::StrCat("  ", outcome.target, ": ", DecodeSummary(outcome.decode)));
    }
  }
  lines.push_back(absl::StrCat(
      "Expected (from ", expectation.source, "): ",
      expectation.valid ? absl::StrCat(expectation.text, "  (", expectation.length, " bytes)")
                        : std::string("invalid (no instruction)"),
      expectation.questioned.empty() ? ""
                                     : absl::StrCat("; questioned: ", expectation.questioned)));
  for (const std::string& note : expectation.notes) lines.push_back("Note: " + note);
  if (expectation.valid && expectation.length < input.test_case.code.size()) {
    lines.push_back(absl::StrCat("Only the expected instruction's ", expectation.length,
                                 " bytes are in the test."));
  }
  return lines;
}

// Comment lines with text that the format would read as directives neutralised.
void AppendComments(const std::vector<std::string>& lines, ExportFormat format, std::string& text) {
  for (const std::string& line : lines) {
    std::string safe = line;
    if (format == ExportFormat::kLlvmMc) {
      safe = absl::StrReplaceAll(safe, {{"CHECK", "Check"}, {"RUN:", "RUN -"}});
    } else if (format == ExportFormat::kCapstone) {
      safe = absl::StrReplaceAll(safe, {{" = ", " == "}});
    }
    absl::StrAppend(&text, "# ", safe, "\n");
  }
}

std::string HexList(absl::Span<const uint8_t> bytes, absl::string_view separator) {
  return absl::StrJoin(bytes, separator, [](std::string* out, uint8_t byte) {
    absl::StrAppend(out, absl::StrFormat("0x%02x", byte));
  });
}

std::string FormatLlvmMc(const ExportInput& input, const ExportExpectation& expectation) {
  const ModeSpelling mode = SpellMode(ExportFormat::kLlvmMc, input.test_case.mode);
  // Intel syntax (variant 1), as Capstone and Zydis print; stderr too, where llvm-mc writes
  // "warning: invalid instruction encoding".
  std::string text = absl::StrCat("# RUN: llvm-mc --disassemble %s -triple=", mode.spelling,
                                  " --output-asm-variant=1 2>&1 | FileCheck %s\n#\n");
  std::vector<std::string> comments =
      CommonComments(input, ExportFormat::kLlvmMc, expectation, mode);
  if (expectation.valid) {
    comments.push_back(absl::StrCat("The check line is in ", expectation.source,
                                    "'s Intel spelling; adjust operands to llvm-mc's."));
  }
  AppendComments(comments, ExportFormat::kLlvmMc, text);
  absl::StrAppend(
      &text, "\n# CHECK: ",
      expectation.valid ? expectation.text : std::string("warning: invalid instruction encoding"),
      "\n", HexList(ExportedBytes(input, expectation), " "), "\n");
  return text;
}

std::string FormatCapstone(const ExportInput& input, const ExportExpectation& expectation) {
  const ModeSpelling mode = SpellMode(ExportFormat::kCapstone, input.test_case.mode);
  // cstest reads the first line starting with '#' as "arch, mode, options" and runs every line
  // starting with "0x"; other '#' lines are comments.
  std::string text = absl::StrCat("# CS_ARCH_X86, ", mode.spelling, ", None\n");
  std::vector<std::string> comments =
      CommonComments(input, ExportFormat::kCapstone, expectation, mode);
  const std::string bytes = HexList(ExportedBytes(input, expectation), ",");
  if (expectation.valid) {
    if (expectation.source != "capstone") {
      comments.push_back(absl::StrCat("The text after '=' is ", expectation.source,
                                      "'s Intel spelling; adjust it to Capstone's."));
    }
    AppendComments(comments, ExportFormat::kCapstone, text);
    absl::StrAppend(&text, bytes, " = ", expectation.text, "\n");
  } else {
    comments.push_back(
        "Expected: cs_disasm() decodes no instruction from these bytes. The .s.cs format cannot "
        "say \"invalid\", so the case stays a comment: file it as an issue with these bytes:");
    comments.push_back(bytes);
    AppendComments(comments, ExportFormat::kCapstone, text);
  }
  return text;
}

std::string FormatZydis(const ExportInput& input, const ExportExpectation& expectation) {
  const ModeSpelling mode = SpellMode(ExportFormat::kZydis, input.test_case.mode);
  std::vector<uint8_t> bytes = ExportedBytes(input, expectation);
  std::vector<std::string> comments =
      CommonComments(input, ExportFormat::kZydis, expectation, mode);
  if (bytes.size() > kMaxInstructionBytes) {
    comments.push_back(absl::StrCat("ZydisInfo takes at most ", kMaxInstructionBytes,
                                    " bytes: the case is cut to them."));
    bytes.resize(kMaxInstructionBytes);
  }
  comments.push_back(
      absl::StrCat("Zydis regression case: save the LAST line (only) as tests/cases/x86diff_",
                   input.divergence.signature.HexId(),
                   ".in, run `python3 regression.py rebase "
                   "<path to ZydisInfo>` in tests/ and review the new .out:"));
  if (expectation.valid) {
    comments.push_back(absl::StrCat("  expected LENGTH: ", expectation.length,
                                    " and INTEL ABSOLUTE: ", expectation.text, " (in ",
                                    expectation.source, "'s spelling)"));
  } else {
    comments.push_back(
        "  expected: an empty .out (ZydisInfo decodes nothing and reports \"Could not decode "
        "instruction\" on stderr)");
  }
  std::string text;
  AppendComments(comments, ExportFormat::kZydis, text);
  // ZydisInfo strips blanks inside its hex arguments; the test cases write the bytes as one word.
  std::string hex = absl::AsciiStrToUpper(FormatHex(bytes));
  hex.erase(std::remove(hex.begin(), hex.end(), ' '), hex.end());
  absl::StrAppend(&text, mode.spelling, " ", hex, "\n");
  return text;
}

}  // namespace

absl::StatusOr<ExportFormat> ParseExportFormat(absl::string_view name) {
  for (ExportFormat format :
       {ExportFormat::kLlvmMc, ExportFormat::kCapstone, ExportFormat::kZydis}) {
    if (name == ExportFormatName(format)) return format;
  }
  return absl::InvalidArgumentError(
      absl::StrCat("unknown export format \"", name, "\"; use llvm-mc, capstone or zydis"));
}

absl::string_view ExportFormatName(ExportFormat format) { return InfoFor(format).name; }

absl::StatusOr<ExportExpectation> ChooseExpectation(const ExportInput& input, ExportFormat format,
                                                    absl::string_view expect_from) {
  const FormatInfo& info = InfoFor(format);
  ExportExpectation expectation;
  for (const std::string& target : input.divergence.targets) {
    if (IsOwnTarget(info, target) && expectation.questioned.empty()) {
      expectation.questioned = target;
    }
  }
  std::string source(expect_from);
  if (source.empty()) {
    for (const std::string& target : input.divergence.targets) {
      if (!IsOwnTarget(info, target) && FindDecoder(input.outcomes, target) != nullptr) {
        source = target;
        break;
      }
    }
    if (source.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "the divergence is between ", absl::StrJoin(input.divergence.targets, " and "),
          ": no decoder outside ", info.name,
          " to take the expected answer from; name one "
          "with --expect_from"));
    }
  }
  const Outcome* outcome = FindDecoder(input.outcomes, source);
  if (outcome == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("--expect_from=", source, ": no decoder of that name answered"));
  }
  if (expectation.questioned == source) expectation.questioned.clear();
  expectation.source = source;
  expectation.valid = outcome->decode.valid;
  if (expectation.valid) {
    expectation.text = AsmText(outcome->decode);
    expectation.length = outcome->decode.length;
  }
  ApplyHardware(input, expectation);
  // The CPU may side with the questioned decoder: then the test would pass there.
  if (const Outcome* questioned = FindDecoder(input.outcomes, expectation.questioned);
      questioned != nullptr && questioned->decode.valid == expectation.valid &&
      (!expectation.valid || (questioned->decode.length == expectation.length &&
                              AsmText(questioned->decode) == expectation.text))) {
    expectation.notes.push_back(
        absl::StrCat(expectation.questioned, " already gives this answer: nothing to report to ",
                     info.name, "; export for the other side of the divergence instead"));
  }
  return expectation;
}

absl::StatusOr<std::string> FormatExport(const ExportInput& input, ExportFormat format,
                                         absl::string_view expect_from) {
  absl::StatusOr<ExportExpectation> expectation = ChooseExpectation(input, format, expect_from);
  if (!expectation.ok()) return expectation.status();
  switch (format) {
    case ExportFormat::kLlvmMc:
      return FormatLlvmMc(input, *expectation);
    case ExportFormat::kCapstone:
      return FormatCapstone(input, *expectation);
    case ExportFormat::kZydis:
      return FormatZydis(input, *expectation);
  }
  return absl::InternalError("unknown export format");
}

}  // namespace x86diff::cli

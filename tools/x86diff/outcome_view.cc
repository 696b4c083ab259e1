#include "tools/x86diff/outcome_view.h"

#include <algorithm>
#include <cstring>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "harness/hex.h"
#include "harness/instruction_shape.h"

namespace x86diff::cli {

namespace {

constexpr absl::string_view kMarker = "!!";
constexpr absl::string_view kNoMarker = "  ";
constexpr absl::string_view kRed = "1;31";
constexpr absl::string_view kBold = "1";
constexpr absl::string_view kDim = "2";

std::string FlagNames(uint32_t flags) {
  static constexpr std::pair<uint32_t, const char*> kNames[] = {
      {kFlagCF, "cf"}, {kFlagPF, "pf"}, {kFlagAF, "af"}, {kFlagZF, "zf"}, {kFlagSF, "sf"},
      {kFlagTF, "tf"}, {kFlagIF, "if"}, {kFlagDF, "df"}, {kFlagOF, "of"},
  };
  std::vector<const char*> names;
  for (const auto& [bit, name] : kNames) {
    if (flags & bit) names.push_back(name);
  }
  return names.empty() ? "-" : absl::StrJoin(names, " ");
}

// Rows that a divergence of `kind` is about.
uint32_t RowsOf(DivergenceKind kind) {
  switch (kind) {
    case DivergenceKind::kValidity:
      return kRowValid | kRowInstruction | kRowFailure;
    case DivergenceKind::kLength:
      return kRowLength | kRowBytes;
    case DivergenceKind::kMnemonic:
      return kRowInstruction;
    default:
      return 0;
  }
}

struct Row {
  ViewRow id;
  const char* label;
  std::string (*cell)(const DecodeResult& result, absl::Span<const uint8_t> code);
};

// The row table: order, label and cell text of every row.
constexpr Row kRows[] = {
    {kRowValid, "valid",
     [](const DecodeResult& r, absl::Span<const uint8_t>) -> std::string {
       return r.valid ? "yes" : "no";
     }},
    {kRowLength, "length",
     [](const DecodeResult& r, absl::Span<const uint8_t>) -> std::string {
       return r.valid ? absl::StrCat(r.length) : "-";
     }},
    {kRowBytes, "bytes",
     [](const DecodeResult& r, absl::Span<const uint8_t> code) -> std::string {
       if (!r.valid) return "-";
       return FormatHex(code.subspan(0, std::min<size_t>(r.length, code.size())));
     }},
    {kRowInstruction, "instruction",
     [](const DecodeResult& r, absl::Span<const uint8_t>) { return InstructionText(r); }},
    {kRowFailure, "failure",
     [](const DecodeResult& r, absl::Span<const uint8_t>) -> std::string {
       return r.valid ? "-" : std::string(DecodeFailureName(r.failure));
     }},
    {kRowPrefixes, "prefixes",
     [](const DecodeResult& r, absl::Span<const uint8_t>) -> std::string {
       std::string names = PrefixNames(r.prefixes);
       return names.empty() ? "-" : names;
     }},
    {kRowFlags, "flags tested",
     [](const DecodeResult& r, absl::Span<const uint8_t>) -> std::string {
       return r.has_flag_info ? FlagNames(r.flags_tested) : "n/a";
     }},
    {kRowFlags, "flags modified",
     [](const DecodeResult& r, absl::Span<const uint8_t>) -> std::string {
       return r.has_flag_info ? FlagNames(r.flags_modified) : "n/a";
     }},
    {kRowFlags, "flags undefined",
     [](const DecodeResult& r, absl::Span<const uint8_t>) -> std::string {
       return r.has_flag_info ? FlagNames(r.flags_undefined) : "n/a";
     }},
};

std::string PadRight(absl::string_view text, size_t width) {
  std::string padded(text);
  if (padded.size() < width) padded.append(width - padded.size(), ' ');
  return padded;
}

}  // namespace

std::string Colored(const ViewStyle& style, absl::string_view code, absl::string_view text) {
  if (!style.color) return std::string(text);
  return absl::StrCat("\x1b[", code, "m", text, "\x1b[0m");
}

std::string InstructionText(const DecodeResult& result) {
  if (!result.valid) return absl::StrCat("invalid: ", DecodeFailureName(result.failure));
  if (result.operands.empty()) return result.mnemonic;
  return absl::StrCat(result.mnemonic, " ", result.operands);
}

std::string CaseHeadline(const TestCase& test_case) {
  return absl::StrCat(ModeName(test_case.mode), "  ", FormatHex(test_case.code), "  [",
                      OpcodeClass(ReadInstructionShape(test_case.mode, test_case.code)), "]");
}

void WriteOutcomeTable(absl::Span<const Outcome> outcomes, absl::Span<const uint8_t> code,
                       absl::Span<const Divergence> divergences, uint32_t rows,
                       const ViewStyle& style, absl::string_view indent, std::ostream& out) {
  uint32_t marked = 0;
  for (const Divergence& divergence : divergences) marked |= RowsOf(divergence.kind);

  // cells[r][c]: row r (index into the selected rows), column c (target).
  std::vector<const Row*> selected;
  for (const Row& row : kRows) {
    if (rows & row.id) selected.push_back(&row);
  }
  size_t label_width = 0;
  for (const Row* row : selected) label_width = std::max(label_width, strlen(row->label));
  std::vector<size_t> widths(outcomes.size());
  std::vector<std::vector<std::string>> cells(selected.size());
  for (size_t c = 0; c < outcomes.size(); ++c) widths[c] = outcomes[c].target.size();
  for (size_t r = 0; r < selected.size(); ++r) {
    for (size_t c = 0; c < outcomes.size(); ++c) {
      cells[r].push_back(selected[r]->cell(outcomes[c].decode, code));
      widths[c] = std::max(widths[c], cells[r].back().size());
    }
  }

  constexpr absl::string_view kGap = "   ";
  std::string header = absl::StrCat(indent, kNoMarker, " ", PadRight("", label_width));
  for (size_t c = 0; c < outcomes.size(); ++c) {
    absl::StrAppend(&header, kGap, PadRight(outcomes[c].target, widths[c]));
  }
  out << Colored(style, kBold, absl::StripTrailingAsciiWhitespace(header)) << "\n";
  for (size_t r = 0; r < selected.size(); ++r) {
    const bool is_marked = (marked & selected[r]->id) != 0;
    std::string line = absl::StrCat(is_marked ? kMarker : kNoMarker, " ",
                                    PadRight(selected[r]->label, label_width));
    for (size_t c = 0; c < outcomes.size(); ++c) {
      absl::StrAppend(&line, kGap, PadRight(cells[r][c], widths[c]));
    }
    std::string trimmed(absl::StripTrailingAsciiWhitespace(line));
    out << indent << (is_marked ? Colored(style, kRed, trimmed) : trimmed) << "\n";
  }
}

std::vector<OutcomeRowCells> OutcomeRows(absl::Span<const Outcome> outcomes,
                                         absl::Span<const uint8_t> code,
                                         absl::Span<const Divergence> divergences, uint32_t rows) {
  uint32_t marked = 0;
  for (const Divergence& divergence : divergences) marked |= RowsOf(divergence.kind);
  std::vector<OutcomeRowCells> result;
  for (const Row& row : kRows) {
    if ((rows & row.id) == 0) continue;
    OutcomeRowCells& cells = result.emplace_back();
    cells.label = row.label;
    cells.marked = (marked & row.id) != 0;
    for (const Outcome& outcome : outcomes) cells.cells.push_back(row.cell(outcome.decode, code));
  }
  return result;
}

void WriteDivergences(absl::Span<const Divergence> divergences, const ViewStyle& style,
                      absl::string_view indent, std::ostream& out) {
  if (divergences.empty()) {
    out << indent << kNoMarker << " decoders agree\n";
    return;
  }
  for (const Divergence& divergence : divergences) {
    out << indent
        << Colored(style, kRed,
                   absl::StrCat(kMarker, " ", DivergenceKindName(divergence.kind), "  ",
                                divergence.fields))
        << "\n";
    out << indent << kNoMarker << " signature " << divergence.signature.HexId() << "  "
        << Colored(style, kDim, divergence.signature.text) << "\n";
  }
}

}  // namespace x86diff::cli

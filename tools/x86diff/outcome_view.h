// Text views of decoder outcomes for people: the decoders side by side (one column per target,
// one row per field) with the rows that a divergence is about marked "!!", and the divergences
// themselves with their signatures. Shared by the decode, replay and summary commands.
//
// Everything here is display only: nothing parses this text back, and the comparator never sees
// it (harness/comparator.h compares typed fields).
#ifndef X86DIFF_TOOLS_X86DIFF_OUTCOME_VIEW_H_
#define X86DIFF_TOOLS_X86DIFF_OUTCOME_VIEW_H_

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "harness/decode_result.h"
#include "harness/divergence.h"
#include "harness/outcome.h"
#include "harness/test_case.h"

namespace x86diff::cli {

// ANSI colour on or off; callers turn it on only when the output is a terminal.
struct ViewStyle {
  bool color = false;
};

// Rows of the side-by-side table, as a bit set.
enum ViewRow : uint32_t {
  kRowValid = 1u << 0,
  kRowLength = 1u << 1,
  kRowBytes = 1u << 2,        // the bytes the decoder consumed
  kRowInstruction = 1u << 3,  // mnemonic and operands, or "invalid: <reason>"
  kRowFailure = 1u << 4,
  kRowPrefixes = 1u << 5,
  kRowFlags = 1u << 6,  // flag metadata where the library offers it (three rows)
};
inline constexpr uint32_t kAllRows =
    kRowValid | kRowLength | kRowBytes | kRowInstruction | kRowFailure | kRowPrefixes | kRowFlags;
// What a bucket example needs: what each decoder made of the bytes and how long it is.
inline constexpr uint32_t kExampleRows = kRowBytes | kRowInstruction | kRowLength;

// "add rax, rbx" for a valid result, "invalid: invalid-encoding" otherwise.
std::string InstructionText(const DecodeResult& result);

// Writes the outcomes side by side: a header row with the target names, then the selected
// `rows`; every line starts with `indent`. A row is marked "!!" (and red with colour) when one of
// `divergences` is about it: validity marks valid/instruction/failure, length marks
// length/bytes, mnemonic marks instruction. `code` is the test case's code (for the bytes row).
void WriteOutcomeTable(absl::Span<const Outcome> outcomes, absl::Span<const uint8_t> code,
                       absl::Span<const Divergence> divergences, uint32_t rows,
                       const ViewStyle& style, absl::string_view indent, std::ostream& out);

// The cells of WriteOutcomeTable without the layout, for other renderers (Markdown and HTML
// reports): per selected row its label, one cell per outcome (same text as the table) and whether
// one of `divergences` is about it.
struct OutcomeRowCells {
  std::string label;
  std::vector<std::string> cells;
  bool marked = false;
};
std::vector<OutcomeRowCells> OutcomeRows(absl::Span<const Outcome> outcomes,
                                         absl::Span<const uint8_t> code,
                                         absl::Span<const Divergence> divergences, uint32_t rows);

// One block per divergence: "!! <kind>  <fields>" and its signature id and text. Writes
// "<indent>decoders agree" when there is none.
void WriteDivergences(absl::Span<const Divergence> divergences, const ViewStyle& style,
                      absl::string_view indent, std::ostream& out);

// "long64  48 01 d8  [legacy:primary:01:none]": mode, bytes and the opcode class that
// signatures use.
std::string CaseHeadline(const TestCase& test_case);

// Wraps `text` in the ANSI sequence `code` (e.g. "1;31") when style.color is on.
std::string Colored(const ViewStyle& style, absl::string_view code, absl::string_view text);

}  // namespace x86diff::cli

#endif  // X86DIFF_TOOLS_X86DIFF_OUTCOME_VIEW_H_

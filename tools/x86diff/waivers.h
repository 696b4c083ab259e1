// Waivers: reviewed, expiring decisions that a bucket of divergences is known and accepted (a
// decoder bug reported upstream, an architectural difference between vendors), so that triage and
// reports show it apart from new problems.
//
// A waivers file is plain text, one waiver per line:
//
//   <pattern> <expiry> <reason...>
//
// separated by spaces and/or tabs; the reason is the rest of the line (it must not be empty).
// Blank lines and lines whose first non-blank character is '#' are comments.
//   - pattern: either a signature id (exactly 16 hex digits, Signature::HexId, case-insensitive)
//     or a glob over the signature text "kind|targets|mode|opcode class|fields" with exactly five
//     '|'-separated parts. In a glob, '*' matches any run of characters and '?' any single one,
//     both within one part (never across '|'); every other character matches itself. A part
//     without wildcards for the kind or the mode must be a valid kind or mode name. Patterns
//     contain no blanks; '?' matches the rare blank in a signature ("fault|...|vector 42,...").
//   - expiry: YYYY-MM-DD, a real calendar date; the waiver holds through that day (UTC). An
//     expired waiver is an error, so that waivers get reviewed rather than forgotten.
// Example:
//   # Capstone accepts LOCK on non-lockable forms: reported upstream as capstone#1234
//   validity|capstone,zydis|*|*|capstone=valid,zydis=illegal-lock  2027-06-30  capstone#1234
//   0123456789abcdef  2026-12-31  AMD and Intel differ on 66-prefixed near branches (SDM 3.4)
//
// A bucket is waived by the first waiver (in file order) that matches it.
#ifndef X86DIFF_TOOLS_X86DIFF_WAIVERS_H_
#define X86DIFF_TOOLS_X86DIFF_WAIVERS_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "harness/divergence.h"

namespace x86diff::cli {

struct Waiver {
  std::string file;  // where it was read from
  int line = 0;      // 1-based
  std::string pattern;
  std::optional<uint64_t> id;  // set when the pattern is a signature id
  std::string expiry;          // YYYY-MM-DD
  std::string reason;
};

// Parses a waivers file's text. `file` names it in errors; `today` is YYYY-MM-DD (tests pass a
// fixed date; TodayUtc() otherwise). Every malformed line (too few columns, bad pattern, bad
// date, missing reason) and every expired waiver (expiry before today) is reported, each as
// "<file>:<line>: <problem>", in one InvalidArgument error.
absl::StatusOr<std::vector<Waiver>> ParseWaivers(absl::string_view text, absl::string_view file,
                                                 absl::string_view today);

// Reads and parses the file; a missing file is NotFound naming it.
absl::StatusOr<std::vector<Waiver>> LoadWaivers(const std::string& path, absl::string_view today);

// Whether `waiver` covers the signature.
bool WaiverMatches(const Waiver& waiver, const Signature& signature);

// The first waiver that covers the signature, or nullptr.
const Waiver* FindWaiver(absl::Span<const Waiver> waivers, const Signature& signature);

// Today's date in UTC, YYYY-MM-DD.
std::string TodayUtc();

// Whether `text` is a YYYY-MM-DD calendar date.
bool IsValidDate(absl::string_view text);

}  // namespace x86diff::cli

#endif  // X86DIFF_TOOLS_X86DIFF_WAIVERS_H_

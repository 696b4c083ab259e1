// The input of commands that work on one reproducer (minimize, export): a test case file in any
// form, keeping the finding's recorded outcomes and divergences when it is a finding, and which
// of its divergence signatures the command works on.
#ifndef X86DIFF_TOOLS_X86DIFF_CASE_FILE_H_
#define X86DIFF_TOOLS_X86DIFF_CASE_FILE_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "harness/divergence.h"
#include "harness/finding.h"
#include "harness/test_case.h"

namespace x86diff::cli {

struct CaseFile {
  std::string path;
  TestCase test_case;
  // Set when the file is a finding JSON (harness/finding.h): what was recorded when it was found.
  std::optional<Finding> finding;
};

// Loads a binary test case, a test case JSON or a finding JSON (detected by content, like
// LoadTestCaseFile). Errors carry the path: NotFound for a missing file, InvalidArgument for
// malformed contents (with the parser's reason).
absl::StatusOr<CaseFile> LoadCaseFile(const std::string& path);

// Parses a signature id as Signature::HexId() prints it: exactly 16 hex digits (either case).
// InvalidArgument otherwise.
absl::StatusOr<uint64_t> ParseSignatureId(const std::string& text);

// The signature id a file is named after ("<dir>/0123456789abcdef.json", as the fuzzers write
// findings; also "<id>.min.json"), if the name up to its first dot is one.
std::optional<uint64_t> SignatureIdFromPath(const std::string& path);

// The divergence in `divergences` with this hash, or null.
const Divergence* FindSignature(absl::Span<const Divergence> divergences, uint64_t hash);

// "0123456789abcdef validity capstone=valid,zydis=illegal-lock" for each, joined by "; ", or
// "no divergence".
std::string ListSignatures(absl::Span<const Divergence> divergences);

// The signature a command works on, given the divergences the case shows when run again
// (`shown`): `requested` (a signature id, when not empty); else the id the file is named after,
// when shown; else the first divergence recorded in the finding that is shown; else the first
// shown. Errors: InvalidArgument for a malformed `requested`; FailedPrecondition (with the path)
// when `requested` is not shown, naming it and listing what is, or when nothing is shown.
absl::StatusOr<uint64_t> ChooseSignature(const CaseFile& file, absl::Span<const Divergence> shown,
                                         const std::string& requested);

}  // namespace x86diff::cli

#endif  // X86DIFF_TOOLS_X86DIFF_CASE_FILE_H_

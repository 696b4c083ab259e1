// `x86diff replay --check`: re-runs the cases of a regression corpus (expectation.h) and reports
// every target whose outcome is no longer the recorded one.
#ifndef X86DIFF_TOOLS_X86DIFF_EXPECTATION_CHECK_H_
#define X86DIFF_TOOLS_X86DIFF_EXPECTATION_CHECK_H_

#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/types/span.h"
#include "nlohmann/json.hpp"

namespace x86diff::cli {

// The differences between a recorded outcome object and a new one (both OutcomeToJsonValue), one
// "field old -> new" string per differing field, in field order: "length 3 -> 4", "mnemonic add
// -> adc", "exec.registers.rax 0x0 -> 0x10", "exec.vector_name (absent) -> #UD". Fields that repeat
// another in a second form (prefix_bits, imprecise_bits, vector) or that are not behaviour
// (instruction_id: the library's internal numbering; exec.detail: free text) are left out.
// Empty when the outcomes agree.
std::vector<std::string> DiffOutcomes(const nlohmann::json& expected, const nlohmann::json& actual);

// Loads every expectation file under `paths` (directories walked recursively in sorted order;
// documentation and hidden files skipped), re-runs each case with the targets it was recorded
// with and compares outcome by outcome, then the divergence signatures among the targets that ran.
// Writes, per changed case, the file, mode and bytes, and one line per changed target
// ("zydis: length 3 -> 4; mnemonic add -> adc", with the recorded and current library version
// when they differ); then a summary line.
//
// Targets recorded but not available here are skipped, not failures, and named once on `out` with
// the reason: decoders or executors this build or machine lacks, plugins (a check does not load
// them), and hardware targets (native, KVM) recorded on a different CPU model.
//
// Returns, after everything has been written: InvalidArgument without paths; NotFound for a
// missing path; DataLoss when some file is not a readable expectation (each named on `err` with
// the reason) or a decoder failed; FailedPrecondition when some case changed; OK otherwise.
absl::Status RunExpectationCheck(absl::Span<const std::string> paths, std::ostream& out,
                                 std::ostream& err);

}  // namespace x86diff::cli

#endif  // X86DIFF_TOOLS_X86DIFF_EXPECTATION_CHECK_H_

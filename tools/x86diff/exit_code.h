// The x86diff exit status convention, shared by every subcommand.
#ifndef X86DIFF_TOOLS_X86DIFF_EXIT_CODE_H_
#define X86DIFF_TOOLS_X86DIFF_EXIT_CODE_H_

#include "absl/status/status.h"

namespace x86diff::cli {

inline constexpr int kExitOk = 0;
// The command ran and found a problem: divergences under --fail_on_divergence, unreadable
// inputs, a decoder failure.
inline constexpr int kExitProblem = 1;
// The command could not run as asked: unknown command or flag value, bad hex, missing path.
inline constexpr int kExitUsage = 2;

// OK -> kExitOk; InvalidArgument and NotFound (what the command line named is wrong) ->
// kExitUsage; anything else -> kExitProblem.
int ExitCodeForStatus(const absl::Status& status);

}  // namespace x86diff::cli

#endif  // X86DIFF_TOOLS_X86DIFF_EXIT_CODE_H_

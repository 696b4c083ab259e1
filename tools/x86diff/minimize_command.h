// `x86diff minimize`: shrinks one reproducer while it keeps its divergence signature, shows the
// before and after, and writes the minimized finding.
#ifndef X86DIFF_TOOLS_X86DIFF_MINIMIZE_COMMAND_H_
#define X86DIFF_TOOLS_X86DIFF_MINIMIZE_COMMAND_H_

#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"

namespace x86diff::cli {

struct MinimizeCommandOptions {
  // A finding JSON, test case JSON or binary test case.
  std::string path;
  // The signature to keep, as 16 hex digits (Signature::HexId); empty: chosen as described below.
  std::string signature;
  // Where to write the minimized finding; empty: "<input without extension>.min.json" next to
  // the input. Written atomically.
  std::string out;
  // Decoders by name; empty: every available decoder.
  std::vector<std::string> decoders;
  // Run executors as well; also switched on when the finding records an execution divergence.
  bool exec = false;
  std::vector<std::string> executors;  // with exec; empty: every one this machine has
  std::vector<std::string> plugins;
  int max_attempts = 2000;  // predicate calls at most (MinimizeOptions)
  bool color = false;
};

// Loads the case, re-runs it (decoders; executors too with exec, see above) and picks the
// signature to keep: --signature; else the id the file is named after (fuzzer findings are
// "<id>.json") when the case shows it; else the first recorded divergence of a finding that the
// case still shows; else the first divergence it shows. Then minimizes (minimize.h) and writes
// to `out`: the signature kept, before and after (mode, bytes, opcode class, length, state and
// scratch differences from the defaults), the attempts made, the decoders' view of the minimized
// case and its divergences, and the path written. The file is a finding (harness/finding.h)
// with the minimized case and its recomputed outcomes and divergences, the kept one first.
//
// Errors: InvalidArgument for a malformed signature id, bad decoder or executor names, or a
// malformed input file (with the path and the reason); NotFound for a missing input;
// FailedPrecondition when the chosen signature does not show when the case is re-run (naming
// the signature and what the case shows now) or when the case shows no divergence at all;
// a write error for the output file. Notes about skipped executors go to `err`.
absl::Status RunMinimizeCommand(const MinimizeCommandOptions& options, std::ostream& out,
                                std::ostream& err);

// "<dir>/<name>.min.json" for "<dir>/<name>.json" or "<dir>/<name>" (binary case files).
std::string DefaultMinimizedPath(const std::string& input_path);

}  // namespace x86diff::cli

#endif  // X86DIFF_TOOLS_X86DIFF_MINIMIZE_COMMAND_H_

// `x86diff run`: what every decoder and every executor makes of one byte string, side by side.
#ifndef X86DIFF_TOOLS_X86DIFF_RUN_H_
#define X86DIFF_TOOLS_X86DIFF_RUN_H_

#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/types/span.h"
#include "harness/exec_runner.h"
#include "tools/x86diff/outcome_view.h"

namespace x86diff::cli {

struct RunOptions {
  // Instruction bytes as hex text in any form harness/hex.h accepts.
  std::string hex;
  // A mode name or "all" (each of the five modes in turn).
  std::string mode = "long64";
  // Decoders by name; empty: every available decoder.
  std::vector<std::string> decoders;
  // Built-in executors by name ("native", "unicorn", "kvm"); empty: every one this machine has
  // (adapters/executor_registry.h; KVM skipped with a note when /dev/kvm is unusable).
  std::vector<std::string> executors;
  // Plugin shared objects to run as well.
  std::vector<std::string> plugins;
  bool color = false;
};

// Runs the bytes through the decoders and executors (harness/exec_runner.h) in the mode(s) and
// writes, per mode: a headline, the decoders side by side and their divergences, the executed
// bytes and the undefined-flag mask, the executors side by side (provenance, status, fault
// vector/error code/fault address, length, every register that changed from the initial state in
// any executor, RIP, RFLAGS, memory changes, imprecise fields, detail), the execution divergences
// with signatures and the masked comparisons. Notes about skipped executors come first.
//
// Errors: InvalidArgument for bad hex, no bytes, too many bytes, an unknown mode, decoder or
// executor name; an explicitly named executor that cannot start passes its status on (e.g.
// Unavailable for kvm without /dev/kvm). Nothing is written before the input has been validated.
absl::Status RunRunCommand(const RunOptions& options, std::ostream& out);

// The executor part of the view, for `run` and `replay --exec`: the executed bytes, the executors
// side by side, execution divergences and masked comparisons. Changed registers are shown
// against InitialState(run.executed).
void WriteExecutionView(const ExecRun& run, const ViewStyle& style, absl::string_view indent,
                        std::ostream& out);

}  // namespace x86diff::cli

#endif  // X86DIFF_TOOLS_X86DIFF_RUN_H_

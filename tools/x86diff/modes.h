// `x86diff modes`: one byte string in all five modes, every target's answer side by side, and
// where a target's answer changes with the mode.
#ifndef X86DIFF_TOOLS_X86DIFF_MODES_H_
#define X86DIFF_TOOLS_X86DIFF_MODES_H_

#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"

namespace x86diff::cli {

struct ModesOptions {
  std::string hex;                     // instruction bytes, any form harness/hex.h accepts
  std::vector<std::string> decoders;   // empty: every available decoder
  std::vector<std::string> executors;  // empty: every executor this machine has
  std::vector<std::string> plugins;    // plugin shared objects to run as well
  bool color = false;
};

// Runs the bytes in real16, prot16, prot32, compat32 and long64 through the decoders and the
// executors (harness/exec_runner.h) and writes one table (a row per target, a column per mode;
// decoders: mnemonic and length or the failure; executors: status or fault and length; "-" where
// an executor does not support the mode), the number of divergences per mode, and for each target
// whose answer differs between modes, which modes give which answer.
// Errors: InvalidArgument for bad hex or unknown decoder/executor names; an explicitly named
// executor that cannot start passes its status on.
absl::Status RunModesCommand(const ModesOptions& options, std::ostream& out);

}  // namespace x86diff::cli

#endif  // X86DIFF_TOOLS_X86DIFF_MODES_H_

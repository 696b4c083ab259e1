// `x86diff record`: runs test cases through the decoders and the deterministic executors and
// writes one expectation file per case (expectation.h) into a regression corpus directory.
#ifndef X86DIFF_TOOLS_X86DIFF_RECORD_H_
#define X86DIFF_TOOLS_X86DIFF_RECORD_H_

#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"

namespace x86diff::cli {

struct RecordOptions {
  // Test case files, findings or expectation files (to re-record a corpus), or directories of
  // them (walked recursively; documentation and hidden files skipped).
  std::vector<std::string> paths;
  // The corpus directory; created when missing.
  std::string out_dir;
  // Decoders by name; empty: every available decoder.
  std::vector<std::string> decoders;
  // Executors by name; empty: the deterministic ones (unicorn, when this build has it). "native"
  // and "kvm" answer for the host CPU, so they are recorded only when named; "none" records the
  // decoders alone.
  std::vector<std::string> executors;
};

// Runs each case (RunCase, expectation_run.h) and writes <out_dir>/<ExpectationFileName> with
// WriteFileAtomically, unless the file already holds exactly those bytes (re-recording an
// unchanged case leaves the file untouched). Writes a line per new or updated file to `out` (an
// updated one with what changed, target by target) and a summary line; unreadable inputs and
// decoder errors go to `err` with the path and do not stop the run. The same case given twice is
// recorded once.
//
// Returns, after everything has been written: InvalidArgument without paths or --out, or for
// unknown decoder or executor names; NotFound for a missing path; the executor's error when a
// named executor cannot start; DataLoss when some input could not be loaded or run, or a file
// could not be written; OK otherwise.
absl::Status RunRecordCommand(const RecordOptions& options, std::ostream& out, std::ostream& err);

}  // namespace x86diff::cli

#endif  // X86DIFF_TOOLS_X86DIFF_RECORD_H_

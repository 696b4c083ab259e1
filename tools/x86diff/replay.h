// `x86diff replay`: runs test case files through the decoders and shows every disagreement.
#ifndef X86DIFF_TOOLS_X86DIFF_REPLAY_H_
#define X86DIFF_TOOLS_X86DIFF_REPLAY_H_

#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"

namespace x86diff::cli {

struct ReplayOptions {
  // Files and directories; directories are walked recursively in sorted order.
  std::vector<std::string> paths;
  // Decoders to run, by name; empty: every available decoder (at least two are needed).
  std::vector<std::string> decoders;
  // Make divergences an error (FailedPrecondition, exit status 1): for regression corpora in CI.
  bool fail_on_divergence = false;
  // JSON Lines on `out` instead of text: one object per divergent case ("path", "testcase",
  // "outcomes", "divergences"), then {"summary": {...}} with the counts and unreadable files.
  bool json = false;
  // Report unreadable files and decoder errors but do not fail because of them.
  bool keep_going = false;
  bool color = false;  // ANSI colour in the text output
  // Also execute every case (harness/exec_runner.h) with the selected executors and report
  // execution divergences next to decode divergences; a case diverges when either kind occurs.
  bool exec = false;
  // With exec: built-in executors by name (empty: every one this machine has) and plugins
  // (adapters/executor_registry.h).
  std::vector<std::string> executors;
  std::vector<std::string> plugins;
  // Check a regression corpus instead: `paths` hold expectation files (tools/x86diff/
  // expectation.h, written by `x86diff record`), each re-run with the targets it was recorded
  // with and compared with its recorded outcomes (RunExpectationCheck in expectation_check.h,
  // which also gives the return values). The other options do not apply.
  bool check = false;
};

// Loads every file (binary test case, test case JSON, finding JSON or expectation file:
// LoadAnyCaseFile in expectation.h), runs the decoders, compares, writes each divergent case
// (path, mode, bytes, decoders side by side, divergences and signatures) and a closing summary
// line to `out`. Problems with single files go to `err` with the path and the reason, are
// counted, and never stop the run. Inside
// directories, documentation (*.md, *.txt), hidden files and entries that are not regular files
// are skipped, each named on `err` and counted; a file named on the command line is always
// loaded.
//
// With exec, each case is also executed (first instruction only) and a divergent case shows the
// executors side by side too (run.h, WriteExecutionView); JSON objects then carry the executor
// outcomes and the execution divergences as well. Executors that cannot start make the command
// fail before anything is read (an explicitly named one) or are named in a note (KVM by default).
//
// Returns, after everything has been written: InvalidArgument without paths or with bad decoder
// names; NotFound when a named path does not exist; unless keep_going, DataLoss when some file
// could not be loaded and Internal when a decoder failed on some case; FailedPrecondition when
// fail_on_divergence and some case diverges; OK otherwise.
absl::Status RunReplayCommand(const ReplayOptions& options, std::ostream& out, std::ostream& err);

}  // namespace x86diff::cli

#endif  // X86DIFF_TOOLS_X86DIFF_REPLAY_H_

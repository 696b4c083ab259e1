// `x86diff summary`: the findings of a campaign grouped into buckets, for a person to read.
#ifndef X86DIFF_TOOLS_X86DIFF_SUMMARY_H_
#define X86DIFF_TOOLS_X86DIFF_SUMMARY_H_

#include <ostream>
#include <string>

#include "absl/status/status.h"

namespace x86diff::cli {

struct SummaryOptions {
  // Directory of finding files (*.json, harness/finding.h); walked recursively.
  std::string findings_dir;
  // Show at most this many buckets in detail (with an example); 0: all.
  int max_examples = 0;
  // Show at most this many rows in the patterns table and in the bucket overview; 0: all.
  int max_rows = 0;
  // Report unreadable finding files but do not fail because of them.
  bool keep_going = false;
  bool color = false;  // ANSI colour
};

// Reads every *.json file under the directory as a finding, groups the findings' divergences by
// signature (one bucket per signature; a finding counts once per bucket it falls in) and writes:
// a headline with the totals; the disagreement patterns (buckets that share kind and fields, with
// the modes they occur in); an overview table of the buckets, most findings first (count, kind,
// mode, opcode class, fields, signature id); per bucket one example (the finding with the
// shortest code) with the two decoders' views side by side (bytes, instruction or invalid
// reason, length); and totals per divergence kind and per mode. Only the recorded outcomes are
// shown: nothing is decoded again, so the view is what the campaign saw.
//
// Errors: NotFound when the directory does not exist, InvalidArgument when it is not a directory;
// unless keep_going, DataLoss when some file could not be read or parsed (each is named on
// `err` and everything else is still summarised first).
absl::Status RunSummaryCommand(const SummaryOptions& options, std::ostream& out, std::ostream& err);

}  // namespace x86diff::cli

#endif  // X86DIFF_TOOLS_X86DIFF_SUMMARY_H_

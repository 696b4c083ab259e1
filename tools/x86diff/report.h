// `x86diff report`: a campaign's triage (tools/x86diff/triage.h) as a Markdown report and a
// self-contained HTML report, for a bug tracker or a mail.
//
// Contents, in order: headline totals; the bucket table (most hits first); per bucket one example
// (the minimized finding <campaign>/minimized/<id>.json when present and readable, else the
// finding with the shortest code) with every target's recorded outcome side by side (decoders:
// valid, length, bytes, instruction, failure; executors: status, vector, error code, fault
// address, length, changed registers, RIP, RFLAGS, memory changes, imprecise fields, detail),
// the rows a divergence is about marked, and the example's divergences with their signatures;
// statistics per target, per target pair, per mode and per divergence kind (unwaived buckets);
// the waived buckets with their waivers; stale waivers, statistics without findings and
// unreadable files. Nothing is decoded or executed again: the report shows what the campaign saw.
#ifndef X86DIFF_TOOLS_X86DIFF_REPORT_H_
#define X86DIFF_TOOLS_X86DIFF_REPORT_H_

#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "tools/x86diff/report_document.h"
#include "tools/x86diff/triage.h"

namespace x86diff::cli {

struct ReportOptions {
  std::string input;         // campaign directory or findings directory
  std::string waivers_file;  // empty: no waivers
  // Where to write: `out_dir` gets report.md and report.html (created if missing); or name the
  // files with `markdown_file` and/or `html_file` (not both ways). With none of the three, a
  // campaign directory gets <input>/report.md and <input>/report.html; a plain findings
  // directory is a usage error.
  std::string out_dir;
  std::string markdown_file;
  std::string html_file;
  int max_examples = 0;     // examples for at most this many buckets (most hits first); 0: all
  bool keep_going = false;  // unreadable files are named but do not fail the command
  std::string today;        // YYYY-MM-DD for waiver expiry and the report date; empty: today
};

// The report document for a computed triage. Minimized examples that cannot be read are added to
// `problems` (and the shortest finding is shown instead).
ReportDocument BuildReport(const TriageResult& triage, int max_examples,
                           std::vector<FileProblem>* problems);

// Computes the triage, builds the report and writes the file(s) atomically; prints the paths
// written and the totals on `out`, unreadable files on `err`.
// Errors: those of ComputeTriage; InvalidArgument for conflicting or missing output options;
// the write error of a file; unless keep_going, DataLoss after writing when some file could not
// be read.
absl::Status RunReportCommand(const ReportOptions& options, std::ostream& out, std::ostream& err);

}  // namespace x86diff::cli

#endif  // X86DIFF_TOOLS_X86DIFF_REPORT_H_

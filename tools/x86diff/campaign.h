// `x86diff campaign`: the overnight driver. Runs the fuzz targets under libFuzzer's fork mode,
// keeps everything in one output directory, shows one live progress line, survives Ctrl-C and
// kill -9 (run the same command again to resume), and ends with minimized examples, triage and a
// report.
//
// Output directory:
//   campaign.json          what was asked and how much is done (campaign_state.h)
//   corpus/<target>/       libFuzzer's corpus per target (grows; seeds are read from --seeds)
//   findings/<sig>.json    one reproducer per divergence signature (written by the targets)
//   stats/hits-*.json      per-signature hit counts (fuzz/hit_stats.h)
//   crashes/<target>/      inputs that crashed or hung a target (libFuzzer artifacts)
//   logs/<target>.log      the fuzzers' own output, appended over runs
//   minimized/<sig>.json   the minimized example of each bucket
//   report.md, report.html
#ifndef X86DIFF_TOOLS_X86DIFF_CAMPAIGN_H_
#define X86DIFF_TOOLS_X86DIFF_CAMPAIGN_H_

#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "harness/mode.h"

namespace x86diff::cli {

struct CampaignOptions {
  std::string out_dir = "out/campaign";
  // Fuzzing time over all runs of this campaign: a resumed campaign runs what is left.
  absl::Duration duration = absl::Hours(1);
  // Fuzz targets: decoder_diff, exec_diff.
  std::vector<std::string> targets = {"decoder_diff", "exec_diff"};
  std::vector<Mode> modes;  // empty: all five
  int jobs = 0;             // libFuzzer -fork workers over all targets; 0: one per CPU
  // Where the fuzz target binaries are; empty: the fuzz/ directory of the build x86diff is in.
  std::string fuzzer_dir;
  std::string seed_dir;    // empty: the source tree's corpora/seed when it exists
  std::string dictionary;  // empty: the source tree's fuzz/decoder_diff.dict when it exists
  std::string waivers;     // waivers file for triage and report (may be empty)
  bool minimize = true;    // minimize each bucket's example at the end
  int max_examples = 0;    // buckets with an example (and minimized) in the report; 0: all
  int max_rows = 30;       // rows of the printed triage; 0: all
  // Progress: rewrite one line in place (terminals) or print a line every progress_interval.
  bool progress_in_place = false;
  absl::Duration progress_interval = absl::Seconds(30);
  bool color = false;
};

// Runs (or resumes) the campaign in options.out_dir. Progress goes to `err`, the closing triage
// to `out`. Errors: InvalidArgument for unknown targets or a campaign directory started with
// other targets or modes; NotFound when a fuzz target binary is missing (with the build command
// that makes it); Internal when a fuzzer fails to run (with the last lines of its log);
// Cancelled when interrupted (SIGINT/SIGTERM): progress is saved first, and running the same
// command again resumes. Findings are never deleted or rewritten by the campaign.
absl::Status RunCampaignCommand(const CampaignOptions& options, std::ostream& out,
                                std::ostream& err);

// The campaign's fuzz targets: the differential ones.
const std::vector<std::string>& CampaignTargetNames();

}  // namespace x86diff::cli

#endif  // X86DIFF_TOOLS_X86DIFF_CAMPAIGN_H_

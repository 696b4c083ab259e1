// The end of a campaign: a minimized example per bucket, the triage printed, and the reports
// written next to the findings. Also what `x86diff campaign --duration=0` does on its own, so
// that a finished campaign can be re-triaged (for instance after editing the waivers).
#ifndef X86DIFF_TOOLS_X86DIFF_CAMPAIGN_FINISH_H_
#define X86DIFF_TOOLS_X86DIFF_CAMPAIGN_FINISH_H_

#include <ostream>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace x86diff::cli {

struct CampaignFinishOptions {
  std::string out_dir;  // the campaign directory (campaign.h)
  std::string waivers;  // may be empty
  bool minimize = true;
  // Minimization stops (with a note) when this time is used up; the rest keep their plain
  // example and are minimized by the next finish.
  absl::Duration minimize_budget = absl::Minutes(10);
  // Buckets shown with an example in the report, most hits first (0: all); only these are
  // minimized.
  int max_examples = 0;
  int max_rows = 30;  // rows of the printed triage (0: all)
  bool color = false;
};

// Minimizes the example of every bucket (not waived, within max_examples, most hits first) that
// has no <out>/minimized/<signature>.json yet, so a resumed campaign only minimizes what is new;
// execution buckets are re-run with this machine's executors, and an example that no longer
// shows its signature (nondeterministic instructions, another CPU) keeps its plain example and
// is counted in a note. Then prints the triage to `out` and writes <out>/report.md and
// <out>/report.html. Unreadable files are named on `err` and do not stop the rest; a malformed
// or expired waiver is an error (before anything is minimized).
absl::Status FinishCampaign(const CampaignFinishOptions& options, std::ostream& out,
                            std::ostream& err);

}  // namespace x86diff::cli

#endif  // X86DIFF_TOOLS_X86DIFF_CAMPAIGN_FINISH_H_

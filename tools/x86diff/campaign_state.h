// The state file of a campaign (<out>/campaign.json): what was asked and how much of it is done,
// so that a campaign stopped by Ctrl-C, kill -9 or a reboot continues where it stopped.
//   {"format":"x86diff-campaign","version":1,"targets":["decoder_diff"],"modes":["long64"],
//    "duration_seconds":3600,"elapsed_seconds":1234.5,"runs":2,"process_groups":[4242]}
#ifndef X86DIFF_TOOLS_X86DIFF_CAMPAIGN_STATE_H_
#define X86DIFF_TOOLS_X86DIFF_CAMPAIGN_STATE_H_

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace x86diff::cli {

struct CampaignState {
  std::vector<std::string> targets;  // fuzz target names
  std::vector<std::string> modes;    // mode names; all five when the campaign covers every mode
  double duration_seconds = 0;       // fuzzing time asked for, over all runs
  double elapsed_seconds = 0;        // fuzzing time done so far, over all runs
  int runs = 0;                      // how many times the campaign was started
  // Process groups of the fuzzers of the last run: after a kill -9 of x86diff some of their
  // jobs may still be running, and a resumed run stops them first.
  std::vector<pid_t> process_groups;
};

// Reads the state file; nullopt when there is none (a new campaign). A malformed file is
// DataLoss naming the path and the problem (never silently replaced: it holds the campaign's
// progress).
absl::StatusOr<std::optional<CampaignState>> LoadCampaignState(const std::string& path);

// Writes the state file atomically.
absl::Status SaveCampaignState(const std::string& path, const CampaignState& state);

}  // namespace x86diff::cli

#endif  // X86DIFF_TOOLS_X86DIFF_CAMPAIGN_STATE_H_

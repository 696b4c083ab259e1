// A campaign's hit statistics summed per signature: every
// <campaign>/stats/hits-<target>-<pid>-<start ns>.json (format: harness/hit_stats_format.h).
#ifndef X86DIFF_TOOLS_X86DIFF_HIT_STATS_FILE_H_
#define X86DIFF_TOOLS_X86DIFF_HIT_STATS_FILE_H_

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "harness/hit_stats_format.h"
#include "tools/x86diff/buckets.h"

namespace x86diff::cli {

// One signature's counts summed over a campaign's files.
struct HitTotals {
  int64_t hits = 0;                    // sum over files
  int64_t first_seen = 0;              // minimum
  int64_t last_seen = 0;               // maximum
  std::set<std::string> fuzz_targets;  // the targets of the files that counted it
};

struct CampaignHits {
  absl::flat_hash_map<uint64_t, HitTotals> by_signature;
  size_t files = 0;                     // files read
  std::vector<FileProblem> unreadable;  // files that could not be read or parsed
};

// Reads every hits-*.json file directly in `dir` (other files are ignored) and sums them. A
// missing directory is no error (a campaign without statistics, or a plain findings directory):
// the result is empty. Unreadable or malformed files are recorded in `unreadable` with the path
// and the reason, and do not count.
CampaignHits ReadCampaignHits(const std::string& dir);

}  // namespace x86diff::cli

#endif  // X86DIFF_TOOLS_X86DIFF_HIT_STATS_FILE_H_

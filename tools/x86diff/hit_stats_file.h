// Reading the hit statistics that fuzz targets write during a campaign (fuzz/hit_stats.h is the
// writer): one file per fuzzing process, <campaign>/stats/hits-<target>-<pid>-<start ns>.json,
//   {"format":"x86diff-hits","version":1,"target":"decoder_diff","pid":1234,"written_at":<unix s>,
//    "signatures":[{"id":"<16 hex digits>","hits":42,"first_seen":<unix s>,"last_seen":<unix s>}]}
// and their sum over a campaign, per signature.
#ifndef X86DIFF_TOOLS_X86DIFF_HIT_STATS_FILE_H_
#define X86DIFF_TOOLS_X86DIFF_HIT_STATS_FILE_H_

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "tools/x86diff/buckets.h"

namespace x86diff::cli {

struct SignatureHits {
  uint64_t id = 0;  // Signature::hash
  int64_t hits = 0;
  int64_t first_seen = 0;  // unix seconds
  int64_t last_seen = 0;
};

struct HitStatsFile {
  std::string target;  // the fuzz target that wrote it, e.g. "decoder_diff"
  int64_t pid = 0;
  int64_t written_at = 0;
  std::vector<SignatureHits> signatures;
};

// Parses one file. Malformed input (not JSON, another format or version, a missing or mistyped
// field, an id that is not 16 hex digits, negative hits, first_seen after last_seen) is
// InvalidArgument naming the field (and the entry's index).
absl::StatusOr<HitStatsFile> HitStatsFromJson(absl::string_view text);

// The format above, for tests and tools that produce statistics without the fuzz runtime.
std::string HitStatsToJson(const HitStatsFile& file);

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

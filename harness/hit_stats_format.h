// The hit statistics file that fuzz targets write during a campaign (fuzz/hit_stats.h writes it,
// tools/x86diff/hit_stats_file.h sums a campaign's files): one file per fuzzing process,
//   {"format":"x86diff-hits","version":1,"target":"decoder_diff","pid":1234,"written_at":<unix s>,
//    "signatures":[{"id":"<16 hex digits>","hits":42,"first_seen":<unix s>,"last_seen":<unix s>}]}
#ifndef X86DIFF_HARNESS_HIT_STATS_FORMAT_H_
#define X86DIFF_HARNESS_HIT_STATS_FORMAT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace x86diff {

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

// The format above (what fuzz/hit_stats.cc writes).
std::string HitStatsToJson(const HitStatsFile& file);

}  // namespace x86diff

#endif  // X86DIFF_HARNESS_HIT_STATS_FORMAT_H_

// How often each divergence signature was hit by one fuzzing process, for triage: a finding file
// is written once per signature, so without these counts every bucket would look equally common.
//
// Each process writes its own file, <dir>/hits-<target>-<pid>-<start ns>.json, atomically and
// replaced as counts grow (every `flush_interval` and at exit); the name never repeats, so
// libFuzzer -fork jobs and resumed campaigns only ever add files. `x86diff triage` sums them:
//   {"format":"x86diff-hits","version":1,"target":"decoder_diff","pid":1234,"written_at":<unix s>,
//    "signatures":[{"id":"<Signature::HexId>","hits":42,"first_seen":<unix s>,"last_seen":<unix
//    s>}]}
// A process killed with SIGKILL loses at most the counts since its last write; findings are
// written separately, at once, and are never lost this way.
#ifndef X86DIFF_FUZZ_HIT_STATS_H_
#define X86DIFF_FUZZ_HIT_STATS_H_

#include <cstdint>
#include <ctime>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"

namespace x86diff {

class HitStats {
 public:
  // `target` names the fuzz target in the file; files go to `dir`, which must exist.
  HitStats(std::string target, std::string dir, int flush_interval_seconds = 30);

  // The hot path: one hash-table update per divergence, no clock read.
  void Record(uint64_t signature_hash) {
    Entry& entry = entries_[signature_hash];
    if (entry.hits++ == 0) entry.first_seen = now_;
    entry.last_seen = now_;
    dirty_ = true;
  }

  // Called once per input: reads the clock every 1024 calls and writes the file when the flush
  // interval has passed since the last write. Write errors go to stderr once and do not stop the
  // fuzzer.
  void Tick();

  // Writes the file now if anything changed since the last write.
  absl::Status Flush();

  const std::string& path() const { return path_; }
  size_t distinct_signatures() const { return entries_.size(); }

 private:
  struct Entry {
    uint64_t hits = 0;
    int64_t first_seen = 0;
    int64_t last_seen = 0;
  };

  std::string target_;
  std::string path_;
  int flush_interval_seconds_;
  int64_t now_;
  int64_t last_flush_;
  uint32_t ticks_ = 0;
  bool dirty_ = false;
  bool reported_error_ = false;
  absl::flat_hash_map<uint64_t, Entry> entries_;
};

// The HitStats of the fuzz target in this process when $X86DIFF_STATS_DIR is set (created if
// missing), flushed at exit; nullptr when the variable is unset or empty. Exits with a message
// when the directory cannot be created: a campaign that asked for counts must not silently lose
// them.
HitStats* HitStatsFromEnv(const char* target);

}  // namespace x86diff

#endif  // X86DIFF_FUZZ_HIT_STATS_H_

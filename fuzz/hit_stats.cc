#include "fuzz/hit_stats.h"

#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <system_error>
#include <utility>

#include "absl/strings/str_cat.h"
#include "harness/atomic_file.h"
#include "harness/hit_stats_format.h"

namespace x86diff {
namespace {

int64_t UnixSeconds() { return static_cast<int64_t>(std::time(nullptr)); }

}  // namespace

HitStats::HitStats(std::string target, std::string dir, int flush_interval_seconds)
    : target_(std::move(target)),
      flush_interval_seconds_(flush_interval_seconds),
      now_(UnixSeconds()),
      last_flush_(now_) {
  const auto start_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
  path_ = absl::StrCat(dir, "/hits-", target_, "-", getpid(), "-", start_ns, ".json");
}

void HitStats::Tick() {
  if ((++ticks_ & 1023) != 0) return;
  now_ = UnixSeconds();
  if (now_ - last_flush_ < flush_interval_seconds_) return;
  absl::Status written = Flush();
  if (!written.ok() && !reported_error_) {
    reported_error_ = true;
    std::fprintf(stderr, "hit statistics not written: %s\n", written.ToString().c_str());
  }
}

absl::Status HitStats::Flush() {
  now_ = UnixSeconds();
  last_flush_ = now_;
  if (!dirty_) return absl::OkStatus();
  HitStatsFile file;
  file.target = target_;
  file.pid = getpid();
  file.written_at = now_;
  file.signatures.reserve(entries_.size());
  for (const auto& [hash, entry] : entries_) {
    file.signatures.push_back(
        {hash, static_cast<int64_t>(entry.hits), entry.first_seen, entry.last_seen});
  }
  absl::Status written = WriteFileAtomically(path_, HitStatsToJson(file));
  if (written.ok()) dirty_ = false;
  return written;
}

HitStats* HitStatsFromEnv(const char* target) {
  const char* dir = std::getenv("X86DIFF_STATS_DIR");
  if (dir == nullptr || *dir == '\0') return nullptr;
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error || !std::filesystem::is_directory(dir, error)) {
    std::fprintf(stderr, "%s: cannot create statistics directory %s: %s\n", target, dir,
                 error ? error.message().c_str() : "not a directory");
    std::exit(1);
  }
  // Lives until exit: the atexit handler below writes the final counts.
  static HitStats* stats = new HitStats(target, dir);
  std::atexit(+[] {
    absl::Status written = stats->Flush();
    if (!written.ok()) {
      std::fprintf(stderr, "hit statistics not written: %s\n", written.ToString().c_str());
    }
  });
  return stats;
}

}  // namespace x86diff

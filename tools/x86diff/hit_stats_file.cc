#include "tools/x86diff/hit_stats_file.h"

#include <algorithm>
#include <filesystem>
#include <system_error>
#include <utility>

#include "absl/strings/match.h"
#include "harness/atomic_file.h"

namespace x86diff::cli {

CampaignHits ReadCampaignHits(const std::string& dir) {
  CampaignHits campaign;
  std::error_code error;
  if (!std::filesystem::is_directory(dir, error)) return campaign;
  std::vector<std::string> paths;
  std::filesystem::directory_iterator it(dir, error);
  if (error) {
    campaign.unreadable.push_back({dir, error.message()});
    return campaign;
  }
  for (; it != std::filesystem::directory_iterator(); it.increment(error)) {
    const std::string name = it->path().filename().string();
    if (absl::StartsWith(name, "hits-") && absl::EndsWith(name, ".json")) {
      paths.push_back(it->path().string());
    }
  }
  if (error) campaign.unreadable.push_back({dir, error.message()});
  std::sort(paths.begin(), paths.end());
  for (const std::string& path : paths) {
    absl::StatusOr<std::string> text = ReadFileToString(path);
    absl::StatusOr<HitStatsFile> file =
        text.ok() ? HitStatsFromJson(*text) : absl::StatusOr<HitStatsFile>(text.status());
    if (!file.ok()) {
      campaign.unreadable.push_back({path, std::string(file.status().message())});
      continue;
    }
    ++campaign.files;
    for (const SignatureHits& hits : file->signatures) {
      auto [entry, inserted] = campaign.by_signature.try_emplace(hits.id);
      HitTotals& totals = entry->second;
      if (inserted) {
        totals.first_seen = hits.first_seen;
        totals.last_seen = hits.last_seen;
      }
      totals.hits += hits.hits;
      totals.first_seen = std::min(totals.first_seen, hits.first_seen);
      totals.last_seen = std::max(totals.last_seen, hits.last_seen);
      totals.fuzz_targets.insert(file->target);
    }
  }
  return campaign;
}

}  // namespace x86diff::cli

#include "tools/x86diff/triage.h"

#include <algorithm>
#include <ctime>
#include <filesystem>
#include <system_error>
#include <tuple>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "harness/status_macros.h"
#include "nlohmann/json.hpp"
#include "tools/x86diff/outcome_view.h"
#include "tools/x86diff/text_table.h"

namespace x86diff::cli {

namespace {

using nlohmann::json;

bool IsDirectory(const std::string& path) {
  std::error_code error;
  return std::filesystem::is_directory(path, error);
}

bool IsRegularFile(const std::string& path) {
  std::error_code error;
  return std::filesystem::is_regular_file(path, error);
}

// Most hits first; ties by number of findings, then in GroupIntoBuckets' fixed order (kind and
// fields together), so the order is stable across runs.
bool RankBefore(const TriageBucket& a, const TriageBucket& b) {
  auto key = [](const TriageBucket& bucket) {
    const Divergence& d = bucket.divergence;
    return std::make_tuple(-bucket.count(), -static_cast<int64_t>(bucket.findings), d.kind,
                           std::cref(d.fields), std::cref(d.opcode_class), d.mode,
                           d.signature.hash);
  };
  return key(a) < key(b);
}

json WaiverJson(const Waiver& waiver) {
  return {{"file", waiver.file},
          {"line", waiver.line},
          {"pattern", waiver.pattern},
          {"expires", waiver.expiry},
          {"reason", waiver.reason}};
}

json BucketJson(const TriageBucket& bucket, const TriageResult& result) {
  const Divergence& d = bucket.divergence;
  json value = {
      {"id", d.signature.HexId()},
      {"signature", d.signature.text},
      {"kind", DivergenceKindName(d.kind)},
      {"targets", d.targets},
      {"mode", ModeName(d.mode)},
      {"opcode_class", d.opcode_class},
      {"fields", d.fields},
      {"count", bucket.count()},
      {"hits", bucket.hits.has_value() ? json(*bucket.hits) : json(nullptr)},
      {"findings", bucket.findings},
      {"first_seen", bucket.first_seen},
      {"last_seen", bucket.last_seen},
      {"seen_from", bucket.hits.has_value() ? "hit-stats" : "file-mtime"},
      {"fuzz_targets", bucket.fuzz_targets},
      {"example", result.findings[bucket.example].path},
      {"minimized", bucket.minimized_path.empty() ? json(nullptr) : json(bucket.minimized_path)},
  };
  if (bucket.waiver.has_value()) value["waiver"] = WaiverJson(*bucket.waiver);
  return value;
}

json OrNull(const std::string& text) { return text.empty() ? json(nullptr) : json(text); }

std::string HitsText(const TriageBucket& bucket) {
  return bucket.hits.has_value() ? absl::StrCat(*bucket.hits) : "n/a";
}

// One table for active buckets and (with reasons) for waived ones.
void WriteBucketTable(absl::Span<const TriageBucket> buckets, const TriageResult& result,
                      bool with_waiver, int max_rows, const ViewStyle& style, std::ostream& out) {
  std::vector<TextTable::Column> columns = {{"#", TextTable::Align::kRight},
                                            {"hits", TextTable::Align::kRight},
                                            {"findings", TextTable::Align::kRight},
                                            {"first seen"},
                                            {"last seen"},
                                            {"kind"},
                                            {"mode"},
                                            {"targets"},
                                            {"opcode class"},
                                            {"fields"},
                                            {"fuzz targets"},
                                            {"signature"},
                                            {"example"}};
  if (with_waiver) {
    columns.push_back({"waiver"});
    columns.push_back({"expires"});
    columns.push_back({"reason"});
  }
  TextTable table(std::move(columns));
  const size_t shown =
      max_rows > 0 ? std::min(buckets.size(), static_cast<size_t>(max_rows)) : buckets.size();
  for (size_t i = 0; i < shown; ++i) {
    const TriageBucket& bucket = buckets[i];
    const Divergence& d = bucket.divergence;
    const std::string& example = bucket.minimized_path.empty()
                                     ? result.findings[bucket.example].path
                                     : bucket.minimized_path;
    std::vector<std::string> row = {
        absl::StrCat(i + 1),
        HitsText(bucket),
        absl::StrCat(bucket.findings),
        FormatUnixTime(bucket.first_seen),
        FormatUnixTime(bucket.last_seen),
        std::string(DivergenceKindName(d.kind)),
        std::string(ModeName(d.mode)),
        absl::StrJoin(d.targets, ","),
        d.opcode_class,
        d.fields,
        bucket.fuzz_targets.empty() ? "-" : absl::StrJoin(bucket.fuzz_targets, ","),
        d.signature.HexId(),
        example};
    if (with_waiver && bucket.waiver.has_value()) {
      row.push_back(absl::StrCat(bucket.waiver->file, ":", bucket.waiver->line));
      row.push_back(bucket.waiver->expiry);
      row.push_back(bucket.waiver->reason);
    }
    table.AddRow(std::move(row));
  }
  table.Write("  ", style.color, out);
  if (shown < buckets.size()) {
    out << "  ... " << Plural(buckets.size() - shown, "more bucket", "more buckets")
        << " (--max_rows=0 shows all)\n";
  }
}

void WriteText(const TriageResult& result, const TriageOptions& options, std::ostream& out) {
  const ViewStyle style{options.color};
  int64_t hits = 0;
  for (const TriageBucket& bucket : result.buckets) hits += bucket.count();
  for (const TriageBucket& bucket : result.waived) hits += bucket.count();
  const size_t all_buckets = result.buckets.size() + result.waived.size();
  out << Colored(style, "1",
                 absl::StrCat("x86diff triage of ", result.paths.input, ": ",
                              Plural(result.findings.size(), "finding", "findings"), ", ",
                              Plural(result.divergences, "divergence", "divergences"), " in ",
                              Plural(all_buckets, "bucket", "buckets"), " (", result.waived.size(),
                              " waived), ", Plural(hits, "hit", "hits"), " from ",
                              Plural(result.stats_files, "statistics file", "statistics files")))
      << "\n";
  if (result.stats_files == 0) {
    out << "  no hit statistics: counts are finding files, first/last seen their modification "
           "times (hits: n/a)\n";
  }
  if (!result.unreadable.empty()) {
    out << "  " << Plural(result.unreadable.size(), "file", "files")
        << " could not be read (named on stderr)\n";
  }
  if (result.skipped_files > 0) {
    out << "  " << Plural(result.skipped_files, "other file", "other files")
        << " in the findings directory (not *.json, or hidden) ignored\n";
  }
  if (result.buckets.empty()) {
    out << "\n  no " << (result.waived.empty() ? "" : "unwaived ") << "divergences recorded\n";
  } else {
    out << "\nBuckets (one per signature), most hits first:\n";
    WriteBucketTable(result.buckets, result, false, options.max_rows, style, out);
  }
  if (!result.waived.empty()) {
    if (options.show_waived) {
      out << "\nWaived buckets (" << result.waived.size() << "):\n";
      WriteBucketTable(result.waived, result, true, options.max_rows, style, out);
    } else {
      out << "\n"
          << Plural(result.waived.size(), "waived bucket", "waived buckets")
          << " not shown (--show_waived lists them with the reasons)\n";
    }
  }
  if (!result.stale_waivers.empty()) {
    out << "\nnote: " << Plural(result.stale_waivers.size(), "waiver matches", "waivers match")
        << " no bucket (stale? remove when the fix has landed):\n";
    for (const Waiver& waiver : result.stale_waivers) {
      out << "  " << waiver.file << ":" << waiver.line << "  " << waiver.pattern << "  "
          << waiver.expiry << "  " << waiver.reason << "\n";
    }
  }
  if (!result.unmatched_hits.empty()) {
    constexpr size_t kShown = 10;
    out << "\nnote: " << Plural(result.unmatched_hits.size(), "signature was", "signatures were")
        << " counted in hit statistics but has no finding file:";
    for (size_t i = 0; i < std::min(kShown, result.unmatched_hits.size()); ++i) {
      out << " " << absl::StrFormat("%016x", result.unmatched_hits[i].id) << " ("
          << result.unmatched_hits[i].hits << ")";
    }
    if (result.unmatched_hits.size() > kShown) out << " ...";
    out << "\n";
  }
}

}  // namespace

std::string FormatUnixTime(int64_t seconds) {
  const std::time_t time = static_cast<std::time_t>(seconds);
  std::tm utc;
  if (gmtime_r(&time, &utc) == nullptr) return absl::StrCat(seconds);
  return absl::StrFormat("%04d-%02d-%02d %02d:%02d", utc.tm_year + 1900, utc.tm_mon + 1,
                         utc.tm_mday, utc.tm_hour, utc.tm_min);
}

CampaignPaths ResolveCampaignPaths(const std::string& input) {
  CampaignPaths paths;
  paths.input = input;
  const std::string findings = absl::StrCat(input, "/findings");
  if (IsDirectory(findings)) {
    paths.findings_dir = findings;
    paths.stats_dir = absl::StrCat(input, "/stats");
    paths.minimized_dir = absl::StrCat(input, "/minimized");
  } else {
    paths.findings_dir = input;
  }
  return paths;
}

absl::StatusOr<TriageResult> ComputeTriage(const std::string& input,
                                           const std::string& waivers_file,
                                           const std::string& today) {
  TriageResult result;
  result.today = today.empty() ? TodayUtc() : today;
  result.waivers_file = waivers_file;
  std::vector<Waiver> waivers;
  if (!waivers_file.empty()) {
    ASSIGN_OR_RETURN(waivers, LoadWaivers(waivers_file, result.today));
  }
  result.paths = ResolveCampaignPaths(input);
  ASSIGN_OR_RETURN(FindingSet set, LoadFindingDir(result.paths.findings_dir));
  result.unreadable = std::move(set.unreadable);
  result.skipped_files = set.skipped.size();
  CampaignHits hits;
  if (!result.paths.stats_dir.empty()) hits = ReadCampaignHits(result.paths.stats_dir);
  result.stats_files = hits.files;
  for (FileProblem& problem : hits.unreadable) result.unreadable.push_back(std::move(problem));

  result.divergences = CountDivergences(set.findings);
  absl::flat_hash_set<uint64_t> bucketed;
  std::vector<bool> waiver_used(waivers.size(), false);
  for (const Bucket& group : GroupIntoBuckets(set.findings)) {
    TriageBucket bucket;
    bucket.divergence = group.divergence;
    bucket.findings = group.findings.size();
    bucket.example = static_cast<size_t>(group.example - set.findings.data());
    const uint64_t id = group.divergence.signature.hash;
    bucketed.insert(id);
    if (auto it = hits.by_signature.find(id); it != hits.by_signature.end()) {
      bucket.hits = it->second.hits;
      bucket.first_seen = it->second.first_seen;
      bucket.last_seen = it->second.last_seen;
      bucket.fuzz_targets = it->second.fuzz_targets;
    } else {
      bucket.first_seen = group.findings.front()->mtime;
      bucket.last_seen = bucket.first_seen;
      for (const LoadedFinding* finding : group.findings) {
        bucket.first_seen = std::min(bucket.first_seen, finding->mtime);
        bucket.last_seen = std::max(bucket.last_seen, finding->mtime);
      }
    }
    if (!result.paths.minimized_dir.empty()) {
      const std::string minimized = absl::StrCat(result.paths.minimized_dir, "/",
                                                 group.divergence.signature.HexId(), ".json");
      if (IsRegularFile(minimized)) bucket.minimized_path = minimized;
    }
    for (size_t i = 0; i < waivers.size(); ++i) {
      if (!WaiverMatches(waivers[i], group.divergence.signature)) continue;
      waiver_used[i] = true;
      if (!bucket.waiver.has_value()) bucket.waiver = waivers[i];
    }
    (bucket.waiver.has_value() ? result.waived : result.buckets).push_back(std::move(bucket));
  }
  std::stable_sort(result.buckets.begin(), result.buckets.end(), &RankBefore);
  std::stable_sort(result.waived.begin(), result.waived.end(), &RankBefore);
  for (size_t i = 0; i < waivers.size(); ++i) {
    if (!waiver_used[i]) result.stale_waivers.push_back(waivers[i]);
  }
  for (const auto& [id, totals] : hits.by_signature) {
    if (!bucketed.contains(id)) {
      result.unmatched_hits.push_back({id, totals.hits, totals.first_seen, totals.last_seen});
    }
  }
  std::sort(result.unmatched_hits.begin(), result.unmatched_hits.end(),
            [](const SignatureHits& a, const SignatureHits& b) {
              return std::make_pair(-a.hits, a.id) < std::make_pair(-b.hits, b.id);
            });
  result.findings = std::move(set.findings);
  return result;
}

std::string TriageResultToJson(const TriageResult& result) {
  int64_t hits = 0;
  json buckets = json::array();
  for (const TriageBucket& bucket : result.buckets) {
    hits += bucket.count();
    buckets.push_back(BucketJson(bucket, result));
  }
  json waived = json::array();
  for (const TriageBucket& bucket : result.waived) {
    hits += bucket.count();
    waived.push_back(BucketJson(bucket, result));
  }
  json stale = json::array();
  for (const Waiver& waiver : result.stale_waivers) stale.push_back(WaiverJson(waiver));
  json unmatched = json::array();
  for (const SignatureHits& entry : result.unmatched_hits) {
    unmatched.push_back({{"id", absl::StrFormat("%016x", entry.id)},
                         {"hits", entry.hits},
                         {"first_seen", entry.first_seen},
                         {"last_seen", entry.last_seen}});
  }
  json unreadable = json::array();
  for (const FileProblem& problem : result.unreadable) {
    unreadable.push_back({{"path", problem.path}, {"reason", problem.reason}});
  }
  json root = {
      {"format", "x86diff-triage"},
      {"version", 1},
      {"input", result.paths.input},
      {"findings_dir", result.paths.findings_dir},
      {"stats_dir", OrNull(result.paths.stats_dir)},
      {"minimized_dir", OrNull(result.paths.minimized_dir)},
      {"today", result.today},
      {"waivers_file", OrNull(result.waivers_file)},
      {"totals",
       {{"findings", result.findings.size()},
        {"divergences", result.divergences},
        {"buckets", result.buckets.size()},
        {"waived_buckets", result.waived.size()},
        {"hits", hits},
        {"stats_files", result.stats_files},
        {"unreadable_files", result.unreadable.size()}}},
      {"buckets", std::move(buckets)},
      {"waived", std::move(waived)},
      {"stale_waivers", std::move(stale)},
      {"unmatched_hits", std::move(unmatched)},
      {"unreadable_files", std::move(unreadable)},
  };
  // Replace, not throw, on invalid UTF-8 in paths or reasons: the output must always be written.
  return root.dump(-1, ' ', false, json::error_handler_t::replace);
}

absl::Status RunTriageCommand(const TriageOptions& options, std::ostream& out, std::ostream& err) {
  ASSIGN_OR_RETURN(const TriageResult result,
                   ComputeTriage(options.input, options.waivers_file, options.today));
  for (const FileProblem& problem : result.unreadable) {
    err << "error: " << problem.path << ": " << problem.reason
        << (options.keep_going ? " (skipped)" : "") << "\n";
  }
  if (options.json) {
    out << TriageResultToJson(result) << "\n";
  } else {
    WriteText(result, options, out);
  }
  if (!options.keep_going && !result.unreadable.empty()) {
    return absl::DataLossError(
        absl::StrCat(Plural(result.unreadable.size(), "file", "files"), " under ", options.input,
                     " could not be read (see above; --keep_going skips them)"));
  }
  return absl::OkStatus();
}

}  // namespace x86diff::cli

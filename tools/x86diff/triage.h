// `x86diff triage`: a campaign's findings as buckets (one per divergence signature) with hit
// counts, first and last sighting, the targets and fuzz targets involved, an example, and the
// waivers (tools/x86diff/waivers.h) that set known buckets apart.
//
// Input: a campaign directory as `x86diff campaign` writes it,
//   <dir>/findings/*.json                 findings (harness/finding.h), one per signature
//   <dir>/stats/hits-<target>-<pid>-<start ns>.json   hit statistics (hit_stats_file.h)
//   <dir>/minimized/<signature id>.json   a minimized example finding per bucket (optional)
// or a plain findings directory (no statistics, no minimized examples). A directory that has a
// "findings" subdirectory is a campaign directory.
//
// Counting: a bucket's hits are the sum over all statistics files of its signature's hits; first
// and last seen are the minimum first_seen and maximum last_seen. A bucket that no statistics file
// mentions (a plain findings directory, or a process killed before it wrote its file) counts its
// finding files instead, with first/last seen from their modification times; it shows "hits: n/a"
// (JSON: "hits": null, "seen_from": "file-mtime").
//
// --json writes one object (format "x86diff-triage", version 1), for scripts and `x86diff
// compare`:
//   {"format": "x86diff-triage", "version": 1,
//    "input": "<dir>", "findings_dir": "<dir>/findings", "stats_dir": "<dir>/stats" | null,
//    "minimized_dir": "<dir>/minimized" | null, "today": "YYYY-MM-DD",
//    "waivers_file": "<path>" | null,
//    "totals": {"findings": N, "divergences": N, "buckets": N (not waived), "waived_buckets": N,
//               "hits": N (sum of "count" over all buckets, waived ones included),
//               "stats_files": N, "unreadable_files": N},
//    "buckets": [<bucket>...],        not waived, most hits first
//    "waived": [<bucket>...],         waived, same order; each has "waiver"
//    "stale_waivers": [<waiver>...],  waivers that match no bucket
//    "unmatched_hits": [{"id": "<16 hex>", "hits": N, "first_seen": T, "last_seen": T}...],
//                                     signatures counted in statistics without a finding file
//    "unreadable_files": [{"path": "...", "reason": "..."}...]}
//   <bucket> = {"id": "<16 hex digits, Signature::HexId>", "signature": "<signature text>",
//     "kind": "validity", "targets": ["capstone", "zydis"], "mode": "long64",
//     "opcode_class": "...", "fields": "...",
//     "count": N (hits when known, else findings), "hits": N | null, "findings": N,
//     "first_seen": T, "last_seen": T (unix seconds), "seen_from": "hit-stats" | "file-mtime",
//     "fuzz_targets": ["decoder_diff"...] (from statistics files; [] without),
//     "example": "<path of the finding with the shortest code>",
//     "minimized": "<path>" | null,
//     "waiver": <waiver> (waived buckets only)}
//   <waiver> = {"file": "...", "line": N, "pattern": "...", "expires": "YYYY-MM-DD",
//     "reason": "..."}
// Later versions only add fields.
#ifndef X86DIFF_TOOLS_X86DIFF_TRIAGE_H_
#define X86DIFF_TOOLS_X86DIFF_TRIAGE_H_

#include <cstdint>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "harness/divergence.h"
#include "tools/x86diff/buckets.h"
#include "tools/x86diff/hit_stats_file.h"
#include "tools/x86diff/waivers.h"

namespace x86diff::cli {

// Where a campaign's parts are.
struct CampaignPaths {
  std::string input;
  std::string findings_dir;
  std::string stats_dir;      // empty for a plain findings directory
  std::string minimized_dir;  // empty for a plain findings directory
};

// A directory with a "findings" subdirectory is a campaign directory; anything else is taken as
// a findings directory.
CampaignPaths ResolveCampaignPaths(const std::string& input);

struct TriageBucket {
  Divergence divergence;        // kind, targets, mode, opcode class, fields and signature
  size_t findings = 0;          // finding files in the bucket
  std::optional<int64_t> hits;  // from statistics; nullopt when no file mentions the signature
  int64_t first_seen = 0;       // unix seconds
  int64_t last_seen = 0;
  std::set<std::string> fuzz_targets;  // from statistics files
  size_t example = 0;                  // index into TriageResult::findings: the shortest code
  std::string minimized_path;          // <campaign>/minimized/<id>.json when that file exists
  std::optional<Waiver> waiver;

  // What buckets are ranked by: hits when known, else the number of findings.
  int64_t count() const { return hits.has_value() ? *hits : static_cast<int64_t>(findings); }
};

struct TriageResult {
  CampaignPaths paths;
  std::string today;         // YYYY-MM-DD the waivers were checked against
  std::string waivers_file;  // empty: none
  std::vector<LoadedFinding> findings;
  size_t divergences = 0;
  std::vector<TriageBucket> buckets;          // not waived; most hits first
  std::vector<TriageBucket> waived;           // waived; most hits first
  std::vector<Waiver> stale_waivers;          // match no bucket
  std::vector<SignatureHits> unmatched_hits;  // counted in statistics, no finding file
  size_t stats_files = 0;
  std::vector<FileProblem> unreadable;  // finding and statistics files that failed
  size_t skipped_files = 0;             // other files in the findings directory
};

// Loads the campaign (or findings directory) at `input`, counts and buckets it, and applies the
// waivers in `waivers_file` (none when empty) as of `today` (YYYY-MM-DD; empty: TodayUtc()).
// Unreadable finding and statistics files are recorded in `unreadable` and do not stop it.
// Errors: NotFound for a missing input or waivers file; InvalidArgument when the input is not a
// directory or the waivers file has malformed or expired lines (each named "<file>:<line>").
absl::StatusOr<TriageResult> ComputeTriage(const std::string& input,
                                           const std::string& waivers_file,
                                           const std::string& today);

// The --json object described above (one line, no trailing newline).
std::string TriageResultToJson(const TriageResult& result);

// "2026-11-23 18:04" (UTC) for unix seconds.
std::string FormatUnixTime(int64_t seconds);

struct TriageOptions {
  std::string input;         // campaign directory or findings directory
  std::string waivers_file;  // empty: no waivers
  bool json = false;         // write TriageResultToJson instead of text
  bool show_waived = false;  // list waived buckets with their reasons (else only their count)
  bool keep_going = false;   // unreadable files are named but do not fail the command
  std::string today;         // YYYY-MM-DD for waiver expiry; empty: TodayUtc()
  int max_rows = 0;          // text: at most this many rows per bucket table; 0: all
  bool color = false;
};

// Writes the triage as text (headline; bucket table: rank, hits, findings, first and last seen,
// kind, mode, targets, opcode class, fields, fuzz targets, signature id, example; waived buckets
// as a count or, with show_waived, as a table with the waiver reasons; stale waivers and
// statistics without findings as notes) or as JSON. Unreadable files are named on `err`.
// Errors: those of ComputeTriage (nothing written to `out`); unless keep_going, DataLoss after
// the output when some file could not be read.
absl::Status RunTriageCommand(const TriageOptions& options, std::ostream& out, std::ostream& err);

}  // namespace x86diff::cli

#endif  // X86DIFF_TOOLS_X86DIFF_TRIAGE_H_

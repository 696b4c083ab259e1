#include "tools/x86diff/campaign_finish.h"

#include <filesystem>
#include <optional>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "harness/atomic_file.h"
#include "harness/finding.h"
#include "harness/status_macros.h"
#include "tools/x86diff/case_oracle.h"
#include "tools/x86diff/report.h"
#include "tools/x86diff/triage.h"

namespace x86diff::cli {
namespace {

// A resumed campaign's examples stay what they were; these limits keep one finish short.
constexpr int kMaxAttemptsPerExample = 1000;

struct MinimizeCounts {
  int minimized = 0;
  int not_reproduced = 0;
  int failed = 0;
  int left_for_later = 0;
};

// The oracles are created on first use: a campaign without execution buckets never starts the
// executors.
class Oracles {
 public:
  absl::StatusOr<CaseOracle*> For(bool exec, std::ostream& err) {
    std::optional<CaseOracle>& slot = exec ? exec_ : decode_;
    if (!slot.has_value()) {
      std::vector<std::string> notes;
      ASSIGN_OR_RETURN(CaseOracle oracle, CaseOracle::Create({.exec = exec}, &notes));
      for (const std::string& note : notes) err << "campaign: " << note << "\n";
      slot.emplace(std::move(oracle));
    }
    return &*slot;
  }

 private:
  std::optional<CaseOracle> decode_;
  std::optional<CaseOracle> exec_;
};

MinimizeCounts MinimizeExamples(const CampaignFinishOptions& options, const TriageResult& triage,
                                std::ostream& err) {
  MinimizeCounts counts;
  const std::filesystem::path dir = std::filesystem::path(options.out_dir) / "minimized";
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  Oracles oracles;
  const absl::Time deadline = absl::Now() + options.minimize_budget;
  size_t considered = 0;
  for (const TriageBucket& bucket : triage.buckets) {
    if (options.max_examples > 0 && considered >= static_cast<size_t>(options.max_examples)) break;
    ++considered;
    if (!bucket.minimized_path.empty()) continue;
    if (absl::Now() > deadline) {
      ++counts.left_for_later;
      continue;
    }
    const Divergence& divergence = bucket.divergence;
    absl::StatusOr<CaseOracle*> oracle = oracles.For(IsExecutionKind(divergence.kind), err);
    if (!oracle.ok()) {
      err << "campaign: cannot minimize " << divergence.signature.HexId() << ": "
          << oracle.status().message() << "\n";
      ++counts.failed;
      continue;
    }
    const LoadedFinding& example = triage.findings[bucket.example];
    absl::StatusOr<MinimizedFinding> minimized =
        MinimizeWithOracle(**oracle, example.finding.test_case, divergence.signature.hash,
                           {.max_attempts = kMaxAttemptsPerExample});
    if (!minimized.ok()) {
      if (minimized.status().code() == absl::StatusCode::kFailedPrecondition) {
        ++counts.not_reproduced;
      } else {
        err << "campaign: cannot minimize " << example.path << ": " << minimized.status().message()
            << "\n";
        ++counts.failed;
      }
      continue;
    }
    const std::string path = (dir / (divergence.signature.HexId() + ".json")).string();
    absl::Status written = WriteFileAtomically(path, FindingToJson(minimized->finding));
    if (!written.ok()) {
      err << "campaign: " << written.message() << "\n";
      ++counts.failed;
      continue;
    }
    ++counts.minimized;
  }
  return counts;
}

}  // namespace

absl::Status FinishCampaign(const CampaignFinishOptions& options, std::ostream& out,
                            std::ostream& err) {
  // Waivers are checked first: an expired one stops everything before any work is done.
  ASSIGN_OR_RETURN(TriageResult triage, ComputeTriage(options.out_dir, options.waivers, ""));
  if (options.minimize) {
    const absl::Time started = absl::Now();
    const MinimizeCounts counts = MinimizeExamples(options, triage, err);
    err << "campaign: minimized " << counts.minimized << " example(s) in "
        << absl::FormatDuration(absl::Trunc(absl::Now() - started, absl::Milliseconds(100)));
    if (counts.not_reproduced > 0) {
      err << "; " << counts.not_reproduced
          << " no longer show their signature here (kept as found)";
    }
    if (counts.failed > 0) err << "; " << counts.failed << " failed";
    if (counts.left_for_later > 0) {
      err << "; " << counts.left_for_later << " left for the next finish (time budget used up)";
    }
    err << "\n";
  }

  TriageOptions triage_options;
  triage_options.input = options.out_dir;
  triage_options.waivers_file = options.waivers;
  triage_options.keep_going = true;
  triage_options.max_rows = options.max_rows;
  triage_options.color = options.color;
  RETURN_IF_ERROR(RunTriageCommand(triage_options, out, err));

  ReportOptions report;
  report.input = options.out_dir;
  report.waivers_file = options.waivers;
  report.max_examples = options.max_examples;
  report.keep_going = true;
  return RunReportCommand(report, out, err);
}

}  // namespace x86diff::cli

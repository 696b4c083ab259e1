#include "tools/x86diff/minimize_command.h"

#include <filesystem>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "harness/atomic_file.h"
#include "harness/finding.h"
#include "harness/status_macros.h"
#include "tools/x86diff/case_file.h"
#include "tools/x86diff/case_oracle.h"
#include "tools/x86diff/minimize.h"
#include "tools/x86diff/outcome_view.h"

namespace x86diff::cli {

namespace {

constexpr uint32_t kMinimizeRows = kRowBytes | kRowInstruction | kRowLength | kRowPrefixes;

bool RecordsExecutionDivergence(const CaseFile& file) {
  if (!file.finding.has_value()) return false;
  for (const Divergence& divergence : file.finding->divergences) {
    if (IsExecutionKind(divergence.kind)) return true;
  }
  return false;
}

void WriteCase(absl::string_view label, const TestCase& test_case, std::ostream& out) {
  out << "  " << label << CaseHeadline(test_case) << "  (" << test_case.code.size() << " bytes)\n";
  const std::vector<std::string> state = DescribeStateDifferences(test_case);
  if (state.empty()) {
    out << "          state: defaults, no scratch patches\n";
  }
  for (const std::string& line : state) out << "          state: " << line << "\n";
}

}  // namespace

std::string DefaultMinimizedPath(const std::string& input_path) {
  std::filesystem::path path(input_path);
  if (path.extension() == ".json") path.replace_extension();
  path += ".min.json";
  return path.string();
}

absl::Status RunMinimizeCommand(const MinimizeCommandOptions& options, std::ostream& out,
                                std::ostream& err) {
  if (options.path.empty()) return absl::InvalidArgumentError("minimize needs one input file");
  if (!options.signature.empty()) RETURN_IF_ERROR(ParseSignatureId(options.signature).status());
  ASSIGN_OR_RETURN(CaseFile file, LoadCaseFile(options.path));

  OracleOptions oracle_options{options.decoders, options.exec || RecordsExecutionDivergence(file),
                               options.executors, options.plugins};
  std::vector<std::string> notes;
  ASSIGN_OR_RETURN(CaseOracle oracle, CaseOracle::Create(oracle_options, &notes));
  for (const std::string& note : notes) err << "note: " << note << "\n";

  ASSIGN_OR_RETURN(OracleRun before, oracle.Run(file.test_case));
  ASSIGN_OR_RETURN(uint64_t signature,
                   ChooseSignature(file, before.divergences, options.signature));
  MinimizeOptions minimize_options;
  minimize_options.max_attempts = options.max_attempts;
  absl::StatusOr<MinimizedFinding> minimized =
      MinimizeWithOracle(oracle, file.test_case, signature, minimize_options);
  if (!minimized.ok()) {
    return absl::Status(minimized.status().code(),
                        absl::StrCat(file.path, ": ", minimized.status().message()));
  }

  const std::string out_path =
      options.out.empty() ? DefaultMinimizedPath(options.path) : options.out;
  RETURN_IF_ERROR(WriteFileAtomically(out_path, FindingToJson(minimized->finding)));

  const ViewStyle style{options.color};
  const MinimizeResult& result = minimized->result;
  out << Colored(style, "1", file.path) << "\n";
  out << "  signature " << minimized->kept.signature.HexId() << "  "
      << minimized->kept.signature.text << "\n";
  out << "  targets: " << (oracle.executes() ? "decoders and executors" : "decoders") << "\n";
  WriteCase("before: ", result.original, out);
  WriteCase("after:  ", result.minimized, out);
  out << "  " << result.attempts << " attempts, " << result.accepted << " accepted, "
      << result.rounds << " rounds"
      << (result.budget_exhausted ? " (attempt budget used up: --max_attempts)" : "") << "\n";
  std::vector<Outcome> decoded;
  for (const Outcome& outcome : minimized->finding.outcomes) {
    if (!outcome.exec.has_value()) decoded.push_back(outcome);
  }
  WriteOutcomeTable(decoded, result.minimized.code, minimized->finding.divergences, kMinimizeRows,
                    style, "  ", out);
  WriteDivergences(minimized->finding.divergences, style, "  ", out);
  out << "wrote " << out_path << "\n";
  return absl::OkStatus();
}

}  // namespace x86diff::cli

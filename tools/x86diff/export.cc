#include "tools/x86diff/export.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "harness/atomic_file.h"
#include "harness/status_macros.h"
#include "tools/x86diff/case_file.h"
#include "tools/x86diff/case_oracle.h"
#include "tools/x86diff/export_format.h"

namespace x86diff::cli {

absl::Status RunExportCommand(const ExportOptions& options, std::ostream& out) {
  if (options.path.empty()) return absl::InvalidArgumentError("export needs one input file");
  if (options.format.empty()) {
    return absl::InvalidArgumentError("export needs --format=llvm-mc, capstone or zydis");
  }
  ASSIGN_OR_RETURN(ExportFormat format, ParseExportFormat(options.format));
  if (!options.signature.empty()) RETURN_IF_ERROR(ParseSignatureId(options.signature).status());
  ASSIGN_OR_RETURN(CaseFile file, LoadCaseFile(options.path));
  OracleOptions decoders_only;
  decoders_only.decoders = options.decoders;
  ASSIGN_OR_RETURN(CaseOracle oracle, CaseOracle::Create(decoders_only));
  ASSIGN_OR_RETURN(OracleRun run, oracle.Run(file.test_case));
  if (run.divergences.empty()) {
    return absl::FailedPreconditionError(absl::StrCat(
        file.path, ": the decoders agree on this case now; nothing to export",
        file.finding.has_value() ? absl::StrCat(" (the finding recorded ",
                                                ListSignatures(file.finding->divergences), ")")
                                 : ""));
  }
  ASSIGN_OR_RETURN(uint64_t signature, ChooseSignature(file, run.divergences, options.signature));

  ExportInput input;
  input.test_case = file.test_case;
  input.divergence = *FindSignature(run.divergences, signature);
  input.outcomes = std::move(run.outcomes);
  input.origin = file.path;
  if (file.finding.has_value()) {
    // What executors did when the case was found: evidence for the expectation.
    for (const Outcome& outcome : file.finding->outcomes) {
      if (outcome.exec.has_value()) input.outcomes.push_back(outcome);
    }
  }
  ASSIGN_OR_RETURN(std::string text, FormatExport(input, format, options.expect_from));
  if (options.out_path.empty()) {
    out << text;
    return absl::OkStatus();
  }
  RETURN_IF_ERROR(WriteFileAtomically(options.out_path, text));
  out << "wrote " << options.out_path << "\n";
  return absl::OkStatus();
}

}  // namespace x86diff::cli

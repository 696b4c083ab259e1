#include "tools/x86diff/modes.h"

#include <map>
#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "adapters/executor_registry.h"
#include "harness/exec_runner.h"
#include "harness/hex.h"
#include "harness/mode.h"
#include "harness/status_macros.h"
#include "harness/test_case.h"
#include "tools/x86diff/command_args.h"
#include "tools/x86diff/decoder_set.h"
#include "tools/x86diff/outcome_view.h"
#include "tools/x86diff/text_table.h"

namespace x86diff::cli {

namespace {

constexpr absl::string_view kNotRun = "-";

// One short cell per outcome; equal cells mean "the same answer" when modes are compared.
std::string Cell(const Outcome& outcome) {
  if (outcome.exec.has_value()) {
    const ExecResult& result = *outcome.exec;
    std::string cell = result.status == ExecStatus::kFault ? VectorName(result.vector)
                                                           : std::string(ExecStatusName(result.status));
    if (result.status == ExecStatus::kFault && result.has_error_code) {
      absl::StrAppend(&cell, absl::StrFormat("(%#x)", result.error_code));
    }
    if (result.length != 0) absl::StrAppend(&cell, " len ", result.length);
    return cell;
  }
  const DecodeResult& decode = outcome.decode;
  if (!decode.valid) return absl::StrCat("invalid: ", DecodeFailureName(decode.failure));
  return absl::StrCat(decode.mnemonic, " len ", decode.length);
}

}  // namespace

absl::Status RunModesCommand(const ModesOptions& options, std::ostream& out) {
  ASSIGN_OR_RETURN(std::vector<uint8_t> code, ParseInstructionBytes(options.hex));
  ASSIGN_OR_RETURN(DecoderSet decoders, DecoderSet::Create(options.decoders, 1));
  std::vector<std::string> notes;
  ASSIGN_OR_RETURN(std::vector<std::unique_ptr<Executor>> executors,
                   MakeExecutors({options.executors, options.plugins}, &notes));
  std::vector<Executor*> executor_views;
  for (const std::unique_ptr<Executor>& executor : executors) {
    executor_views.push_back(executor.get());
  }

  // target -> cell per mode, targets in the order they first answer.
  std::vector<std::string> targets;
  std::map<std::string, std::vector<std::string>> cells;
  std::vector<std::string> divergence_counts;
  for (Mode mode : kAllModes) {
    const int column = static_cast<int>(mode);
    ASSIGN_OR_RETURN(ExecRun run,
                     RunExecution(decoders.views(), executor_views, TestCase{mode, code}));
    for (const Outcome& outcome : run.outcomes) {
      auto [it, inserted] = cells.try_emplace(
          outcome.target, std::vector<std::string>(kAllModes.size(), std::string(kNotRun)));
      if (inserted) targets.push_back(outcome.target);
      it->second[column] = Cell(outcome);
    }
    divergence_counts.push_back(
        absl::StrCat(ModeName(mode), " ",
                     run.decode_divergences.size() + run.exec.divergences.size()));
  }

  const ViewStyle style{options.color};
  for (const std::string& note : notes) out << "note: " << note << "\n";
  out << Colored(style, "1", absl::StrCat("modes  ", FormatHex(code))) << "\n";
  std::vector<TextTable::Column> columns = {{"target"}};
  for (Mode mode : kAllModes) columns.push_back({std::string(ModeName(mode))});
  TextTable table(std::move(columns));
  for (const std::string& target : targets) {
    std::vector<std::string> row = {target};
    for (const std::string& cell : cells[target]) row.push_back(cell);
    table.AddRow(std::move(row));
  }
  table.Write("  ", options.color, out);
  out << "  divergences between targets: " << absl::StrJoin(divergence_counts, ", ") << "\n";

  bool any_difference = false;
  for (const std::string& target : targets) {
    // Answer -> modes giving it, in mode order; modes the target did not run are left out.
    std::vector<std::pair<std::string, std::vector<absl::string_view>>> answers;
    for (Mode mode : kAllModes) {
      const std::string& cell = cells[target][static_cast<int>(mode)];
      if (cell == kNotRun) continue;
      auto it = std::find_if(answers.begin(), answers.end(),
                             [&](const auto& answer) { return answer.first == cell; });
      if (it == answers.end()) {
        answers.push_back({cell, {ModeName(mode)}});
      } else {
        it->second.push_back(ModeName(mode));
      }
    }
    if (answers.size() < 2) continue;
    if (!any_difference) out << "\nWhere the mode changes the answer:\n";
    any_difference = true;
    std::vector<std::string> parts;
    for (const auto& [answer, modes] : answers) {
      parts.push_back(absl::StrCat(absl::StrJoin(modes, ","), ": ", answer));
    }
    out << "  " << Colored(style, "33", "!!") << " " << target << "  "
        << absl::StrJoin(parts, "  |  ") << "\n";
  }
  if (!any_difference) out << "\nEvery target gives the same answer in every mode it runs.\n";
  return absl::OkStatus();
}

}  // namespace x86diff::cli

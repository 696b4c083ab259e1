#include "tools/x86diff/run.h"

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "adapters/executor_registry.h"
#include "harness/cpu_state.h"
#include "harness/exec_result.h"
#include "harness/hex.h"
#include "harness/memory_layout.h"
#include "harness/mode.h"
#include "harness/status_macros.h"
#include "harness/test_case.h"
#include "tools/x86diff/command_args.h"
#include "tools/x86diff/decoder_set.h"
#include "tools/x86diff/text_table.h"

namespace x86diff::cli {
namespace {

struct FlagName {
  uint64_t bit;
  const char* name;
};
constexpr FlagName kFlagNames[] = {{kRflagsCF, "cf"}, {kRflagsPF, "pf"}, {kRflagsAF, "af"},
                                   {kRflagsZF, "zf"}, {kRflagsSF, "sf"}, {kRflagsDF, "df"},
                                   {kRflagsOF, "of"}};

// "cf,zf" for the set controllable bits; "-" when none.
std::string FlagText(uint64_t rflags) {
  std::vector<std::string> names;
  for (const FlagName& flag : kFlagNames) {
    if (rflags & flag.bit) names.push_back(flag.name);
  }
  return names.empty() ? "-" : absl::StrJoin(names, ",");
}

std::string Hex64(uint64_t value) { return absl::StrCat("0x", absl::Hex(value)); }

std::string StatusText(const ExecResult& result) {
  std::string text(ExecStatusName(result.status));
  if (result.status == ExecStatus::kFault) absl::StrAppend(&text, " ", VectorName(result.vector));
  return text;
}

std::string MemoryText(const ExecResult& result) {
  if (result.memory_changes.empty()) return "-";
  std::vector<std::string> parts;
  for (const MemoryChange& change : result.memory_changes) {
    parts.push_back(absl::StrCat(Hex64(change.address), ": ", FormatHex(change.before), " -> ",
                                 FormatHex(change.after)));
  }
  return absl::StrJoin(parts, "; ");
}

}  // namespace

void WriteExecutionView(const ExecRun& run, const ViewStyle& style, absl::string_view indent,
                        std::ostream& out) {
  std::vector<const Outcome*> executed;
  for (const Outcome& outcome : run.outcomes) {
    if (outcome.exec.has_value()) executed.push_back(&outcome);
  }
  out << indent << "executed " << FormatHex(run.executed.code) << " (" << run.executed.code.size()
      << " byte" << (run.executed.code.size() == 1 ? "" : "s")
      << "), undefined flags: " << FlagText(run.undefined_flags) << "\n";
  if (!run.not_executed.empty()) {
    out << indent << "not executed: " << run.not_executed << "\n";
    return;
  }
  if (executed.empty()) {
    out << indent << "no executor runs this mode\n";
    return;
  }

  const CpuState initial = InitialState(run.executed);
  std::vector<TextTable::Column> columns = {{""}};
  for (const Outcome* outcome : executed) columns.push_back({outcome->target});
  TextTable table(std::move(columns));
  auto add_row = [&](std::string name, auto cell) {
    std::vector<std::string> cells = {std::move(name)};
    for (const Outcome* outcome : executed) cells.push_back(cell(*outcome->exec, *outcome));
    table.AddRow(std::move(cells));
  };
  add_row("provenance", [](const ExecResult&, const Outcome& o) {
    return std::string(ProvenanceName(o.provenance));
  });
  add_row("status", [](const ExecResult& r, const Outcome&) { return StatusText(r); });
  add_row("error code", [](const ExecResult& r, const Outcome&) {
    return r.has_error_code ? Hex64(r.error_code) : std::string("-");
  });
  add_row("fault address", [](const ExecResult& r, const Outcome&) {
    return r.has_fault_address ? Hex64(r.fault_address) : std::string("-");
  });
  add_row("length", [](const ExecResult& r, const Outcome&) {
    return r.length == 0 ? std::string("?") : absl::StrCat(r.length);
  });
  // Every register some executor changed, so a register changed by one and not the other shows.
  for (int i = 0; i < kGprCount; ++i) {
    bool changed = false;
    for (const Outcome* outcome : executed) {
      const ExecResult& r = *outcome->exec;
      if (r.status != ExecStatus::kCompleted && r.status != ExecStatus::kFault &&
          r.status != ExecStatus::kSyscall) {
        continue;
      }
      changed |= r.final_state.gpr[i] != initial.gpr[i];
    }
    if (!changed) continue;
    add_row(std::string(kGprNames[i]), [&](const ExecResult& r, const Outcome&) {
      return r.final_state.gpr[i] == initial.gpr[i] ? std::string("=")
                                                    : Hex64(r.final_state.gpr[i]);
    });
  }
  add_row("rip", [&](const ExecResult& r, const Outcome&) {
    const uint64_t code = LayoutFor(run.executed.mode).code_address;
    // Near the code: relative (code+3); elsewhere (a jump target, a fault elsewhere): absolute.
    return r.final_state.rip >= code && r.final_state.rip - code <= kMaxCodeBytes
               ? absl::StrCat("code+", r.final_state.rip - code)
               : Hex64(r.final_state.rip);
  });
  add_row("flags", [&](const ExecResult& r, const Outcome&) {
    return absl::StrCat(FlagText(r.final_state.rflags & kRflagsControllable), " (",
                        Hex64(r.final_state.rflags), ")");
  });
  add_row("memory", [](const ExecResult& r, const Outcome&) { return MemoryText(r); });
  add_row("imprecise", [](const ExecResult& r, const Outcome&) {
    return r.imprecise == 0 ? std::string("-") : ImpreciseFieldNames(r.imprecise);
  });
  add_row("detail", [](const ExecResult& r, const Outcome&) {
    return r.detail.empty() ? std::string("-") : r.detail;
  });
  out << indent << "initial flags: " << FlagText(initial.rflags & kRflagsControllable) << " ("
      << Hex64(initial.rflags) << "); registers not shown are unchanged everywhere\n";
  table.Write(indent, style.color, out);

  if (run.exec.divergences.empty()) {
    out << indent << "   executors agree\n";
  } else {
    for (const Divergence& divergence : run.exec.divergences) {
      out << indent
          << Colored(
                 style, "1;31",
                 absl::StrCat("!! ", DivergenceKindName(divergence.kind), "  ",
                              absl::StrJoin(divergence.targets, " vs "), "  ", divergence.fields))
          << "\n";
      out << indent << "   signature " << divergence.signature.HexId() << "  "
          << Colored(style, "2", divergence.signature.text) << "\n";
    }
  }
  if (!run.exec.masked.empty()) {
    out << indent << "   masked (declared imprecise): " << absl::StrJoin(run.exec.masked, ", ")
        << "\n";
  }
}

absl::Status RunRunCommand(const RunOptions& options, std::ostream& out) {
  ASSIGN_OR_RETURN(std::vector<uint8_t> code, ParseInstructionBytes(options.hex));
  ASSIGN_OR_RETURN(std::vector<Mode> modes, ParseModeList(options.mode));
  ASSIGN_OR_RETURN(DecoderSet decoders, DecoderSet::Create(options.decoders, 1));
  std::vector<std::string> notes;
  ASSIGN_OR_RETURN(std::vector<std::unique_ptr<Executor>> executors,
                   MakeExecutors({options.executors, options.plugins}, &notes));
  if (executors.empty()) return absl::InvalidArgumentError("no executor selected");
  std::vector<Executor*> executor_views;
  for (const std::unique_ptr<Executor>& executor : executors) {
    executor_views.push_back(executor.get());
  }

  const ViewStyle style{options.color};
  for (const std::string& note : notes) out << "note: " << note << "\n";
  bool first = true;
  for (Mode mode : modes) {
    TestCase test_case{mode, code};
    ASSIGN_OR_RETURN(ExecRun run, RunExecution(decoders.views(), executor_views, test_case));
    if (!first) out << "\n";
    first = false;
    out << Colored(style, "1", CaseHeadline(test_case)) << "\n";
    std::vector<Outcome> decoded;
    for (const Outcome& outcome : run.outcomes) {
      if (!outcome.exec.has_value()) decoded.push_back(outcome);
    }
    WriteOutcomeTable(decoded, test_case.code, run.decode_divergences, kAllRows, style, "", out);
    WriteDivergences(run.decode_divergences, style, "", out);
    out << "\n";
    WriteExecutionView(run, style, "", out);
  }
  return absl::OkStatus();
}

}  // namespace x86diff::cli

// x86diff: the command line. Flags are parsed here and turned into the options structs of the
// library commands (tools/x86diff/<command>.h); subcommands come from one table that also drives
// the help text.
#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/time/time.h"
#include "absl/flags/parse.h"
#include "absl/flags/reflection.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "adapters/executor_registry.h"
#include "adapters/registry.h"
#include "harness/mode.h"
#include "tools/x86diff/campaign.h"
#include "tools/x86diff/compare.h"
#include "tools/x86diff/decode.h"
#include "tools/x86diff/exit_code.h"
#include "tools/x86diff/export.h"
#include "tools/x86diff/minimize_command.h"
#include "tools/x86diff/modes.h"
#include "tools/x86diff/record.h"
#include "tools/x86diff/replay.h"
#include "tools/x86diff/run.h"
#include "tools/x86diff/report.h"
#include "tools/x86diff/summary.h"
#include "tools/x86diff/triage.h"

ABSL_FLAG(std::string, mode, "long64",
          "decode, run: the mode to decode in: real16, prot16, prot32, compat32, long64, or all "
          "(each of the five in turn)");
ABSL_FLAG(std::vector<std::string>, decoders, {},
          "decode, replay, run, record, minimize, export: comma-separated decoders to run (default: every available one)");
ABSL_FLAG(bool, fail_on_divergence, false,
          "replay: exit with status 1 when any case diverges (regression corpora in CI)");
ABSL_FLAG(bool, json, false,
          "replay: write JSON Lines (one object per divergent case, then a summary object); "
          "triage: write the triage as one JSON object (format in tools/x86diff/triage.h)");
ABSL_FLAG(bool, keep_going, false,
          "replay, summary, compare, triage, report: report unreadable files but do not fail because of them");
ABSL_FLAG(int, max_examples, 0,
          "summary, report, campaign: show an example for at most this many buckets, most hits "
          "first (0: every bucket); campaign minimizes those examples");
ABSL_FLAG(int, max_rows, 0,
          "summary: show at most this many rows in the patterns and bucket tables (0: all); "
          "triage: at most this many buckets per table (0: all); campaign: rows of the closing "
          "triage (default 30)");
ABSL_FLAG(std::vector<std::string>, executors, {},
          "run, replay --exec, minimize --exec: comma-separated executors to run: native, unicorn, kvm (default: every one this "
          "machine has; kvm is skipped with a note when /dev/kvm is unusable). record: default "
          "unicorn only (deterministic); native and kvm depend on the host CPU and are recorded "
          "only when named; none: decoders only");
ABSL_FLAG(bool, exec, false,
          "replay: also execute each case with the executors and show execution divergences; "
          "minimize: run the executors too (automatic when the finding records an execution "
          "divergence)");
ABSL_FLAG(std::vector<std::string>, plugin, {},
          "run, replay --exec, minimize --exec: comma-separated paths of executor plugins (.so) to run as well");
ABSL_FLAG(std::string, out, "",
          "campaign: the campaign directory (default out/campaign); minimize, export, record, report: "
          "where to write (see each command's help)");
ABSL_FLAG(absl::Duration, duration, absl::Hours(1),
          "campaign: fuzzing time over all runs of the campaign, e.g. 60s, 30m, 8h (a resumed "
          "campaign runs what is left; 0 only re-triages)");
ABSL_FLAG(std::vector<std::string>, targets, std::vector<std::string>({"decoder_diff", "exec_diff"}),
          "campaign: comma-separated fuzz targets: decoder_diff (decoders only, fast), exec_diff "
          "(decoders and executors)");
ABSL_FLAG(std::string, modes, "all",
          "campaign: comma-separated modes to fuzz (real16, prot16, prot32, compat32, long64) or "
          "all");
ABSL_FLAG(int, jobs, 0, "campaign: parallel fuzzing jobs over all targets (0: one per CPU)");
ABSL_FLAG(std::string, fuzzer_dir, "",
          "campaign: directory of the fuzz target binaries (default: the fuzz/ directory of the "
          "build this x86diff belongs to)");
ABSL_FLAG(std::string, seeds, "",
          "campaign: seed corpus directory (default: the source tree's corpora/seed)");
ABSL_FLAG(std::string, dict, "",
          "campaign: libFuzzer dictionary (default: the source tree's fuzz/decoder_diff.dict)");
ABSL_FLAG(std::string, waivers, "",
          "campaign, triage, report: waivers file (reviewed known buckets to hide; see 'x86diff "
          "help triage')");
ABSL_FLAG(bool, check, false,
          "replay: check a regression corpus: re-run every expectation file (x86diff record) and "
          "fail with a diff per case and target when an outcome changed");
ABSL_FLAG(bool, minimize, true, "campaign: minimize each bucket's example at the end");
ABSL_FLAG(bool, show_waived, false,
          "triage: list the waived buckets with their waivers' reasons (default: only their "
          "count)");
ABSL_FLAG(std::string, markdown, "",
          "report: write the Markdown report to this file (instead of --out=DIR/report.md)");
ABSL_FLAG(std::string, html, "",
          "report: write the HTML report to this file (instead of --out=DIR/report.html)");
ABSL_FLAG(std::string, signature, "",
          "minimize, export: the divergence signature to keep or report, as the 16 hex digits "
          "replay prints (default: the one the file is named after, else the finding's first "
          "recorded divergence that still shows, else the first one shown)");
ABSL_FLAG(int, max_attempts, 2000,
          "minimize: at most this many re-runs of candidate cases (the input's check included)");
ABSL_FLAG(std::string, format, "",
          "export: the upstream test format: llvm-mc, capstone or zydis");
ABSL_FLAG(std::string, expect_from, "",
          "export: the decoder whose answer the exported test expects (default: the other side "
          "of the divergence from the format's own library)");
ABSL_FLAG(std::string, color, "auto",
          "ANSI colour in results: auto (when stdout is a terminal), always, never");

namespace x86diff::cli {
namespace {

using Args = std::vector<std::string>;

struct Command {
  const char* name;
  const char* synopsis;  // arguments, as in "x86diff <name> <synopsis>"
  const char* summary;   // one line for the command list
  const char* details;   // paragraph for "x86diff help <name>"
  const char* flags;     // comma-separated names of the flags the command reads
  int (*run)(const Args& args);
};

int RunDecode(const Args& args);
int RunReplay(const Args& args);
int RunRun(const Args& args);
int RunModes(const Args& args);
int RunSummary(const Args& args);
int RunTriage(const Args& args);
int RunReport(const Args& args);
int RunCampaign(const Args& args);
int RunRecord(const Args& args);
int RunCompare(const Args& args);
int RunMinimize(const Args& args);
int RunExport(const Args& args);
int RunHelp(const Args& args);

constexpr Command kCommands[] = {
    {"decode", "<hex bytes...>",
     "show every decoder's view of one instruction side by side, and their divergences",
     "Decodes the bytes (\"48 01 d8\", \"4801d8\" or \"\\x48\\x01\\xd8\"; several arguments are "
     "joined) in one mode or, with --mode=all, in each of the five, and prints per decoder: "
     "validity, length, consumed bytes, mnemonic and operands, failure reason, prefixes and flag "
     "metadata where the library has it. Rows that a divergence is about are marked \"!!\"; each "
     "divergence is printed with its kind, differing fields and signature.",
     "mode,decoders,color", &RunDecode},
    {"run", "<hex bytes...>",
     "show what every decoder and every executor does with one instruction, side by side",
     "Decodes the bytes like 'decode', cuts them to the first instruction (Zydis' length when "
     "it is valid) and executes that with every selected executor (native CPU in long64, "
     "Unicorn, KVM, plugins) from the default initial state; prints per executor the status, "
     "fault vector, error code and fault address, length, the registers that changed, RIP, "
     "flags, memory changes and declared imprecise fields, then the execution divergences with "
     "their signatures and the comparisons masked by declared imprecision.",
     "mode,decoders,executors,plugin,color", &RunRun},
    {"modes", "<hex bytes...>",
     "show every target's answer for the same bytes in all five modes, and where modes disagree",
     "Runs the bytes like 'run' in real16, prot16, prot32, compat32 and long64 and prints one "
     "table: a row per decoder and executor, a column per mode (decoders: mnemonic and length or "
     "the failure reason; executors: status or fault vector with error code, and length; \"-\" "
     "where an executor does not run that mode), the number of divergences between targets per "
     "mode, and for every target whose answer depends on the mode, which modes give which answer.",
     "decoders,executors,plugin,color", &RunModes},
    {"replay", "<files or directories...>",
     "run test case and finding files through the decoders and show every divergent case",
     "Loads every file (binary test case, test case JSON or finding JSON; directories are walked "
     "recursively, documentation and hidden files in them skipped and named), decodes, "
     "compares, and prints each divergent case (path, mode, bytes, decoders side by side, "
     "signature) and a closing summary line. Unreadable files are named on stderr with the "
     "reason and make the exit status 1 unless --keep_going. With --check the paths are a "
     "regression corpus (x86diff record): every case is re-run with the targets it was recorded "
     "with and each changed outcome is shown per target and field (\"zydis: length 3 -> 4\"); "
     "targets not available here are skipped; the exit status is 1 when anything changed.",
     "decoders,fail_on_divergence,json,keep_going,exec,executors,plugin,color,check", &RunReplay},
    {"record", "<test case / finding files or directories...> --out=DIR",
     "record every target's outcome per case as expectation files of a regression corpus",
     "Runs each case (binary test case, test case JSON, finding, or an expectation file to "
     "re-record a corpus) through the decoders and executors like 'replay --exec' and writes "
     "<mode>-<content hash>.json into --out: the test case, every target's outcome (decode "
     "result, exec result), the divergences and the library versions. Re-recording an unchanged "
     "case leaves its file byte-identical; an updated file is listed with what changed. Default "
     "targets: every decoder and the deterministic executors (unicorn). The native and kvm "
     "executors answer for this machine's CPU, so they are recorded only when named "
     "(--executors=unicorn,native); 'replay --check' skips them on another CPU model. "
     "--executors=none records the decoders alone. Check a corpus with "
     "'x86diff replay --check DIR'.",
     "out,decoders,executors", &RunRecord},
    {"compare", "<old result set> <new result set>",
     "tell which divergence buckets a change fixed, introduced or left, with one example each",
     "A result set is a findings directory, a directory of expectation files (x86diff record) or "
     "a JSON Lines file of 'x86diff replay --json' (also mixed; kinds are detected by content). "
     "Prints the buckets (divergence signatures) only in the old set (fixed), only in the new "
     "one (introduced) and in both (remaining), each with its case counts and an example case, "
     "then a summary line. Typical use after a dependency upgrade: 'x86diff replay --json DIR > "
     "new.jsonl' and 'x86diff compare corpora/regression new.jsonl'.",
     "keep_going", &RunCompare},
    {"summary", "<findings directory>",
     "group a campaign's findings by signature into buckets and show one example each",
     "Reads the finding files (*.json) of a findings directory, groups them by divergence "
     "signature, and prints the disagreement patterns (buckets with the same kind and fields), "
     "an overview of the buckets (most findings first), one example per "
     "bucket with the decoders' recorded views side by side, and totals per divergence kind and "
     "per mode. Nothing is decoded again.",
     "max_examples,max_rows,keep_going,color", &RunSummary},
    {"triage", "<campaign directory or findings directory>",
     "rank a campaign's buckets by hits, with first/last seen, targets, examples and waivers",
     "Groups the findings (<dir>/findings/*.json, or the *.json files of a plain findings "
     "directory) into buckets by divergence signature and counts each bucket's hits from the "
     "campaign's hit statistics (<dir>/stats/hits-*.json, summed over the fuzzing processes; "
     "\"hits: n/a\" and the number of findings where none cover a bucket). Prints per bucket, "
     "most hits first: hits, findings, first and last seen (UTC), kind, mode, targets, opcode "
     "class, fields, fuzz targets, signature id and example file (the minimized one from "
     "<dir>/minimized/ when present). --waivers=FILE sets reviewed buckets apart: one waiver per "
     "line, '<signature id or glob over kind|targets|mode|opcode class|fields> <expiry "
     "YYYY-MM-DD> <reason...>', separated by blanks, '#' comments; '*' and '?' match within one "
     "'|' part. Waived buckets are counted (listed with --show_waived); waivers matching no "
     "bucket are noted as stale. An expired waiver or a malformed line is an error naming the "
     "file and line (exit status 2). Unreadable finding or statistics files are named on stderr "
     "and give exit status 1 unless --keep_going. --json writes a machine-readable result.",
     "waivers,json,show_waived,max_rows,keep_going,color", &RunTriage},
    {"report", "<campaign directory or findings directory>",
     "write a Markdown and a self-contained HTML report of a campaign's buckets",
     "Computes the triage (see 'x86diff help triage') and writes report.md and report.html "
     "into --out=DIR (default: the campaign directory; a plain findings directory needs --out), or to "
     "the files named by --markdown and --html. The report has the totals, the bucket table, "
     "per bucket one example (the minimized one when present, else the shortest finding) with "
     "every target's recorded outcome side by side and its divergences, statistics per target, "
     "target pair, mode and kind, and the waived buckets with their reasons. Files are written "
     "atomically; the HTML has inline CSS and no external resources.",
     "out,markdown,html,waivers,max_examples,keep_going", &RunReport},
    {"campaign", "[--duration=1h] [--targets=...] [--modes=...] [--out=DIR]",
     "run an overnight fuzzing campaign (resumable) that ends with triage and a report",
     "Runs the fuzz targets with libFuzzer's fork mode on all CPUs (--jobs), keeping corpus, "
     "findings, hit counts, crashes and logs in one directory (--out, default out/campaign), "
     "with a live progress line: elapsed, executions and executions per second, corpus size, "
     "buckets (new this run) and crashes. Ctrl-C or kill stops it with its progress saved; "
     "running the same command again resumes with the time left (--duration counts all runs; "
     "raise it to extend a campaign; --duration=0 only redoes the end). At the end every bucket's "
     "example is minimized into minimized/, the triage is printed and report.md and report.html "
     "are written. Needs the fuzz target binaries: build the fuzz preset and run its x86diff "
     "(build/fuzz/tools/x86diff/x86diff), or name them with --fuzzer_dir.",
     "out,duration,targets,modes,jobs,fuzzer_dir,seeds,dict,waivers,minimize,max_examples,max_rows,"
     "color",
     &RunCampaign},
    {"minimize", "<finding or test case file>",
     "shrink a reproducer while it keeps its divergence signature; write the minimized finding",
     "Loads the case (finding JSON, test case JSON or binary), runs it again with the decoders "
     "(and the executors with --exec, or when the finding records an execution divergence), "
     "picks the signature to keep (--signature, else the id the file is named after, else the "
     "finding's first recorded divergence that still shows, else the first one shown) and "
     "shrinks the case while that signature still shows: resets registers and flags to the "
     "defaults, drops scratch patches and cuts them, cuts the code after the instruction, "
     "deletes single bytes (prefixes) and lowers byte values, repeated until nothing changes or "
     "--max_attempts re-runs are used. Deterministic. Prints the kept signature, before and "
     "after (mode, bytes, state and scratch differences from the defaults), the attempts made, "
     "the decoders' view of the result and its divergences, and writes the minimized finding "
     "(recomputed outcomes and divergences, the kept one first) atomically to --out (default: "
     "<input without .json>.min.json next to the input). A signature that does not show when "
     "the case is re-run is an error naming what the case shows now (exit status 1).",
     "signature,out,max_attempts,decoders,exec,executors,plugin,color", &RunMinimize},
    {"export", "--format=llvm-mc|capstone|zydis <finding or test case file>",
     "write a decoder disagreement as a test in LLVM MC's, Capstone's or Zydis' format",
     "Decodes the case again, picks the decoder divergence (like minimize; --signature) and "
     "writes a test for the project whose answer is questioned: llvm-mc (a "
     "llvm/test/MC/Disassembler/X86 file: RUN line with the mode's triple, '# CHECK:' with the "
     "expected Intel-syntax instruction or 'warning: invalid instruction encoding', and the "
     "bytes), capstone (a suite/MC/X86 .s.cs file: '# CS_ARCH_X86, CS_MODE_64, None' and "
     "'0x..,0x.. = <asm>'; an expected rejection stays a comment) or zydis (a tests/cases .in "
     "line for ZydisInfo, the last line, with how to generate and check its .out). The "
     "expectation is the other decoder's answer (--expect_from to choose), overridden on "
     "validity by a hardware executor recorded in the finding; comments show every target's "
     "answer and say the expectation must be reviewed. Writes to stdout, or atomically to "
     "--out. Minimize first: the test holds the case's bytes.",
     "format,signature,expect_from,out,decoders", &RunExport},
    {"help", "[command]", "show this help, or a command's arguments and flags",
     "Without an argument: the list of commands. With one: that command's arguments and flags.", "",
     &RunHelp},
};

const Command* FindCommand(absl::string_view name) {
  for (const Command& command : kCommands) {
    if (name == command.name) return &command;
  }
  return nullptr;
}

// The usage message; absl's --help prints it after "x86diff: ".
std::string UsageText() {
  std::string text =
      "differential testing of x86 decoders, emulators and the CPU.\n\n"
      "Usage: x86diff <command> [arguments] [--flags]\n\nCommands:\n";
  for (const Command& command : kCommands) {
    absl::StrAppend(&text, "  ", command.name, " ", command.synopsis, "\n      ", command.summary,
                    "\n");
  }
  absl::StrAppend(&text, "\nDecoders in this build: ", absl::StrJoin(AvailableDecoderNames(), ", "),
                  "\nExecutors in this build: ", absl::StrJoin(AvailableExecutorNames(), ", "),
                  " (kvm needs /dev/kvm; plugins with --plugin=path.so)",
                  "\n\nExit status: 0 ok; 1 divergences under --fail_on_divergence, unreadable\n"
                  "inputs or a decoder failure; 2 usage errors (unknown command, bad hex,\n"
                  "unknown mode, missing path).\n\n"
                  "'x86diff help <command>' (or 'x86diff <command> --help') shows a command's flags.");
  return text;
}

// Fills words into lines of at most `width` columns, each starting with `indent`.
std::string Wrap(absl::string_view text, absl::string_view indent, size_t width = 78) {
  std::string wrapped;
  size_t column = 0;
  for (absl::string_view word : absl::StrSplit(text, ' ', absl::SkipEmpty())) {
    if (column > 0 && column + 1 + word.size() > width) {
      wrapped += "\n";
      column = 0;
    }
    if (column == 0) {
      absl::StrAppend(&wrapped, indent, word);
      column = indent.size() + word.size();
    } else {
      absl::StrAppend(&wrapped, " ", word);
      column += 1 + word.size();
    }
  }
  return wrapped + "\n";
}

std::string CommandHelp(const Command& command) {
  std::string text = absl::StrCat("Usage: x86diff ", command.name, " ", command.synopsis, "\n\n",
                                  Wrap(command.details, ""));
  std::vector<absl::string_view> flags = absl::StrSplit(command.flags, ',', absl::SkipEmpty());
  if (!flags.empty()) absl::StrAppend(&text, "\nFlags:\n");
  for (absl::string_view name : flags) {
    const absl::CommandLineFlag* flag = absl::FindCommandLineFlag(name);
    if (flag == nullptr) continue;
    const std::string default_value = flag->DefaultValue();
    absl::StrAppend(&text, "  --", flag->Name(),
                    " (default: ", default_value.empty() ? "\"\"" : default_value, ")\n",
                    Wrap(flag->Help(), "      "));
  }
  return text;
}

bool UseColor() {
  const std::string color = absl::GetFlag(FLAGS_color);
  if (color == "always") return true;
  if (color == "never") return false;
  const char* term = std::getenv("TERM");
  return isatty(STDOUT_FILENO) && std::getenv("NO_COLOR") == nullptr &&
         !(term != nullptr && absl::string_view(term) == "dumb");
}

int Report(const absl::Status& status) {
  if (!status.ok()) std::cerr << "x86diff: " << status.message() << "\n";
  return ExitCodeForStatus(status);
}

int RunDecode(const Args& args) {
  DecodeOptions options;
  options.hex = absl::StrJoin(args, " ");
  options.mode = absl::GetFlag(FLAGS_mode);
  options.decoders = absl::GetFlag(FLAGS_decoders);
  options.color = UseColor();
  return Report(RunDecodeCommand(options, std::cout));
}

int RunReplay(const Args& args) {
  ReplayOptions options;
  options.paths = args;
  options.decoders = absl::GetFlag(FLAGS_decoders);
  options.fail_on_divergence = absl::GetFlag(FLAGS_fail_on_divergence);
  options.json = absl::GetFlag(FLAGS_json);
  options.keep_going = absl::GetFlag(FLAGS_keep_going);
  options.exec = absl::GetFlag(FLAGS_exec);
  options.executors = absl::GetFlag(FLAGS_executors);
  options.plugins = absl::GetFlag(FLAGS_plugin);
  options.check = absl::GetFlag(FLAGS_check);
  options.color = UseColor() && !options.json;
  return Report(RunReplayCommand(options, std::cout, std::cerr));
}

int RunRun(const Args& args) {
  RunOptions options;
  options.hex = absl::StrJoin(args, " ");
  options.mode = absl::GetFlag(FLAGS_mode);
  options.decoders = absl::GetFlag(FLAGS_decoders);
  options.executors = absl::GetFlag(FLAGS_executors);
  options.plugins = absl::GetFlag(FLAGS_plugin);
  options.color = UseColor();
  return Report(RunRunCommand(options, std::cout));
}

int RunModes(const Args& args) {
  ModesOptions options;
  options.hex = absl::StrJoin(args, " ");
  options.decoders = absl::GetFlag(FLAGS_decoders);
  options.executors = absl::GetFlag(FLAGS_executors);
  options.plugins = absl::GetFlag(FLAGS_plugin);
  options.color = UseColor();
  return Report(RunModesCommand(options, std::cout));
}

int RunSummary(const Args& args) {
  if (args.size() != 1) {
    return Report(absl::InvalidArgumentError(
        absl::StrCat("summary takes exactly one findings directory, got ", args.size())));
  }
  SummaryOptions options;
  options.findings_dir = args[0];
  options.max_examples = absl::GetFlag(FLAGS_max_examples);
  options.max_rows = absl::GetFlag(FLAGS_max_rows);
  options.keep_going = absl::GetFlag(FLAGS_keep_going);
  options.color = UseColor();
  return Report(RunSummaryCommand(options, std::cout, std::cerr));
}

int RunTriage(const Args& args) {
  if (args.size() != 1) {
    return Report(absl::InvalidArgumentError(absl::StrCat(
        "triage takes exactly one campaign or findings directory, got ", args.size())));
  }
  TriageOptions options;
  options.input = args[0];
  options.waivers_file = absl::GetFlag(FLAGS_waivers);
  options.json = absl::GetFlag(FLAGS_json);
  options.show_waived = absl::GetFlag(FLAGS_show_waived);
  options.max_rows = absl::GetFlag(FLAGS_max_rows);
  options.keep_going = absl::GetFlag(FLAGS_keep_going);
  options.color = UseColor() && !options.json;
  return Report(RunTriageCommand(options, std::cout, std::cerr));
}

int RunReport(const Args& args) {
  if (args.size() != 1) {
    return Report(absl::InvalidArgumentError(absl::StrCat(
        "report takes exactly one campaign or findings directory, got ", args.size())));
  }
  ReportOptions options;
  options.input = args[0];
  options.waivers_file = absl::GetFlag(FLAGS_waivers);
  options.out_dir = absl::GetFlag(FLAGS_out);
  options.markdown_file = absl::GetFlag(FLAGS_markdown);
  options.html_file = absl::GetFlag(FLAGS_html);
  options.max_examples = absl::GetFlag(FLAGS_max_examples);
  options.keep_going = absl::GetFlag(FLAGS_keep_going);
  return Report(RunReportCommand(options, std::cout, std::cerr));
}

int RunCampaign(const Args& args) {
  if (!args.empty()) {
    return Report(absl::InvalidArgumentError(absl::StrCat(
        "campaign takes no arguments (got '", args[0], "'); name the directory with --out")));
  }
  CampaignOptions options;
  if (!absl::GetFlag(FLAGS_out).empty()) options.out_dir = absl::GetFlag(FLAGS_out);
  options.duration = absl::GetFlag(FLAGS_duration);
  options.targets = absl::GetFlag(FLAGS_targets);
  for (absl::string_view name : absl::StrSplit(absl::GetFlag(FLAGS_modes), ',', absl::SkipEmpty())) {
    if (name == "all") {
      options.modes.clear();
      break;
    }
    absl::StatusOr<Mode> mode = ParseMode(name);
    if (!mode.ok()) return Report(mode.status());
    options.modes.push_back(*mode);
  }
  options.jobs = absl::GetFlag(FLAGS_jobs);
  options.fuzzer_dir = absl::GetFlag(FLAGS_fuzzer_dir);
  options.seed_dir = absl::GetFlag(FLAGS_seeds);
  options.dictionary = absl::GetFlag(FLAGS_dict);
  options.waivers = absl::GetFlag(FLAGS_waivers);
  options.minimize = absl::GetFlag(FLAGS_minimize);
  options.max_examples = absl::GetFlag(FLAGS_max_examples);
  if (absl::GetFlag(FLAGS_max_rows) > 0) options.max_rows = absl::GetFlag(FLAGS_max_rows);
  options.progress_in_place = isatty(STDERR_FILENO);
  if (options.progress_in_place) options.progress_interval = absl::Seconds(1);
  options.color = UseColor();
  return Report(RunCampaignCommand(options, std::cout, std::cerr));
}

int RunRecord(const Args& args) {
  RecordOptions options;
  options.paths = args;
  options.out_dir = absl::GetFlag(FLAGS_out);
  options.decoders = absl::GetFlag(FLAGS_decoders);
  options.executors = absl::GetFlag(FLAGS_executors);
  return Report(RunRecordCommand(options, std::cout, std::cerr));
}

int RunCompare(const Args& args) {
  if (args.size() != 2) {
    return Report(absl::InvalidArgumentError(
        absl::StrCat("compare takes two result sets, <old> <new>; got ", args.size())));
  }
  CompareOptions options;
  options.old_path = args[0];
  options.new_path = args[1];
  options.keep_going = absl::GetFlag(FLAGS_keep_going);
  return Report(RunCompareCommand(options, std::cout, std::cerr));
}

int RunMinimize(const Args& args) {
  if (args.size() != 1) {
    return Report(absl::InvalidArgumentError(
        absl::StrCat("minimize takes exactly one finding or test case file, got ", args.size())));
  }
  MinimizeCommandOptions options;
  options.path = args[0];
  options.signature = absl::GetFlag(FLAGS_signature);
  options.out = absl::GetFlag(FLAGS_out);
  options.max_attempts = absl::GetFlag(FLAGS_max_attempts);
  options.decoders = absl::GetFlag(FLAGS_decoders);
  options.exec = absl::GetFlag(FLAGS_exec);
  options.executors = absl::GetFlag(FLAGS_executors);
  options.plugins = absl::GetFlag(FLAGS_plugin);
  options.color = UseColor();
  return Report(RunMinimizeCommand(options, std::cout, std::cerr));
}

int RunExport(const Args& args) {
  if (args.size() != 1) {
    return Report(absl::InvalidArgumentError(
        absl::StrCat("export takes exactly one finding or test case file, got ", args.size())));
  }
  ExportOptions options;
  options.path = args[0];
  options.format = absl::GetFlag(FLAGS_format);
  options.signature = absl::GetFlag(FLAGS_signature);
  options.expect_from = absl::GetFlag(FLAGS_expect_from);
  options.out_path = absl::GetFlag(FLAGS_out);
  options.decoders = absl::GetFlag(FLAGS_decoders);
  return Report(RunExportCommand(options, std::cout));
}

int RunHelp(const Args& args) {
  if (args.empty()) {
    std::cout << "x86diff: " << UsageText() << "\n";
    return kExitOk;
  }
  const Command* command = FindCommand(args[0]);
  if (command == nullptr) {
    std::cerr << "x86diff: unknown command \"" << args[0] << "\"; try 'x86diff help'\n";
    return kExitUsage;
  }
  std::cout << CommandHelp(*command);
  return kExitOk;
}

// --help shows the flags of this file (absl's default would look for x86diff.cc).
bool IsMainFile(absl::string_view filename) { return absl::EndsWith(filename, "x86diff_main.cc"); }

}  // namespace
}  // namespace x86diff::cli

int main(int argc, char** argv) {
  using x86diff::cli::kExitUsage;
  absl::FlagsUsageConfig config;
  config.contains_help_flags = &x86diff::cli::IsMainFile;
  config.contains_helpshort_flags = &x86diff::cli::IsMainFile;
  absl::SetFlagsUsageConfig(config);
  absl::SetProgramUsageMessage(x86diff::cli::UsageText());
  // `x86diff [command] --help` / `-h` is a request, not a usage error: answer it like
  // `x86diff help [command]` with status 0 (Debian's abseil would exit 1 after its flag dump).
  for (int i = 1; i < argc; ++i) {
    const absl::string_view arg = argv[i];
    if (arg == "--help" || arg == "-h") {
      x86diff::cli::Args command;
      if (i > 1 && argv[1][0] != '-') command.push_back(argv[1]);
      return x86diff::cli::RunHelp(command);
    }
  }
  std::vector<char*> positional = absl::ParseCommandLine(argc, argv);
  if (positional.size() < 2) {
    std::cerr << "x86diff: " << x86diff::cli::UsageText() << "\n";
    return kExitUsage;
  }
  const std::string color = absl::GetFlag(FLAGS_color);
  if (color != "auto" && color != "always" && color != "never") {
    std::cerr << "x86diff: --color=" << color << ": use auto, always or never\n";
    return kExitUsage;
  }
  const x86diff::cli::Command* command = x86diff::cli::FindCommand(positional[1]);
  if (command == nullptr) {
    std::cerr << "x86diff: unknown command \"" << positional[1] << "\"; try 'x86diff help'\n";
    return kExitUsage;
  }
  return command->run(x86diff::cli::Args(positional.begin() + 2, positional.end()));
}

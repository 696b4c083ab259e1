// x86diff: the command line. Flags are parsed here and turned into the options structs of the
// library commands (tools/x86diff/<command>.h); subcommands come from one table that also drives
// the help text.
#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
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
#include "tools/x86diff/decode.h"
#include "tools/x86diff/exit_code.h"
#include "tools/x86diff/modes.h"
#include "tools/x86diff/replay.h"
#include "tools/x86diff/run.h"
#include "tools/x86diff/summary.h"

ABSL_FLAG(std::string, mode, "long64",
          "decode, run: the mode to decode in: real16, prot16, prot32, compat32, long64, or all "
          "(each of the five in turn)");
ABSL_FLAG(std::vector<std::string>, decoders, {},
          "decode, replay, run: comma-separated decoders to run (default: every available one)");
ABSL_FLAG(bool, fail_on_divergence, false,
          "replay: exit with status 1 when any case diverges (regression corpora in CI)");
ABSL_FLAG(bool, json, false,
          "replay: write JSON Lines (one object per divergent case, then a summary object)");
ABSL_FLAG(bool, keep_going, false,
          "replay, summary: report unreadable files but do not fail because of them");
ABSL_FLAG(int, max_examples, 0,
          "summary: show an example for at most this many buckets (0: every bucket)");
ABSL_FLAG(int, max_rows, 0,
          "summary: show at most this many rows in the patterns and bucket tables (0: all)");
ABSL_FLAG(std::vector<std::string>, executors, {},
          "run, replay --exec: comma-separated executors to run: native, unicorn, kvm (default: every one this "
          "machine has; kvm is skipped with a note when /dev/kvm is unusable)");
ABSL_FLAG(bool, exec, false,
          "replay: also execute each case with the executors and show execution divergences");
ABSL_FLAG(std::vector<std::string>, plugin, {},
          "run, replay --exec: comma-separated paths of executor plugins (.so) to run as well");
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
     "reason and make the exit status 1 unless --keep_going.",
     "decoders,fail_on_divergence,json,keep_going,exec,executors,plugin,color", &RunReplay},
    {"summary", "<findings directory>",
     "group a campaign's findings by signature into buckets and show one example each",
     "Reads the finding files (*.json) of a findings directory, groups them by divergence "
     "signature, and prints the disagreement patterns (buckets with the same kind and fields), "
     "an overview of the buckets (most findings first), one example per "
     "bucket with the decoders' recorded views side by side, and totals per divergence kind and "
     "per mode. Nothing is decoded again.",
     "max_examples,max_rows,keep_going,color", &RunSummary},
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

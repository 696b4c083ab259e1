#include "tools/x86diff/campaign.h"

#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <system_error>
#include <thread>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "harness/status_macros.h"
#include "tools/x86diff/campaign_finish.h"
#include "tools/x86diff/campaign_state.h"
#include "tools/x86diff/fuzzer_process.h"
#include "tools/x86diff/libfuzzer_status.h"

namespace x86diff::cli {
namespace {

namespace fs = std::filesystem;

// Set by SIGINT/SIGTERM while fuzzers run.
volatile sig_atomic_t stop_requested = 0;
void RequestStop(int) { stop_requested = 1; }

// Installs the stop handler for the lifetime of the object and restores the previous ones.
class StopSignals {
 public:
  StopSignals() {
    stop_requested = 0;
    struct sigaction action = {};
    action.sa_handler = RequestStop;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, &old_int_);
    sigaction(SIGTERM, &action, &old_term_);
  }
  ~StopSignals() {
    sigaction(SIGINT, &old_int_, nullptr);
    sigaction(SIGTERM, &old_term_, nullptr);
  }

 private:
  struct sigaction old_int_ = {};
  struct sigaction old_term_ = {};
};

// Time a fuzzer gets beyond -max_total_time to wrap up before it is interrupted, and after the
// interrupt before it is killed.
constexpr absl::Duration kWrapUpTime = absl::Seconds(30);
constexpr absl::Duration kInterruptGrace = absl::Seconds(10);
constexpr absl::Duration kStateSaveInterval = absl::Seconds(5);

std::string SourcePath(absl::string_view relative) {
#ifdef X86DIFF_SOURCE_DIR
  return absl::StrCat(X86DIFF_SOURCE_DIR, "/", relative);
#else
  return std::string();
#endif
}

std::string DefaultFuzzerDir() {
  std::error_code error;
  const fs::path self = fs::read_symlink("/proc/self/exe", error);
  if (error) return "fuzz";
  // <build>/tools/x86diff/x86diff -> <build>/fuzz
  return (self.parent_path().parent_path().parent_path() / "fuzz").string();
}

size_t CountFiles(const fs::path& dir, absl::string_view suffix) {
  std::error_code error;
  size_t count = 0;
  for (fs::recursive_directory_iterator it(dir, error), end; !error && it != end;
       it.increment(error)) {
    const std::string name = it->path().filename().string();
    if (it->is_regular_file(error) && absl::EndsWith(name, suffix) && name[0] != '.') ++count;
  }
  return count;
}

std::string ClockTime(absl::Duration duration) {
  const int64_t seconds = absl::ToInt64Seconds(duration);
  return absl::StrFormat("%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60);
}

std::string FormatCount(int64_t count) {
  if (count >= 10'000'000) return absl::StrFormat("%.1fM", count / 1e6);
  if (count >= 10'000) return absl::StrFormat("%.1fk", count / 1e3);
  return absl::StrCat(count);
}

std::vector<std::string> ModeNames(const std::vector<Mode>& modes) {
  std::vector<std::string> names;
  for (Mode mode : modes.empty() ? std::vector<Mode>(kAllModes.begin(), kAllModes.end()) : modes) {
    names.emplace_back(ModeName(mode));
  }
  return names;
}

// The processes of process group `group` whose executable is one of `programs`: what a killed
// campaign's fuzzers may have left behind (libFuzzer -fork jobs outlive their parent).
void KillLeftoverFuzzers(pid_t group, const std::vector<std::string>& programs, std::ostream& err) {
  std::error_code error;
  int killed = 0;
  for (fs::directory_iterator it("/proc", error), end; !error && it != end; it.increment(error)) {
    pid_t pid = 0;
    if (!absl::SimpleAtoi(it->path().filename().string(), &pid)) continue;
    std::ifstream stat_file(it->path() / "stat");
    std::string stat((std::istreambuf_iterator<char>(stat_file)), std::istreambuf_iterator<char>());
    // "pid (comm) state ppid pgrp ...": comm may contain spaces, so parse after the last ')'.
    const size_t paren = stat.rfind(')');
    if (paren == std::string::npos) continue;
    std::vector<std::string> fields = absl::StrSplit(stat.substr(paren + 2), ' ');
    pid_t pgrp = 0;
    if (fields.size() < 3 || !absl::SimpleAtoi(fields[2], &pgrp) || pgrp != group) continue;
    std::error_code exe_error;
    const std::string exe = fs::read_symlink(it->path() / "exe", exe_error).string();
    if (exe_error || std::find(programs.begin(), programs.end(), exe) == programs.end()) continue;
    if (kill(pid, SIGKILL) == 0) ++killed;
  }
  if (killed > 0) {
    err << "campaign: stopped " << killed << " fuzzer process(es) left over from the last run\n";
  }
}

struct RunningTarget {
  std::string name;
  int jobs = 1;
  std::unique_ptr<FuzzerProcess> process;
  LibFuzzerStatus status;
  std::optional<int> wait_status;
};

class ProgressLine {
 public:
  ProgressLine(const CampaignOptions& options, std::ostream& err) : options_(options), err_(err) {}

  void Show(absl::Duration elapsed, absl::Duration total, const std::vector<RunningTarget>& targets,
            size_t buckets, size_t new_buckets, size_t crashes) {
    int64_t executions = 0, per_second = 0, corpus = 0;
    for (const RunningTarget& target : targets) {
      executions += target.status.executions;
      per_second += target.status.execs_per_second;
      corpus += target.status.corpus;
    }
    // libFuzzer -fork reports after its first job; until then it reads the corpus.
    const std::string fuzzing = executions == 0 ? "starting (reading the corpus)"
                                                : absl::StrCat("execs ", FormatCount(executions),
                                                               " (", FormatCount(per_second),
                                                               "/s)  corpus ", FormatCount(corpus));
    const std::string line =
        absl::StrCat("campaign ", ClockTime(elapsed), " / ", ClockTime(total), "  ", fuzzing,
                     "  buckets ", buckets, " (+", new_buckets, " new)  crashes ", crashes);
    if (options_.progress_in_place) {
      err_ << "\r" << line << "\033[K" << std::flush;
      shown_in_place_ = true;
    } else {
      err_ << line << "\n" << std::flush;
    }
  }

  // Ends an in-place line so that what follows starts on its own line.
  void Finish() {
    if (shown_in_place_) err_ << "\n";
    shown_in_place_ = false;
  }

 private:
  const CampaignOptions& options_;
  std::ostream& err_;
  bool shown_in_place_ = false;
};

struct Layout {
  fs::path out, corpus, findings, stats, crashes, logs, tmp, state;
  explicit Layout(const std::string& dir)
      : out(dir),
        corpus(out / "corpus"),
        findings(out / "findings"),
        stats(out / "stats"),
        crashes(out / "crashes"),
        logs(out / "logs"),
        tmp(out / "tmp"),
        state(out / "campaign.json") {}
};

absl::Status CreateDirectories(const Layout& layout, const std::vector<std::string>& targets) {
  std::vector<fs::path> dirs = {layout.findings, layout.stats, layout.logs, layout.tmp};
  for (const std::string& target : targets) {
    dirs.push_back(layout.corpus / target);
    dirs.push_back(layout.crashes / target);
  }
  for (const fs::path& dir : dirs) {
    std::error_code error;
    fs::create_directories(dir, error);
    if (error || !fs::is_directory(dir)) {
      return absl::FailedPreconditionError(absl::StrCat(
          "cannot create ", dir.string(), ": ", error ? error.message() : "not a directory"));
    }
  }
  return absl::OkStatus();
}

// Checks the flags against a campaign directory that was started before.
absl::Status CheckResumable(const CampaignState& state, const CampaignState& asked,
                            const std::string& out_dir) {
  if (state.targets != asked.targets || state.modes != asked.modes) {
    return absl::InvalidArgumentError(absl::StrCat(out_dir, " holds a campaign over targets ",
                                                   absl::StrJoin(state.targets, ","), " and modes ",
                                                   absl::StrJoin(state.modes, ","),
                                                   "; resume it with the same --targets and "
                                                   "--modes, or use another --out"));
  }
  return absl::OkStatus();
}

std::vector<std::string> FuzzerArguments(const CampaignOptions& options, const Layout& layout,
                                         const std::string& program, const RunningTarget& target,
                                         absl::Duration remaining) {
  std::vector<std::string> argv = {
      program,
      absl::StrCat("-fork=", target.jobs),
      "-ignore_crashes=1",
      "-ignore_timeouts=1",
      "-ignore_ooms=1",
      // Every input is one instruction: a second is far beyond anything legitimate.
      "-timeout=10",
      // ASan's quarantine and the corpus grow past libFuzzer's 2 GB default in long runs.
      "-rss_limit_mb=4096",
      absl::StrCat("-max_total_time=", std::max<int64_t>(1, absl::ToInt64Seconds(remaining))),
      absl::StrCat("-artifact_prefix=", (layout.crashes / target.name).string(), "/"),
  };
  const std::string dictionary =
      options.dictionary.empty() ? SourcePath("fuzz/decoder_diff.dict") : options.dictionary;
  std::error_code error;
  if (!dictionary.empty() && fs::exists(dictionary, error)) {
    argv.push_back(absl::StrCat("-dict=", dictionary));
  }
  // The first corpus directory is where libFuzzer adds new inputs.
  argv.push_back((layout.corpus / target.name).string());
  const std::string seeds =
      options.seed_dir.empty() ? SourcePath("corpora/seed") : options.seed_dir;
  if (!seeds.empty() && fs::is_directory(seeds, error)) argv.push_back(seeds);
  return argv;
}

}  // namespace

const std::vector<std::string>& CampaignTargetNames() {
  static const std::vector<std::string>* names =
      new std::vector<std::string>{"decoder_diff", "exec_diff"};
  return *names;
}

absl::Status RunCampaignCommand(const CampaignOptions& options, std::ostream& out,
                                std::ostream& err) {
  if (options.targets.empty()) return absl::InvalidArgumentError("no --targets given");
  if (options.duration < absl::ZeroDuration()) {
    return absl::InvalidArgumentError("--duration must not be negative");
  }
  const std::string fuzzer_dir =
      options.fuzzer_dir.empty() ? DefaultFuzzerDir() : options.fuzzer_dir;
  std::vector<std::string> programs;
  for (const std::string& target : options.targets) {
    const auto& known = CampaignTargetNames();
    if (std::find(known.begin(), known.end(), target) == known.end()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "unknown fuzz target '", target, "'; campaign targets: ", absl::StrJoin(known, ", ")));
    }
    std::error_code error;
    const fs::path program = fs::weakly_canonical(fs::path(fuzzer_dir) / target, error);
    if (error || access(program.c_str(), X_OK) != 0) {
      return absl::NotFoundError(absl::StrCat(
          "no fuzz target binary ", (fs::path(fuzzer_dir) / target).string(),
          "; build the fuzzing preset (cmake --preset fuzz && cmake --build --preset fuzz) and "
          "run its x86diff, or name the directory with --fuzzer_dir"));
    }
    programs.push_back(program.string());
  }

  const Layout layout(options.out_dir);
  CampaignState asked;
  asked.targets = options.targets;
  asked.modes = ModeNames(options.modes);
  asked.duration_seconds = absl::ToDoubleSeconds(options.duration);
  ASSIGN_OR_RETURN(std::optional<CampaignState> loaded, LoadCampaignState(layout.state.string()));
  CampaignState state = asked;
  if (loaded.has_value()) {
    RETURN_IF_ERROR(CheckResumable(*loaded, asked, options.out_dir));
    state.elapsed_seconds = loaded->elapsed_seconds;
    state.runs = loaded->runs;
    for (pid_t group : loaded->process_groups) KillLeftoverFuzzers(group, programs, err);
  }
  RETURN_IF_ERROR(CreateDirectories(layout, options.targets));
  {
    // Temporary files of an earlier run's libFuzzer jobs; nothing there is a result.
    std::error_code error;
    for (const auto& entry : fs::directory_iterator(layout.tmp, error)) {
      fs::remove_all(entry.path(), error);
    }
  }

  const absl::Duration done = absl::Seconds(state.elapsed_seconds);
  const absl::Duration remaining = options.duration - done;
  const size_t buckets_at_start = CountFiles(layout.findings, ".json");
  bool interrupted = false;
  if (remaining > absl::ZeroDuration()) {
    ++state.runs;
    const int cpus = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    const int jobs = options.jobs > 0 ? options.jobs : cpus;
    std::vector<RunningTarget> targets(options.targets.size());
    for (size_t i = 0; i < targets.size(); ++i) {
      targets[i].name = options.targets[i];
      // Jobs split as evenly as possible; every target gets at least one.
      targets[i].jobs = std::max<int>(
          1, jobs / static_cast<int>(targets.size()) +
                 (static_cast<int>(i) < jobs % static_cast<int>(targets.size()) ? 1 : 0));
    }
    err << "campaign: " << (loaded.has_value() ? "resuming" : "starting") << " in "
        << options.out_dir << ": " << absl::StrJoin(options.targets, ", ") << " over "
        << absl::StrJoin(state.modes, ",") << "; " << ClockTime(remaining) << " to go of "
        << ClockTime(options.duration) << "; " << jobs << " job(s); Ctrl-C stops, the same "
        << "command resumes\n";

    StopSignals stop_signals;
    const absl::Time started = absl::Now();
    for (size_t i = 0; i < targets.size(); ++i) {
      FuzzerProcess::Spec spec;
      spec.argv = FuzzerArguments(options, layout, programs[i], targets[i], remaining);
      spec.environment = {{"X86DIFF_FINDINGS_DIR", layout.findings.string()},
                          {"X86DIFF_STATS_DIR", layout.stats.string()},
                          {"X86DIFF_MODES", absl::StrJoin(state.modes, ",")},
                          {"TMPDIR", layout.tmp.string()}};
      spec.log_path = (layout.logs / (targets[i].name + ".log")).string();
      ASSIGN_OR_RETURN(targets[i].process, FuzzerProcess::Start(spec));
      state.process_groups.push_back(targets[i].process->pid());
    }
    RETURN_IF_ERROR(SaveCampaignState(layout.state.string(), state));

    ProgressLine progress(options, err);
    const absl::Time wrap_up_deadline = started + remaining + kWrapUpTime;
    std::optional<absl::Time> kill_deadline;
    absl::Time next_progress = started + std::min(options.progress_interval, absl::Seconds(5));
    absl::Time next_save = started + kStateSaveInterval;
    auto save_elapsed = [&](absl::Time now) {
      state.elapsed_seconds = absl::ToDoubleSeconds(done + std::min(now - started, remaining));
      return SaveCampaignState(layout.state.string(), state);
    };
    auto show_progress = [&](absl::Time now) {
      const size_t buckets = CountFiles(layout.findings, ".json");
      progress.Show(done + std::min(now - started, remaining), options.duration, targets, buckets,
                    buckets - std::min(buckets, buckets_at_start), CountFiles(layout.crashes, ""));
    };
    std::string failure;
    for (;;) {
      std::vector<pollfd> fds;
      for (RunningTarget& target : targets) {
        if (target.process->output_fd() >= 0) {
          fds.push_back({target.process->output_fd(), POLLIN, 0});
        }
      }
      if (!fds.empty()) poll(fds.data(), fds.size(), 250);
      bool all_done = true;
      for (RunningTarget& target : targets) {
        target.process->Drain([&](absl::string_view line) {
          if (auto status = ParseLibFuzzerStatusLine(line)) target.status = *status;
        });
        if (!target.wait_status.has_value()) target.wait_status = target.process->Poll();
        if (!target.wait_status.has_value() || target.process->output_fd() >= 0) all_done = false;
      }
      const absl::Time now = absl::Now();
      // A fuzzer that ends long before its time failed to run (bad flags, a broken build).
      for (RunningTarget& target : targets) {
        if (failure.empty() && !kill_deadline.has_value() && target.wait_status.has_value() &&
            now - started < remaining - absl::Seconds(2)) {
          failure =
              absl::StrCat(target.name, " ", DescribeWaitStatus(*target.wait_status), " after ",
                           ClockTime(now - started), "; last lines of its log:\n  ",
                           absl::StrJoin(target.process->tail(), "\n  "));
        }
      }
      if (all_done) break;
      if (!kill_deadline.has_value() &&
          (stop_requested || !failure.empty() || now > wrap_up_deadline)) {
        interrupted = stop_requested;
        for (RunningTarget& target : targets) target.process->Signal(SIGINT);
        kill_deadline = now + kInterruptGrace;
      }
      if (kill_deadline.has_value() && now > *kill_deadline) {
        for (RunningTarget& target : targets) target.process->Signal(SIGKILL);
      }
      if (now >= next_progress) {
        show_progress(now);
        next_progress = now + options.progress_interval;
      }
      if (now >= next_save) {
        RETURN_IF_ERROR(save_elapsed(now));
        next_save = now + kStateSaveInterval;
      }
    }
    const absl::Time ended = absl::Now();
    show_progress(ended);
    progress.Finish();
    state.process_groups.clear();
    // A run that was not interrupted did all its time (fuzzers stop a little early or late).
    RETURN_IF_ERROR(save_elapsed(interrupted || !failure.empty() ? ended : started + remaining));
    if (!failure.empty()) return absl::InternalError(failure);
  }

  const size_t buckets = CountFiles(layout.findings, ".json");
  if (interrupted) {
    err << "campaign: interrupted after " << ClockTime(absl::Seconds(state.elapsed_seconds))
        << " of " << ClockTime(options.duration) << "; " << buckets << " bucket(s) in "
        << layout.findings.string() << " (" << (buckets - std::min(buckets, buckets_at_start))
        << " new). Run the same command again to resume.\n";
    return absl::CancelledError("campaign interrupted; progress saved");
  }
  CampaignFinishOptions finish;
  finish.out_dir = options.out_dir;
  finish.waivers = options.waivers;
  finish.minimize = options.minimize;
  finish.max_examples = options.max_examples;
  finish.max_rows = options.max_rows;
  finish.color = options.color;
  return FinishCampaign(finish, out, err);
}

}  // namespace x86diff::cli

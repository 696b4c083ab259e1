// Tests of `x86diff campaign`: its parts (libFuzzer status lines, the state file, argument
// errors) and, when this build links the fuzz targets with libFuzzer, whole campaigns run as a
// user would: killed with SIGKILL, interrupted with SIGINT, resumed, finished.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "harness/atomic_file.h"
#include "harness/finding.h"
#include "tests/test_support/temp_dir.h"
#include "tools/x86diff/campaign.h"
#include "tools/x86diff/campaign_state.h"
#include "tools/x86diff/libfuzzer_status.h"

extern char** environ;

namespace x86diff::cli {
namespace {

namespace fs = std::filesystem;
using test_support::TempDir;
using ::testing::HasSubstr;

TEST(LibFuzzerStatusTest, ParsesForkModeLines) {
  auto status = ParseLibFuzzerStatusLine(
      "#181234: cov: 10222 ft: 16905 corp: 2345 exec/s 3012 oom/timeout/crash: 1/2/3 time: 60s "
      "job: 41 dft_time: 0");
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ(status->executions, 181234);
  EXPECT_EQ(status->coverage, 10222);
  EXPECT_EQ(status->features, 16905);
  EXPECT_EQ(status->corpus, 2345);
  EXPECT_EQ(status->execs_per_second, 3012);
  EXPECT_EQ(status->crashes, 6);
}

TEST(LibFuzzerStatusTest, ParsesSingleProcessLines) {
  auto status = ParseLibFuzzerStatusLine(
      "#65536\tpulse  cov: 3624 ft: 20360 corp: 1736/40Kb lim: 21 exec/s: 5700 rss: 80Mb");
  ASSERT_TRUE(status.has_value());
  EXPECT_EQ(status->executions, 65536);
  EXPECT_EQ(status->corpus, 1736);
  EXPECT_EQ(status->execs_per_second, 5700);
}

TEST(LibFuzzerStatusTest, IgnoresOtherLines) {
  for (const char* line : {"", "#", "INFO: Seed: 123", "#0\tREAD units: 1736", "#abc: cov: 1",
                           "==123== ERROR: libFuzzer: deadly signal"}) {
    EXPECT_FALSE(ParseLibFuzzerStatusLine(line).has_value()) << line;
  }
}

TEST(CampaignStateTest, RoundTrips) {
  TempDir dir;
  CampaignState state;
  state.targets = {"decoder_diff", "exec_diff"};
  state.modes = {"long64"};
  state.duration_seconds = 3600;
  state.elapsed_seconds = 12.5;
  state.runs = 2;
  state.process_groups = {4242};
  ASSERT_TRUE(SaveCampaignState(dir.File("campaign.json"), state).ok());
  auto loaded = LoadCampaignState(dir.File("campaign.json"));
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  ASSERT_TRUE(loaded->has_value());
  EXPECT_EQ((*loaded)->targets, state.targets);
  EXPECT_EQ((*loaded)->modes, state.modes);
  EXPECT_EQ((*loaded)->duration_seconds, 3600);
  EXPECT_EQ((*loaded)->elapsed_seconds, 12.5);
  EXPECT_EQ((*loaded)->runs, 2);
  EXPECT_EQ((*loaded)->process_groups, std::vector<pid_t>{4242});
}

TEST(CampaignStateTest, MissingFileIsANewCampaign) {
  TempDir dir;
  auto loaded = LoadCampaignState(dir.File("campaign.json"));
  ASSERT_TRUE(loaded.ok());
  EXPECT_FALSE(loaded->has_value());
}

TEST(CampaignStateTest, MalformedFilesAreDataLossNamingThePath) {
  TempDir dir;
  for (const char* text :
       {"", "{", "[]", R"({"format":"x86diff-campaign","version":2})",
        R"({"format":"other","version":1})",
        R"({"format":"x86diff-campaign","version":1,"targets":["a"],"modes":["long64"],)"
        R"("duration_seconds":-1,"elapsed_seconds":0,"runs":1})",
        R"({"format":"x86diff-campaign","version":1,"targets":[1],"modes":[],)"
        R"("duration_seconds":1,"elapsed_seconds":0,"runs":1})"}) {
    const std::string path = dir.Write("campaign.json", text);
    auto loaded = LoadCampaignState(path);
    ASSERT_FALSE(loaded.ok()) << text;
    EXPECT_EQ(loaded.status().code(), absl::StatusCode::kDataLoss) << text;
    EXPECT_THAT(loaded.status().message(), HasSubstr(path));
  }
}

TEST(CampaignCommandTest, UnknownTargetIsAnArgumentError) {
  TempDir dir;
  CampaignOptions options;
  options.out_dir = dir.File("out");
  options.targets = {"decoder_diff", "no_such_target"};
  std::ostringstream out, err;
  absl::Status status = RunCampaignCommand(options, out, err);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("no_such_target"));
}

TEST(CampaignCommandTest, MissingFuzzerBinaryNamesTheBuildToMake) {
  TempDir dir;
  CampaignOptions options;
  options.out_dir = dir.File("out");
  options.fuzzer_dir = dir.path();
  options.targets = {"decoder_diff"};
  std::ostringstream out, err;
  absl::Status status = RunCampaignCommand(options, out, err);
  EXPECT_EQ(status.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(status.message(), HasSubstr("--preset fuzz"));
  EXPECT_FALSE(fs::exists(dir.File("out/campaign.json")));
}

TEST(CampaignCommandTest, ResumingWithOtherTargetsOrModesIsRefused) {
  TempDir dir;
  // A fake target that is never run: the check comes first.
  dir.Write("decoder_diff", "#!/bin/sh\nexit 0\n");
  fs::permissions(dir.File("decoder_diff"), fs::perms::owner_all);
  CampaignState state;
  state.targets = {"decoder_diff"};
  state.modes = {"long64"};
  state.duration_seconds = 10;
  fs::create_directories(dir.File("out"));
  ASSERT_TRUE(SaveCampaignState(dir.File("out/campaign.json"), state).ok());
  CampaignOptions options;
  options.out_dir = dir.File("out");
  options.fuzzer_dir = dir.path();
  options.targets = {"decoder_diff"};  // modes: all five, not long64
  std::ostringstream out, err;
  absl::Status status = RunCampaignCommand(options, out, err);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("--modes"));
}

TEST(CampaignCommandTest, AFuzzerThatFailsToStartIsReportedWithItsLog) {
  TempDir dir;
  dir.Write("decoder_diff", "#!/bin/sh\necho 'decoder_diff: cannot create findings' >&2\nexit 1\n");
  fs::permissions(dir.File("decoder_diff"), fs::perms::owner_all);
  CampaignOptions options;
  options.out_dir = dir.File("out");
  options.fuzzer_dir = dir.path();
  options.targets = {"decoder_diff"};
  options.duration = absl::Seconds(30);
  std::ostringstream out, err;
  absl::Status status = RunCampaignCommand(options, out, err);
  EXPECT_EQ(status.code(), absl::StatusCode::kInternal);
  EXPECT_THAT(status.message(), HasSubstr("exited with status 1"));
  EXPECT_THAT(status.message(), HasSubstr("cannot create findings"));
}

#if defined(X86DIFF_TEST_X86DIFF) && defined(X86DIFF_TEST_FUZZER_DIR)

// The x86diff binary running a campaign, as a user starts it.
class CampaignProcess {
 public:
  explicit CampaignProcess(const std::string& out_dir, const std::string& log) {
    std::vector<std::string> args = {X86DIFF_TEST_X86DIFF,
                                     "campaign",
                                     "--out=" + out_dir,
                                     "--duration=14s",
                                     "--targets=decoder_diff",
                                     "--modes=long64",
                                     "--jobs=1",
                                     std::string("--fuzzer_dir=") + X86DIFF_TEST_FUZZER_DIR,
                                     "--minimize=false"};
    std::vector<char*> argv;
    for (std::string& arg : args) argv.push_back(arg.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    EXPECT_EQ(posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ), 0);
    posix_spawn_file_actions_destroy(&actions);
  }
  ~CampaignProcess() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      Wait();
    }
  }
  void Signal(int signal) { kill(pid_, signal); }
  // The wait status; -1 if it did not end within the timeout.
  int Wait(std::chrono::seconds timeout = std::chrono::seconds(120)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        return status;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return -1;
  }

 private:
  pid_t pid_ = -1;
};

std::map<std::string, std::string> ReadFindings(const std::string& dir) {
  std::map<std::string, std::string> findings;
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(dir, error)) {
    if (entry.path().extension() != ".json") continue;
    auto text = ReadFileToString(entry.path().string());
    if (text.ok()) findings[entry.path().filename().string()] = *text;
  }
  return findings;
}

bool WaitFor(const std::function<bool()>& condition, std::chrono::seconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return condition();
}

std::string ReadLog(const std::string& path) {
  auto text = ReadFileToString(path);
  return text.ok() ? *text : "";
}

// Killed with SIGKILL, then interrupted with SIGINT, then run to the end: every finding reported
// before each stop is still there, unchanged, and the campaign's time adds up over the runs.
TEST(CampaignEndToEndTest, SurvivesKillAndInterruptAndLosesNoFinding) {
  TempDir dir;
  const std::string out = dir.File("campaign");
  const std::string findings_dir = out + "/findings";
  const std::string log = dir.File("x86diff.log");

  std::map<std::string, std::string> before_kill;
  {
    CampaignProcess first(out, log);
    ASSERT_TRUE(
        WaitFor([&] { return ReadFindings(findings_dir).size() >= 3; }, std::chrono::seconds(60)))
        << ReadLog(log);
    before_kill = ReadFindings(findings_dir);
    first.Signal(SIGKILL);
    const int status = first.Wait();
    ASSERT_TRUE(WIFSIGNALED(status)) << status;
  }
  auto state = LoadCampaignState(out + "/campaign.json");
  ASSERT_TRUE(state.ok() && state->has_value()) << ReadLog(log);
  EXPECT_EQ((*state)->runs, 1);
  EXPECT_FALSE((*state)->process_groups.empty());

  {
    CampaignProcess second(out, log);
    std::this_thread::sleep_for(std::chrono::seconds(3));
    second.Signal(SIGINT);
    const int status = second.Wait();
    ASSERT_TRUE(WIFEXITED(status)) << status << "\n" << ReadLog(log);
    EXPECT_EQ(WEXITSTATUS(status), 1) << ReadLog(log);
  }
  EXPECT_THAT(ReadLog(log), HasSubstr("resuming"));
  EXPECT_THAT(ReadLog(log), HasSubstr("Run the same command again to resume"));
  state = LoadCampaignState(out + "/campaign.json");
  ASSERT_TRUE(state.ok() && state->has_value());
  EXPECT_EQ((*state)->runs, 2);
  EXPECT_TRUE((*state)->process_groups.empty());
  const double after_interrupt = (*state)->elapsed_seconds;
  EXPECT_GT(after_interrupt, 1.0);
  EXPECT_LT(after_interrupt, 14.0);

  {
    CampaignProcess third(out, log);
    const int status = third.Wait();
    ASSERT_TRUE(WIFEXITED(status)) << status << "\n" << ReadLog(log);
    EXPECT_EQ(WEXITSTATUS(status), 0) << ReadLog(log);
  }
  state = LoadCampaignState(out + "/campaign.json");
  ASSERT_TRUE(state.ok() && state->has_value());
  EXPECT_EQ((*state)->runs, 3);
  EXPECT_GE((*state)->elapsed_seconds, 14.0);

  const std::map<std::string, std::string> at_end = ReadFindings(findings_dir);
  for (const auto& [name, text] : before_kill) {
    auto it = at_end.find(name);
    ASSERT_NE(it, at_end.end()) << name << " lost";
    EXPECT_EQ(it->second, text) << name << " changed";
  }
  // Every finding is complete and in the one mode asked for.
  for (const auto& [name, text] : at_end) {
    auto finding = FindingFromJson(text);
    ASSERT_TRUE(finding.ok()) << name << ": " << finding.status();
    EXPECT_EQ(finding->test_case.mode, Mode::kLong64) << name;
  }
  // Hit counts were written by the fuzzer processes.
  bool has_hits = false;
  for (const auto& entry : fs::directory_iterator(out + "/stats")) {
    has_hits |= entry.path().filename().string().rfind("hits-decoder_diff-", 0) == 0;
  }
  EXPECT_TRUE(has_hits);
}

#endif  // X86DIFF_TEST_X86DIFF && X86DIFF_TEST_FUZZER_DIR

}  // namespace
}  // namespace x86diff::cli

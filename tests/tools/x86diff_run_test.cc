#include <unistd.h>

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "adapters/executor_registry.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "harness/atomic_file.h"
#include "harness/cpu_state.h"
#include "harness/memory_layout.h"
#include "harness/test_case_codec.h"
#include "tools/x86diff/replay.h"
#include "tools/x86diff/run.h"

namespace x86diff::cli {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

bool HaveExecutor(absl::string_view name) {
  std::vector<std::string> names = AvailableExecutorNames();
  return std::find(names.begin(), names.end(), name) != names.end();
}

// Executors that need no device.
std::vector<std::string> DeviceFreeExecutors() {
  std::vector<std::string> names;
  for (const std::string& name : AvailableExecutorNames()) {
    if (name != "kvm") names.push_back(name);
  }
  return names;
}

TEST(RunCommandTest, AddShowsEveryExecutorWithTheSum) {
  if (!HaveExecutor("unicorn")) GTEST_SKIP() << "built without Unicorn";
  RunOptions options;
  options.hex = "48 01 d8";
  options.executors = DeviceFreeExecutors();
  std::ostringstream out;
  const absl::Status status = RunRunCommand(options, out);
  ASSERT_TRUE(status.ok()) << status;
  const std::string text = out.str();
  EXPECT_THAT(text, HasSubstr("long64  48 01 d8"));
  EXPECT_THAT(text, HasSubstr("add rax, rbx"));
  EXPECT_THAT(text, HasSubstr("executed 48 01 d8 (3 bytes)"));
  for (const std::string& name : options.executors) EXPECT_THAT(text, HasSubstr(name));
  const CpuState initial = DefaultInitialState(Mode::kLong64);
  const uint64_t sum = initial[Gpr::kRax] + initial[Gpr::kRbx];
  // The rax row shows the sum once per executor.
  const std::string row_value = absl::StrCat("0x", absl::Hex(sum));
  size_t count = 0;
  for (size_t at = text.find(row_value); at != std::string::npos;
       at = text.find(row_value, at + 1)) {
    ++count;
  }
  EXPECT_EQ(count, options.executors.size()) << text;
  EXPECT_THAT(text, HasSubstr("\nrax "));
  EXPECT_THAT(text, HasSubstr("completed"));
  EXPECT_THAT(text, HasSubstr("code+3"));
  EXPECT_THAT(text, HasSubstr("executors agree"));
}

TEST(RunCommandTest, ModeAllSkipsNativeOutsideLong64) {
  if (!HaveExecutor("unicorn")) GTEST_SKIP() << "built without Unicorn";
  RunOptions options;
  options.hex = "01 d8";
  options.mode = "all";
  options.executors = {"unicorn"};
  std::ostringstream out;
  ASSERT_TRUE(RunRunCommand(options, out).ok());
  for (absl::string_view mode : {"real16", "prot16", "prot32", "compat32", "long64"}) {
    EXPECT_THAT(out.str(), HasSubstr(absl::StrCat(mode, "  01 d8")));
  }
}

TEST(RunCommandTest, BadInputIsInvalidArgumentWithNothingWritten) {
  for (const char* hex : {"4", "zz", ""}) {
    RunOptions options;
    options.hex = hex;
    std::ostringstream out;
    const absl::Status status = RunRunCommand(options, out);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << hex;
    EXPECT_EQ(out.str(), "");
  }
}

TEST(RunCommandTest, UnknownExecutorIsInvalidArgumentNamingTheKnownOnes) {
  RunOptions options;
  options.hex = "90";
  options.executors = {"bochs"};
  std::ostringstream out;
  const absl::Status status = RunRunCommand(options, out);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("bochs"));
  EXPECT_THAT(status.message(), HasSubstr("kvm"));
  EXPECT_EQ(out.str(), "");
}

TEST(RunCommandTest, ExplicitKvmWithoutDeviceIsAnError) {
  if (access("/dev/kvm", R_OK | W_OK) == 0) GTEST_SKIP() << "/dev/kvm is usable here";
  RunOptions options;
  options.hex = "90";
  options.executors = {"kvm"};
  std::ostringstream out;
  const absl::Status status = RunRunCommand(options, out);
  EXPECT_FALSE(status.ok());
  EXPECT_THAT(status.message(), HasSubstr("kvm"));
}

// 48 66 01 d8: REX.W is ignored when a legacy prefix follows it (SDM Vol. 2 2.2.1), so the CPU
// executes add ax, bx; Unicorn 2.0.1 applies REX.W anyway and adds all 64 bits. Found by
// exec_diff on the seed corpus.
TEST(ReplayExecTest, ShowsExecutionDivergenceBetweenUnicornAndTheCpu) {
  if (!HaveExecutor("unicorn") || !HaveExecutor("native")) {
    GTEST_SKIP() << "needs the Unicorn and native executors";
  }
  const std::string path = ::testing::TempDir() + "x86diff_run_test_rex_66.bin";
  ASSERT_TRUE(WriteFileAtomically(path,
                                  [] {
                                    const std::vector<uint8_t> bytes = SerializeTestCase(
                                        {Mode::kLong64, {0x48, 0x66, 0x01, 0xd8}});
                                    return std::string(bytes.begin(), bytes.end());
                                  }())
                  .ok());
  ReplayOptions options;
  options.paths = {path};
  options.exec = true;
  options.executors = {"native", "unicorn"};
  options.fail_on_divergence = true;
  std::ostringstream out, err;
  const absl::Status status = RunReplayCommand(options, out, err);
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition) << out.str() << err.str();
  EXPECT_THAT(out.str(), HasSubstr("decoders agree"));
  EXPECT_THAT(out.str(), HasSubstr("!! register  native vs unicorn  rax"));
  const CpuState initial = DefaultInitialState(Mode::kLong64);
  const uint64_t narrow =
      (initial[Gpr::kRax] & ~0xffffull) | ((initial[Gpr::kRax] + initial[Gpr::kRbx]) & 0xffff);
  EXPECT_THAT(out.str(), HasSubstr(absl::StrCat("0x", absl::Hex(narrow))));
}

}  // namespace
}  // namespace x86diff::cli

#include "adapters/plugin/plugin_executor.h"

#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "harness/memory_layout.h"

#if X86DIFF_WITH_UNICORN
#include "adapters/unicorn/unicorn_executor.h"
#include "tests/adapters/unicorn/unicorn_case_table.h"
#endif

namespace x86diff {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

TestCase Case64(std::vector<uint8_t> code, uint64_t rax = 0, uint64_t rbx = 0) {
  TestCase test_case;
  test_case.mode = Mode::kLong64;
  test_case.code = std::move(code);
  CpuState state = DefaultInitialState(Mode::kLong64);
  state[Gpr::kRax] = rax;
  state[Gpr::kRbx] = rbx;
  test_case.initial_state = state;
  return test_case;
}

ExecResult RunCase(Executor& executor, const TestCase& test_case) {
  absl::StatusOr<ExecResult> result = executor.Execute(test_case);
  EXPECT_TRUE(result.ok()) << result.status();
  return result.ok() ? *result : ExecResult{};
}

std::unique_ptr<PluginExecutor> Load(const std::string& path,
                                     const PluginExecutorOptions& options = {}) {
  absl::StatusOr<std::unique_ptr<PluginExecutor>> executor = PluginExecutor::Create(path, options);
  EXPECT_TRUE(executor.ok()) << executor.status();
  return executor.ok() ? std::move(executor).value() : nullptr;
}

TEST(PluginExecutorTest, ExamplePluginRunsAdd) {
  std::unique_ptr<PluginExecutor> example = Load(X86DIFF_EXAMPLE_PLUGIN);
  ASSERT_NE(example, nullptr);
  EXPECT_EQ(example->name(), "example");
  EXPECT_EQ(example->provenance(), Provenance::kSoftwareEmulator);
  EXPECT_TRUE(example->SupportsMode(Mode::kLong64));
  EXPECT_FALSE(example->SupportsMode(Mode::kProt32)) << "its create() rejects other modes";

  // add rax, rbx: 0xffffffffffffffff + 1 = 0 with CF, PF, AF, ZF.
  const ExecResult add = RunCase(*example, Case64({0x48, 0x01, 0xd8}, ~0ull, 1));
  EXPECT_EQ(add.status, ExecStatus::kCompleted);
  EXPECT_EQ(add.final_state[Gpr::kRax], 0u);
  EXPECT_EQ(add.final_state.rflags & kRflagsArithmetic,
            kRflagsCF | kRflagsPF | kRflagsAF | kRflagsZF);
  EXPECT_EQ(add.final_state.rip, LayoutFor(Mode::kLong64).code_address + 3);
  EXPECT_EQ(add.length, 3);
  EXPECT_TRUE(add.memory_changes.empty());

  const ExecResult int3 = RunCase(*example, Case64({0x90, 0xcc}));
  EXPECT_EQ(int3.status, ExecStatus::kFault);
  EXPECT_EQ(VectorName(int3.vector), "#BP");
  EXPECT_EQ(int3.final_state.rip, LayoutFor(Mode::kLong64).code_address + 2);

  const ExecResult unknown = RunCase(*example, Case64({0x0f, 0x0b}));
  EXPECT_EQ(unknown.status, ExecStatus::kUnsupported);
  EXPECT_THAT(unknown.detail, HasSubstr("unknown instruction byte 0x0f"));

  absl::StatusOr<ExecResult> other_mode = example->Execute(TestCase{.mode = Mode::kProt32});
  EXPECT_EQ(other_mode.status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST(PluginExecutorTest, CrashInRunIsACrashResultAndTheWorkerRestarts) {
  std::unique_ptr<PluginExecutor> plugin = Load(X86DIFF_CRASH_PLUGIN);
  ASSERT_NE(plugin, nullptr);
  EXPECT_EQ(RunCase(*plugin, Case64({0x90})).status, ExecStatus::kCompleted);
  const pid_t before = plugin->worker().worker_pid();
  const ExecResult crash = RunCase(*plugin, Case64({0x0f, 0x0b}));
  EXPECT_EQ(crash.status, ExecStatus::kCrash);
  EXPECT_THAT(crash.detail, AllOf(HasSubstr(X86DIFF_CRASH_PLUGIN), HasSubstr("signal 11"),
                                  HasSubstr("crash plugin: dereferencing NULL now")));
  const ExecResult next = RunCase(*plugin, Case64({0x90}));
  EXPECT_EQ(next.status, ExecStatus::kCompleted);
  EXPECT_EQ(next.final_state.rip, LayoutFor(Mode::kLong64).code_address + 1);
  EXPECT_NE(plugin->worker().worker_pid(), before);
  EXPECT_EQ(plugin->worker().worker_starts(), 2);
}

TEST(PluginExecutorTest, HangInRunIsATimeoutAndTheWorkerRestarts) {
  PluginExecutorOptions options;
  options.worker.reply_timeout = absl::Milliseconds(200);
  std::unique_ptr<PluginExecutor> plugin = Load(X86DIFF_HANG_PLUGIN, options);
  ASSERT_NE(plugin, nullptr);
  const ExecResult hang = RunCase(*plugin, Case64({0xeb, 0xfe}));
  EXPECT_EQ(hang.status, ExecStatus::kTimeout);
  EXPECT_THAT(hang.detail, AllOf(HasSubstr(X86DIFF_HANG_PLUGIN), HasSubstr("200ms")));
  EXPECT_EQ(RunCase(*plugin, Case64({0x90})).status, ExecStatus::kCompleted);
  EXPECT_EQ(plugin->worker().worker_starts(), 2);
}

TEST(PluginExecutorTest, MissingFileNamesThePath) {
  const std::string path = "/nonexistent/dir/x86diff_missing_plugin.so";
  absl::StatusOr<std::unique_ptr<PluginExecutor>> plugin = PluginExecutor::Create(path);
  EXPECT_EQ(plugin.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(plugin.status().message(), AllOf(HasSubstr(path), HasSubstr("no such file")));
}

TEST(PluginExecutorTest, MissingEntrySymbolNamesTheSymbol) {
  absl::StatusOr<std::unique_ptr<PluginExecutor>> plugin =
      PluginExecutor::Create(X86DIFF_NO_SYMBOL_PLUGIN);
  EXPECT_EQ(plugin.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(plugin.status().message(),
              AllOf(HasSubstr(X86DIFF_NO_SYMBOL_PLUGIN), HasSubstr("x86diff_plugin_v1_entry")));
}

TEST(PluginExecutorTest, AbiVersionMismatchNamesBothVersions) {
  absl::StatusOr<std::unique_ptr<PluginExecutor>> plugin =
      PluginExecutor::Create(X86DIFF_WRONG_VERSION_PLUGIN);
  EXPECT_EQ(plugin.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(plugin.status().message(),
              AllOf(HasSubstr(X86DIFF_WRONG_VERSION_PLUGIN), HasSubstr("ABI version mismatch"),
                    HasSubstr("built for version 2"), HasSubstr("supports version 1")));
}

TEST(PluginExecutorTest, CreateFailingForEveryModeGivesThePluginsReasons) {
  absl::StatusOr<std::unique_ptr<PluginExecutor>> plugin =
      PluginExecutor::Create(X86DIFF_FAILING_CREATE_PLUGIN);
  EXPECT_EQ(plugin.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(plugin.status().message(),
              AllOf(HasSubstr(X86DIFF_FAILING_CREATE_PLUGIN), HasSubstr("create() failed"),
                    HasSubstr("long64: licence file missing (mode 4)")));
}

TEST(PluginExecutorTest, FileThatIsNotASharedObjectIsRejected) {
  const std::string path = ::testing::TempDir() + "not_a_plugin.so";
  std::ofstream(path) << "this is not an ELF file\n";
  absl::StatusOr<std::unique_ptr<PluginExecutor>> plugin = PluginExecutor::Create(path);
  EXPECT_EQ(plugin.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(plugin.status().message(), AllOf(HasSubstr(path), HasSubstr("cannot be loaded")));
}

#if X86DIFF_WITH_UNICORN
// The Unicorn plugin must report exactly what the in-process UnicornExecutor reports, on the
// Unicorn test table (every mode, faults, memory writes, imprecision bits, details).
TEST(PluginExecutorTest, UnicornPluginMatchesTheInProcessExecutor) {
  std::unique_ptr<PluginExecutor> plugin = Load(X86DIFF_UNICORN_PLUGIN);
  ASSERT_NE(plugin, nullptr);
  EXPECT_EQ(plugin->name(), "unicorn-plugin");
  absl::StatusOr<std::unique_ptr<UnicornExecutor>> unicorn = UnicornExecutor::CreateInProcess();
  ASSERT_TRUE(unicorn.ok()) << unicorn.status();
  const std::vector<UnicornRow> rows = UnicornRows();
  ASSERT_GT(rows.size(), 50u);
  for (const UnicornRow& row : rows) {
    SCOPED_TRACE(row.name);
    const TestCase test_case = RowTestCase(row);
    const ExecResult want = RunCase(**unicorn, test_case);
    const ExecResult got = RunCase(*plugin, test_case);
    EXPECT_EQ(ExecStatusName(got.status), ExecStatusName(want.status));
    EXPECT_EQ(got.vector, want.vector);
    EXPECT_EQ(got.has_error_code, want.has_error_code);
    EXPECT_EQ(got.error_code, want.error_code);
    EXPECT_EQ(got.has_fault_address, want.has_fault_address);
    EXPECT_EQ(got.fault_address, want.fault_address);
    EXPECT_EQ(got.length, want.length);
    EXPECT_EQ(got.final_state, want.final_state);
    EXPECT_EQ(got.memory_changes, want.memory_changes);
    EXPECT_EQ(got.imprecise, want.imprecise);
    EXPECT_EQ(got.detail, want.detail);
  }
}
#endif

}  // namespace
}  // namespace x86diff

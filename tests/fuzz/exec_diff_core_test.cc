#include "fuzz/exec_diff_core.h"

#include <stdlib.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "adapters/executor_registry.h"
#include "adapters/registry.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "harness/atomic_file.h"
#include "harness/exec_runner.h"
#include "harness/finding.h"
#include "harness/memory_layout.h"
#include "harness/test_case.h"
#include "harness/test_case_codec.h"
#include "tests/test_support/temp_dir.h"

namespace x86diff {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::SizeIs;

// add rax, rbx: every executor agrees (rax = rax + rbx, flags defined).
const TestCase kAdd = {Mode::kLong64, {0x48, 0x01, 0xd8}};
// add rax, rbx; nop: the executors get only the add.
const TestCase kAddNop = {Mode::kLong64, {0x48, 0x01, 0xd8, 0x90}};
// cpuid leaf 1: the CPU reports the host's family/model/stepping, Unicorn its emulated CPU's
// (QEMU's "qemu64"), so native and Unicorn disagree on rax. A real, stable Unicorn-vs-CPU
// difference. (The default rax is a leaf past the maximum, for which both return zeros.)
TestCase CpuidLeaf1() {
  TestCase test_case = {Mode::kLong64, {0x0f, 0xa2}};
  CpuState state = DefaultInitialState(Mode::kLong64);
  state[Gpr::kRax] = 1;
  state[Gpr::kRcx] = 0;
  test_case.initial_state = state;
  return test_case;
}

using test_support::TempDir;

// An executor that completes every case with rax = `rax` (or fails with `error`), recording the
// code it was given.
class FakeExecutor final : public Executor {
 public:
  FakeExecutor(std::string name, uint64_t rax, absl::Status error = absl::OkStatus())
      : name_(std::move(name)), rax_(rax), error_(std::move(error)) {}
  absl::string_view name() const override { return name_; }
  Provenance provenance() const override { return Provenance::kSoftwareEmulator; }
  bool SupportsMode(Mode mode) const override { return mode == Mode::kLong64; }
  absl::StatusOr<ExecResult> Execute(const TestCase& test_case) override {
    seen_code.push_back(test_case.code);
    if (!error_.ok()) return error_;
    ExecResult result;
    result.final_state = InitialState(test_case);
    result.final_state.rip = LayoutFor(test_case.mode).code_address + test_case.code.size();
    result.final_state[Gpr::kRax] = rax_;
    result.length = static_cast<uint8_t>(test_case.code.size());
    return result;
  }
  std::vector<std::vector<uint8_t>> seen_code;

 private:
  std::string name_;
  uint64_t rax_;
  absl::Status error_;
};

std::vector<std::unique_ptr<Decoder>> Decoders() {
  absl::StatusOr<std::vector<std::unique_ptr<Decoder>>> decoders = MakeDecoders();
  EXPECT_TRUE(decoders.ok()) << decoders.status();
  return decoders.ok() ? *std::move(decoders) : std::vector<std::unique_ptr<Decoder>>{};
}

std::vector<std::unique_ptr<Executor>> Fakes(uint64_t rax_a, uint64_t rax_b) {
  std::vector<std::unique_ptr<Executor>> executors;
  executors.push_back(std::make_unique<FakeExecutor>("fake-a", rax_a));
  executors.push_back(std::make_unique<FakeExecutor>("fake-b", rax_b));
  return executors;
}

// The built-in executors that need no device: Unicorn and (if built) native.
absl::StatusOr<std::vector<std::unique_ptr<Executor>>> RealExecutors() {
  ExecutorSelection selection;
  for (const std::string& name : AvailableExecutorNames()) {
    if (name != "kvm") selection.names.push_back(name);
  }
  return MakeExecutors(selection);
}

bool HaveExecutor(absl::string_view name) {
  std::vector<std::string> names = AvailableExecutorNames();
  return std::find(names.begin(), names.end(), name) != names.end();
}

TEST(ExecDiffCoreTest, FindingIsWrittenOncePerSignature) {
  TempDir dir;
  auto core = ExecDiffCore::Create({.findings_dir = dir.path()}, Decoders(), Fakes(1, 2));
  ASSERT_TRUE(core.ok()) << core.status();

  ExecDiffCore::Result first = (*core)->RunOne(SerializeTestCase(kAdd));
  EXPECT_TRUE(first.parsed);
  EXPECT_EQ(first.executed, 2);
  EXPECT_EQ(first.divergences, 1);  // register: rax
  EXPECT_EQ(first.new_signatures, 1);
  ASSERT_THAT(dir.Files(), SizeIs(1));

  // Same signature from other bytes (another register-only add form): no new file.
  ExecDiffCore::Result second = (*core)->RunOne(SerializeTestCase(kAddNop));
  EXPECT_EQ(second.divergences, 1);
  EXPECT_EQ(second.new_signatures, 0);
  EXPECT_THAT(dir.Files(), SizeIs(1));
  EXPECT_EQ((*core)->findings_written(), 1u);

  // A second process on the same directory (a -fork worker) sees the file and skips it.
  auto other = ExecDiffCore::Create({.findings_dir = dir.path()}, Decoders(), Fakes(1, 2));
  ASSERT_TRUE(other.ok());
  EXPECT_EQ((*other)->RunOne(SerializeTestCase(kAdd)).new_signatures, 1);
  EXPECT_EQ((*other)->findings_written(), 0u);

  // The file is a Finding with the case, decoder and executor outcomes and the divergence.
  absl::StatusOr<std::string> text = ReadFileToString(dir.path() + "/" + dir.Files()[0]);
  ASSERT_TRUE(text.ok());
  absl::StatusOr<Finding> finding = FindingFromJson(*text);
  ASSERT_TRUE(finding.ok()) << finding.status();
  EXPECT_EQ(finding->test_case, kAdd);
  ASSERT_THAT(finding->divergences, SizeIs(1));
  EXPECT_EQ(finding->divergences[0].kind, DivergenceKind::kRegister);
  EXPECT_EQ(finding->divergences[0].fields, "rax");
  EXPECT_EQ(dir.Files()[0], finding->divergences[0].signature.HexId() + ".json");
  int executed = 0;
  for (const Outcome& outcome : finding->outcomes) executed += outcome.exec.has_value();
  EXPECT_EQ(executed, 2);
}

TEST(ExecDiffCoreTest, ExecutorsGetOnlyTheFirstInstruction) {
  std::vector<std::unique_ptr<Decoder>> decoders = Decoders();
  std::vector<const Decoder*> decoder_views;
  for (const auto& decoder : decoders) decoder_views.push_back(decoder.get());
  FakeExecutor fake("fake", 0);
  std::vector<Executor*> executors = {&fake};
  absl::StatusOr<ExecRun> run = RunExecution(decoder_views, executors, kAddNop);
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_THAT(fake.seen_code, ElementsAre(std::vector<uint8_t>{0x48, 0x01, 0xd8}));
  EXPECT_EQ(run->executed.code.size(), 3u);
  // Invalid first instruction: the bytes go as they are, the CPU decides.
  const TestCase ud2_nop = {Mode::kLong64, {0x0f, 0x0b, 0x90}};  // ud2 is a valid instruction
  const TestCase push_es = {Mode::kLong64, {0x06, 0x90}};        // push es: invalid in 64-bit
  ASSERT_TRUE(RunExecution(decoder_views, executors, push_es).ok());
  EXPECT_EQ(fake.seen_code.back(), push_es.code);
  ASSERT_TRUE(RunExecution(decoder_views, executors, ud2_nop).ok());
  EXPECT_EQ(fake.seen_code.back(), (std::vector<uint8_t>{0x0f, 0x0b}));
}

TEST(ExecDiffCoreTest, TruncatedCodeIsNotExecuted) {
  std::vector<std::unique_ptr<Decoder>> decoders = Decoders();
  std::vector<const Decoder*> decoder_views;
  for (const auto& decoder : decoders) decoder_views.push_back(decoder.get());
  FakeExecutor fake("fake", 0);
  std::vector<Executor*> executors = {&fake};
  // call rel32 with two of its four displacement bytes.
  absl::StatusOr<ExecRun> run =
      RunExecution(decoder_views, executors, {Mode::kLong64, {0xe8, 0x00, 0x00}});
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_TRUE(fake.seen_code.empty());
  EXPECT_THAT(run->not_executed, HasSubstr("continues past the code"));
  EXPECT_THAT(run->exec.divergences, SizeIs(0));
  EXPECT_THAT(run->outcomes, SizeIs(decoders.size()));
}

TEST(ExecDiffCoreTest, ExecutorErrorIsACrashOutcomeAndTheOthersStillRun) {
  std::vector<std::unique_ptr<Executor>> executors;
  executors.push_back(
      std::make_unique<FakeExecutor>("broken", 0, absl::InternalError("worker gone")));
  executors.push_back(std::make_unique<FakeExecutor>("fine", 0));
  auto core = ExecDiffCore::Create({}, Decoders(), std::move(executors));
  ASSERT_TRUE(core.ok());
  ExecDiffCore::Result result = (*core)->RunOne(SerializeTestCase(kAdd));
  EXPECT_EQ(result.executed, 2);
  EXPECT_EQ(result.executor_errors, 1);
  EXPECT_EQ(result.divergences, 1);  // crash: broken vs fine
}

TEST(ExecDiffCoreTest, MalformedInputAndUnsupportedModeRunNothing) {
  auto core = ExecDiffCore::Create({}, Decoders(), Fakes(0, 0));
  ASSERT_TRUE(core.ok());
  EXPECT_FALSE((*core)->RunOne(std::vector<uint8_t>{0xff, 0xff}).parsed);
  ExecDiffCore::Result prot32 = (*core)->RunOne(SerializeTestCase({Mode::kProt32, {0x01, 0xd8}}));
  EXPECT_TRUE(prot32.parsed);
  EXPECT_EQ(prot32.executed, 0);  // the fakes are long64 only
}

TEST(ExecDiffCoreTest, CreateNeedsDecodersAndExecutors) {
  EXPECT_EQ(ExecDiffCore::Create({}, {}, Fakes(0, 0)).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ExecDiffCore::Create({}, Decoders(), {}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(ExecDiffCoreTest, UnicornAndNativeAgreeOnAdd) {
  if (!HaveExecutor("unicorn")) GTEST_SKIP() << "built without Unicorn";
  absl::StatusOr<std::vector<std::unique_ptr<Executor>>> executors = RealExecutors();
  ASSERT_TRUE(executors.ok()) << executors.status();
  const size_t count = executors->size();
  auto core = ExecDiffCore::Create({}, Decoders(), *std::move(executors));
  ASSERT_TRUE(core.ok()) << core.status();
  ExecDiffCore::Result result = (*core)->RunOne(SerializeTestCase(kAdd));
  EXPECT_EQ(result.executed, static_cast<int>(count));
  EXPECT_EQ(result.executor_errors, 0);
  EXPECT_EQ(result.divergences, 0);
}

TEST(ExecDiffCoreTest, UnicornAndTheCpuDisagreeOnCpuid) {
  if (!HaveExecutor("unicorn") || !HaveExecutor("native")) {
    GTEST_SKIP() << "needs both the Unicorn and the native executor";
  }
  absl::StatusOr<std::vector<std::unique_ptr<Executor>>> executors =
      MakeExecutors({.names = {"unicorn", "native"}});
  ASSERT_TRUE(executors.ok()) << executors.status();
  std::vector<std::unique_ptr<Decoder>> decoders = Decoders();
  std::vector<const Decoder*> decoder_views;
  for (const auto& decoder : decoders) decoder_views.push_back(decoder.get());
  std::vector<Executor*> executor_views = {(*executors)[0].get(), (*executors)[1].get()};
  absl::StatusOr<ExecRun> run = RunExecution(decoder_views, executor_views, CpuidLeaf1());
  ASSERT_TRUE(run.ok()) << run.status();
  ASSERT_THAT(run->exec.divergences, SizeIs(1));
  const Divergence& divergence = run->exec.divergences[0];
  EXPECT_EQ(divergence.kind, DivergenceKind::kRegister);
  EXPECT_THAT(divergence.targets, ElementsAre("native", "unicorn"));
  EXPECT_THAT(divergence.fields, HasSubstr("rax"));  // family/model/stepping differ
}

}  // namespace
}  // namespace x86diff

// What a case costs on the host CPU through NativeExecutor, against forking a process per case.
//
// Items are cases; items_per_second is cases/s.
//   BM_Native_Completed/<batch>   (a) batched NativeExecutor on cases that end normally (add, nop,
//                                     xor): no signal, the exit trampoline brings them back
//   BM_Native_Faulting/<probe>    (b) cases that fault (ud2, int3), batch 256, length probing off
//                                     (0) or on (1, the default: ~length+1 extra signals each)
//   BM_Native_Single              one case per Execute() (one parent/child round trip each)
//   BM_ForkPerCase                (c) the baseline: fork, map the code page, run the same case,
//                                     exit, waitpid
// At the end it prints (a)/(c) for the largest batch; the goal in the issue is at least 200x.
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "adapters/native/native_executor.h"
#include "benchmark/benchmark.h"
#include "harness/memory_layout.h"
#include "harness/test_case.h"

namespace x86diff::bench {
namespace {

const std::vector<std::vector<uint8_t>> kCompletingCodes = {
    {0x48, 0x01, 0xd8},  // add rax, rbx
    {0x90},              // nop
    {0x48, 0x31, 0xc0},  // xor rax, rax
};
const std::vector<std::vector<uint8_t>> kFaultingCodes = {
    {0x0f, 0x0b},  // ud2
    {0xcc},        // int3
};

std::vector<TestCase> MakeCases(const std::vector<std::vector<uint8_t>>& codes, size_t count) {
  std::vector<TestCase> cases(count);
  for (size_t i = 0; i < count; ++i) {
    cases[i].mode = Mode::kLong64;
    cases[i].code = codes[i % codes.size()];
  }
  return cases;
}

std::unique_ptr<NativeExecutor> MakeExecutor(benchmark::State& state,
                                             NativeExecutorOptions options) {
  absl::StatusOr<std::unique_ptr<NativeExecutor>> executor = NativeExecutor::Create(options);
  if (!executor.ok()) {
    state.SkipWithError(std::string(executor.status().message()).c_str());
    return nullptr;
  }
  return *std::move(executor);
}

void RunBatches(benchmark::State& state, NativeExecutor& executor,
                const std::vector<TestCase>& cases, ExecStatus expected) {
  for (auto _ : state) {
    absl::StatusOr<std::vector<ExecResult>> results = executor.ExecuteBatch(cases);
    if (!results.ok() || results->front().status != expected) {
      state.SkipWithError("unexpected result");
      break;
    }
    benchmark::DoNotOptimize(results->data());
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(cases.size()));
}

void BM_Native_Completed(benchmark::State& state) {
  const int batch = static_cast<int>(state.range(0));
  std::unique_ptr<NativeExecutor> executor = MakeExecutor(state, {.batch_size = batch});
  if (executor == nullptr) return;
  RunBatches(state, *executor, MakeCases(kCompletingCodes, batch), ExecStatus::kCompleted);
}
BENCHMARK(BM_Native_Completed)->Arg(16)->Arg(256)->Arg(1024)->UseRealTime();

void BM_Native_Faulting(benchmark::State& state) {
  const bool probe = state.range(0) != 0;
  std::unique_ptr<NativeExecutor> executor =
      MakeExecutor(state, {.probe_length = probe, .batch_size = 256});
  if (executor == nullptr) return;
  RunBatches(state, *executor, MakeCases(kFaultingCodes, 256), ExecStatus::kFault);
}
BENCHMARK(BM_Native_Faulting)->Arg(0)->Arg(1)->UseRealTime();

void BM_Native_Single(benchmark::State& state) {
  std::unique_ptr<NativeExecutor> executor = MakeExecutor(state, {});
  if (executor == nullptr) return;
  RunBatches(state, *executor, MakeCases(kCompletingCodes, 1), ExecStatus::kCompleted);
}
BENCHMARK(BM_Native_Single)->UseRealTime();

// The simplest correct fork-per-case runner: the child maps the code page where the executor
// would, copies the case followed by `mov edi, 0; mov eax, 231; syscall` (exit_group(0)) and jumps
// to it; the parent reaps it and looks at the exit status (0: completed; a signal: a fault).
void BM_ForkPerCase(benchmark::State& state) {
  const MemoryLayout& layout = LayoutFor(Mode::kLong64);
  const std::vector<TestCase> cases = MakeCases(kCompletingCodes, kCompletingCodes.size());
  static constexpr uint8_t kExit[] = {0xbf, 0, 0, 0, 0, 0xb8, 231, 0, 0, 0, 0x0f, 0x05};
  size_t index = 0;
  for (auto _ : state) {
    const TestCase& test_case = cases[index++ % cases.size()];
    const pid_t pid = fork();
    if (pid == 0) {
      void* page = mmap(reinterpret_cast<void*>(layout.code_address), layout.code_size,
                        PROT_READ | PROT_WRITE | PROT_EXEC,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
      if (page == MAP_FAILED) _exit(2);
      auto* bytes = static_cast<uint8_t*>(page);
      std::memcpy(bytes, test_case.code.data(), test_case.code.size());
      std::memcpy(bytes + test_case.code.size(), kExit, sizeof(kExit));
      reinterpret_cast<void (*)()>(page)();
      _exit(3);
    }
    int status = 0;
    if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
        WEXITSTATUS(status) != 0) {
      state.SkipWithError("fork-per-case child failed");
      break;
    }
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ForkPerCase)->UseRealTime();

// Console output plus the (a)/(c) ratio at the end (from the median when repeating).
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  RatioReporter() : ConsoleReporter(isatty(STDOUT_FILENO) ? OO_Defaults : OO_Tabular) {}

  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& run : runs) {
      auto it = run.counters.find("items_per_second");
      if (it == run.counters.end()) continue;
      if (run.run_type == Run::RT_Iteration || run.aggregate_name == "median") {
        rates_[run.run_name.str()] = it->second.value;
      }
    }
    ConsoleReporter::ReportRuns(runs);
  }

  void PrintRatio() const {
    const auto completed = rates_.find("BM_Native_Completed/1024/real_time");
    const auto fork = rates_.find("BM_ForkPerCase/real_time");
    if (completed == rates_.end() || fork == rates_.end() || fork->second <= 0) return;
    std::printf("\nnative batched (completed, batch 1024) / fork per case: %.0f / %.0f = %.0fx\n",
                completed->second, fork->second, completed->second / fork->second);
  }

 private:
  std::map<std::string, double> rates_;
};

}  // namespace
}  // namespace x86diff::bench

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  x86diff::bench::RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  reporter.PrintRatio();
  benchmark::Shutdown();
  return 0;
}

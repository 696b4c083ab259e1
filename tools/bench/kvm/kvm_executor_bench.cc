// What a case costs through KvmExecutor: the in-guest batch runner against one-by-one Execute().
//
// Items are cases; items_per_second is cases/s; the counter exits/case is KVM_RUN returns per case
// (KvmExecutorStats::exits), fallbacks/case the cases the runner handed back to one-by-one,
// restarts/case the batch runs restarted after their time budget (a slow host).
//   BM_Kvm_OneByOne/<mode>          Execute() per case (SET_SREGS, SET_REGS, KVM_RUN, GET_*)
//   BM_Kvm_Batched/<mode>/<batch>   ExecuteBatch() of `batch` cases per call (batch_size = batch)
// <mode> is the harness Mode number (prot16=1, prot32=2, compat32=3, long64=4). Cases alternate
// normal ends (add, nop, xor) with, in the *_Mixed variants, faults (ud2, int3, #PF);
// BM_Kvm_Batched_Int3 has only int3 (#BP, a trap through a DPL-3 gate) instead of the
// sentinel's #GP.
// Without /dev/kvm every benchmark is skipped with the reason; tools/bench/kvm/run-kvm-bench-nested
// runs this binary in the nested guest of tests/kvm/run-nested. Numbers there are QEMU TCG
// numbers (nested virtualization in an emulator), not hardware numbers.
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "benchmark/benchmark.h"
#include "harness/memory_layout.h"
#include "harness/test_case.h"
#include "kvm/kvm_executor.h"

namespace x86diff::kvm {
namespace {

enum class Kind { kNormal, kMixed, kInt3 };

std::vector<TestCase> MakeCases(Mode mode, size_t count, Kind kind) {
  const MemoryLayout& layout = LayoutFor(mode);
  const bool is16 = DefaultOperandBits(mode) == 16;
  std::vector<std::vector<uint8_t>> codes = {
      {0x01, 0xd8},  // add eax, ebx
      {0x90},        // nop
      {0x31, 0xc0},  // xor eax, eax
  };
  if (kind == Kind::kInt3) codes = {{0xcc}};
  if (kind == Kind::kMixed) {
    codes.push_back({0x0f, 0x0b});                                      // ud2: #UD
    codes.push_back({0xcc});                                            // int3: #BP
    codes.push_back({0x8b, static_cast<uint8_t>(is16 ? 0x07 : 0x03)});  // load [ebx]: #PF
  }
  std::vector<TestCase> cases(count);
  for (size_t i = 0; i < count; ++i) {
    cases[i].mode = mode;
    cases[i].code = codes[i % codes.size()];
    CpuState state = DefaultInitialState(mode);
    state[Gpr::kRax] = i;
    state[Gpr::kRbx] = layout.unmapped_address;
    cases[i].initial_state = state;
  }
  return cases;
}

// One executor per batch size, created on first use (VM builds stay out of the timing).
KvmExecutor* ExecutorFor(benchmark::State& state, int batch_size) {
  static auto* executors = new std::map<int, std::unique_ptr<KvmExecutor>>;
  std::unique_ptr<KvmExecutor>& slot = (*executors)[batch_size];
  if (slot == nullptr) {
    absl::StatusOr<std::unique_ptr<KvmExecutor>> created =
        KvmExecutor::Create({.batch_size = batch_size});
    if (!created.ok()) {
      state.SkipWithError(std::string(created.status().message()).c_str());
      return nullptr;
    }
    slot = *std::move(created);
  }
  return slot.get();
}

void Report(benchmark::State& state, const KvmExecutorStats& before,
            const KvmExecutorStats& after) {
  const double cases = static_cast<double>(after.cases - before.cases);
  state.SetItemsProcessed(static_cast<int64_t>(cases));
  if (cases == 0) return;
  state.counters["exits/case"] = static_cast<double>(after.exits - before.exits) / cases;
  state.counters["fallbacks/case"] =
      static_cast<double>(after.fallback_cases - before.fallback_cases) / cases;
  state.counters["restarts/case"] =
      static_cast<double>(after.batch_restarts - before.batch_restarts) / cases;
}

void OneByOne(benchmark::State& state, Kind kind) {
  const Mode mode = static_cast<Mode>(state.range(0));
  KvmExecutor* executor = ExecutorFor(state, 1);
  if (executor == nullptr) return;
  const std::vector<TestCase> cases = MakeCases(mode, 64, kind);
  if (!executor->Execute(cases[0]).ok()) {  // builds the VM outside the timing
    state.SkipWithError("Execute failed");
    return;
  }
  const KvmExecutorStats before = executor->stats();
  size_t i = 0;
  for (auto _ : state) {
    absl::StatusOr<ExecResult> result = executor->Execute(cases[i++ % cases.size()]);
    if (!result.ok()) {
      state.SkipWithError(std::string(result.status().message()).c_str());
      break;
    }
    benchmark::DoNotOptimize(result->status);
  }
  Report(state, before, executor->stats());
}

void Batched(benchmark::State& state, Kind kind) {
  const Mode mode = static_cast<Mode>(state.range(0));
  const int batch = static_cast<int>(state.range(1));
  KvmExecutor* executor = ExecutorFor(state, batch);
  if (executor == nullptr) return;
  const std::vector<TestCase> cases = MakeCases(mode, batch, kind);
  if (!executor->ExecuteBatch(cases).ok()) {  // VM build and first translation outside the timing
    state.SkipWithError("ExecuteBatch failed");
    return;
  }
  const KvmExecutorStats before = executor->stats();
  for (auto _ : state) {
    absl::StatusOr<std::vector<ExecResult>> results = executor->ExecuteBatch(cases);
    if (!results.ok()) {
      state.SkipWithError(std::string(results.status().message()).c_str());
      break;
    }
    benchmark::DoNotOptimize(results->data());
  }
  Report(state, before, executor->stats());
}

void BM_Kvm_OneByOne(benchmark::State& state) { OneByOne(state, Kind::kNormal); }
void BM_Kvm_OneByOne_Mixed(benchmark::State& state) { OneByOne(state, Kind::kMixed); }
void BM_Kvm_Batched(benchmark::State& state) { Batched(state, Kind::kNormal); }
void BM_Kvm_Batched_Mixed(benchmark::State& state) { Batched(state, Kind::kMixed); }
void BM_Kvm_Batched_Int3(benchmark::State& state) { Batched(state, Kind::kInt3); }

constexpr int kProt32 = static_cast<int>(Mode::kProt32);
constexpr int kLong64 = static_cast<int>(Mode::kLong64);
BENCHMARK(BM_Kvm_OneByOne)->Arg(kProt32)->Arg(kLong64)->UseRealTime();
BENCHMARK(BM_Kvm_OneByOne_Mixed)->Arg(kLong64)->UseRealTime();
BENCHMARK(BM_Kvm_Batched)
    ->Args({kProt32, 200})
    ->Args({kLong64, 16})
    ->Args({kLong64, 64})
    ->Args({kLong64, 200})
    ->UseRealTime();
BENCHMARK(BM_Kvm_Batched_Mixed)->Args({kLong64, 200})->UseRealTime();
BENCHMARK(BM_Kvm_Batched_Int3)->Args({kLong64, 200})->UseRealTime();

}  // namespace
}  // namespace x86diff::kvm

BENCHMARK_MAIN();

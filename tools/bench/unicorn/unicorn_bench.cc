// Cases per second of the Unicorn oracle in its deployment forms, against the naive baseline of a
// fresh Unicorn engine per case (the goal: a reused engine at least 50x faster).
//
//   BM_ReusedEngineInProcess    UnicornExecutor::CreateInProcess(): engines set up once, state
//                               restored per case (the fast path the worker runs).
//   BM_ReusedEngineWithTimeout  the same with a 1 s uc_emu_start timeout (why it is off).
//   BM_WorkerExecutor           UnicornExecutor::Create(): the same engines in a worker process,
//                               one socket round trip per case (the safe default).
//   BM_UnicornPlugin            x86diff_unicorn_plugin.so through PluginExecutor (worker, ABI).
//   BM_FreshUnicornPerCase      uc_open, map, write code and registers, run, uc_close per case.
//   BM_FreshEngineCreatePerCase UnicornEngine::Create (with the ring-3 entry) per case.
// Every benchmark cycles through the same mix of cases; items_per_second is cases/s.
#include <unicorn/unicorn.h>

#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

#include "adapters/plugin/plugin_executor.h"
#include "adapters/unicorn/unicorn_engine.h"
#include "adapters/unicorn/unicorn_executor.h"
#include "benchmark/benchmark.h"
#include "harness/check.h"
#include "harness/memory_layout.h"

namespace x86diff {
namespace {

// Long mode cases with the default state (registers point into scratch): arithmetic, memory
// writes, stack, faults, a syscall. Nothing that makes Unicorn abort.
std::vector<TestCase> CaseMix() {
  const std::vector<std::vector<uint8_t>> codes = {
      {0x48, 0x01, 0xd8},        // add rax, rbx
      {0x31, 0xc0},              // xor eax, eax
      {0x48, 0x11, 0xd8},        // adc rax, rbx
      {0x48, 0x89, 0x18},        // mov [rax], rbx
      {0x50, 0x5b},              // push rax; pop rbx
      {0x48, 0x0f, 0xaf, 0xc3},  // imul rax, rbx
      {0x0f, 0x0b},              // ud2
      {0xcc},                    // int3
      {0x48, 0x8b, 0x00},        // mov rax, [rax]
      {0x0f, 0x05},              // syscall
  };
  std::vector<TestCase> cases;
  for (const std::vector<uint8_t>& code : codes) {
    cases.push_back(TestCase{.mode = Mode::kLong64, .code = code});
  }
  return cases;
}

void RunMix(benchmark::State& state, Executor& executor) {
  const std::vector<TestCase> cases = CaseMix();
  size_t next = 0;
  for (auto _ : state) {
    absl::StatusOr<ExecResult> result = executor.Execute(cases[next]);
    X86DIFF_CHECK(result.ok());
    benchmark::DoNotOptimize(result->status);
    next = (next + 1) % cases.size();
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_ReusedEngineInProcess(benchmark::State& state) {
  absl::StatusOr<std::unique_ptr<UnicornExecutor>> executor = UnicornExecutor::CreateInProcess();
  X86DIFF_CHECK(executor.ok());
  RunMix(state, **executor);
}
BENCHMARK(BM_ReusedEngineInProcess)->UseRealTime();

void BM_ReusedEngineWithTimeout(benchmark::State& state) {
  absl::StatusOr<std::unique_ptr<UnicornExecutor>> executor =
      UnicornExecutor::CreateInProcess({.timeout_us = 1000000});
  X86DIFF_CHECK(executor.ok());
  RunMix(state, **executor);
}
BENCHMARK(BM_ReusedEngineWithTimeout)->UseRealTime();

void BM_WorkerExecutor(benchmark::State& state) {
  absl::StatusOr<std::unique_ptr<UnicornExecutor>> executor = UnicornExecutor::Create();
  X86DIFF_CHECK(executor.ok());
  RunMix(state, **executor);
}
BENCHMARK(BM_WorkerExecutor)->UseRealTime();

void BM_UnicornPlugin(benchmark::State& state) {
  absl::StatusOr<std::unique_ptr<PluginExecutor>> executor =
      PluginExecutor::Create(X86DIFF_UNICORN_PLUGIN);
  X86DIFF_CHECK(executor.ok());
  RunMix(state, **executor);
}
BENCHMARK(BM_UnicornPlugin)->UseRealTime();

bool StopOnInterrupt(uc_engine* uc, uint32_t, void*) {
  uc_emu_stop(uc);
  return true;
}
bool StopOnBadMemory(uc_engine*, uc_mem_type, uint64_t, int, int64_t, void*) { return false; }

// The naive way: everything a run needs, built and torn down per case (no ring-3 entry, which
// only makes the fresh engine slower).
void BM_FreshUnicornPerCase(benchmark::State& state) {
  const std::vector<TestCase> cases = CaseMix();
  const MemoryLayout& layout = LayoutFor(Mode::kLong64);
  const std::vector<uint8_t> scratch = DefaultScratchContents(Mode::kLong64);
  const CpuState initial = DefaultInitialState(Mode::kLong64);
  std::vector<uint8_t> code_page(layout.code_size);
  size_t next = 0;
  for (auto _ : state) {
    const TestCase& test_case = cases[next];
    uc_engine* uc = nullptr;
    X86DIFF_CHECK(uc_open(UC_ARCH_X86, UC_MODE_64, &uc) == UC_ERR_OK);
    uc_mem_map(uc, layout.code_address, layout.code_size, UC_PROT_READ | UC_PROT_EXEC);
    uc_mem_map(uc, layout.scratch_address, layout.scratch_size, UC_PROT_READ | UC_PROT_WRITE);
    uc_hook hook;
    uc_hook_add(uc, &hook, UC_HOOK_INTR, reinterpret_cast<void*>(&StopOnInterrupt), nullptr, 1, 0);
    uc_hook_add(uc, &hook, UC_HOOK_MEM_INVALID, reinterpret_cast<void*>(&StopOnBadMemory), nullptr,
                1, 0);
    std::memset(code_page.data(), 0xcc, code_page.size());
    std::memcpy(code_page.data(), test_case.code.data(), test_case.code.size());
    uc_mem_write(uc, layout.code_address, code_page.data(), code_page.size());
    uc_mem_write(uc, layout.scratch_address, scratch.data(), scratch.size());
    static constexpr int kRegs[] = {UC_X86_REG_RAX, UC_X86_REG_RCX, UC_X86_REG_RDX, UC_X86_REG_RBX,
                                    UC_X86_REG_RSP, UC_X86_REG_RBP, UC_X86_REG_RSI, UC_X86_REG_RDI};
    for (int i = 0; i < 8; ++i) uc_reg_write(uc, kRegs[i], &initial.gpr[i]);
    const uc_err err = uc_emu_start(uc, layout.code_address,
                                    layout.code_address + test_case.code.size(), 0, 1 << 16);
    benchmark::DoNotOptimize(err);
    uint64_t rax = 0;
    uc_reg_read(uc, UC_X86_REG_RAX, &rax);
    benchmark::DoNotOptimize(rax);
    uc_close(uc);
    next = (next + 1) % cases.size();
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_FreshUnicornPerCase)->UseRealTime();

void BM_FreshEngineCreatePerCase(benchmark::State& state) {
  const std::vector<TestCase> cases = CaseMix();
  size_t next = 0;
  for (auto _ : state) {
    absl::StatusOr<std::unique_ptr<UnicornEngine>> engine = UnicornEngine::Create(Mode::kLong64);
    X86DIFF_CHECK(engine.ok());
    absl::StatusOr<ExecResult> result = (*engine)->Run(cases[next]);
    X86DIFF_CHECK(result.ok());
    benchmark::DoNotOptimize(result->status);
    next = (next + 1) % cases.size();
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_FreshEngineCreatePerCase)->UseRealTime();

}  // namespace
}  // namespace x86diff

BENCHMARK_MAIN();

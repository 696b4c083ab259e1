// What the decoder differential costs per case, against calling the libraries directly.
//
// Every benchmark walks the same fixed 4096 cases (bench_inputs.h: half seed corpus, half
// x86-shaped random, all five modes) one case per iteration and reports items (cases) per second:
//   BM_Direct_CapstoneZydis    (a) the floor: cs_disasm_iter (detail on) + ZydisDecoderDecodeFull
//                                  on preconfigured handles, no harness at all
//   BM_Direct_Capstone, BM_Direct_Zydis, BM_Direct_ZydisFormat: the parts of (a), and Zydis'
//                                  Intel formatter (which the Zydis adapter runs for the operand
//                                  text), for attributing the overhead
//   BM_DecoderDiffCore_RunOne  (b) the whole decoder_diff fuzz body: parse, decode through the
//                                  adapters (the same library calls as (a)), feed features,
//                                  compare (findings_dir empty)
//   BM_RunDecoders_Compare     (c) RunDecoders + CompareDecodes on parsed cases
//   BM_RunDecoders             (c') RunDecoders alone
// tools/bench/run-decoder-diff-bench runs this with repetitions and prints (b)/(a).
// --x86diff_iterations=N runs every benchmark exactly N iterations instead of for a time (for
// instruction counts under valgrind that compare from run to run).
#include <Zydis/Zydis.h>
#include <capstone/capstone.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/string_view.h"
#include "adapters/registry.h"
#include "benchmark/benchmark.h"
#include "fuzz/decoder_diff_core.h"
#include "harness/comparator.h"
#include "harness/decode_runner.h"
#include "tools/bench/bench_inputs.h"

namespace x86diff::bench {

constexpr size_t kCaseCount = 4096;
static_assert((kCaseCount & (kCaseCount - 1)) == 0, "the index wraps with a mask");

// The inputs, built on first use (main() does it before the benchmarks run).
const std::vector<BenchCase>& Cases() {
  static const std::vector<BenchCase>* const cases = [] {
    const char* dir = std::getenv("X86DIFF_SEED_DIR");
    absl::StatusOr<std::vector<BenchCase>> made =
        MakeBenchCases(dir != nullptr ? dir : X86DIFF_SOURCE_DIR "/corpora/seed", kCaseCount);
    if (!made.ok()) {
      std::fprintf(stderr, "decoder_diff_bench: %s\n", made.status().ToString().c_str());
      std::exit(1);
    }
    return new std::vector<BenchCase>(*std::move(made));
  }();
  return *cases;
}

namespace {

// Capstone handles per mode, configured as the Capstone adapter configures them.
class CapstoneHandles {
 public:
  CapstoneHandles() {
    for (Mode mode : kAllModes) {
      cs_mode cs = mode == Mode::kLong64                                ? CS_MODE_64
                   : (mode == Mode::kProt32 || mode == Mode::kCompat32) ? CS_MODE_32
                                                                        : CS_MODE_16;
      csh& handle = handles_[static_cast<int>(mode)];
      if (cs_open(CS_ARCH_X86, cs, &handle) != CS_ERR_OK ||
          cs_option(handle, CS_OPT_DETAIL, CS_OPT_ON) != CS_ERR_OK) {
        std::fprintf(stderr, "decoder_diff_bench: cs_open failed\n");
        std::exit(1);
      }
      insns_[static_cast<int>(mode)] = cs_malloc(handle);
    }
  }
  ~CapstoneHandles() {
    for (int i = 0; i <= kModeMaxValue; ++i) {
      cs_free(insns_[i], 1);
      cs_close(&handles_[i]);
    }
  }
  CapstoneHandles(const CapstoneHandles&) = delete;
  CapstoneHandles& operator=(const CapstoneHandles&) = delete;

  // True when Capstone decoded an instruction.
  bool Decode(const TestCase& test_case) {
    const int m = static_cast<int>(test_case.mode);
    const uint8_t* code = test_case.code.data();
    size_t size = test_case.code.size();
    uint64_t address = 0;
    const bool ok = cs_disasm_iter(handles_[m], &code, &size, &address, insns_[m]);
    benchmark::DoNotOptimize(insns_[m]->size);
    return ok;
  }

 private:
  csh handles_[kModeMaxValue + 1] = {};
  cs_insn* insns_[kModeMaxValue + 1] = {};
};

class ZydisDecoders {
 public:
  ZydisDecoders() {
    static constexpr std::pair<ZydisMachineMode, ZydisStackWidth> kModes[] = {
        {ZYDIS_MACHINE_MODE_REAL_16, ZYDIS_STACK_WIDTH_16},
        {ZYDIS_MACHINE_MODE_LEGACY_16, ZYDIS_STACK_WIDTH_16},
        {ZYDIS_MACHINE_MODE_LEGACY_32, ZYDIS_STACK_WIDTH_32},
        {ZYDIS_MACHINE_MODE_LONG_COMPAT_32, ZYDIS_STACK_WIDTH_32},
        {ZYDIS_MACHINE_MODE_LONG_64, ZYDIS_STACK_WIDTH_64},
    };
    for (int i = 0; i <= kModeMaxValue; ++i) {
      if (!ZYAN_SUCCESS(ZydisDecoderInit(&decoders_[i], kModes[i].first, kModes[i].second))) {
        std::fprintf(stderr, "decoder_diff_bench: ZydisDecoderInit failed\n");
        std::exit(1);
      }
    }
    ZydisFormatterInit(&formatter_, ZYDIS_FORMATTER_STYLE_INTEL);
  }

  // True when Zydis decoded an instruction; with `format`, also renders it as the adapter does.
  bool Decode(const TestCase& test_case, bool format) {
    const ZyanStatus status =
        ZydisDecoderDecodeFull(&decoders_[static_cast<int>(test_case.mode)], test_case.code.data(),
                               test_case.code.size(), &instruction_, operands_);
    benchmark::DoNotOptimize(instruction_.length);
    if (!ZYAN_SUCCESS(status)) return false;
    if (format) {
      ZydisFormatterFormatInstruction(&formatter_, &instruction_, operands_,
                                      instruction_.operand_count_visible, text_, sizeof(text_), 0,
                                      nullptr);
      benchmark::DoNotOptimize(text_[0]);
    }
    return true;
  }

 private:
  ZydisDecoder decoders_[kModeMaxValue + 1];
  ZydisFormatter formatter_;
  ZydisDecodedInstruction instruction_;
  ZydisDecodedOperand operands_[ZYDIS_MAX_OPERAND_COUNT];
  char text_[256];
};

void BM_Direct_CapstoneZydis(benchmark::State& state) {
  const std::vector<BenchCase>& cases = Cases();
  CapstoneHandles capstone;
  ZydisDecoders zydis;
  size_t i = 0;
  for (auto _ : state) {
    const TestCase& test_case = cases[i++ & (kCaseCount - 1)].test_case;
    const bool a = capstone.Decode(test_case);
    const bool b = zydis.Decode(test_case, /*format=*/false);
    benchmark::DoNotOptimize(a != b);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_Direct_Capstone(benchmark::State& state) {
  const std::vector<BenchCase>& cases = Cases();
  CapstoneHandles capstone;
  size_t i = 0;
  for (auto _ : state)
    benchmark::DoNotOptimize(capstone.Decode(cases[i++ & (kCaseCount - 1)].test_case));
  state.SetItemsProcessed(state.iterations());
}

void BM_Direct_Zydis(benchmark::State& state) {
  const std::vector<BenchCase>& cases = Cases();
  ZydisDecoders zydis;
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(zydis.Decode(cases[i++ & (kCaseCount - 1)].test_case, false));
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_Direct_ZydisFormat(benchmark::State& state) {
  const std::vector<BenchCase>& cases = Cases();
  ZydisDecoders zydis;
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(zydis.Decode(cases[i++ & (kCaseCount - 1)].test_case, true));
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_DecoderDiffCore_RunOne(benchmark::State& state) {
  const std::vector<BenchCase>& cases = Cases();
  absl::StatusOr<std::unique_ptr<DecoderDiffCore>> core =
      DecoderDiffCore::Create({/*findings_dir=*/"", /*feed_features=*/true});
  if (!core.ok()) {
    state.SkipWithError(core.status().ToString().c_str());
    return;
  }
  size_t i = 0;
  for (auto _ : state) {
    DecoderDiffCore::Result result = (*core)->RunOne(cases[i++ & (kCaseCount - 1)].encoded);
    benchmark::DoNotOptimize(result.divergences);
  }
  state.SetItemsProcessed(state.iterations());
}

void RunDecodersBody(benchmark::State& state, bool compare) {
  const std::vector<BenchCase>& cases = Cases();
  absl::StatusOr<std::vector<std::unique_ptr<Decoder>>> decoders = MakeDecoders();
  if (!decoders.ok()) {
    state.SkipWithError(decoders.status().ToString().c_str());
    return;
  }
  std::vector<const Decoder*> views;
  for (const auto& decoder : *decoders) views.push_back(decoder.get());
  size_t i = 0;
  for (auto _ : state) {
    const TestCase& test_case = cases[i++ & (kCaseCount - 1)].test_case;
    absl::StatusOr<std::vector<Outcome>> outcomes = RunDecoders(views, test_case);
    if (compare && outcomes.ok()) {
      std::vector<Divergence> divergences = CompareDecodes(test_case, *outcomes);
      benchmark::DoNotOptimize(divergences.data());
    }
    benchmark::DoNotOptimize(outcomes);
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_RunDecoders_Compare(benchmark::State& state) { RunDecodersBody(state, true); }

void BM_RunDecoders(benchmark::State& state) { RunDecodersBody(state, false); }

// Registration order is the order in which they run.
struct NamedBenchmark {
  const char* name;
  void (*function)(benchmark::State&);
};
constexpr NamedBenchmark kBenchmarks[] = {
    {"BM_Direct_CapstoneZydis", BM_Direct_CapstoneZydis},
    {"BM_Direct_Capstone", BM_Direct_Capstone},
    {"BM_Direct_Zydis", BM_Direct_Zydis},
    {"BM_Direct_ZydisFormat", BM_Direct_ZydisFormat},
    {"BM_DecoderDiffCore_RunOne", BM_DecoderDiffCore_RunOne},
    {"BM_RunDecoders_Compare", BM_RunDecoders_Compare},
    {"BM_RunDecoders", BM_RunDecoders},
};

}  // namespace
}  // namespace x86diff::bench

// BENCHMARK_MAIN, except that the inputs are built before any benchmark runs, so that a profile
// of one benchmark function (run-decoder-diff-bench --callgrind) holds only the per-case work,
// and that --x86diff_iterations=N runs every benchmark exactly N iterations (Google Benchmark
// 1.7 has no fixed-count flag; --benchmark_min_time picks a count from the speed, which under
// valgrind varies from run to run and changes how far first-time costs are amortised).
int main(int argc, char** argv) {
  using x86diff::bench::kBenchmarks;
  constexpr absl::string_view kIterationsFlag = "--x86diff_iterations=";
  int64_t iterations = 0;
  int kept = 1;
  for (int i = 1; i < argc; ++i) {
    const absl::string_view arg = argv[i];
    if (absl::StartsWith(arg, kIterationsFlag)) {
      if (!absl::SimpleAtoi(arg.substr(kIterationsFlag.size()), &iterations) || iterations <= 0) {
        std::fprintf(stderr, "decoder_diff_bench: bad %s\n", argv[i]);
        return 1;
      }
      continue;
    }
    argv[kept++] = argv[i];
  }
  argc = kept;
  x86diff::bench::Cases();
  for (const auto& [name, function] : kBenchmarks) {
    benchmark::internal::Benchmark* registered = benchmark::RegisterBenchmark(name, function);
    if (iterations > 0) registered->Iterations(iterations);
  }
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}

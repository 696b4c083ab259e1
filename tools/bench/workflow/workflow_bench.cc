// Costs of the steps at the end of a campaign: minimizing a bucket's example, triage of a
// campaign directory, and writing the reports. Not hot paths, but they run over thousands of
// buckets after every campaign, so their per-bucket cost is worth knowing.
#include <stdlib.h>

#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "benchmark/benchmark.h"
#include "fuzz/hit_stats.h"
#include "harness/atomic_file.h"
#include "harness/check.h"
#include "harness/divergence.h"
#include "harness/finding.h"
#include "harness/memory_layout.h"
#include "tools/x86diff/case_oracle.h"
#include "tools/x86diff/report.h"
#include "tools/x86diff/triage.h"

namespace x86diff::cli {
namespace {

// A real Capstone/Zydis disagreement (LOCK REP INC AL) padded with prefixes, a trailing
// instruction, a non-default state and a scratch patch: what minimization removes.
TestCase PaddedLockInc() {
  CpuState state = DefaultInitialState(Mode::kLong64);
  state[Gpr::kRax] = 0xdeadbeef;
  TestCase test_case{
      Mode::kLong64, {0x2e, 0x3e, 0xf0, 0xf3, 0xfe, 0xc0, 0x48, 0x01, 0xd8, 0x90}, state};
  test_case.scratch_patches = {{0x40, {1, 2, 3}}};
  return test_case;
}

void BM_MinimizeDecoderFinding(benchmark::State& state) {
  absl::StatusOr<CaseOracle> oracle = CaseOracle::Create({});
  X86DIFF_CHECK(oracle.ok());
  const TestCase test_case = PaddedLockInc();
  absl::StatusOr<OracleRun> run = oracle->Run(test_case);
  X86DIFF_CHECK(run.ok() && !run->divergences.empty());
  const uint64_t signature = run->divergences.front().signature.hash;
  int64_t attempts = 0;
  for (auto _ : state) {
    absl::StatusOr<MinimizedFinding> minimized =
        MinimizeWithOracle(*oracle, test_case, signature);
    X86DIFF_CHECK(minimized.ok());
    attempts += minimized->result.attempts;
  }
  state.counters["attempts/s"] = benchmark::Counter(attempts, benchmark::Counter::kIsRate);
  state.counters["examples/s"] =
      benchmark::Counter(state.iterations(), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_MinimizeDecoderFinding)->Unit(benchmark::kMillisecond);

// A campaign directory with `buckets` findings (one signature each) and their hit counts,
// written by the same HitStats the fuzz targets use.
class SyntheticCampaign {
 public:
  explicit SyntheticCampaign(int buckets) {
    std::string pattern = (std::filesystem::temp_directory_path() / "x86diff_bench_XXXXXX").string();
    X86DIFF_CHECK(mkdtemp(pattern.data()) != nullptr);
    dir_ = pattern;
    std::filesystem::create_directories(dir_ + "/findings");
    std::filesystem::create_directories(dir_ + "/stats");
    HitStats stats("decoder_diff", dir_ + "/stats");
    for (int i = 0; i < buckets; ++i) {
      Finding finding;
      finding.test_case = {Mode::kLong64,
                           {0x0f, static_cast<uint8_t>(i), static_cast<uint8_t>(i >> 8), 0xc0}};
      Outcome capstone;
      capstone.target = "capstone";
      capstone.decode.valid = true;
      capstone.decode.length = 4;
      capstone.decode.mnemonic = "nop";
      Outcome zydis;
      zydis.target = "zydis";
      zydis.decode.failure = DecodeFailure::kInvalidEncoding;
      finding.outcomes = {capstone, zydis};
      Divergence divergence;
      divergence.kind = DivergenceKind::kValidity;
      divergence.targets = {"capstone", "zydis"};
      divergence.opcode_class = absl::StrCat("legacy:0f:", i);
      divergence.fields = "capstone=valid,zydis=invalid-encoding";
      divergence.signature = MakeSignature(divergence.kind, divergence.targets, divergence.mode,
                                           divergence.opcode_class, divergence.fields);
      finding.divergences = {divergence};
      X86DIFF_CHECK(WriteFileAtomically(
                        absl::StrCat(dir_, "/findings/", divergence.signature.HexId(), ".json"),
                        FindingToJson(finding))
                        .ok());
      for (int hit = 0; hit <= i % 7; ++hit) stats.Record(divergence.signature.hash);
    }
    X86DIFF_CHECK(stats.Flush().ok());
  }
  ~SyntheticCampaign() { std::filesystem::remove_all(dir_); }
  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
};

void BM_Triage(benchmark::State& state) {
  SyntheticCampaign campaign(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    absl::StatusOr<TriageResult> triage = ComputeTriage(campaign.dir(), "", "2026-11-23");
    X86DIFF_CHECK(triage.ok() && triage->buckets.size() == static_cast<size_t>(state.range(0)));
  }
  state.counters["buckets/s"] =
      benchmark::Counter(state.iterations() * state.range(0), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Triage)->Arg(1000)->Unit(benchmark::kMillisecond);

void BM_Report(benchmark::State& state) {
  SyntheticCampaign campaign(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    ReportOptions options;
    options.input = campaign.dir();
    options.today = "2026-11-23";
    std::ostringstream out, err;
    X86DIFF_CHECK(RunReportCommand(options, out, err).ok());
  }
  state.counters["buckets/s"] =
      benchmark::Counter(state.iterations() * state.range(0), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Report)->Arg(1000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace x86diff::cli

BENCHMARK_MAIN();

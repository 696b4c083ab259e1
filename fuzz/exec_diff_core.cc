#include "fuzz/exec_diff_core.h"

#include <cstdio>
#include <filesystem>
#include <system_error>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "adapters/registry.h"
#include "fuzz/fuzz_features.h"
#include "fuzz/hit_stats.h"
#include "harness/atomic_file.h"
#include "harness/decode_runner.h"
#include "harness/exec_runner.h"
#include "harness/finding.h"
#include "harness/test_case_codec.h"

// libFuzzer collects every byte of this section as extra coverage after each input and clears it
// before the next (compiler-rt/lib/fuzzer/FuzzerTracePC.cpp, ExtraCountersBegin/End). Outside a
// libFuzzer binary nobody reads it.
static uint8_t exec_extra_counters[x86diff::kExecFeatureSlots]
    __attribute__((used, section("__libfuzzer_extra_counters")));

namespace x86diff {
namespace {

static_assert(kExecSignatureSlots < kExecFeatureSlots);
constexpr size_t kViewSlots = kExecFeatureSlots - kExecSignatureSlots;

void SetSignatureFeature(uint64_t signature_hash) {
  exec_extra_counters[MixFeature(signature_hash) % kExecSignatureSlots] = 1;
}

void SetViewFeature(uint64_t key) {
  exec_extra_counters[kExecSignatureSlots + MixFeature(key) % kViewSlots] = 1;
}

// Bit 63 set keeps executor keys apart from decoder keys.
uint64_t ExecutorViewKey(size_t index, Mode mode, const ExecResult& result) {
  return (1ull << 63) | (static_cast<uint64_t>(index) << 48) | (static_cast<uint64_t>(mode) << 40) |
         (static_cast<uint64_t>(result.status) << 32) |
         (static_cast<uint64_t>(result.vector) << 16) |
         (static_cast<uint64_t>(result.length) << 8) | (result.memory_changes.empty() ? 0 : 1);
}

}  // namespace

absl::StatusOr<std::unique_ptr<ExecDiffCore>> ExecDiffCore::Create(ExecDiffOptions options) {
  absl::StatusOr<std::vector<std::unique_ptr<Decoder>>> decoders = MakeDecoders();
  if (!decoders.ok()) return decoders.status();
  std::vector<std::string> notes;
  absl::StatusOr<std::vector<std::unique_ptr<Executor>>> executors =
      MakeExecutors(options.executors, &notes);
  if (!executors.ok()) return executors.status();
  for (const std::string& note : notes) std::fprintf(stderr, "exec_diff: %s\n", note.c_str());
  return Create(std::move(options), *std::move(decoders), *std::move(executors));
}

absl::StatusOr<std::unique_ptr<ExecDiffCore>> ExecDiffCore::Create(
    ExecDiffOptions options, std::vector<std::unique_ptr<Decoder>> decoders,
    std::vector<std::unique_ptr<Executor>> executors) {
  if (decoders.empty()) return absl::InvalidArgumentError("ExecDiffCore needs decoders");
  if (executors.empty()) return absl::InvalidArgumentError("ExecDiffCore needs executors");
  if (absl::Status status = EnsureFindingsDirectory(options.findings_dir); !status.ok()) {
    return status;
  }
  return std::unique_ptr<ExecDiffCore>(
      new ExecDiffCore(std::move(options), std::move(decoders), std::move(executors)));
}

ExecDiffCore::ExecDiffCore(ExecDiffOptions options, std::vector<std::unique_ptr<Decoder>> decoders,
                           std::vector<std::unique_ptr<Executor>> executors)
    : options_(std::move(options)),
      decoders_(std::move(decoders)),
      executors_(std::move(executors)) {
  for (const std::unique_ptr<Decoder>& decoder : decoders_) decoder_views_.push_back(decoder.get());
  for (const std::unique_ptr<Executor>& executor : executors_) {
    executor_views_.push_back(executor.get());
  }
}

std::vector<std::string> ExecDiffCore::executor_names() const {
  std::vector<std::string> names;
  for (const std::unique_ptr<Executor>& executor : executors_) {
    names.emplace_back(executor->name());
  }
  return names;
}

ExecDiffCore::Result ExecDiffCore::RunOne(absl::Span<const uint8_t> encoded_test_case) {
  Result result;
  absl::StatusOr<TestCase> test_case = ParseTestCase(encoded_test_case);
  if (!test_case.ok()) return result;
  result.parsed = true;

  absl::StatusOr<ExecRun> run = RunExecution(decoder_views_, executor_views_, *test_case,
                                             {.detail = DecodeDetail::kComparable});
  if (!run.ok()) {
    result.decoder_failed = true;
    result.error = run.status().ToString();
    return result;
  }

  result.executor_errors = run->executor_errors;
  const size_t decoder_count = decoders_.size();
  for (size_t i = 0; i < run->outcomes.size(); ++i) {
    const Outcome& outcome = run->outcomes[i];
    if (i < decoder_count) {
      if (options_.feed_features)
        SetViewFeature(DecoderViewKey(i, test_case->mode, outcome.decode));
      continue;
    }
    ++result.executed;
    if (options_.feed_features) {
      SetViewFeature(ExecutorViewKey(i - decoder_count, test_case->mode, *outcome.exec));
    }
  }

  std::vector<Divergence> divergences = run->decode_divergences;
  divergences.insert(divergences.end(), run->exec.divergences.begin(), run->exec.divergences.end());
  result.divergences = static_cast<int>(divergences.size());
  bool full_decoded = false;
  for (const Divergence& divergence : divergences) {
    if (options_.feed_features) SetSignatureFeature(divergence.signature.hash);
    if (options_.hit_stats != nullptr) options_.hit_stats->Record(divergence.signature.hash);
    if (!seen_signatures_.insert(divergence.signature.hash).second) continue;
    ++result.new_signatures;
    if (options_.findings_dir.empty()) continue;
    const std::string path =
        absl::StrCat(options_.findings_dir, "/", divergence.signature.HexId(), ".json");
    if (FindingExists(path)) continue;  // another process (a -fork worker, an earlier run) has it
    // Findings are read by people: give the decoder outcomes their display text. Executors are
    // not run again (a second run could differ, and is costly).
    if (!full_decoded) {
      absl::StatusOr<std::vector<Outcome>> full = RunDecoders(decoder_views_, *test_case);
      if (full.ok()) {
        for (size_t i = 0; i < decoder_count && i < full->size(); ++i) {
          run->outcomes[i] = std::move((*full)[i]);
        }
      }
      full_decoded = true;
    }
    Finding finding{run->executed, run->outcomes, divergences};
    absl::Status written = WriteFileAtomically(path, FindingToJson(finding));
    if (written.ok()) {
      ++findings_written_;
    } else {
      std::fprintf(stderr, "exec_diff: cannot write finding %s: %s\n", path.c_str(),
                   written.ToString().c_str());
    }
  }
  return result;
}

}  // namespace x86diff

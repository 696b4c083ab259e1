#include "fuzz/decoder_diff_core.h"

#include <cstdio>
#include <filesystem>
#include <system_error>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "adapters/registry.h"
#include "harness/atomic_file.h"
#include "harness/comparator.h"
#include "harness/decode_runner.h"
#include "harness/finding.h"
#include "harness/test_case_codec.h"

// libFuzzer collects every byte of this section as extra coverage after each input and clears it
// before the next (compiler-rt/lib/fuzzer/FuzzerTracePC.cpp, ExtraCountersBegin/End). Outside a
// libFuzzer binary nobody reads it.
static uint8_t extra_counters[x86diff::kFeatureCounterSlots]
    __attribute__((used, section("__libfuzzer_extra_counters")));

namespace x86diff {
namespace {

static_assert(kSignatureFeatureSlots < kFeatureCounterSlots);

// Murmur3's 64-bit finaliser: spreads small structured values over the counter slots.
uint64_t Mix(uint64_t value) {
  value ^= value >> 33;
  value *= 0xff51afd7ed558ccdull;
  value ^= value >> 33;
  value *= 0xc4ceb9fe1a85ec53ull;
  value ^= value >> 33;
  return value;
}

void SetSignatureFeature(uint64_t signature_hash) {
  extra_counters[Mix(signature_hash) % kSignatureFeatureSlots] = 1;
}

void SetDecoderViewFeature(size_t decoder_index, Mode mode, const DecodeResult& result) {
  const uint64_t key =
      (static_cast<uint64_t>(decoder_index) << 56) | (static_cast<uint64_t>(mode) << 48) |
      (static_cast<uint64_t>(result.valid) << 47) | (static_cast<uint64_t>(result.failure) << 40) |
      (static_cast<uint64_t>(result.length) << 32) | result.instruction_id;
  constexpr size_t kSlots = kFeatureCounterSlots - kSignatureFeatureSlots;
  extra_counters[kSignatureFeatureSlots + Mix(key) % kSlots] = 1;
}

bool FileExists(const std::string& path) {
  std::error_code error;
  return std::filesystem::exists(path, error);
}

}  // namespace

absl::StatusOr<std::unique_ptr<DecoderDiffCore>> DecoderDiffCore::Create(
    DecoderDiffOptions options) {
  absl::StatusOr<std::vector<std::unique_ptr<Decoder>>> decoders = MakeDecoders();
  if (!decoders.ok()) return decoders.status();
  return Create(std::move(options), *std::move(decoders));
}

absl::StatusOr<std::unique_ptr<DecoderDiffCore>> DecoderDiffCore::Create(
    DecoderDiffOptions options, std::vector<std::unique_ptr<Decoder>> decoders) {
  if (decoders.empty()) return absl::InvalidArgumentError("DecoderDiffCore needs decoders");
  if (!options.findings_dir.empty()) {
    std::error_code error;
    std::filesystem::create_directories(options.findings_dir, error);
    if (error || !std::filesystem::is_directory(options.findings_dir, error)) {
      return absl::FailedPreconditionError(
          absl::StrCat("cannot create findings directory ", options.findings_dir, ": ",
                       error ? error.message() : "not a directory"));
    }
  }
  return std::unique_ptr<DecoderDiffCore>(
      new DecoderDiffCore(std::move(options), std::move(decoders)));
}

DecoderDiffCore::DecoderDiffCore(DecoderDiffOptions options,
                                 std::vector<std::unique_ptr<Decoder>> decoders)
    : options_(std::move(options)), decoders_(std::move(decoders)) {
  for (const std::unique_ptr<Decoder>& decoder : decoders_) {
    decoder_views_.push_back(decoder.get());
    outcomes_.push_back(Outcome{std::string(decoder->name()), Provenance::kDecoder, {}});
  }
}

DecoderDiffCore::Result DecoderDiffCore::RunOne(absl::Span<const uint8_t> encoded_test_case) {
  Result result;
  absl::StatusOr<TestCase> test_case = ParseTestCase(encoded_test_case);
  if (!test_case.ok()) return result;
  result.parsed = true;

  // RunDecoders() (harness/decode_runner.h) without its per-case vector and name copies: the
  // outcome slots and their target names live as long as this object. Only what the comparator
  // reads is decoded (no operand text).
  for (size_t i = 0; i < decoders_.size(); ++i) {
    absl::StatusOr<DecodeResult> decoded =
        decoders_[i]->Decode(test_case->mode, test_case->code, DecodeDetail::kComparable);
    if (!decoded.ok()) {
      result.decoder_failed = true;
      result.error = absl::StrCat(decoders_[i]->name(), ": ", decoded.status().ToString());
      return result;
    }
    outcomes_[i].decode = *std::move(decoded);
    if (options_.feed_features) SetDecoderViewFeature(i, test_case->mode, outcomes_[i].decode);
  }

  std::vector<Divergence> divergences = CompareDecodes(*test_case, outcomes_);
  result.divergences = static_cast<int>(divergences.size());
  for (const Divergence& divergence : divergences) {
    if (options_.feed_features) SetSignatureFeature(divergence.signature.hash);
    if (!seen_signatures_.insert(divergence.signature.hash).second) continue;
    ++result.new_signatures;
    if (options_.findings_dir.empty()) continue;
    const std::string path =
        absl::StrCat(options_.findings_dir, "/", divergence.signature.HexId(), ".json");
    if (FileExists(path)) continue;  // another process (a -fork worker, an earlier run) has it
    // The hot path skipped the operand text; a finding is rare and read by people, so it gets
    // the full decode (same verdicts: the detail level changes display fields only).
    absl::StatusOr<std::vector<Outcome>> full = RunDecoders(decoder_views_, *test_case);
    Finding finding{*test_case, full.ok() ? *std::move(full) : outcomes_, divergences};
    absl::Status written = WriteFileAtomically(path, FindingToJson(finding));
    if (written.ok()) {
      ++findings_written_;
    } else {
      std::fprintf(stderr, "decoder_diff: cannot write finding %s: %s\n", path.c_str(),
                   written.ToString().c_str());
    }
  }
  return result;
}

}  // namespace x86diff

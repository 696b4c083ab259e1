#include "fuzz/decoder_diff_core.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <utility>

#include "absl/base/attributes.h"
#include "absl/base/optimization.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "adapters/registry.h"
#include "fuzz/fuzz_features.h"
#include "fuzz/hit_stats.h"
#include "harness/atomic_file.h"
#include "harness/comparator.h"
#include "harness/decode_runner.h"
#include "harness/finding.h"
#include "harness/instruction_shape.h"
#include "harness/mnemonic_spelling.h"
#include "harness/test_case_codec.h"

// libFuzzer collects every byte of this section as extra coverage after each input and clears it
// before the next (compiler-rt/lib/fuzzer/FuzzerTracePC.cpp, ExtraCountersBegin/End). Outside a
// libFuzzer binary nobody reads it.
static uint8_t extra_counters[x86diff::kFeatureCounterSlots]
    __attribute__((used, section("__libfuzzer_extra_counters")));

namespace x86diff {
namespace {

static_assert(kSignatureFeatureSlots < kFeatureCounterSlots);

void SetSignatureFeature(uint64_t signature_hash) {
  extra_counters[MixFeature(signature_hash) % kSignatureFeatureSlots] = 1;
}

// Set twice per input, so the cheaper slot hash; one slot per key either way.
constexpr int kViewSlotBits = 13;
static_assert(kFeatureCounterSlots - kSignatureFeatureSlots == size_t{1} << kViewSlotBits);
void SetDecoderViewFeature(size_t decoder_index, Mode mode, const DecodeVerdict& verdict) {
  const uint64_t key = DecoderViewKey(decoder_index, mode, verdict);
  extra_counters[kSignatureFeatureSlots + FibonacciSlot(key, kViewSlotBits)] = 1;
}

}  // namespace

// The key must cover every input of the signature text. OpcodeClass() reads only InstructionShape,
// and the key holds all of its fields: a new field must be added to the key below.
static_assert(sizeof(InstructionShape) == 9, "InstructionShape changed: update the cache key");

DecodeSignatureCache::DecodeSignatureCache(size_t max_entries) : max_entries_(max_entries) {
  // A fuzzing run meets a few thousand kinds of divergence; growing to that costs rehashes.
  hashes_.reserve(std::min<size_t>(max_entries_, 4096));
}

DecodeSignatureCache::Found DecodeSignatureCache::Find(const DecodeDivergenceView& view, Mode mode,
                                                       const InstructionShape& shape) {
  // Binary key: fixed-size fields, then length-prefixed strings.
  char bytes[sizeof(Key::words)] = {};
  size_t size = 0;
  bool fits = true;
  auto put = [&](uint8_t byte) {
    if (size < sizeof(bytes))
      bytes[size++] = static_cast<char>(byte);
    else
      fits = false;
  };
  auto put_string = [&](absl::string_view text) {
    if (sizeof(bytes) - size < 1 + text.size()) {
      fits = false;
      return;
    }
    bytes[size++] = static_cast<char>(text.size());
    std::memcpy(bytes + size, text.data(), text.size());
    size += text.size();
  };
  put(static_cast<uint8_t>(view.kind));
  put(static_cast<uint8_t>(mode));
  put(static_cast<uint8_t>(shape.encoding));
  put(static_cast<uint8_t>(shape.map));
  put(static_cast<uint8_t>(shape.mandatory_prefix));
  put(shape.opcode);
  put(shape.has_opcode);
  put(shape.legacy_prefix_count);
  put(shape.lock);
  put(shape.rex_w);
  put(shape.opcode_offset);
  put_string(view.first_target);
  put_string(view.second_target);
  const DecodeVerdict& a = *view.first;
  const DecodeVerdict& b = *view.second;
  switch (view.kind) {
    case DivergenceKind::kValidity:
      put(a.valid);
      put(static_cast<uint8_t>(a.failure));
      put(b.valid);
      put(static_cast<uint8_t>(b.failure));
      break;
    case DivergenceKind::kLength:
      put(a.length < b.length);
      break;
    default:  // kMnemonic
      put_string(view.first_mnemonic);
      put_string(view.second_mnemonic);
      break;
  }
  if (!fits) return {DecodeDivergenceSignatureHash(view, mode, OpcodeClass(shape)), nullptr};
  Key key;
  std::memcpy(key.words.data(), bytes, sizeof(bytes));
  if (hashes_.size() >= max_entries_) hashes_.clear();
  // One probe for both outcomes: a hit returns the stored hash, a miss fills the new slot.
  const auto [it, inserted] = hashes_.try_emplace(key);
  if (inserted) it->second.hash = DecodeDivergenceSignatureHash(view, mode, OpcodeClass(shape));
  return {it->second.hash, &it->second.marked};
}

absl::string_view MnemonicSpellingCache::Normalize(absl::string_view mnemonic) {
  if (mnemonic.size() > kMaxSize) return NormalizeMnemonic(mnemonic);
  uint64_t words[2] = {0, 0};
  std::memcpy(words, mnemonic.data(), mnemonic.size());
  Entry& entry =
      entries_[MixFeature(words[0] ^ (words[1] * 0x9e3779b97f4a7c15ull) ^ mnemonic.size()) %
               kSlots];
  if (entry.size != mnemonic.size() || entry.words[0] != words[0] || entry.words[1] != words[1]) {
    entry.words[0] = words[0];
    entry.words[1] = words[1];
    entry.size = static_cast<uint8_t>(mnemonic.size());
    entry.result = NormalizeMnemonic(mnemonic);
    // A result inside the argument (the argument itself, when it has no alias) is kept as a
    // position, since the next text with this key lives elsewhere.
    const uintptr_t begin = reinterpret_cast<uintptr_t>(mnemonic.data());
    const uintptr_t at = reinterpret_cast<uintptr_t>(entry.result.data());
    entry.inside = at >= begin && at + entry.result.size() <= begin + mnemonic.size();
    entry.offset = entry.inside ? static_cast<uint8_t>(at - begin) : 0;
  }
  return entry.inside ? mnemonic.substr(entry.offset, entry.result.size()) : entry.result;
}

absl::StatusOr<std::unique_ptr<DecoderDiffCore>> DecoderDiffCore::Create(
    DecoderDiffOptions options) {
  absl::StatusOr<std::vector<std::unique_ptr<Decoder>>> decoders = MakeDecoders();
  if (!decoders.ok()) return decoders.status();
  return Create(std::move(options), *std::move(decoders));
}

absl::StatusOr<std::unique_ptr<DecoderDiffCore>> DecoderDiffCore::Create(
    DecoderDiffOptions options, std::vector<std::unique_ptr<Decoder>> decoders) {
  if (decoders.empty()) return absl::InvalidArgumentError("DecoderDiffCore needs decoders");
  if (absl::Status status = EnsureFindingsDirectory(options.findings_dir); !status.ok()) {
    return status;
  }
  return std::unique_ptr<DecoderDiffCore>(
      new DecoderDiffCore(std::move(options), std::move(decoders)));
}

DecoderDiffCore::DecoderDiffCore(DecoderDiffOptions options,
                                 std::vector<std::unique_ptr<Decoder>> decoders)
    : options_(std::move(options)), decoders_(std::move(decoders)) {
  seen_signatures_.reserve(4096);  // skips the rehashes of a run's first few thousand signatures
  for (const std::unique_ptr<Decoder>& decoder : decoders_) {
    decoder_views_.push_back(decoder.get());
    names_.emplace_back(decoder->name());
  }
  targets_.assign(names_.begin(), names_.end());  // names_ is complete: the views stay valid
  verdicts_.resize(decoders_.size());
}

DecoderDiffCore::Result DecoderDiffCore::RunOne(absl::Span<const uint8_t> encoded_test_case) {
  Result result;
  // A plain version 1 case is decoded straight from the input bytes, without a TestCase copy.
  const absl::StatusOr<DecodeInput> input = ParseDecodeInput(encoded_test_case, &test_case_);
  if (!input.ok()) return result;
  result.parsed = true;
  const Mode mode = input->mode;
  const absl::Span<const uint8_t> code = input->code;

  // RunDecoders() (harness/decode_runner.h) reduced to what the comparison and the features read:
  // verdicts in slots that live as long as this object, no text copied.
  DecodeVerdict* const verdicts = verdicts_.data();
  auto decode = [&](size_t i) ABSL_ATTRIBUTE_ALWAYS_INLINE {
    const absl::Status decoded = decoders_[i]->DecodeVerdictInto(mode, code, &verdicts[i]);
    if (ABSL_PREDICT_FALSE(!decoded.ok())) {
      ReportDecoderFailure(i, decoded, result);
      return false;
    }
    if (options_.feed_features) SetDecoderViewFeature(i, mode, verdicts[i]);
    return true;
  };

  // CompareDecodes() without building its Divergence objects: a divergence costs a signature
  // cache lookup (DecodeSignatureCache). Text is built in WriteFindings(), only for new signatures
  // that get a finding file.
  // By value: the captures stay in registers on the agreeing path.
  auto count_divergence = [this, mode, code, &result](const DecodeDivergenceView& divergence) {
    CountDivergence(divergence, mode, code, result);
  };
  if (decoders_.size() == 2) {
    // The usual Capstone and Zydis: one pair, without the loops.
    if (!decode(0) || !decode(1)) return result;
    CompareDecodeVerdicts(
        targets_[0], verdicts[0], targets_[1], verdicts[1], count_divergence,
        [this](absl::string_view mnemonic) { return spelling_cache_.Normalize(mnemonic); });
  } else {
    for (size_t i = 0; i < decoders_.size(); ++i) {
      if (!decode(i)) return result;
    }
    ForEachDecodeDivergence(
        targets_, verdicts_, count_divergence,
        [this](absl::string_view mnemonic) { return spelling_cache_.Normalize(mnemonic); });
  }
  if (!new_signatures_.empty()) WriteFindings(encoded_test_case);
  return result;
}

void DecoderDiffCore::ReportDecoderFailure(size_t decoder_index, const absl::Status& status,
                                           Result& result) const {
  result.decoder_failed = true;
  result.error = absl::StrCat(decoders_[decoder_index]->name(), ": ", status.ToString());
}

void DecoderDiffCore::CountDivergence(const DecodeDivergenceView& divergence, Mode mode,
                                      absl::Span<const uint8_t> code, Result& result) {
  ++result.divergences;
  // Read per divergence: a pair of decoders has at most one, and more decoders are rare.
  const InstructionShape shape = ReadInstructionShape(mode, code);
  const DecodeSignatureCache::Found found = signature_cache_.Find(divergence, mode, shape);
  if (options_.feed_features) SetSignatureFeature(found.hash);
  if (options_.hit_stats != nullptr) options_.hit_stats->Record(found.hash);
  // A cache entry marked earlier is a hash already in seen_signatures_ (which never shrinks):
  // no set lookup needed.
  if (found.marked != nullptr) {
    if (*found.marked) return;
    *found.marked = true;
  }
  if (!seen_signatures_.insert(found.hash).second) return;
  ++result.new_signatures;
  if (!options_.findings_dir.empty()) new_signatures_.push_back(found.hash);
}

void DecoderDiffCore::WriteFindings(absl::Span<const uint8_t> encoded_test_case) {
  // RunOne() validated the input already; a finding needs the whole TestCase.
  if (!ParseTestCaseInto(encoded_test_case, &test_case_).ok()) {
    new_signatures_.clear();
    return;
  }
  // The hot path kept verdicts only; a finding is rare and read by people, so it gets the full
  // decode (same verdicts: the detail level changes display fields only).
  const absl::StatusOr<std::vector<Outcome>> outcomes = RunDecoders(decoder_views_, test_case_);
  if (!outcomes.ok()) {
    std::fprintf(stderr, "decoder_diff: cannot decode a finding again: %s\n",
                 outcomes.status().ToString().c_str());
    new_signatures_.clear();
    return;
  }
  const std::vector<Divergence> divergences = CompareDecodes(test_case_, *outcomes);
  for (const Divergence& divergence : divergences) {
    // Each new signature once, even when two pairs of decoders share it.
    auto it = std::find(new_signatures_.begin(), new_signatures_.end(), divergence.signature.hash);
    if (it == new_signatures_.end()) continue;
    new_signatures_.erase(it);
    const std::string path =
        absl::StrCat(options_.findings_dir, "/", divergence.signature.HexId(), ".json");
    if (FindingExists(path)) continue;  // another process (a -fork worker, an earlier run) has it
    Finding finding{test_case_, *outcomes, divergences};
    absl::Status written = WriteFileAtomically(path, FindingToJson(finding));
    if (written.ok()) {
      ++findings_written_;
    } else {
      std::fprintf(stderr, "decoder_diff: cannot write finding %s: %s\n", path.c_str(),
                   written.ToString().c_str());
    }
  }
  // Empty already unless the hash-only path and CompareDecodes() disagreed (a bug); either way
  // nothing may carry over to the next case.
  new_signatures_.clear();
}

}  // namespace x86diff

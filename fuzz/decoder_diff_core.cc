#include "fuzz/decoder_diff_core.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "adapters/registry.h"
#include "fuzz/fuzz_features.h"
#include "harness/atomic_file.h"
#include "harness/comparator.h"
#include "harness/decode_runner.h"
#include "harness/finding.h"
#include "harness/instruction_shape.h"
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

void SetDecoderViewFeature(size_t decoder_index, Mode mode, const DecodeResult& result) {
  const uint64_t key = DecoderViewKey(decoder_index, mode, result);
  constexpr size_t kSlots = kFeatureCounterSlots - kSignatureFeatureSlots;
  extra_counters[kSignatureFeatureSlots + MixFeature(key) % kSlots] = 1;
}

}  // namespace

// The key must cover every input of the signature text. OpcodeClass() reads only InstructionShape,
// and the key holds all of its fields: a new field must be added to the key below.
static_assert(sizeof(InstructionShape) == 9, "InstructionShape changed: update the cache key");

DecodeSignatureCache::DecodeSignatureCache(size_t max_entries) : max_entries_(max_entries) {
  // A fuzzing run meets a few thousand kinds of divergence; growing to that costs rehashes.
  hashes_.reserve(std::min<size_t>(max_entries_, 4096));
}

uint64_t DecodeSignatureCache::Hash(const DecodeDivergenceView& view, Mode mode,
                                    const InstructionShape& shape) {
  // Binary key: fixed-size fields, then length-prefixed strings.
  Key key;
  size_t size = 0;
  bool fits = true;
  auto put = [&](uint8_t byte) {
    if (size < key.bytes.size()) key.bytes[size++] = static_cast<char>(byte);
    else fits = false;
  };
  auto put_string = [&](absl::string_view text) {
    if (key.bytes.size() - size < 1 + text.size()) {
      fits = false;
      return;
    }
    key.bytes[size++] = static_cast<char>(text.size());
    std::memcpy(key.bytes.data() + size, text.data(), text.size());
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
  put_string(view.first->target);
  put_string(view.second->target);
  const DecodeResult& a = view.first->decode;
  const DecodeResult& b = view.second->decode;
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
  if (!fits) return DecodeDivergenceSignatureHash(view, mode, OpcodeClass(shape));
  key.size = static_cast<uint8_t>(size);
  if (hashes_.size() >= max_entries_) hashes_.clear();
  // One probe for both outcomes: a hit returns the stored hash, a miss fills the new slot.
  const auto [it, inserted] = hashes_.try_emplace(key, 0);
  if (inserted) it->second = DecodeDivergenceSignatureHash(view, mode, OpcodeClass(shape));
  return it->second;
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
    outcomes_.push_back(Outcome{std::string(decoder->name()), Provenance::kDecoder, {}});
  }
}

DecoderDiffCore::Result DecoderDiffCore::RunOne(absl::Span<const uint8_t> encoded_test_case) {
  Result result;
  // A plain version 1 case is decoded straight from the input bytes, without a TestCase copy.
  const absl::StatusOr<DecodeInput> input = ParseDecodeInput(encoded_test_case, &test_case_);
  if (!input.ok()) return result;
  result.parsed = true;
  const Mode mode = input->mode;
  const absl::Span<const uint8_t> code = input->code;

  // RunDecoders() (harness/decode_runner.h) without its per-case vector and name copies: the
  // outcome slots, their target names and their strings' capacity live as long as this object.
  // Only what the comparator reads is decoded (no operand text).
  for (size_t i = 0; i < decoders_.size(); ++i) {
    const absl::Status decoded = decoders_[i]->DecodeInto(
        mode, code, DecodeDetail::kComparable, &outcomes_[i].decode);
    if (!decoded.ok()) {
      result.decoder_failed = true;
      result.error = absl::StrCat(decoders_[i]->name(), ": ", decoded.ToString());
      return result;
    }
    if (options_.feed_features) SetDecoderViewFeature(i, mode, outcomes_[i].decode);
  }

  // CompareDecodes() without building its Divergence objects: a divergence costs a signature
  // cache lookup (DecodeSignatureCache). Text is built in WriteFindings(), only for new signatures
  // that get a finding file.
  bool have_shape = false;
  InstructionShape shape;
  ForEachDecodeDivergence(outcomes_, [&](const DecodeDivergenceView& divergence) {
    ++result.divergences;
    if (!have_shape) {
      shape = ReadInstructionShape(mode, code);
      have_shape = true;
    }
    const uint64_t hash = signature_cache_.Hash(divergence, mode, shape);
    if (options_.feed_features) SetSignatureFeature(hash);
    if (!seen_signatures_.insert(hash).second) return;
    ++result.new_signatures;
    if (!options_.findings_dir.empty()) new_signatures_.push_back(hash);
  });
  if (!new_signatures_.empty()) WriteFindings(encoded_test_case);
  return result;
}

void DecoderDiffCore::WriteFindings(absl::Span<const uint8_t> encoded_test_case) {
  // RunOne() validated the input already; a finding needs the whole TestCase.
  if (!ParseTestCaseInto(encoded_test_case, &test_case_).ok()) {
    new_signatures_.clear();
    return;
  }
  const std::vector<Divergence> divergences = CompareDecodes(test_case_, outcomes_);
  for (const Divergence& divergence : divergences) {
    // Each new signature once, even when two pairs of decoders share it.
    auto it = std::find(new_signatures_.begin(), new_signatures_.end(), divergence.signature.hash);
    if (it == new_signatures_.end()) continue;
    new_signatures_.erase(it);
    const std::string path =
        absl::StrCat(options_.findings_dir, "/", divergence.signature.HexId(), ".json");
    if (FindingExists(path)) continue;  // another process (a -fork worker, an earlier run) has it
    // The hot path skipped the operand text; a finding is rare and read by people, so it gets
    // the full decode (same verdicts: the detail level changes display fields only).
    absl::StatusOr<std::vector<Outcome>> full = RunDecoders(decoder_views_, test_case_);
    Finding finding{test_case_, full.ok() ? *std::move(full) : outcomes_, divergences};
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

// The body of the decoder_diff fuzz target, shared by the libFuzzer entry point
// (fuzz/decoder_diff.cc), its replay main, benchmarks and tests: one encoded test case in, every
// decoder asked, outcomes compared, new kinds of disagreement written out as findings and fed
// back to libFuzzer as coverage.
#ifndef X86DIFF_FUZZ_DECODER_DIFF_CORE_H_
#define X86DIFF_FUZZ_DECODER_DIFF_CORE_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/attributes.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "harness/comparator.h"
#include "harness/decode_result.h"
#include "harness/decoder.h"
#include "harness/instruction_shape.h"
#include "harness/mode.h"
#include "harness/outcome.h"
#include "harness/test_case.h"

namespace x86diff {

class HitStats;  // fuzz/hit_stats.h

struct DecoderDiffOptions {
  // Where finding files go (created if missing); empty: write nothing.
  std::string findings_dir;
  // Set libFuzzer extra counters (see below). Off for benchmarks that measure the bare pipeline.
  bool feed_features = true;
  // When set, every divergence of every case is counted here by signature hash (not owned).
  HitStats* hit_stats = nullptr;
};

// Number of libFuzzer extra counters (section __libfuzzer_extra_counters) this library defines,
// split into two regions so that the two kinds of feature never collide:
//   [0, kSignatureFeatureSlots): one slot per divergence signature hash, so that an input
//     showing a new kind of disagreement counts as new coverage and stays in the corpus;
//   [kSignatureFeatureSlots, kFeatureCounterSlots): the decoders' own view of the input, a hash of
//     (decoder index, mode, instruction id, length, valid, failure reason), so that the fuzzer
//     keeps inputs that reach instructions it has not seen decoded yet even when the decoders
//     themselves are not coverage-instrumented.
inline constexpr size_t kSignatureFeatureSlots = 8192;
inline constexpr size_t kFeatureCounterSlots = 16384;

// Memoises DecodeDivergenceSignatureHash() for the fuzzing hot path. Hashing the ~80 bytes of
// signature text byte by byte and formatting the opcode class cost far more than the comparison;
// the cache key instead holds, in a compact binary form, everything that text depends on (kind,
// target names, mode, every InstructionShape field, the differing fields), so a kind of
// divergence seen before costs one hash-table lookup. Exact: equal keys mean equal texts. Keys are
// fixed-size arrays (no allocation on a miss either); a divergence whose key does not fit (very
// long names) is hashed uncached. Memory is bounded: the cache is emptied when it reaches
// `max_entries` (about 80 bytes each). Not thread-safe.
class DecodeSignatureCache {
 public:
  explicit DecodeSignatureCache(size_t max_entries = size_t{1} << 14);

  // DecodeDivergenceSignatureHash(view, mode, OpcodeClass(shape)), where `shape` is
  // ReadInstructionShape(mode, code) of the test case `view` belongs to.
  uint64_t Hash(const DecodeDivergenceView& view, Mode mode, const InstructionShape& shape) {
    return Find(view, mode, shape).hash;
  }

  // Hash() with a flag that the caller may keep in the cache entry: `*marked` starts false for a
  // new entry and keeps what the caller stores until the entry is dropped (RunOne() marks the
  // hashes it has recorded as seen). `marked` is null for an uncached divergence, and valid only
  // until the next call.
  struct Found {
    uint64_t hash = 0;
    bool* marked = nullptr;
  };
  Found Find(const DecodeDivergenceView& view, Mode mode, const InstructionShape& shape);

  size_t size() const { return hashes_.size(); }

 private:
  // The binary key, zero-padded: its encoding is self-delimiting (fixed fields, then
  // length-prefixed strings), so padding cannot make two different keys equal. Compared and
  // hashed a word at a time, without a byte loop or a memcmp call.
  struct Key {
    static constexpr size_t kWords = 8;
    std::array<uint64_t, kWords> words{};
    friend bool operator==(const Key& a, const Key& b) {
      uint64_t difference = 0;
      for (size_t i = 0; i < kWords; ++i) difference |= a.words[i] ^ b.words[i];
      return difference == 0;
    }
    template <typename H>
    friend H AbslHashValue(H state, const Key& key) {
      uint64_t folded = 0;  // the table's hash mixes this further
      for (size_t i = 0; i < kWords; ++i) folded = (folded ^ key.words[i]) * 0x9e3779b97f4a7c15ull;
      return H::combine(std::move(state), folded);
    }
  };

  struct Value {
    uint64_t hash = 0;
    bool marked = false;
  };

  size_t max_entries_;
  absl::flat_hash_map<Key, Value> hashes_;
};

// Memoises NormalizeMnemonic() for the fuzzing hot path, where a pair of decoders that spell an
// instruction differently (5-10% of cases) would otherwise pay for the alias table search every
// time. Exact: the key is the whole text (up to 16 bytes; longer texts are not cached), and
// NormalizeMnemonic() is a pure function of it. Direct-mapped, a fixed 160 KiB (the two
// libraries have a few thousand spellings between them). Not thread-safe.
class MnemonicSpellingCache {
 public:
  // NormalizeMnemonic(mnemonic): either `mnemonic` itself (or part of it) or a static spelling.
  absl::string_view Normalize(absl::string_view mnemonic);

 private:
  static constexpr size_t kMaxSize = 16;
  static constexpr size_t kSlots = 4096;
  struct Entry {
    uint64_t words[2] = {0, 0};   // the text, zero-padded
    uint8_t size = kMaxSize + 1;  // kMaxSize + 1: empty slot
    // The result: a view into the text at [offset, offset + result.size()) when `inside`, else
    // `result` itself (static storage).
    bool inside = false;
    uint8_t offset = 0;
    absl::string_view result;
  };
  std::array<Entry, kSlots> entries_{};
};

// Runs encoded test cases through a fixed list of decoders.
//
// Decoding: the hot path decodes a plain version 1 input in place (ParseDecodeInput) into reused
// verdict slots (Decoder::DecodeVerdictInto: no text copied, only what the comparison and the
// features read) and compares them as CompareDecodes() would, with a straight-line path for the
// usual two decoders; divergences are hashed without building text (DecodeSignatureCache);
// findings are decoded again with full detail and built with CompareDecodes().
//
// Findings: for each divergence whose signature was not seen before by this object and has no
// file yet in findings_dir, RunOne() writes <findings_dir>/<Signature::HexId()>.json atomically
// (a Finding: the test case, every outcome, every divergence of the case). The file check makes
// libFuzzer -fork workers, which share the directory, write each signature once (up to a benign
// race in which two workers write the same name; the rename keeps one complete file).
//
// Features: with feed_features, RunOne() sets the process-wide extra counters described above.
// They are shared by every DecoderDiffCore in the process.
//
// Not thread-safe: one instance per thread (the decoders are not thread-safe either).
class DecoderDiffCore {
 public:
  // Creates every available decoder (adapters/registry.h). Fails if a decoder cannot be created
  // or findings_dir cannot be created.
  static absl::StatusOr<std::unique_ptr<DecoderDiffCore>> Create(DecoderDiffOptions options);
  // Same with the given decoders (tests, other decoder sets); an empty list is InvalidArgument.
  static absl::StatusOr<std::unique_ptr<DecoderDiffCore>> Create(
      DecoderDiffOptions options, std::vector<std::unique_ptr<Decoder>> decoders);

  DecoderDiffCore(const DecoderDiffCore&) = delete;
  DecoderDiffCore& operator=(const DecoderDiffCore&) = delete;

  struct Result {
    bool parsed = false;     // the input was a valid encoded test case
    int divergences = 0;     // divergences found for it
    int new_signatures = 0;  // of those, signatures this object had not seen before
    // A decoder returned an infrastructure error (not an invalid instruction); `error` says which.
    // Nothing else about the case is reported then.
    bool decoder_failed = false;
    std::string error;
  };

  // Runs one encoded test case (harness/test_case_codec.h). Malformed input gives parsed == false
  // and writes nothing. A finding that cannot be written is reported on stderr (once per
  // signature) and does not stop the run.
  Result RunOne(absl::Span<const uint8_t> encoded_test_case);

  // Distinct divergence signatures seen so far.
  size_t distinct_signatures() const { return seen_signatures_.size(); }
  // Finding files written so far.
  size_t findings_written() const { return findings_written_; }

 private:
  DecoderDiffCore(DecoderDiffOptions options, std::vector<std::unique_ptr<Decoder>> decoders);

  // Fills the Result of a case whose decoder `decoder_index` failed with `status` (cold path).
  ABSL_ATTRIBUTE_NOINLINE void ReportDecoderFailure(size_t decoder_index,
                                                    const absl::Status& status,
                                                    Result& result) const;
  // What RunOne() does with each divergence of a case in `mode` with `code`: signature hash,
  // features, hit counts, new-signature bookkeeping.
  void CountDivergence(const DecodeDivergenceView& divergence, Mode mode,
                       absl::Span<const uint8_t> code, Result& result);

  // Writes a finding for each divergence of the current case (`encoded_test_case`) whose
  // signature hash is in new_signatures_, then clears new_signatures_.
  void WriteFindings(absl::Span<const uint8_t> encoded_test_case);

  DecoderDiffOptions options_;
  std::vector<std::unique_ptr<Decoder>> decoders_;
  std::vector<const Decoder*> decoder_views_;  // decoders_ as RunDecoders() takes them
  std::vector<std::string> names_;             // decoders_' names, and views of them
  std::vector<absl::string_view> targets_;
  std::vector<DecodeVerdict> verdicts_;  // one slot per decoder, reused for every case
  // Per-case scratch kept here so that its capacity is reused: the parsed case (when the input
  // is not decoded in place, and for findings) and the signature hashes first seen in it that
  // need a finding file.
  TestCase test_case_;
  std::vector<uint64_t> new_signatures_;
  DecodeSignatureCache signature_cache_;
  MnemonicSpellingCache spelling_cache_;
  absl::flat_hash_set<uint64_t> seen_signatures_;
  size_t findings_written_ = 0;
};

}  // namespace x86diff

#endif  // X86DIFF_FUZZ_DECODER_DIFF_CORE_H_

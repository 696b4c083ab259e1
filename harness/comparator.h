// Compares the outcomes of several targets for one test case.
#ifndef X86DIFF_HARNESS_COMPARATOR_H_
#define X86DIFF_HARNESS_COMPARATOR_H_

#include <cstdint>
#include <cstring>
#include <utility>
#include <vector>

#include "absl/base/attributes.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "harness/decode_result.h"
#include "harness/divergence.h"
#include "harness/mnemonic_spelling.h"
#include "harness/mode.h"
#include "harness/outcome.h"
#include "harness/test_case.h"

namespace x86diff {

// Decoder comparison, pairwise over the decoder outcomes (in the given order): validity first,
// then length, then mnemonic (after NormalizeMnemonic). At most one divergence per pair: a
// validity difference makes length and mnemonic meaningless. Outcomes of other provenance are
// ignored here.
std::vector<Divergence> CompareDecodes(const TestCase& test_case,
                                       absl::Span<const Outcome> outcomes);

// The allocation-free core of CompareDecodes, for the fuzzing hot path: one decoder divergence
// by reference into the compared verdicts. Valid only while the callback that receives it runs.
struct DecodeDivergenceView {
  DivergenceKind kind = DivergenceKind::kValidity;  // kValidity, kLength or kMnemonic
  // The pair in target-name order.
  absl::string_view first_target;
  absl::string_view second_target;
  const DecodeVerdict* first = nullptr;
  const DecodeVerdict* second = nullptr;
  absl::string_view first_mnemonic;  // kMnemonic only: the normalised spellings
  absl::string_view second_mnemonic;
};

// a == b for short texts without a memcmp call: the first and the last bytes of each, read as
// two possibly overlapping words, never past either text.
ABSL_ATTRIBUTE_ALWAYS_INLINE inline bool SameText(absl::string_view a, absl::string_view b) {
  const size_t size = a.size();
  if (size != b.size()) return false;
  auto same = [&](auto word) {
    constexpr size_t kWord = sizeof(word);
    decltype(word) a_head, a_tail, b_head, b_tail;
    std::memcpy(&a_head, a.data(), kWord);
    std::memcpy(&a_tail, a.data() + size - kWord, kWord);
    std::memcpy(&b_head, b.data(), kWord);
    std::memcpy(&b_tail, b.data() + size - kWord, kWord);
    return ((a_head ^ b_head) | (a_tail ^ b_tail)) == 0;
  };
  if (size >= 8) return size <= 16 ? same(uint64_t{}) : a == b;
  if (size >= 4) return same(uint32_t{});
  if (size >= 2) return same(uint16_t{});
  return size == 0 || a[0] == b[0];
}

// Compares one pair of decoder verdicts as CompareDecodes() does and calls
// `report(const DecodeDivergenceView&)` if they diverge. Inline, without allocating: an agreeing
// pair costs a few comparisons. `normalize(absl::string_view)` must return what
// NormalizeMnemonic() returns (a memoised version, for instance).
// The reporting half of CompareDecodeVerdicts(): only a divergence pays for building the view.
template <typename Report>
ABSL_ATTRIBUTE_ALWAYS_INLINE inline void ReportDecodeDivergence(
    DivergenceKind kind, absl::string_view target_a, const DecodeVerdict& a,
    absl::string_view target_b, const DecodeVerdict& b, absl::string_view mnemonic_a,
    absl::string_view mnemonic_b, Report& report) {
  DecodeDivergenceView view;
  view.kind = kind;
  view.first_target = target_a;
  view.second_target = target_b;
  view.first = &a;
  view.second = &b;
  view.first_mnemonic = mnemonic_a;
  view.second_mnemonic = mnemonic_b;
  // Fields name targets in sorted order so that (a, b) and (b, a) give one signature.
  if (target_b < target_a) {
    std::swap(view.first_target, view.second_target);
    std::swap(view.first, view.second);
    std::swap(view.first_mnemonic, view.second_mnemonic);
  }
  report(static_cast<const DecodeDivergenceView&>(view));
}

template <typename Report, typename Normalize = absl::string_view (*)(absl::string_view)>
ABSL_ATTRIBUTE_ALWAYS_INLINE inline void CompareDecodeVerdicts(
    absl::string_view target_a, const DecodeVerdict& a, absl::string_view target_b,
    const DecodeVerdict& b, Report&& report, Normalize normalize = &NormalizeMnemonic) {
  DivergenceKind kind;
  absl::string_view mnemonic_a;  // kMnemonic only: the normalised spellings
  absl::string_view mnemonic_b;
  if (a.valid != b.valid) {
    kind = DivergenceKind::kValidity;
  } else if (!a.valid) {
    // Both reject: failure reasons are not comparable across libraries (Capstone gives none).
    return;
  } else if (a.length != b.length) {
    kind = DivergenceKind::kLength;
  } else {
    // Identical spellings are the common case; the table lookup is for the rest only.
    if (SameText(a.mnemonic, b.mnemonic)) return;
    mnemonic_a = normalize(a.mnemonic);
    mnemonic_b = normalize(b.mnemonic);
    if (SameText(mnemonic_a, mnemonic_b)) return;
    kind = DivergenceKind::kMnemonic;
  }
  ReportDecodeDivergence(kind, target_a, a, target_b, b, mnemonic_a, mnemonic_b, report);
}

// Calls `report(const DecodeDivergenceView&)` once for each divergence CompareDecodes() returns,
// in the same order, for the decoders named `targets` with `verdicts` (same size, the decoder
// outcomes in order), with `normalize` as in CompareDecodeVerdicts(). A template so that the hot
// path inlines both the loop and the callback.
template <typename Report, typename Normalize = absl::string_view (*)(absl::string_view)>
void ForEachDecodeDivergence(absl::Span<const absl::string_view> targets,
                             absl::Span<const DecodeVerdict> verdicts, Report&& report,
                             Normalize normalize = &NormalizeMnemonic) {
  for (size_t i = 0; i < verdicts.size(); ++i) {
    for (size_t j = i + 1; j < verdicts.size(); ++j) {
      CompareDecodeVerdicts(targets[i], verdicts[i], targets[j], verdicts[j], report, normalize);
    }
  }
}

// Divergence::signature.hash of the divergence CompareDecodes() builds from `view` for a test case
// in `mode` whose opcode class (OpcodeClass(ReadInstructionShape(mode, code))) is `opcode_class`,
// computed without building any text.
uint64_t DecodeDivergenceSignatureHash(const DecodeDivergenceView& view, Mode mode,
                                       absl::string_view opcode_class);

}  // namespace x86diff

#endif  // X86DIFF_HARNESS_COMPARATOR_H_

// Compares the outcomes of several targets for one test case.
#ifndef X86DIFF_HARNESS_COMPARATOR_H_
#define X86DIFF_HARNESS_COMPARATOR_H_

#include <cstdint>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
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
// by reference into the outcomes. Valid only while the callback that receives it runs.
struct DecodeDivergenceView {
  DivergenceKind kind = DivergenceKind::kValidity;  // kValidity, kLength or kMnemonic
  const Outcome* first = nullptr;   // the pair in target-name order
  const Outcome* second = nullptr;
  absl::string_view first_mnemonic;   // kMnemonic only: the normalised spellings
  absl::string_view second_mnemonic;
};

// Calls `report(const DecodeDivergenceView&)` once for each divergence CompareDecodes() returns,
// in the same order, without allocating (agreeing pairs cost a few comparisons). A template so
// that the hot path inlines both the loop and the callback.
template <typename Report>
void ForEachDecodeDivergence(absl::Span<const Outcome> outcomes, Report&& report) {
  for (size_t i = 0; i < outcomes.size(); ++i) {
    if (outcomes[i].provenance != Provenance::kDecoder) continue;
    for (size_t j = i + 1; j < outcomes.size(); ++j) {
      if (outcomes[j].provenance != Provenance::kDecoder) continue;
      const DecodeResult& a = outcomes[i].decode;
      const DecodeResult& b = outcomes[j].decode;
      DecodeDivergenceView view;
      if (a.valid != b.valid) {
        view.kind = DivergenceKind::kValidity;
      } else if (!a.valid) {
        // Both reject: failure reasons are not comparable across libraries (Capstone gives none).
        continue;
      } else if (a.length != b.length) {
        view.kind = DivergenceKind::kLength;
      } else {
        // Identical spellings are the common case; the table lookup is for the rest only.
        if (a.mnemonic == b.mnemonic) continue;
        view.first_mnemonic = NormalizeMnemonic(a.mnemonic);
        view.second_mnemonic = NormalizeMnemonic(b.mnemonic);
        if (view.first_mnemonic == view.second_mnemonic) continue;
        view.kind = DivergenceKind::kMnemonic;
      }
      view.first = &outcomes[i];
      view.second = &outcomes[j];
      // Fields name targets in sorted order so that (a, b) and (b, a) give one signature.
      if (view.second->target < view.first->target) {
        std::swap(view.first, view.second);
        std::swap(view.first_mnemonic, view.second_mnemonic);
      }
      report(static_cast<const DecodeDivergenceView&>(view));
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

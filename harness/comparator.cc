#include "harness/comparator.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "harness/instruction_shape.h"
#include "harness/mnemonic_spelling.h"

namespace x86diff {

namespace {

// Fields name targets in sorted order so that (a, b) and (b, a) give one signature.
std::string DescribeValidity(const Outcome& first, const Outcome& second) {
  auto view = [](const Outcome& outcome) -> std::string {
    return outcome.decode.valid ? "valid" : std::string(DecodeFailureName(outcome.decode.failure));
  };
  return absl::StrCat(first.target, "=", view(first), ",", second.target, "=", view(second));
}

std::string DescribeLength(const Outcome& first, const Outcome& second) {
  return absl::StrCat(first.target, first.decode.length < second.decode.length ? "<" : ">",
                      second.target);
}

}  // namespace

std::vector<Divergence> CompareDecodes(const TestCase& test_case,
                                       absl::Span<const Outcome> outcomes) {
  std::vector<Divergence> divergences;
  std::string opcode_class;  // computed only when something diverges
  for (size_t i = 0; i < outcomes.size(); ++i) {
    if (outcomes[i].provenance != Provenance::kDecoder) continue;
    for (size_t j = i + 1; j < outcomes.size(); ++j) {
      if (outcomes[j].provenance != Provenance::kDecoder) continue;
      const Outcome* first = &outcomes[i];
      const Outcome* second = &outcomes[j];
      if (second->target < first->target) std::swap(first, second);
      const DecodeResult& a = first->decode;
      const DecodeResult& b = second->decode;

      DivergenceKind kind;
      std::string fields;
      if (a.valid != b.valid) {
        kind = DivergenceKind::kValidity;
        fields = DescribeValidity(*first, *second);
      } else if (!a.valid) {
        // Both reject: failure reasons are not comparable across libraries (Capstone gives none).
        continue;
      } else if (a.length != b.length) {
        kind = DivergenceKind::kLength;
        fields = DescribeLength(*first, *second);
      } else {
        // Identical spellings are the common case; the table lookup is for the rest only.
        if (a.mnemonic == b.mnemonic) continue;
        absl::string_view mnemonic_a = NormalizeMnemonic(a.mnemonic);
        absl::string_view mnemonic_b = NormalizeMnemonic(b.mnemonic);
        if (mnemonic_a == mnemonic_b) continue;
        kind = DivergenceKind::kMnemonic;
        fields = absl::StrCat(first->target, ":", mnemonic_a, ",", second->target, ":", mnemonic_b);
      }
      if (opcode_class.empty()) {
        opcode_class = OpcodeClass(ReadInstructionShape(test_case.mode, test_case.code));
      }
      Divergence divergence;
      divergence.kind = kind;
      divergence.targets = {first->target, second->target};
      divergence.mode = test_case.mode;
      divergence.opcode_class = opcode_class;
      divergence.fields = std::move(fields);
      divergence.signature = MakeSignature(kind, divergence.targets, divergence.mode,
                                           divergence.opcode_class, divergence.fields);
      divergences.push_back(std::move(divergence));
    }
  }
  return divergences;
}

}  // namespace x86diff

#include "harness/comparator.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "harness/instruction_shape.h"

namespace x86diff {

namespace {

// The pieces of Divergence::fields for `view`, in order; returns how many. Fields name targets in
// sorted order so that (a, b) and (b, a) give one signature, e.g.
//   validity: "capstone=valid,zydis=invalid-encoding"
//   length:   "capstone<zydis"
//   mnemonic: "capstone:xchg,zydis:nop"
// Both the text (CompareDecodes) and the hash-only path (DecodeDivergenceSignatureHash) come from
// here, so they cannot drift apart.
constexpr size_t kMaxFieldParts = 7;
size_t FieldParts(const DecodeDivergenceView& view, absl::string_view (&parts)[kMaxFieldParts]) {
  const DecodeVerdict& first = *view.first;
  const DecodeVerdict& second = *view.second;
  switch (view.kind) {
    case DivergenceKind::kValidity: {
      auto state = [](const DecodeVerdict& verdict) -> absl::string_view {
        return verdict.valid ? "valid" : DecodeFailureName(verdict.failure);
      };
      parts[0] = view.first_target;
      parts[1] = "=";
      parts[2] = state(first);
      parts[3] = ",";
      parts[4] = view.second_target;
      parts[5] = "=";
      parts[6] = state(second);
      return 7;
    }
    case DivergenceKind::kLength:
      parts[0] = view.first_target;
      parts[1] = first.length < second.length ? "<" : ">";
      parts[2] = view.second_target;
      return 3;
    default:  // kMnemonic
      parts[0] = view.first_target;
      parts[1] = ":";
      parts[2] = view.first_mnemonic;
      parts[3] = ",";
      parts[4] = view.second_target;
      parts[5] = ":";
      parts[6] = view.second_mnemonic;
      return 7;
  }
}

}  // namespace

uint64_t DecodeDivergenceSignatureHash(const DecodeDivergenceView& view, Mode mode,
                                       absl::string_view opcode_class) {
  absl::string_view parts[kMaxFieldParts];
  const size_t count = FieldParts(view, parts);
  const absl::string_view targets[] = {view.first_target, view.second_target};
  return SignatureHash(view.kind, targets, mode, opcode_class, absl::MakeConstSpan(parts, count));
}

std::vector<Divergence> CompareDecodes(const TestCase& test_case,
                                       absl::Span<const Outcome> outcomes) {
  // The decoder outcomes only, as verdicts (views into `outcomes`).
  std::vector<absl::string_view> targets;
  std::vector<DecodeVerdict> verdicts;
  for (const Outcome& outcome : outcomes) {
    if (outcome.provenance != Provenance::kDecoder) continue;
    targets.push_back(outcome.target);
    verdicts.push_back(VerdictOf(outcome.decode));
  }
  std::vector<Divergence> divergences;
  std::string opcode_class;  // computed only when something diverges
  ForEachDecodeDivergence(targets, verdicts, [&](const DecodeDivergenceView& view) {
    if (opcode_class.empty()) {
      opcode_class = OpcodeClass(ReadInstructionShape(test_case.mode, test_case.code));
    }
    absl::string_view parts[kMaxFieldParts];
    const size_t count = FieldParts(view, parts);
    Divergence divergence;
    divergence.kind = view.kind;
    divergence.targets = {std::string(view.first_target), std::string(view.second_target)};
    divergence.mode = test_case.mode;
    divergence.opcode_class = opcode_class;
    for (size_t k = 0; k < count; ++k) divergence.fields.append(parts[k].data(), parts[k].size());
    divergence.signature = MakeSignature(view.kind, divergence.targets, divergence.mode,
                                         divergence.opcode_class, divergence.fields);
    divergences.push_back(std::move(divergence));
  });
  return divergences;
}

}  // namespace x86diff

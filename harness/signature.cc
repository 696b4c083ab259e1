#include "harness/divergence.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace x86diff {

absl::string_view DivergenceKindName(DivergenceKind kind) {
  switch (kind) {
    case DivergenceKind::kLength: return "length";
    case DivergenceKind::kValidity: return "validity";
    case DivergenceKind::kMnemonic: return "mnemonic";
    case DivergenceKind::kFault: return "fault";
    case DivergenceKind::kRegister: return "register";
    case DivergenceKind::kFlags: return "flags";
    case DivergenceKind::kMemory: return "memory";
    case DivergenceKind::kCrash: return "crash";
    case DivergenceKind::kTimeout: return "timeout";
  }
  return "invalid";
}

std::string Signature::HexId() const { return absl::StrFormat("%016x", hash); }

namespace {
// FNV-1a, 64-bit (SignatureHasher): tiny, and unlike absl::Hash or std::hash its value never
// changes between runs or builds, which bucket files and waivers rely on.
uint64_t Fnv1a64(absl::string_view text) {
  SignatureHasher hasher;
  hasher.Add(text);
  return hasher.hash();
}
}  // namespace

// Must feed exactly the bytes MakeSignature() writes, in the same order.
uint64_t SignatureHash(DivergenceKind kind, absl::Span<const absl::string_view> targets, Mode mode,
                       absl::string_view opcode_class,
                       absl::Span<const absl::string_view> field_parts) {
  SignatureHasher hasher;
  hasher.Add(DivergenceKindName(kind));
  hasher.Add("|");
  for (size_t i = 0; i < targets.size(); ++i) {
    if (i != 0) hasher.Add(",");
    hasher.Add(targets[i]);
  }
  hasher.Add("|");
  hasher.Add(ModeName(mode));
  hasher.Add("|");
  hasher.Add(opcode_class);
  hasher.Add("|");
  for (absl::string_view part : field_parts) hasher.Add(part);
  return hasher.hash();
}

Signature MakeSignature(DivergenceKind kind, const std::vector<std::string>& targets, Mode mode,
                        absl::string_view opcode_class, absl::string_view fields) {
  Signature signature;
  // One allocation: this runs for every divergence in the fuzzing hot path.
  std::string& text = signature.text;
  text.reserve(64 + opcode_class.size() + fields.size());
  text.append(DivergenceKindName(kind).data(), DivergenceKindName(kind).size());
  text.append("|");
  for (size_t i = 0; i < targets.size(); ++i) text.append(i == 0 ? "" : ",").append(targets[i]);
  absl::StrAppend(&text, "|", ModeName(mode), "|", opcode_class, "|", fields);
  signature.hash = Fnv1a64(signature.text);
  return signature;
}

}  // namespace x86diff

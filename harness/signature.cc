#include "harness/divergence.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"

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
// FNV-1a, 64-bit: tiny, and unlike absl::Hash or std::hash its value never changes between runs
// or builds, which bucket files and waivers rely on.
uint64_t Fnv1a64(absl::string_view text) {
  uint64_t hash = 0xcbf29ce484222325ull;
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 0x100000001b3ull;
  }
  return hash;
}
}  // namespace

Signature MakeSignature(DivergenceKind kind, const std::vector<std::string>& targets, Mode mode,
                        absl::string_view opcode_class, absl::string_view fields) {
  Signature signature;
  signature.text = absl::StrCat(DivergenceKindName(kind), "|", absl::StrJoin(targets, ","), "|",
                                ModeName(mode), "|", opcode_class, "|", fields);
  signature.hash = Fnv1a64(signature.text);
  return signature;
}

}  // namespace x86diff

// Divergence: two targets disagree about one test case.
#ifndef X86DIFF_HARNESS_DIVERGENCE_H_
#define X86DIFF_HARNESS_DIVERGENCE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "harness/mode.h"

namespace x86diff {

enum class DivergenceKind : uint8_t {
  kLength,    // both valid, different lengths
  kValidity,  // one accepts, the other rejects
  kMnemonic,  // same length, different instruction after spelling normalisation
  kFault,
  kRegister,
  kFlags,
  kMemory,
  kCrash,
  kTimeout,
};
absl::string_view DivergenceKindName(DivergenceKind kind);

// A bucket key. `text` is the canonical form (kind|targets|mode|opcode class|fields); `hash` is
// FNV-1a-64 of it, stable across runs, processes and machines.
struct Signature {
  std::string text;
  uint64_t hash = 0;
  // 16 lower-case hex digits of `hash`, used for file names.
  std::string HexId() const;
};

// Builds the signature from its parts. Never takes raw bytes: equivalent findings share a bucket.
Signature MakeSignature(DivergenceKind kind, const std::vector<std::string>& targets, Mode mode,
                        absl::string_view opcode_class, absl::string_view fields);

// FNV-1a-64 fed piece by piece. Feeding the pieces of a signature text in order gives the same value
// as hashing the whole text, so hot paths can compute Signature::hash without building the text.
class SignatureHasher {
 public:
  void Add(absl::string_view piece) {
    const unsigned char* p = reinterpret_cast<const unsigned char*>(piece.data());
    const unsigned char* const end = p + piece.size();
    uint64_t hash = hash_;
    // Unrolled: the multiply chain is inherently serial, the loop bookkeeping is not.
    for (; end - p >= 4; p += 4) {
      hash = (hash ^ p[0]) * kPrime;
      hash = (hash ^ p[1]) * kPrime;
      hash = (hash ^ p[2]) * kPrime;
      hash = (hash ^ p[3]) * kPrime;
    }
    for (; p != end; ++p) hash = (hash ^ *p) * kPrime;
    hash_ = hash;
  }
  uint64_t hash() const { return hash_; }

 private:
  static constexpr uint64_t kPrime = 0x100000001b3ull;
  uint64_t hash_ = 0xcbf29ce484222325ull;
};

// MakeSignature(kind, targets, mode, opcode_class, fields).hash where `fields` is the concatenation
// of `field_parts`, without building any string.
uint64_t SignatureHash(DivergenceKind kind, absl::Span<const absl::string_view> targets, Mode mode,
                       absl::string_view opcode_class,
                       absl::Span<const absl::string_view> field_parts);

struct Divergence {
  DivergenceKind kind = DivergenceKind::kLength;
  std::vector<std::string> targets;  // sorted target names
  Mode mode = Mode::kLong64;
  std::string opcode_class;  // OpcodeClass() of the instruction
  // What differs, canonical and free of raw bytes, e.g. "capstone<zydis" for length,
  // "capstone=valid,zydis=invalid-encoding" for validity, "capstone:xchg,zydis:nop" for mnemonic.
  std::string fields;
  Signature signature;
};

}  // namespace x86diff

#endif  // X86DIFF_HARNESS_DIVERGENCE_H_

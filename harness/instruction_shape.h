// A decoder-independent reading of an instruction's encoding skeleton: prefixes, encoding family,
// opcode map, opcode byte and mandatory-prefix class. Used for divergence signatures (so buckets
// never depend on raw bytes, immediates or displacements) and by the structure-aware mutator.
// It does not know which opcodes take a ModRM byte and so does not compute lengths.
#ifndef X86DIFF_HARNESS_INSTRUCTION_SHAPE_H_
#define X86DIFF_HARNESS_INSTRUCTION_SHAPE_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "harness/mode.h"

namespace x86diff {

enum class Encoding : uint8_t { kLegacy, kRex, kVex2, kVex3, kEvex, kXop, k3dNow };
absl::string_view EncodingName(Encoding encoding);

// Opcode maps: the legacy escape sequences and the VEX/EVEX/XOP map numbers.
enum class OpcodeMap : uint8_t {
  kPrimary,  // one-byte opcode
  k0F,
  k0F38,
  k0F3A,
  kMap5,     // EVEX map 5 (AVX512-FP16)
  kMap6,     // EVEX map 6
  kXop8,
  kXop9,
  kXopA,
  kOther,    // reserved VEX/EVEX map number
};
absl::string_view OpcodeMapName(OpcodeMap map);

// Mandatory-prefix class: the last of 66/F3/F2 in legacy encodings, VEX/EVEX/XOP pp otherwise.
enum class MandatoryPrefix : uint8_t { kNone, k66, kF3, kF2 };
absl::string_view MandatoryPrefixName(MandatoryPrefix prefix);

struct InstructionShape {
  Encoding encoding = Encoding::kLegacy;
  OpcodeMap map = OpcodeMap::kPrimary;
  MandatoryPrefix mandatory_prefix = MandatoryPrefix::kNone;
  uint8_t opcode = 0;
  bool has_opcode = false;      // false when the bytes end before the opcode
  uint8_t legacy_prefix_count = 0;
  bool lock = false;
  bool rex_w = false;           // REX.W or VEX/EVEX/XOP .W
  uint8_t opcode_offset = 0;    // index of the opcode byte in the input
};

// Prefix bytes beyond this many are not scanned (the CPU raises #GP past 15 bytes anyway).
inline constexpr size_t kMaxInstructionScan = 15;

// Reads the skeleton of the first instruction of `code` in `mode`. Never fails: truncated input
// yields has_opcode == false. C4/C5/62/8F are read as VEX/EVEX/XOP only where the mode and the
// following byte make them so (SDM Vol. 2 2.3.5: in 32-bit modes ModRM.mod must be 11b).
InstructionShape ReadInstructionShape(Mode mode, absl::Span<const uint8_t> code);

// Stable text for signatures: "<encoding>:<map>:<opcode hex>[:<mandatory prefix>][:lock]", e.g.
// "legacy:0f:b8:f3", "evex:0f38:c6:66", "legacy:1b:01:lock" (no prefix class in the one-byte
// map, where 66/F2/F3 do not select the opcode), "truncated" when there is no opcode byte.
std::string OpcodeClass(const InstructionShape& shape);

}  // namespace x86diff

#endif  // X86DIFF_HARNESS_INSTRUCTION_SHAPE_H_

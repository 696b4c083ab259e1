#include "harness/instruction_shape.h"

#include "absl/strings/str_cat.h"

namespace x86diff {

absl::string_view EncodingName(Encoding encoding) {
  switch (encoding) {
    case Encoding::kLegacy: return "legacy";
    case Encoding::kRex: return "rex";
    case Encoding::kVex2: return "vex2";
    case Encoding::kVex3: return "vex3";
    case Encoding::kEvex: return "evex";
    case Encoding::kXop: return "xop";
    case Encoding::k3dNow: return "3dnow";
  }
  return "invalid";
}

absl::string_view OpcodeMapName(OpcodeMap map) {
  switch (map) {
    case OpcodeMap::kPrimary: return "1b";
    case OpcodeMap::k0F: return "0f";
    case OpcodeMap::k0F38: return "0f38";
    case OpcodeMap::k0F3A: return "0f3a";
    case OpcodeMap::kMap5: return "map5";
    case OpcodeMap::kMap6: return "map6";
    case OpcodeMap::kXop8: return "xop8";
    case OpcodeMap::kXop9: return "xop9";
    case OpcodeMap::kXopA: return "xopa";
    case OpcodeMap::kOther: return "other";
  }
  return "invalid";
}

absl::string_view MandatoryPrefixName(MandatoryPrefix prefix) {
  switch (prefix) {
    case MandatoryPrefix::kNone: return "np";
    case MandatoryPrefix::k66: return "66";
    case MandatoryPrefix::kF3: return "f3";
    case MandatoryPrefix::kF2: return "f2";
  }
  return "invalid";
}

namespace {

bool IsLegacyPrefix(uint8_t byte) {
  switch (byte) {
    case 0x26: case 0x2e: case 0x36: case 0x3e: case 0x64: case 0x65:
    case 0x66: case 0x67: case 0xf0: case 0xf2: case 0xf3:
      return true;
    default:
      return false;
  }
}

MandatoryPrefix FromPp(uint8_t pp) {
  static constexpr MandatoryPrefix kByPp[4] = {MandatoryPrefix::kNone, MandatoryPrefix::k66,
                                               MandatoryPrefix::kF3, MandatoryPrefix::kF2};
  return kByPp[pp & 3];
}

OpcodeMap VexMap(uint8_t map_select) {
  switch (map_select) {
    case 1: return OpcodeMap::k0F;
    case 2: return OpcodeMap::k0F38;
    case 3: return OpcodeMap::k0F3A;
    case 5: return OpcodeMap::kMap5;
    case 6: return OpcodeMap::kMap6;
    default: return OpcodeMap::kOther;
  }
}

// C4/C5/62 are VEX/EVEX in 64-bit mode always; in the 16/32-bit protected modes only when the
// next byte would be a register-form ModRM (mod == 11b), because LES/LDS/BOUND need a memory
// operand (SDM Vol. 2 2.3.5 and 2.6.1). Real and virtual-8086 mode have no VEX at all.
bool StartsVexLike(Mode mode, absl::Span<const uint8_t> code, size_t i) {
  if (!HasVexEncodings(mode) || i + 1 >= code.size()) return false;
  return Is64BitMode(mode) || (code[i + 1] & 0xc0) == 0xc0;
}

}  // namespace

InstructionShape ReadInstructionShape(Mode mode, absl::Span<const uint8_t> code) {
  InstructionShape shape;
  const size_t limit = code.size() < kMaxInstructionScan ? code.size() : kMaxInstructionScan;
  size_t i = 0;
  MandatoryPrefix last_simd_prefix = MandatoryPrefix::kNone;
  bool saw_66 = false;
  bool rex = false;
  for (; i < limit; ++i) {
    const uint8_t byte = code[i];
    if (IsLegacyPrefix(byte)) {
      ++shape.legacy_prefix_count;
      rex = false;  // A REX followed by a legacy prefix is ignored (SDM Vol. 2 2.2.1).
      shape.rex_w = false;
      if (byte == 0xf0) shape.lock = true;
      if (byte == 0x66) saw_66 = true;
      if (byte == 0xf2) last_simd_prefix = MandatoryPrefix::kF2;
      if (byte == 0xf3) last_simd_prefix = MandatoryPrefix::kF3;
      continue;
    }
    if (Is64BitMode(mode) && (byte & 0xf0) == 0x40) {
      rex = true;
      shape.rex_w = (byte & 0x08) != 0;
      continue;
    }
    break;
  }
  // F2/F3 select the SIMD form over 66 when both are present.
  shape.mandatory_prefix = last_simd_prefix != MandatoryPrefix::kNone
                               ? last_simd_prefix
                               : (saw_66 ? MandatoryPrefix::k66 : MandatoryPrefix::kNone);
  shape.encoding = rex ? Encoding::kRex : Encoding::kLegacy;
  if (i >= limit) return shape;

  const uint8_t lead = code[i];
  auto set_opcode = [&](size_t at) {
    if (at < code.size()) {
      shape.opcode = code[at];
      shape.opcode_offset = static_cast<uint8_t>(at);
      shape.has_opcode = true;
    }
  };
  if (lead == 0xc5 && StartsVexLike(mode, code, i)) {
    shape.encoding = Encoding::kVex2;
    shape.map = OpcodeMap::k0F;
    shape.mandatory_prefix = FromPp(code[i + 1]);
    shape.rex_w = false;
    set_opcode(i + 2);
    return shape;
  }
  if (lead == 0xc4 && StartsVexLike(mode, code, i)) {
    shape.encoding = Encoding::kVex3;
    shape.map = VexMap(code[i + 1] & 0x1f);
    if (i + 2 < code.size()) {
      shape.mandatory_prefix = FromPp(code[i + 2]);
      shape.rex_w = (code[i + 2] & 0x80) != 0;
    }
    set_opcode(i + 3);
    return shape;
  }
  if (lead == 0x62 && StartsVexLike(mode, code, i)) {
    shape.encoding = Encoding::kEvex;
    shape.map = VexMap(code[i + 1] & 0x07);
    if (i + 2 < code.size()) {
      shape.mandatory_prefix = FromPp(code[i + 2]);
      shape.rex_w = (code[i + 2] & 0x80) != 0;
    }
    set_opcode(i + 4);
    return shape;
  }
  // 8F is POP r/m unless the map field selects an XOP map (>= 8), AMD APM Vol. 3 1.8.
  if (lead == 0x8f && HasVexEncodings(mode) && i + 1 < code.size() &&
      (code[i + 1] & 0x1f) >= 8) {
    shape.encoding = Encoding::kXop;
    const uint8_t map_select = code[i + 1] & 0x1f;
    shape.map = map_select == 8   ? OpcodeMap::kXop8
                : map_select == 9 ? OpcodeMap::kXop9
                : map_select == 10 ? OpcodeMap::kXopA
                                   : OpcodeMap::kOther;
    if (i + 2 < code.size()) {
      shape.mandatory_prefix = FromPp(code[i + 2]);
      shape.rex_w = (code[i + 2] & 0x80) != 0;
    }
    set_opcode(i + 3);
    return shape;
  }
  if (lead != 0x0f) {
    set_opcode(i);
    return shape;
  }
  if (i + 1 >= code.size()) return shape;
  const uint8_t second = code[i + 1];
  if (second == 0x38 || second == 0x3a) {
    shape.map = second == 0x38 ? OpcodeMap::k0F38 : OpcodeMap::k0F3A;
    set_opcode(i + 2);
    return shape;
  }
  shape.map = OpcodeMap::k0F;
  // 3DNow! (0F 0F /r ib): the real opcode is the trailing imm8, whose position needs a full
  // ModRM decode; the class names the escape only.
  if (second == 0x0f) shape.encoding = Encoding::k3dNow;
  set_opcode(i + 1);
  return shape;
}

std::string OpcodeClass(const InstructionShape& shape) {
  if (!shape.has_opcode) return "truncated";
  // Built by hand: this runs for every divergence in the fuzzing hot path, where StrFormat's
  // parsing showed up in profiles.
  static constexpr char kHex[] = "0123456789abcdef";
  const char opcode[2] = {kHex[shape.opcode >> 4], kHex[shape.opcode & 0xf]};
  // In the one-byte map 66/F2/F3 are operand-size and REP prefixes, not opcode selectors; leaving
  // them out keeps e.g. every LOCK-validity finding on ADD in one bucket instead of four.
  const bool prefix_selects_opcode =
      shape.map != OpcodeMap::kPrimary ||
      (shape.encoding != Encoding::kLegacy && shape.encoding != Encoding::kRex);
  return absl::StrCat(EncodingName(shape.encoding), ":", OpcodeMapName(shape.map), ":",
                      absl::string_view(opcode, 2),
                      prefix_selects_opcode ? ":" : "",
                      prefix_selects_opcode ? MandatoryPrefixName(shape.mandatory_prefix) : "",
                      shape.lock ? ":lock" : "");
}

}  // namespace x86diff

#include "fuzz/x86_mutator.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <vector>

#include "harness/check.h"
#include "harness/instruction_shape.h"
#include "harness/mode.h"
#include "harness/test_case.h"
#include "harness/test_case_codec.h"

namespace x86diff {
namespace {

// Mutations may grow the code past the output limit before it is clipped once at the end.
constexpr size_t kWorkBytes = 32;

constexpr uint8_t kLegacyPrefixes[] = {0x66, 0x67, 0xf0, 0xf2, 0xf3, 0x2e,
                                       0x36, 0x3e, 0x26, 0x64, 0x65};
// Values that tend to sit on decoding boundaries (sign bits, all ones, small numbers).
constexpr uint8_t kInterestingBytes[] = {0x00, 0x01, 0x7f, 0x80, 0xff, 0xfe, 0x10, 0x40, 0xc0};

// SplitMix64: small, fast and good enough to pick mutations; seeded per call for determinism.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  // Uniform in [0, n); n must be > 0.
  size_t Below(size_t n) { return static_cast<size_t>(Next() % n); }
  bool OneIn(size_t n) { return Below(n) == 0; }
  uint8_t Byte() { return static_cast<uint8_t>(Next()); }
  template <typename T, size_t N>
  T Pick(const T (&items)[N]) {
    return items[Below(N)];
  }

 private:
  uint64_t state_;
};

bool IsLegacyPrefix(uint8_t byte) {
  for (uint8_t prefix : kLegacyPrefixes) {
    if (prefix == byte) return true;
  }
  return false;
}

bool IsRex(Mode mode, uint8_t byte) { return Is64BitMode(mode) && (byte & 0xf0) == 0x40; }

// The code of the test case being mutated, in a fixed buffer (no allocation per mutation).
struct Insn {
  Mode mode = Mode::kLong64;
  size_t len = 0;
  std::array<uint8_t, kWorkBytes> code{};

  absl::Span<const uint8_t> bytes() const { return absl::MakeConstSpan(code.data(), len); }
  // Replaces code[pos, pos + count) with `bytes`; false (and no change) when it would not fit.
  bool Replace(size_t pos, size_t count, absl::Span<const uint8_t> bytes) {
    if (pos > len || count > len - pos || len - count + bytes.size() > kWorkBytes) return false;
    std::memmove(code.data() + pos + bytes.size(), code.data() + pos + count, len - pos - count);
    if (!bytes.empty()) std::memcpy(code.data() + pos, bytes.data(), bytes.size());
    len = len - count + bytes.size();
    return true;
  }
  bool Insert(size_t pos, absl::Span<const uint8_t> bytes) { return Replace(pos, 0, bytes); }
  bool Push(uint8_t byte) { return Insert(len, {&byte, 1}); }
};

// Where the parts of the first instruction start, from ReadInstructionShape plus the prefix scan.
struct Layout {
  InstructionShape shape;
  size_t prefix_end = 0;  // end of legacy prefixes and REX bytes: where VEX/escapes/opcode begin
  size_t opcode = 0;      // offset of the opcode byte; == len when there is none
};

Layout ReadLayout(const Insn& insn) {
  Layout layout;
  layout.shape = ReadInstructionShape(insn.mode, insn.bytes());
  size_t i = 0;
  while (i < insn.len && i < kMaxInstructionScan &&
         (IsLegacyPrefix(insn.code[i]) || IsRex(insn.mode, insn.code[i]))) {
    ++i;
  }
  layout.prefix_end = i;
  layout.opcode = layout.shape.has_opcode ? layout.shape.opcode_offset : insn.len;
  return layout;
}

// 16-bit addressing: 16-bit modes without 67, or 32-bit modes with it (SDM Vol. 2 2.1.5 and
// 3.6); long mode's 67 selects 32-bit addressing.
bool Uses16BitAddressing(const Insn& insn, const Layout& layout) {
  bool has_67 = false;
  for (size_t i = 0; i < layout.prefix_end; ++i) has_67 |= insn.code[i] == 0x67;
  const int bits = DefaultAddressBits(insn.mode);
  return (bits == 16 && !has_67) || (bits == 32 && has_67);
}

struct MutationState {
  Insn insn;
  Rng rng;
  ByteMutator byte_mutate;
  size_t cap;       // most code bytes the output may hold
  ModeSet allowed;  // modes the output may have; insn.mode is always one of them
};

uint8_t InterestingOrRandom(Rng& rng) {
  return rng.OneIn(2) ? rng.Pick(kInterestingBytes) : rng.Byte();
}

// Appends a ModRM byte, a SIB byte where the ModRM asks for one, and the displacement its mod
// and r/m imply (SDM Vol. 2 Tables 2-1 and 2-2).
void AppendModRm(Insn& insn, Rng& rng, bool addressing16) {
  const uint8_t modrm = rng.OneIn(4) ? static_cast<uint8_t>(0xc0 | rng.Byte()) : rng.Byte();
  const uint8_t mod = modrm >> 6, rm = modrm & 7;
  insn.Push(modrm);
  size_t disp = 0;
  if (addressing16) {
    disp = mod == 1 ? 1 : mod == 2 ? 2 : (mod == 0 && rm == 6) ? 2 : 0;
  } else {
    if (mod != 3 && rm == 4) {
      const uint8_t sib = rng.Byte();
      insn.Push(sib);
      if (mod == 0 && (sib & 7) == 5) disp = 4;
    }
    if (mod == 1) disp = 1;
    if (mod == 2 || (mod == 0 && rm == 5)) disp = 4;
  }
  for (size_t i = 0; i < disp; ++i) insn.Push(InterestingOrRandom(rng));
}

void AppendImmediate(Insn& insn, Rng& rng) {
  static constexpr size_t kSizes[] = {0, 0, 1, 1, 2, 4};
  const size_t size = rng.Pick(kSizes);
  for (size_t i = 0; i < size; ++i) insn.Push(InterestingOrRandom(rng));
}

// Builds a VEX2/VEX3/EVEX/XOP prefix with random fields into `out` (returns its length). Outside
// 64-bit mode the inverted R/X bits are usually set, so that C4/C5/62 read as VEX/EVEX rather than
// LES/LDS/BOUND (ModRM.mod == 11b, SDM Vol. 2 2.3.5); sometimes they are not, to probe that edge.
size_t MakeVexLikePrefix(Encoding encoding, Mode mode, Rng& rng, uint8_t out[4]) {
  const bool force_mod11 = !Is64BitMode(mode) && !rng.OneIn(8);
  const uint8_t high_bits = force_mod11 ? 0xc0 : 0x00;
  switch (encoding) {
    case Encoding::kVex2:  // C5 [R vvvv L pp]
      out[0] = 0xc5;
      out[1] = rng.Byte() | high_bits;
      return 2;
    case Encoding::kVex3: {  // C4 [R X B m-mmmm] [W vvvv L pp]
      static constexpr uint8_t kMaps[] = {1, 1, 2, 3};
      const uint8_t map = rng.OneIn(8) ? (rng.Byte() & 0x1f) : rng.Pick(kMaps);
      out[0] = 0xc4;
      out[1] = static_cast<uint8_t>((rng.Byte() & 0xe0) | high_bits | map);
      out[2] = rng.Byte();
      return 3;
    }
    case Encoding::kEvex: {  // 62 [R X B R' 0 mmm] [W vvvv 1 pp] [z L'L b V' aaa]
      static constexpr uint8_t kMaps[] = {1, 1, 2, 3, 5, 6};
      const uint8_t map = rng.OneIn(8) ? (rng.Byte() & 0x07) : rng.Pick(kMaps);
      uint8_t p0 = static_cast<uint8_t>((rng.Byte() & 0xf0) | high_bits | map);
      if (rng.OneIn(8)) p0 |= 0x08;  // the reserved bit, mostly left 0 as required
      uint8_t p1 = rng.Byte();
      p1 = rng.OneIn(8) ? static_cast<uint8_t>(p1 & ~0x04) : static_cast<uint8_t>(p1 | 0x04);
      out[0] = 0x62;
      out[1] = p0;
      out[2] = p1;
      out[3] = rng.Byte();
      return 4;
    }
    case Encoding::kXop: {  // 8F [R X B m-mmmm] [W vvvv L pp], map >= 8 (AMD APM Vol. 3 1.8)
      static constexpr uint8_t kMaps[] = {8, 9, 10};
      const uint8_t map = rng.OneIn(8) ? static_cast<uint8_t>(8 + rng.Below(24)) : rng.Pick(kMaps);
      out[0] = 0x8f;
      out[1] = static_cast<uint8_t>((rng.Byte() & 0xe0) | map);
      out[2] = rng.Byte();
      return 3;
    }
    default:
      return 0;
  }
}

// ---- The mutations. Each returns false when it does not apply (another one is then tried). ----

bool ChangeMode(MutationState& s) {
  // An offset in [1, size) from the current mode's index never picks the current mode.
  const size_t count = s.allowed.size();
  if (count < 2) return false;
  const size_t current = s.allowed.IndexOf(s.insn.mode);
  const size_t offset = 1 + s.rng.Below(count - 1);
  s.insn.mode = s.allowed.Nth((current + offset) % count);
  return true;
}

bool InsertLegacyPrefix(MutationState& s) {
  const Layout layout = ReadLayout(s.insn);
  const uint8_t prefix = s.rng.Pick(kLegacyPrefixes);
  return s.insn.Insert(s.rng.Below(layout.prefix_end + 1), {&prefix, 1});
}

// Picks the offset of a random legacy prefix; false when there is none.
bool PickLegacyPrefix(MutationState& s, size_t* offset) {
  const Layout layout = ReadLayout(s.insn);
  size_t count = 0;
  for (size_t i = 0; i < layout.prefix_end; ++i) count += IsLegacyPrefix(s.insn.code[i]);
  if (count == 0) return false;
  size_t wanted = s.rng.Below(count);
  for (size_t i = 0; i < layout.prefix_end; ++i) {
    if (IsLegacyPrefix(s.insn.code[i]) && wanted-- == 0) {
      *offset = i;
      return true;
    }
  }
  return false;
}

bool RemoveLegacyPrefix(MutationState& s) {
  size_t offset;
  return PickLegacyPrefix(s, &offset) && s.insn.Replace(offset, 1, {});
}

bool ReplaceLegacyPrefix(MutationState& s) {
  size_t offset;
  if (!PickLegacyPrefix(s, &offset)) return false;
  uint8_t prefix;
  do {
    prefix = s.rng.Pick(kLegacyPrefixes);
  } while (prefix == s.insn.code[offset]);
  s.insn.code[offset] = prefix;
  return true;
}

// REX only means something in 64-bit mode (elsewhere 40-4F are INC/DEC), so this moves there.
bool AddOrFlipRex(MutationState& s) {
  if (!s.allowed.Contains(Mode::kLong64)) return false;
  s.insn.mode = Mode::kLong64;
  const Layout layout = ReadLayout(s.insn);
  if (layout.prefix_end > 0 && IsRex(s.insn.mode, s.insn.code[layout.prefix_end - 1])) {
    s.insn.code[layout.prefix_end - 1] ^= static_cast<uint8_t>(1u << s.rng.Below(4));
    return true;
  }
  const uint8_t rex = static_cast<uint8_t>(0x40 | s.rng.Below(16));
  return s.insn.Insert(layout.prefix_end, {&rex, 1});
}

// Replaces REX, VEX-like prefix and escape bytes with a fresh VEX-like prefix, keeping the legacy
// prefixes and the opcode with its operand bytes.
bool SynthesizeVexLike(MutationState& s, Encoding encoding) {
  if (s.insn.mode == Mode::kReal16 && !s.rng.OneIn(8)) {
    // Real mode has no VEX: usually move to a mode that has, when one is allowed.
    const ModeSet vex_modes = s.allowed.Without(Mode::kReal16);
    if (!vex_modes.empty()) s.insn.mode = vex_modes.Nth(s.rng.Below(vex_modes.size()));
  }
  const Layout layout = ReadLayout(s.insn);
  Insn out;
  out.mode = s.insn.mode;
  for (size_t i = 0; i < layout.prefix_end; ++i) {
    if (IsLegacyPrefix(s.insn.code[i])) out.Push(s.insn.code[i]);
  }
  uint8_t prefix[4];
  out.Replace(out.len, 0, {prefix, MakeVexLikePrefix(encoding, out.mode, s.rng, prefix)});
  if (layout.shape.has_opcode) {
    out.Replace(out.len, 0, s.insn.bytes().subspan(layout.opcode));
  } else {
    out.Push(s.rng.Byte());
    AppendModRm(out, s.rng, /*addressing16=*/false);
  }
  s.insn = out;
  return true;
}
bool SynthesizeVex2(MutationState& s) { return SynthesizeVexLike(s, Encoding::kVex2); }
bool SynthesizeVex3(MutationState& s) { return SynthesizeVexLike(s, Encoding::kVex3); }
bool SynthesizeEvex(MutationState& s) { return SynthesizeVexLike(s, Encoding::kEvex); }
bool SynthesizeXop(MutationState& s) { return SynthesizeVexLike(s, Encoding::kXop); }

bool SwitchOpcodeMap(MutationState& s) {
  const Layout layout = ReadLayout(s.insn);
  if (!layout.shape.has_opcode) return false;
  uint8_t* lead = &s.insn.code[layout.prefix_end];
  switch (layout.shape.encoding) {
    case Encoding::kVex2: {  // VEX2 implies map 0F: rewrite as VEX3 with another map.
      const uint8_t vex3[3] = {0xc4,
                               static_cast<uint8_t>((lead[1] & 0x80) | 0x60 | (2 + s.rng.Below(2))),
                               static_cast<uint8_t>(lead[1] & 0x7f)};
      return s.insn.Replace(layout.prefix_end, 2, vex3);
    }
    case Encoding::kVex3:
      lead[1] = static_cast<uint8_t>((lead[1] & 0xe0) | (1 + s.rng.Below(3)));
      return true;
    case Encoding::kEvex: {
      static constexpr uint8_t kMaps[] = {1, 2, 3, 5, 6};
      lead[1] = static_cast<uint8_t>((lead[1] & 0xf8) | s.rng.Pick(kMaps));
      return true;
    }
    case Encoding::kXop:
      lead[1] = static_cast<uint8_t>((lead[1] & 0xe0) | (8 + s.rng.Below(3)));
      return true;
    default: {
      static constexpr uint8_t kEscapes[4][2] = {{0, 0}, {0x0f, 0}, {0x0f, 0x38}, {0x0f, 0x3a}};
      static constexpr size_t kEscapeLengths[4] = {0, 1, 2, 2};
      const size_t choice = s.rng.Below(4);
      return s.insn.Replace(layout.prefix_end, layout.opcode - layout.prefix_end,
                            {kEscapes[choice], kEscapeLengths[choice]});
    }
  }
}

bool RandomOpcode(MutationState& s) {
  const Layout layout = ReadLayout(s.insn);
  if (!layout.shape.has_opcode) return s.insn.Push(s.rng.Byte());
  s.insn.code[layout.opcode] = s.rng.Byte();
  return true;
}

// Rewrites everything after the opcode: ModRM, SIB and displacement, then a random immediate.
bool RandomModRmSib(MutationState& s) {
  const Layout layout = ReadLayout(s.insn);
  if (!layout.shape.has_opcode) return false;
  s.insn.len = layout.opcode + 1;
  AppendModRm(s.insn, s.rng, Uses16BitAddressing(s.insn, layout));
  AppendImmediate(s.insn, s.rng);
  return true;
}

// Overwrites (or appends) a 1/2/4/8-byte little-endian field after the ModRM byte.
bool RandomDisplacementImmediate(MutationState& s) {
  const Layout layout = ReadLayout(s.insn);
  if (!layout.shape.has_opcode) return false;
  static constexpr size_t kWidths[] = {1, 1, 2, 4, 4, 8};
  const size_t width = s.rng.Pick(kWidths);
  const size_t first = layout.opcode + 2;  // skip the opcode and a (probable) ModRM
  const size_t pos = first + s.rng.Below(s.insn.len > first ? s.insn.len - first + 1 : 1);
  if (pos + width > kWorkBytes) return false;
  while (s.insn.len < pos + width) s.insn.Push(0);
  const bool interesting = s.rng.OneIn(2);
  // Interesting values are sign- or zero-extended: the upper bytes are all 00 or all ff.
  const uint8_t fill = s.rng.OneIn(2) ? 0x00 : 0xff;
  for (size_t i = 0; i < width; ++i) {
    s.insn.code[pos + i] =
        interesting ? (i == 0 ? s.rng.Pick(kInterestingBytes) : fill) : s.rng.Byte();
  }
  return true;
}

bool GenerateInstruction(MutationState& s) {
  Insn out;
  out.mode = s.rng.OneIn(2) ? s.insn.mode : s.allowed.Nth(s.rng.Below(s.allowed.size()));
  const size_t prefixes = s.rng.OneIn(2) ? 0 : 1 + s.rng.Below(3);
  for (size_t i = 0; i < prefixes; ++i) out.Push(s.rng.Pick(kLegacyPrefixes));
  static constexpr Encoding kEncodings[] = {Encoding::kLegacy, Encoding::kLegacy, Encoding::kRex,
                                            Encoding::kVex2,   Encoding::kVex3,   Encoding::kEvex,
                                            Encoding::kXop};
  const Encoding encoding = s.rng.Pick(kEncodings);
  if (encoding == Encoding::kLegacy || encoding == Encoding::kRex) {
    if (encoding == Encoding::kRex && Is64BitMode(out.mode)) {
      out.Push(static_cast<uint8_t>(0x40 | s.rng.Below(16)));
    }
    static constexpr uint8_t kMapChoices[] = {0, 0, 0, 1, 1, 1, 2, 3};
    const uint8_t map = s.rng.Pick(kMapChoices);
    if (map >= 1) out.Push(0x0f);
    if (map == 2) out.Push(0x38);
    if (map == 3) out.Push(0x3a);
  } else {
    uint8_t prefix[4];
    out.Replace(out.len, 0, {prefix, MakeVexLikePrefix(encoding, out.mode, s.rng, prefix)});
  }
  out.Push(s.rng.Byte());
  const Layout layout = ReadLayout(out);
  if (encoding != Encoding::kLegacy || !s.rng.OneIn(4)) {
    AppendModRm(out, s.rng, Uses16BitAddressing(out, layout));
  }
  AppendImmediate(out, s.rng);
  s.insn = out;
  return true;
}

// Flip a bit, set, insert or erase a byte: used when no LLVMFuzzerMutate is available.
size_t BuiltinByteMutate(Rng& rng, uint8_t* data, size_t size, size_t max_size) {
  switch (rng.Below(4)) {
    case 0:
      if (size == 0) break;
      data[rng.Below(size)] ^= static_cast<uint8_t>(1u << rng.Below(8));
      return size;
    case 1:
      if (size == 0) break;
      data[rng.Below(size)] = rng.Byte();
      return size;
    case 2:
      if (size == 0) break;
      {
        const size_t pos = rng.Below(size);
        std::memmove(data + pos, data + pos + 1, size - pos - 1);
      }
      return size - 1;
    default:
      break;
  }
  if (size >= max_size) return size;
  const size_t pos = rng.Below(size + 1);
  std::memmove(data + pos + 1, data + pos, size - pos);
  data[pos] = rng.Byte();
  return size + 1;
}

bool ByteMutate(MutationState& s) {
  if (s.insn.len == 0) s.insn.Push(s.rng.Byte());
  const size_t limit = s.cap < s.insn.len ? s.insn.len : s.cap;
  s.insn.len = s.byte_mutate != nullptr
                   ? s.byte_mutate(s.insn.code.data(), s.insn.len, limit)
                   : BuiltinByteMutate(s.rng, s.insn.code.data(), s.insn.len, limit);
  if (s.insn.len > limit) s.insn.len = limit;  // never trust a callback past its bound
  return true;
}

bool Truncate(MutationState& s) {
  if (s.insn.len == 0) return false;
  s.insn.len = s.rng.Below(s.insn.len);
  return true;
}

bool Extend(MutationState& s) {
  if (s.insn.len >= s.cap) return false;
  const size_t count = 1 + s.rng.Below(4);
  for (size_t i = 0; i < count; ++i) s.insn.Push(InterestingOrRandom(s.rng));
  return true;
}

struct Mutation {
  bool (*fn)(MutationState&);
  absl::string_view name;
  int weight;  // relative probability
};

// Plain byte mutation carries libFuzzer's own mutators and the dictionary, hence its weight.
constexpr Mutation kMutations[] = {
    {ChangeMode, "ChangeMode", 2},
    {InsertLegacyPrefix, "InsertLegacyPrefix", 2},
    {RemoveLegacyPrefix, "RemoveLegacyPrefix", 2},
    {ReplaceLegacyPrefix, "ReplaceLegacyPrefix", 2},
    {AddOrFlipRex, "AddOrFlipRex", 2},
    {SynthesizeVex2, "SynthesizeVex2", 1},
    {SynthesizeVex3, "SynthesizeVex3", 1},
    {SynthesizeEvex, "SynthesizeEvex", 2},
    {SynthesizeXop, "SynthesizeXop", 1},
    {SwitchOpcodeMap, "SwitchOpcodeMap", 2},
    {RandomOpcode, "RandomOpcode", 3},
    {RandomModRmSib, "RandomModRmSib", 3},
    {RandomDisplacementImmediate, "RandomDisplacementImmediate", 2},
    {GenerateInstruction, "GenerateInstruction", 2},
    {ByteMutate, "ByteMutate", 6},
    {Truncate, "Truncate", 1},
    {Extend, "Extend", 1},
};
constexpr size_t kMutationCount = sizeof(kMutations) / sizeof(kMutations[0]);

constexpr int TotalWeight() {
  int total = 0;
  for (const Mutation& mutation : kMutations) total += mutation.weight;
  return total;
}

constexpr std::array<absl::string_view, kMutationCount> MakeNames() {
  std::array<absl::string_view, kMutationCount> names{};
  for (size_t i = 0; i < kMutationCount; ++i) names[i] = kMutations[i].name;
  return names;
}
constexpr std::array<absl::string_view, kMutationCount> kMutationNames = MakeNames();

size_t PickMutation(Rng& rng) {
  int ticket = static_cast<int>(rng.Below(TotalWeight()));
  for (size_t i = 0; i < kMutationCount; ++i) {
    ticket -= kMutations[i].weight;
    if (ticket < 0) return i;
  }
  return kMutationCount - 1;
}

// Version 1: header and code only, the compact form SerializeTestCase() also uses for cases
// without execution state (harness/test_case_codec.h).
constexpr uint8_t kCompactVersion = 1;

bool HasSections(const TestCase& test_case) {
  return test_case.initial_state.has_value() || !test_case.scratch_patches.empty();
}

// Reads the encoded test case into `insn`, or rebuilds one from unparsable bytes; the mode ends
// up in `allowed`. Returns the parsed test case (for its execution-state sections), or the parse
// error.
absl::StatusOr<TestCase> LoadOrRepair(const uint8_t* data, size_t size, size_t cap, ModeSet allowed,
                                      Rng& rng, Insn* insn) {
  absl::StatusOr<TestCase> parsed = ParseTestCase({data, size});
  absl::Span<const uint8_t> code;
  if (parsed.ok()) {
    // A seed from another mode keeps its bytes in an allowed mode: with no rng draw, so that an
    // unrestricted run (where this never happens) mutates exactly as before.
    insn->mode = allowed.Contains(parsed->mode)
                     ? parsed->mode
                     : allowed.Nth(static_cast<size_t>(parsed->mode) % allowed.size());
    code = parsed->code;
  } else if (size >= 1 && data[0] >= kCompactVersion && data[0] <= kTestCaseFormatVersion) {
    insn->mode = allowed.Nth((size >= 2 ? data[1] : 0) % allowed.size());
    const size_t available = size > kEncodedHeaderBytes ? size - kEncodedHeaderBytes : 0;
    const size_t declared = size >= 3 ? data[2] : 0;
    code = {data + kEncodedHeaderBytes, declared < available ? declared : available};
  } else {
    insn->mode = allowed.Nth(rng.Below(allowed.size()));
    code = {data, size};
  }
  insn->len = code.size() < cap ? code.size() : cap;
  if (insn->len > 0) std::memcpy(insn->code.data(), code.data(), insn->len);
  return parsed;
}

size_t CodeCapacity(size_t max_size) {
  const size_t room = max_size - kEncodedHeaderBytes;
  return room < kMaxInstructionBytes ? room : kMaxInstructionBytes;
}

// Writes `insn` in the compact version-1 form.
size_t Store(const Insn& insn, size_t cap, uint8_t* out) {
  const size_t len = insn.len < cap ? insn.len : cap;
  out[0] = kCompactVersion;
  out[1] = static_cast<uint8_t>(insn.mode);
  out[2] = static_cast<uint8_t>(len);
  if (len > 0) std::memmove(out + kEncodedHeaderBytes, insn.code.data(), len);
  return kEncodedHeaderBytes + len;
}

}  // namespace

absl::Span<const absl::string_view> MutationNames() { return kMutationNames; }

MutationResult MutateTestCaseDetailed(uint8_t* data, size_t size, size_t max_size,
                                      unsigned int seed, ByteMutator byte_mutate,
                                      ModeSet allowed_modes) {
  X86DIFF_CHECK(!allowed_modes.empty());
  MutationResult result;
  if (max_size < kEncodedHeaderBytes) {
    result.size = size < max_size ? size : max_size;
    return result;
  }
  MutationState state{Insn{}, Rng(seed), byte_mutate, CodeCapacity(max_size), allowed_modes};
  absl::StatusOr<TestCase> parsed =
      LoadOrRepair(data, size, state.cap, allowed_modes, state.rng, &state.insn);
  result.repaired = !parsed.ok();
  // A few attempts find a mutation that applies; GenerateInstruction always does.
  for (int attempt = 0; attempt < 8 && result.mutation < 0; ++attempt) {
    const size_t index = PickMutation(state.rng);
    if (kMutations[index].fn(state)) result.mutation = static_cast<int>(index);
  }
  if (result.mutation < 0) {
    for (size_t i = 0; i < kMutationCount; ++i) {
      if (kMutations[i].fn == GenerateInstruction) {
        GenerateInstruction(state);
        result.mutation = static_cast<int>(i);
        break;
      }
    }
  }
  if (parsed.ok() && HasSections(*parsed)) {
    // Keep the execution state when the mutated case still fits and parses (a mode change can
    // move a scratch patch out of range); otherwise fall back to the compact form below.
    parsed->mode = state.insn.mode;
    parsed->code.assign(state.insn.code.begin(),
                        state.insn.code.begin() + std::min(state.insn.len, state.cap));
    const std::vector<uint8_t> encoded = SerializeTestCase(*parsed);
    if (encoded.size() <= max_size && ParseTestCase(encoded).ok()) {
      std::memcpy(data, encoded.data(), encoded.size());
      result.size = encoded.size();
      return result;
    }
  }
  result.size = Store(state.insn, state.cap, data);
  return result;
}

size_t MutateTestCase(uint8_t* data, size_t size, size_t max_size, unsigned int seed,
                      ByteMutator byte_mutate, ModeSet allowed_modes) {
  return MutateTestCaseDetailed(data, size, max_size, seed, byte_mutate, allowed_modes).size;
}

size_t CrossOverTestCases(const uint8_t* data1, size_t size1, const uint8_t* data2, size_t size2,
                          uint8_t* out, size_t max_out_size, unsigned int seed,
                          ModeSet allowed_modes) {
  X86DIFF_CHECK(!allowed_modes.empty());
  if (max_out_size < kEncodedHeaderBytes) return 0;
  Rng rng(seed);
  const size_t cap = CodeCapacity(max_out_size);
  Insn first, second;
  // Unparsable parents are repaired; execution-state sections are not inherited.
  static_cast<void>(LoadOrRepair(data1, size1, kMaxInstructionBytes, allowed_modes, rng, &first));
  static_cast<void>(LoadOrRepair(data2, size2, kMaxInstructionBytes, allowed_modes, rng, &second));
  if (rng.OneIn(2)) std::swap(first, second);
  // The prefix part of `first` (everything before its opcode) meets the opcode part of `second`.
  const Layout head = ReadLayout(first);
  const Layout tail = ReadLayout(second);
  Insn child;
  child.mode = rng.OneIn(2) ? first.mode : second.mode;
  child.Replace(0, 0, first.bytes().first(head.opcode));
  child.Replace(child.len, 0, second.bytes().subspan(tail.shape.has_opcode ? tail.opcode : 0));
  return Store(child, cap, out);
}

}  // namespace x86diff

#include "adapters/capstone/capstone_decoder.h"

#include <array>
#include <bit>
#include <cstring>

#include "absl/base/attributes.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "harness/status_macros.h"

namespace x86diff {
namespace {

// Words that Capstone 4 prints in front of the mnemonic for prefixes (X86IntelInstPrinter.c and
// X86Mapping.c). Each is moved into DecodeResult::prefixes so that "lock add" compares as "add".
// Several spell the same byte differently: F3 is rep/repe/repz/xrelease, F2 is
// repne/repnz/xacquire/bnd (MPX), 3E is notrack (CET).
struct MnemonicPrefix {
  absl::string_view word;
  uint32_t bits;
};
constexpr MnemonicPrefix kMnemonicPrefixes[] = {
    {"addr16", kPrefixAddressSize},
    {"addr32", kPrefixAddressSize},
    {"bnd", kPrefixRepne},
    {"data16", kPrefixOperandSize},
    {"data32", kPrefixOperandSize},
    {"lock", kPrefixLock},
    {"notrack", kPrefixSegment},
    {"rep", kPrefixRep},
    {"repe", kPrefixRep},
    {"repne", kPrefixRepne},
    {"repnz", kPrefixRepne},
    {"repz", kPrefixRep},
    {"rex64", kPrefixRex | kPrefixRexW},
    {"xacquire", kPrefixRepne},
    {"xrelease", kPrefixRep},
};

// Returns the prefix bits of `word`, or 0 when it is not a prefix word.
uint32_t MnemonicPrefixBits(absl::string_view word) {
  for (const MnemonicPrefix& prefix : kMnemonicPrefixes) {
    if (prefix.word == word) return prefix.bits;
  }
  return 0;
}

// Capstone's cs_x86::eflags bits mapped onto FlagBit. Only the nine flags FlagBit names are kept;
// NT, RF and AC have no FlagBit. The PRIOR_* bits say that a flag is restored from a saved image
// (IRET, POPF); they are neither a test nor a computed result, so they are not mapped.
struct FlagMapping {
  uint64_t capstone;
  uint32_t flag;
};
constexpr FlagMapping kTestedFlags[] = {
    {X86_EFLAGS_TEST_OF, kFlagOF}, {X86_EFLAGS_TEST_SF, kFlagSF}, {X86_EFLAGS_TEST_ZF, kFlagZF},
    {X86_EFLAGS_TEST_PF, kFlagPF}, {X86_EFLAGS_TEST_CF, kFlagCF}, {X86_EFLAGS_TEST_DF, kFlagDF},
    {X86_EFLAGS_TEST_IF, kFlagIF}, {X86_EFLAGS_TEST_TF, kFlagTF}, {X86_EFLAGS_TEST_AF, kFlagAF},
};
// Every way an instruction can write a flag: computed (MODIFY), cleared (RESET), set (SET) or left
// undefined. X86_EFLAGS_RESET_0F is Capstone's misspelling of "reset OF".
constexpr FlagMapping kWrittenFlags[] = {
    {X86_EFLAGS_MODIFY_AF, kFlagAF},    {X86_EFLAGS_MODIFY_CF, kFlagCF},
    {X86_EFLAGS_MODIFY_SF, kFlagSF},    {X86_EFLAGS_MODIFY_ZF, kFlagZF},
    {X86_EFLAGS_MODIFY_PF, kFlagPF},    {X86_EFLAGS_MODIFY_OF, kFlagOF},
    {X86_EFLAGS_MODIFY_TF, kFlagTF},    {X86_EFLAGS_MODIFY_IF, kFlagIF},
    {X86_EFLAGS_MODIFY_DF, kFlagDF},    {X86_EFLAGS_RESET_OF, kFlagOF},
    {X86_EFLAGS_RESET_CF, kFlagCF},     {X86_EFLAGS_RESET_DF, kFlagDF},
    {X86_EFLAGS_RESET_IF, kFlagIF},     {X86_EFLAGS_RESET_SF, kFlagSF},
    {X86_EFLAGS_RESET_AF, kFlagAF},     {X86_EFLAGS_RESET_TF, kFlagTF},
    {X86_EFLAGS_RESET_PF, kFlagPF},     {X86_EFLAGS_RESET_ZF, kFlagZF},
    {X86_EFLAGS_RESET_0F, kFlagOF},     {X86_EFLAGS_SET_CF, kFlagCF},
    {X86_EFLAGS_SET_DF, kFlagDF},       {X86_EFLAGS_SET_IF, kFlagIF},
    {X86_EFLAGS_SET_OF, kFlagOF},       {X86_EFLAGS_SET_SF, kFlagSF},
    {X86_EFLAGS_SET_ZF, kFlagZF},       {X86_EFLAGS_SET_AF, kFlagAF},
    {X86_EFLAGS_SET_PF, kFlagPF},       {X86_EFLAGS_UNDEFINED_OF, kFlagOF},
    {X86_EFLAGS_UNDEFINED_SF, kFlagSF}, {X86_EFLAGS_UNDEFINED_ZF, kFlagZF},
    {X86_EFLAGS_UNDEFINED_PF, kFlagPF}, {X86_EFLAGS_UNDEFINED_AF, kFlagAF},
    {X86_EFLAGS_UNDEFINED_CF, kFlagCF},
};
constexpr FlagMapping kUndefinedFlags[] = {
    {X86_EFLAGS_UNDEFINED_OF, kFlagOF}, {X86_EFLAGS_UNDEFINED_SF, kFlagSF},
    {X86_EFLAGS_UNDEFINED_ZF, kFlagZF}, {X86_EFLAGS_UNDEFINED_PF, kFlagPF},
    {X86_EFLAGS_UNDEFINED_AF, kFlagAF}, {X86_EFLAGS_UNDEFINED_CF, kFlagCF},
};

// The three tables above folded into one entry per cs_x86::eflags bit, so that mapping an
// instruction's flags walks its set bits once instead of scanning 48 table rows per decode. Each
// entry packs the FlagBit sets as tested | written << 16 | undefined << 32.
constexpr int kWrittenShift = 16;
constexpr int kUndefinedShift = 32;
static_assert(kFlagOF < (1u << kWrittenShift), "FlagBit sets must fit 16 bits");

template <size_t N>
constexpr void AddFlagsByBit(const FlagMapping (&table)[N], int shift,
                             std::array<uint64_t, 64>& by_bit) {
  for (const FlagMapping& mapping : table) {
    by_bit[std::countr_zero(mapping.capstone)] |= static_cast<uint64_t>(mapping.flag) << shift;
  }
}

// Every X86_EFLAGS_* value is a single bit; a multi-bit value would need a different scheme.
template <size_t N>
constexpr bool AllSingleBits(const FlagMapping (&table)[N]) {
  for (const FlagMapping& mapping : table) {
    if (!std::has_single_bit(mapping.capstone)) return false;
  }
  return true;
}
static_assert(AllSingleBits(kTestedFlags) && AllSingleBits(kWrittenFlags) &&
              AllSingleBits(kUndefinedFlags));

constexpr std::array<uint64_t, 64> MakeFlagsByBit() {
  std::array<uint64_t, 64> by_bit{};
  AddFlagsByBit(kTestedFlags, 0, by_bit);
  AddFlagsByBit(kWrittenFlags, kWrittenShift, by_bit);
  AddFlagsByBit(kUndefinedFlags, kUndefinedShift, by_bit);
  return by_bit;
}
constexpr std::array<uint64_t, 64> kFlagsByBit = MakeFlagsByBit();

void MapFlags(uint64_t eflags, DecodeResult& result) {
  uint64_t packed = 0;
  for (; eflags != 0; eflags &= eflags - 1) packed |= kFlagsByBit[std::countr_zero(eflags)];
  result.flags_tested = static_cast<uint32_t>(packed & 0xffff);
  result.flags_modified = static_cast<uint32_t>((packed >> kWrittenShift) & 0xffff);
  result.flags_undefined = static_cast<uint32_t>(packed >> kUndefinedShift);
}

bool InGroup(const cs_detail& detail, uint8_t group) {
  for (uint8_t i = 0; i < detail.groups_count; ++i) {
    if (detail.groups[i] == group) return true;
  }
  return false;
}

// Capstone 4 has no encoding field. cs_x86::opcode[0] holds the VEX/EVEX/XOP lead byte for those
// encodings, but the same byte is also LES/LDS/BOUND/POP (SDM Vol. 2 2.3.5 and 2.6.1: only
// ModRM.mod == 11 outside 64-bit mode selects VEX/EVEX), so the instruction id decides.
uint32_t EncodingPrefixBits(const cs_insn& insn) {
  switch (insn.detail->x86.opcode[0]) {
    case 0xc4:
    case 0xc5:
      return (insn.id == X86_INS_LES || insn.id == X86_INS_LDS) ? 0 : kPrefixVex;
    case 0x62:
      return insn.id == X86_INS_BOUND ? 0 : kPrefixEvex;
    case 0x8f:
      return insn.id == X86_INS_POP ? 0 : kPrefixXop;
    default:
      return 0;
  }
}

uint32_t PrefixBits(const cs_insn& insn) {
  const cs_x86& x86 = insn.detail->x86;
  uint32_t bits = 0;
  switch (x86.prefix[0]) {
    case X86_PREFIX_LOCK:
      bits |= kPrefixLock;
      break;
    case X86_PREFIX_REP:
      bits |= kPrefixRep;
      break;
    case X86_PREFIX_REPNE:
      bits |= kPrefixRepne;
      break;
    default:
      break;
  }
  if (x86.prefix[1] != 0) bits |= kPrefixSegment;
  if (x86.prefix[2] == X86_PREFIX_OPSIZE) bits |= kPrefixOperandSize;
  if (x86.prefix[3] == X86_PREFIX_ADDRSIZE) bits |= kPrefixAddressSize;
  const uint32_t encoding = EncodingPrefixBits(insn);
  // In 64-bit mode Capstone fills cs_x86::rex from the inverted R/X/B bits of VEX/EVEX/XOP as
  // well; only a legacy-encoded instruction can carry a real REX prefix.
  if (encoding == 0 && x86.rex != 0) {
    bits |= kPrefixRex;
    if (x86.rex & 0x08) bits |= kPrefixRexW;
  }
  return bits | encoding;
}

// Bytes of `word` that are zero, as the high bit of each byte (little-endian). Exact up to the
// first zero byte; bytes above it may be marked wrongly (a borrow), which the caller masks off.
constexpr uint64_t kLowBits = 0x0101010101010101ull;
constexpr uint64_t kHighBits = 0x8080808080808080ull;
constexpr uint64_t ZeroBytes(uint64_t word) { return (word - kLowBits) & ~word & kHighBits; }
static_assert(std::endian::native == std::endian::little, "the scan below reads bytes in order");

// Removes the prefix words from the front of `mnemonic` and adds their bits to `prefixes`.
ABSL_ATTRIBUTE_NOINLINE absl::string_view StripPrefixWords(absl::string_view mnemonic,
                                                           uint32_t& prefixes) {
  for (size_t space = mnemonic.find(' '); space != absl::string_view::npos;
       space = mnemonic.find(' ')) {
    const uint32_t bits = MnemonicPrefixBits(mnemonic.substr(0, space));
    if (bits == 0) break;
    prefixes |= bits;
    mnemonic.remove_prefix(space + 1);
  }
  return mnemonic;
}

// Capstone's mnemonic with the prefix words it prints in front ("lock add") stripped and their
// bits added to `prefixes`: a view into insn.mnemonic. Most mnemonics have no space at all, and
// then there is nothing to look up; the length and whether there is a space come from a scan of
// eight bytes at a time (the text is NUL-terminated within its fixed-size array).
ABSL_ATTRIBUTE_ALWAYS_INLINE inline absl::string_view BareMnemonic(const cs_insn& insn,
                                                                   uint32_t& prefixes) {
  constexpr size_t kSize = sizeof(insn.mnemonic);
  static_assert(kSize % 8 == 0);
  constexpr uint64_t kSpaces = kLowBits * ' ';
  size_t length = kSize;  // unterminated: the whole array, as a byte-wise scan would give
  bool has_space = false;
  for (size_t offset = 0; offset < kSize; offset += 8) {
    uint64_t word;
    std::memcpy(&word, insn.mnemonic + offset, sizeof(word));
    const uint64_t zeros = ZeroBytes(word);
    const uint64_t spaces = ZeroBytes(word ^ kSpaces);
    if (zeros != 0) {
      // Only bytes before the terminator count; wrong marks lie above a real one, so a space
      // mark below the first NUL is a real space.
      const uint64_t before_terminator = (zeros & -zeros) - 1;
      has_space |= (spaces & before_terminator) != 0;
      length = offset + std::countr_zero(zeros) / 8;
      break;
    }
    has_space |= spaces != 0;
  }
  const absl::string_view mnemonic(insn.mnemonic, length);
  return has_space ? StripPrefixWords(mnemonic, prefixes) : mnemonic;
}

}  // namespace

cs_mode ToCapstoneMode(Mode mode) {
  switch (mode) {
    case Mode::kReal16:
    case Mode::kProt16:
      return CS_MODE_16;
    case Mode::kProt32:
    case Mode::kCompat32:
      return CS_MODE_32;
    case Mode::kLong64:
      return CS_MODE_64;
  }
  return CS_MODE_32;  // unreachable for valid enum values; Decode() rejects invalid ones first
}

absl::StatusOr<std::unique_ptr<CapstoneDecoder>> CapstoneDecoder::Create() {
  // Not make_unique: the constructor is private.
  std::unique_ptr<CapstoneDecoder> decoder(new CapstoneDecoder());
  for (Mode mode : kAllModes) {
    Engine& engine = decoder->engines_[static_cast<int>(mode)];
    cs_err err = cs_open(CS_ARCH_X86, ToCapstoneMode(mode), &engine.handle);
    if (err != CS_ERR_OK) {
      engine.handle = 0;
      return absl::InternalError(
          absl::StrCat("cs_open(x86, ", ModeName(mode), ") failed: ", cs_strerror(err)));
    }
    err = cs_option(engine.handle, CS_OPT_DETAIL, CS_OPT_ON);
    if (err != CS_ERR_OK) {
      return absl::InternalError(
          absl::StrCat("cs_option(CS_OPT_DETAIL) failed: ", cs_strerror(err)));
    }
    engine.insn = cs_malloc(engine.handle);
    if (engine.insn == nullptr) {
      return absl::ResourceExhaustedError("cs_malloc failed");
    }
  }
  return decoder;
}

CapstoneDecoder::~CapstoneDecoder() {
  for (Engine& engine : engines_) {
    if (engine.insn != nullptr) cs_free(engine.insn, 1);
    if (engine.handle != 0) cs_close(&engine.handle);
  }
}

std::string CapstoneDecoder::version() const {
  int major = 0;
  int minor = 0;
  cs_version(&major, &minor);
  // cs_version() reports major.minor only; the patch level comes from the header we built with.
  return absl::StrCat("Capstone ", major, ".", minor, ".", CS_VERSION_EXTRA);
}

absl::Status CapstoneDecoder::DecodeBytes(Mode mode, absl::Span<const uint8_t> code,
                                          DecodeDetail detail, DecodeResult& result) const {
  const int index = static_cast<int>(mode);
  const Engine& engine = engines_[index];
  const uint8_t* bytes = code.data();
  size_t size = code.size();
  uint64_t address = 0;
  if (!cs_disasm_iter(engine.handle, &bytes, &size, &address, engine.insn)) {
    // Capstone does not say why (cs_errno() stays CS_ERR_OK for undecodable bytes).
    result.failure = DecodeFailure::kOther;
    return absl::OkStatus();
  }
  const cs_insn& insn = *engine.insn;
  result.valid = true;
  result.length = static_cast<uint8_t>(insn.size);
  if (detail == DecodeDetail::kFull) result.operands = insn.op_str;
  result.instruction_id = insn.id;
  result.prefixes = PrefixBits(insn);
  // Capstone 4's x86 mnemonic table is lower case already (X86GenAsmWriter1.inc). The slot was
  // cleared above, so appending reuses its capacity.
  const absl::string_view mnemonic = BareMnemonic(insn, result.prefixes);
  result.mnemonic.append(mnemonic.data(), mnemonic.size());

  if (!InGroup(*insn.detail, X86_GRP_FPU)) {
    result.has_flag_info = true;
    MapFlags(insn.detail->x86.eflags, result);
  }
  return absl::OkStatus();
}

// DecodeBytes() without what the verdict does not hold: the same library call (detail on), then
// the mnemonic as a view into the engine's instruction buffer, valid until the next decode.
absl::Status CapstoneDecoder::DecodeVerdictBytes(Mode mode, absl::Span<const uint8_t> code,
                                                 DecodeVerdict& out) const {
  const Engine& engine = engines_[static_cast<int>(mode)];
  const uint8_t* bytes = code.data();
  size_t size = code.size();
  uint64_t address = 0;
  if (!cs_disasm_iter(engine.handle, &bytes, &size, &address, engine.insn)) {
    out = DecodeVerdict{};
    out.failure = DecodeFailure::kOther;
    return absl::OkStatus();
  }
  const cs_insn& insn = *engine.insn;
  out.valid = true;
  out.length = static_cast<uint8_t>(insn.size);
  out.failure = DecodeFailure::kNone;
  out.instruction_id = insn.id;
  uint32_t prefixes = 0;  // not part of the verdict
  out.mnemonic = BareMnemonic(insn, prefixes);
  return absl::OkStatus();
}

}  // namespace x86diff

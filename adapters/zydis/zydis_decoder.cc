#include "adapters/zydis/zydis_decoder.h"

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "harness/status_macros.h"

namespace x86diff {
namespace {

// Zydis' decoder statuses mapped onto DecodeFailure. Anything not listed (including statuses of
// other Zyan modules) has no precise counterpart and becomes kOther.
DecodeFailure ToDecodeFailure(ZyanStatus status) {
  switch (status) {
    case ZYDIS_STATUS_NO_MORE_DATA:
      return DecodeFailure::kTruncated;
    case ZYDIS_STATUS_INSTRUCTION_TOO_LONG:
      return DecodeFailure::kTooLong;
    case ZYDIS_STATUS_ILLEGAL_LOCK:
      return DecodeFailure::kIllegalLock;
    case ZYDIS_STATUS_ILLEGAL_LEGACY_PFX:  // 66/F2/F3 in front of VEX/EVEX/XOP
    case ZYDIS_STATUS_ILLEGAL_REX:         // REX in front of VEX/EVEX/XOP
      return DecodeFailure::kIllegalPrefix;
    case ZYDIS_STATUS_DECODING_ERROR:
    case ZYDIS_STATUS_INVALID_MAP:
    case ZYDIS_STATUS_BAD_REGISTER:
    case ZYDIS_STATUS_MALFORMED_EVEX:
    case ZYDIS_STATUS_MALFORMED_MVEX:
    case ZYDIS_STATUS_INVALID_MASK:
      return DecodeFailure::kInvalidEncoding;
    default:
      return DecodeFailure::kOther;
  }
}

// F2 and F3 act as REPNE/REP on string instructions, as XACQUIRE/XRELEASE on HLE-capable locked
// instructions and F2 as BND on branches; PrefixBit records the byte, so all spellings fold
// together. Mandatory prefixes (F3 0F B8 POPCNT) are not "HAS_" attributes and stay out.
uint32_t PrefixBits(const ZydisDecodedInstruction& instruction) {
  const ZydisInstructionAttributes attributes = instruction.attributes;
  uint32_t bits = 0;
  if (attributes & ZYDIS_ATTRIB_HAS_LOCK) bits |= kPrefixLock;
  if (attributes & (ZYDIS_ATTRIB_HAS_REP | ZYDIS_ATTRIB_HAS_REPE | ZYDIS_ATTRIB_HAS_XRELEASE)) {
    bits |= kPrefixRep;
  }
  if (attributes & (ZYDIS_ATTRIB_HAS_REPNE | ZYDIS_ATTRIB_HAS_XACQUIRE | ZYDIS_ATTRIB_HAS_BND)) {
    bits |= kPrefixRepne;
  }
  if (attributes & ZYDIS_ATTRIB_HAS_OPERANDSIZE) bits |= kPrefixOperandSize;
  if (attributes & ZYDIS_ATTRIB_HAS_ADDRESSSIZE) bits |= kPrefixAddressSize;
  // NOTRACK is the 3E (DS) byte on an indirect branch.
  if (attributes & (ZYDIS_ATTRIB_HAS_SEGMENT | ZYDIS_ATTRIB_HAS_NOTRACK)) bits |= kPrefixSegment;
  if (attributes & ZYDIS_ATTRIB_HAS_REX) {
    bits |= kPrefixRex;
    if (instruction.raw.rex.W) bits |= kPrefixRexW;
  }
  switch (instruction.encoding) {
    case ZYDIS_INSTRUCTION_ENCODING_VEX:
      bits |= kPrefixVex;
      break;
    case ZYDIS_INSTRUCTION_ENCODING_EVEX:
    case ZYDIS_INSTRUCTION_ENCODING_MVEX:
      bits |= kPrefixEvex;
      break;
    case ZYDIS_INSTRUCTION_ENCODING_XOP:
      bits |= kPrefixXop;
      break;
    default:
      break;
  }
  return bits;
}

// Zydis' ZYDIS_CPUFLAG_* masks use the RFLAGS bit positions, as FlagBit does; the flags FlagBit
// does not name (IOPL, NT, RF, VM, AC, VIF, VIP, ID) are dropped.
constexpr uint32_t kKnownFlags =
    kFlagCF | kFlagPF | kFlagAF | kFlagZF | kFlagSF | kFlagTF | kFlagIF | kFlagDF | kFlagOF;
static_assert(ZYDIS_CPUFLAG_CF == kFlagCF && ZYDIS_CPUFLAG_PF == kFlagPF &&
              ZYDIS_CPUFLAG_AF == kFlagAF && ZYDIS_CPUFLAG_ZF == kFlagZF &&
              ZYDIS_CPUFLAG_SF == kFlagSF && ZYDIS_CPUFLAG_TF == kFlagTF &&
              ZYDIS_CPUFLAG_IF == kFlagIF && ZYDIS_CPUFLAG_DF == kFlagDF &&
              ZYDIS_CPUFLAG_OF == kFlagOF);

// A formatter hook that prints nothing: the Intel formatter then emits " op1, op2" (the mnemonic
// delimiter followed by the operands), which is exactly the operand text without having to parse
// the prefixes and mnemonic back out of a full line.
ZyanStatus PrintNothing(const ZydisFormatter*, ZydisFormatterBuffer*, ZydisFormatterContext*) {
  return ZYAN_STATUS_SUCCESS;
}

absl::Status CheckZyan(ZyanStatus status, absl::string_view what) {
  if (ZYAN_SUCCESS(status)) return absl::OkStatus();
  return absl::InternalError(absl::StrFormat("%s failed: status 0x%08x", what, status));
}

}  // namespace

ZydisMode ToZydisMode(Mode mode) {
  switch (mode) {
    case Mode::kReal16:
      return {ZYDIS_MACHINE_MODE_REAL_16, ZYDIS_STACK_WIDTH_16};
    case Mode::kProt16:
      return {ZYDIS_MACHINE_MODE_LEGACY_16, ZYDIS_STACK_WIDTH_16};
    case Mode::kProt32:
      return {ZYDIS_MACHINE_MODE_LEGACY_32, ZYDIS_STACK_WIDTH_32};
    case Mode::kCompat32:
      return {ZYDIS_MACHINE_MODE_LONG_COMPAT_32, ZYDIS_STACK_WIDTH_32};
    case Mode::kLong64:
      return {ZYDIS_MACHINE_MODE_LONG_64, ZYDIS_STACK_WIDTH_64};
  }
  // Unreachable for valid enum values; Decode() rejects invalid ones first.
  return {ZYDIS_MACHINE_MODE_LEGACY_32, ZYDIS_STACK_WIDTH_32};
}

absl::StatusOr<std::unique_ptr<ZydisDecoder>> ZydisDecoder::Create() {
  // Not make_unique: the constructor is private.
  std::unique_ptr<ZydisDecoder> decoder(new ZydisDecoder());
  for (Mode mode : kAllModes) {
    const ZydisMode zydis_mode = ToZydisMode(mode);
    absl::Status status =
        CheckZyan(ZydisDecoderInit(&decoder->decoders_[static_cast<int>(mode)],
                                   zydis_mode.machine_mode, zydis_mode.stack_width),
                  absl::StrCat("ZydisDecoderInit(", ModeName(mode), ")"));
    if (!status.ok()) return status;
  }
  // ZydisMnemonicGetString() for every mnemonic, with the lengths known, once.
  decoder->mnemonics_.resize(ZYDIS_MNEMONIC_MAX_VALUE + 1);
  for (int i = 0; i <= ZYDIS_MNEMONIC_MAX_VALUE; ++i) {
    const char* text = ZydisMnemonicGetString(static_cast<ZydisMnemonic>(i));
    if (text != nullptr) decoder->mnemonics_[i] = text;
  }
  // The far spellings DecodeBytes() builds, kept for DecodeVerdictBytes()' views.
  decoder->far_mnemonics_.reserve(decoder->mnemonics_.size());
  for (absl::string_view mnemonic : decoder->mnemonics_) {
    decoder->far_mnemonics_.push_back(absl::StrCat(mnemonic, " far"));
  }
  absl::Status status = CheckZyan(
      ZydisFormatterInit(&decoder->formatter_, ZYDIS_FORMATTER_STYLE_INTEL), "ZydisFormatterInit");
  if (!status.ok()) return status;
  // Lower-case hex, as Capstone prints it, so that the two operand texts read alike.
  status = CheckZyan(
      ZydisFormatterSetProperty(&decoder->formatter_, ZYDIS_FORMATTER_PROP_HEX_UPPERCASE, 0),
      "ZydisFormatterSetProperty(HEX_UPPERCASE)");
  if (!status.ok()) return status;
  // SetHook swaps the previous callback into the variable, so each call needs its own.
  const void* no_prefixes = reinterpret_cast<const void*>(&PrintNothing);
  status = CheckZyan(ZydisFormatterSetHook(&decoder->formatter_,
                                           ZYDIS_FORMATTER_FUNC_PRINT_PREFIXES, &no_prefixes),
                     "ZydisFormatterSetHook(PRINT_PREFIXES)");
  if (!status.ok()) return status;
  const void* no_mnemonic = reinterpret_cast<const void*>(&PrintNothing);
  status = CheckZyan(ZydisFormatterSetHook(&decoder->formatter_,
                                           ZYDIS_FORMATTER_FUNC_PRINT_MNEMONIC, &no_mnemonic),
                     "ZydisFormatterSetHook(PRINT_MNEMONIC)");
  if (!status.ok()) return status;
  return decoder;
}

std::string ZydisDecoder::version() const {
  const ZyanU64 version = ZydisGetVersion();
  return absl::StrCat("Zydis ", ZYDIS_VERSION_MAJOR(version), ".", ZYDIS_VERSION_MINOR(version),
                      ".", ZYDIS_VERSION_PATCH(version));
}

absl::Status ZydisDecoder::DecodeBytes(Mode mode, absl::Span<const uint8_t> code,
                                       DecodeDetail detail, DecodeResult& result) const {
  const int index = static_cast<int>(mode);
  ZydisDecodedInstruction instruction;
  ZydisDecodedOperand operands[ZYDIS_MAX_OPERAND_COUNT];
  const ZyanStatus status =
      ZydisDecoderDecodeFull(&decoders_[index], code.data(), code.size(), &instruction, operands);
  if (!ZYAN_SUCCESS(status)) {
    result.failure = ToDecodeFailure(status);
    return absl::OkStatus();
  }
  result.valid = true;
  result.length = instruction.length;
  result.instruction_id = static_cast<uint32_t>(instruction.mnemonic);
  result.prefixes = PrefixBits(instruction);
  // Zydis' mnemonic strings are already lower case. The slot was cleared above, so appending
  // reuses its capacity.
  const size_t mnemonic_index = static_cast<size_t>(instruction.mnemonic);
  if (mnemonic_index < mnemonics_.size()) {
    const absl::string_view mnemonic = mnemonics_[mnemonic_index];
    result.mnemonic.append(mnemonic.data(), mnemonic.size());
  }
  // Zydis has one mnemonic for near and far JMP/CALL/RET; its Intel formatter appends " far"
  // (ZydisFormatterIntelPrintMnemonic). Keep that distinction: a near/far confusion is a real
  // disagreement, not a spelling.
  if (instruction.meta.branch_type == ZYDIS_BRANCH_TYPE_FAR) result.mnemonic += " far";

  // Address 0, as the Capstone adapter uses, so both print the same branch targets.
  char text[256];
  if (detail == DecodeDetail::kFull &&
      ZYAN_SUCCESS(ZydisFormatterFormatInstruction(&formatter_, &instruction, operands,
                                                   instruction.operand_count_visible, text,
                                                   sizeof(text), /*runtime_address=*/0,
                                                   /*user_data=*/nullptr))) {
    absl::string_view operand_text = text;
    if (!operand_text.empty() && operand_text.front() == ' ') operand_text.remove_prefix(1);
    result.operands.assign(operand_text.data(), operand_text.size());
  }

  if (instruction.cpu_flags != nullptr) {
    const ZydisAccessedFlags& flags = *instruction.cpu_flags;
    result.has_flag_info = true;
    result.flags_tested = flags.tested & kKnownFlags;
    result.flags_modified =
        (flags.modified | flags.set_0 | flags.set_1 | flags.undefined) & kKnownFlags;
    result.flags_undefined = flags.undefined & kKnownFlags;
  }
  return absl::OkStatus();
}

// DecodeBytes() without what the verdict does not hold: the same full decode (operands
// included), then the mnemonic as a view into the tables Create() built.
absl::Status ZydisDecoder::DecodeVerdictBytes(Mode mode, absl::Span<const uint8_t> code,
                                              DecodeVerdict& out) const {
  ZydisDecodedInstruction instruction;
  ZydisDecodedOperand operands[ZYDIS_MAX_OPERAND_COUNT];
  const ZyanStatus status = ZydisDecoderDecodeFull(&decoders_[static_cast<int>(mode)], code.data(),
                                                   code.size(), &instruction, operands);
  if (!ZYAN_SUCCESS(status)) {
    out = DecodeVerdict{};
    out.failure = ToDecodeFailure(status);
    return absl::OkStatus();
  }
  out.valid = true;
  out.length = instruction.length;
  out.failure = DecodeFailure::kNone;
  out.instruction_id = static_cast<uint32_t>(instruction.mnemonic);
  const bool far = instruction.meta.branch_type == ZYDIS_BRANCH_TYPE_FAR;
  const size_t mnemonic_index = static_cast<size_t>(instruction.mnemonic);
  if (mnemonic_index < mnemonics_.size()) {
    out.mnemonic =
        far ? absl::string_view(far_mnemonics_[mnemonic_index]) : mnemonics_[mnemonic_index];
  } else {
    out.mnemonic = far ? " far" : "";  // as DecodeBytes() spells an unknown mnemonic
  }
  return absl::OkStatus();
}

}  // namespace x86diff

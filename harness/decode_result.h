// What a decoder says about the first instruction of a byte string.
#ifndef X86DIFF_HARNESS_DECODE_RESULT_H_
#define X86DIFF_HARNESS_DECODE_RESULT_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace x86diff {

// Why a decoder rejected the bytes. Libraries differ in how precisely they say it; adapters map to
// the closest value and use kOther when the library gives no reason.
enum class DecodeFailure : uint8_t {
  kNone = 0,          // valid instruction
  kTruncated,         // needs more bytes than were given (no instruction ends inside them)
  kTooLong,           // longer than 15 bytes
  kIllegalLock,       // LOCK on a non-lockable instruction
  kIllegalPrefix,     // REX/66/F2/F3 where the encoding forbids it
  kInvalidEncoding,   // undefined opcode or operand form (#UD on hardware)
  kUnsupportedMode,   // e.g. VEX in real mode, 64-bit-only opcode in legacy mode
  kOther,             // rejected without a reason
};
absl::string_view DecodeFailureName(DecodeFailure failure);

// Prefixes the decoder saw as effective parts of the instruction (bit set).
enum PrefixBit : uint32_t {
  kPrefixLock = 1u << 0,
  kPrefixRep = 1u << 1,    // F3
  kPrefixRepne = 1u << 2,  // F2
  kPrefixOperandSize = 1u << 3,  // 66
  kPrefixAddressSize = 1u << 4,  // 67
  kPrefixSegment = 1u << 5,      // any of 26 2E 36 3E 64 65
  kPrefixRex = 1u << 6,
  kPrefixRexW = 1u << 7,
  kPrefixVex = 1u << 8,
  kPrefixEvex = 1u << 9,
  kPrefixXop = 1u << 10,
};
// Comma-separated names of the set bits ("lock,rep,rex.w").
std::string PrefixNames(uint32_t prefixes);

// x86 RFLAGS bits, for flag metadata (which flags an instruction tests, modifies, leaves undefined).
enum FlagBit : uint32_t {
  kFlagCF = 1u << 0,
  kFlagPF = 1u << 2,
  kFlagAF = 1u << 4,
  kFlagZF = 1u << 6,
  kFlagSF = 1u << 7,
  kFlagTF = 1u << 8,
  kFlagIF = 1u << 9,
  kFlagDF = 1u << 10,
  kFlagOF = 1u << 11,
};

struct DecodeResult {
  bool valid = false;
  // Bytes consumed by the instruction; 0 when invalid.
  uint8_t length = 0;
  DecodeFailure failure = DecodeFailure::kNone;
  // Lower-case mnemonic as the library spells it, without prefixes such as "lock" or "rep"
  // (those are in `prefixes`). The comparator normalises spelling differences between libraries.
  std::string mnemonic;
  // Operands as the library prints them (Intel syntax), for display only.
  std::string operands;
  uint32_t prefixes = 0;  // PrefixBit set
  // The library's own instruction identifier (e.g. ZydisMnemonic, cs_insn::id); meaningful only
  // within one library, used as a fuzzing feature.
  uint32_t instruction_id = 0;
  // Flag metadata where the library offers it (FlagBit sets), else all zero and has_flag_info
  // false.
  bool has_flag_info = false;
  uint32_t flags_tested = 0;
  uint32_t flags_modified = 0;
  uint32_t flags_undefined = 0;
};

// The part of a decode that the decoder differential compares and turns into fuzzing features
// (fuzz/decoder_diff_core.h): the DecodeResult fields of the same names, with the mnemonic as a
// view instead of a string, so that the hot path copies no text (Decoder::DecodeVerdictInto).
struct DecodeVerdict {
  bool valid = false;
  uint8_t length = 0;
  DecodeFailure failure = DecodeFailure::kNone;
  uint32_t instruction_id = 0;
  // DecodeResult::mnemonic's text; points into storage of whoever produced the verdict (the
  // decoder: valid until its next decode; VerdictOf(): the DecodeResult).
  absl::string_view mnemonic;
};

// The verdict of a full or comparable decode; `result` must outlive it (mnemonic view).
inline DecodeVerdict VerdictOf(const DecodeResult& result) {
  return DecodeVerdict{result.valid, result.length, result.failure, result.instruction_id,
                       result.mnemonic};
}

}  // namespace x86diff

#endif  // X86DIFF_HARNESS_DECODE_RESULT_H_

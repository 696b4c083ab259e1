// Processor modes that a test case runs or decodes in.
#ifndef X86DIFF_HARNESS_MODE_H_
#define X86DIFF_HARNESS_MODE_H_

#include <array>
#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace x86diff {

// The numeric values are part of the binary TestCase encoding: never renumber.
enum class Mode : uint8_t {
  kReal16 = 0,    // real mode: 16-bit code, no VEX/EVEX (C4/C5/62 are LES/LDS/BOUND).
  kProt16 = 1,    // 16-bit protected mode (LLVM's "code16").
  kProt32 = 2,    // 32-bit protected mode.
  kCompat32 = 3,  // compatibility mode: 32-bit code segment under a 64-bit kernel.
  kLong64 = 4,    // 64-bit long mode.
};
inline constexpr int kModeMaxValue = 4;
inline constexpr std::array<Mode, 5> kAllModes = {Mode::kReal16, Mode::kProt16, Mode::kProt32,
                                                   Mode::kCompat32, Mode::kLong64};

// Stable lower-case names used in files, flags and signatures: "real16", "prot16", "prot32",
// "compat32", "long64".
absl::string_view ModeName(Mode mode);

// Accepts the names above; anything else is InvalidArgument listing the valid names.
absl::StatusOr<Mode> ParseMode(absl::string_view name);

// Converts a raw byte (e.g. from an encoded test case); out of range is InvalidArgument.
absl::StatusOr<Mode> ModeFromByte(uint8_t value);

// Default operand size (16 or 32; 64-bit mode defaults to 32 with REX.W for 64).
int DefaultOperandBits(Mode mode);
// Default address size (16, 32 or 64).
int DefaultAddressBits(Mode mode);
inline bool Is64BitMode(Mode mode) { return mode == Mode::kLong64; }
// VEX/EVEX/XOP exist in every protected mode but not in real (or virtual-8086) mode.
inline bool HasVexEncodings(Mode mode) { return mode != Mode::kReal16; }

}  // namespace x86diff

#endif  // X86DIFF_HARNESS_MODE_H_

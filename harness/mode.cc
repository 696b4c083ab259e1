#include "harness/mode.h"

#include "absl/strings/str_cat.h"

namespace x86diff {

absl::string_view ModeName(Mode mode) {
  switch (mode) {
    case Mode::kReal16: return "real16";
    case Mode::kProt16: return "prot16";
    case Mode::kProt32: return "prot32";
    case Mode::kCompat32: return "compat32";
    case Mode::kLong64: return "long64";
  }
  return "invalid";
}

absl::StatusOr<Mode> ParseMode(absl::string_view name) {
  for (Mode mode : kAllModes) {
    if (ModeName(mode) == name) return mode;
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "unknown mode '", name, "' (expected one of: real16, prot16, prot32, compat32, long64)"));
}

absl::StatusOr<Mode> ModeFromByte(uint8_t value) {
  if (value > kModeMaxValue) {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown mode number ", value, " (valid: 0..", kModeMaxValue, ")"));
  }
  return static_cast<Mode>(value);
}

int DefaultOperandBits(Mode mode) {
  return (mode == Mode::kReal16 || mode == Mode::kProt16) ? 16 : 32;
}

int DefaultAddressBits(Mode mode) {
  switch (mode) {
    case Mode::kReal16:
    case Mode::kProt16: return 16;
    case Mode::kProt32:
    case Mode::kCompat32: return 32;
    case Mode::kLong64: return 64;
  }
  return 0;
}

}  // namespace x86diff

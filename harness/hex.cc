#include "harness/hex.h"

#include <cctype>

#include "absl/strings/str_cat.h"

namespace x86diff {

std::string FormatHex(absl::Span<const uint8_t> bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 3);
  for (size_t i = 0; i < bytes.size(); ++i) {
    if (i != 0) out.push_back(' ');
    out.push_back(kDigits[bytes[i] >> 4]);
    out.push_back(kDigits[bytes[i] & 0xf]);
  }
  return out;
}

namespace {
int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}
}  // namespace

absl::StatusOr<std::vector<uint8_t>> ParseHex(absl::string_view text) {
  std::vector<uint8_t> out;
  int pending = -1;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (std::isspace(static_cast<unsigned char>(c)) || c == ',' || c == ':') {
      if (pending >= 0) {
        return absl::InvalidArgumentError(
            absl::StrCat("odd number of hex digits before position ", i, " in '", text, "'"));
      }
      continue;
    }
    // "0x" and "\x" introduce a byte; only accepted where a byte starts.
    if (pending < 0 && i + 1 < text.size() && (c == '0' || c == '\\') &&
        (text[i + 1] == 'x' || text[i + 1] == 'X')) {
      ++i;
      continue;
    }
    const int value = HexValue(c);
    if (value < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("'", std::string(1, c), "' at position ", i, " is not a hex digit in '",
                       text, "'"));
    }
    if (pending < 0) {
      pending = value;
    } else {
      out.push_back(static_cast<uint8_t>(pending << 4 | value));
      pending = -1;
    }
  }
  if (pending >= 0) {
    return absl::InvalidArgumentError(absl::StrCat("odd number of hex digits in '", text, "'"));
  }
  return out;
}

}  // namespace x86diff

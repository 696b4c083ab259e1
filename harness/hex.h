// Hex text for instruction bytes, as people write them ("48 01 d8", "4801d8", "\x48\x01").
#ifndef X86DIFF_HARNESS_HEX_H_
#define X86DIFF_HARNESS_HEX_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace x86diff {

// Lower-case pairs separated by single spaces: "48 01 d8".
std::string FormatHex(absl::Span<const uint8_t> bytes);

// Accepts pairs of hex digits optionally separated by spaces, commas, "0x" or "\x" prefixes.
// An odd digit count or a non-hex character is InvalidArgument naming the position.
absl::StatusOr<std::vector<uint8_t>> ParseHex(absl::string_view text);

}  // namespace x86diff

#endif  // X86DIFF_HARNESS_HEX_H_

// `x86diff decode`: what every decoder makes of one byte string, side by side.
#ifndef X86DIFF_TOOLS_X86DIFF_DECODE_H_
#define X86DIFF_TOOLS_X86DIFF_DECODE_H_

#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"

namespace x86diff::cli {

struct DecodeOptions {
  // Instruction bytes as hex text in any form harness/hex.h accepts ("48 01 d8", "4801d8").
  std::string hex;
  // A mode name (harness/mode.h: real16, prot16, prot32, compat32, long64) or "all" for each of
  // the five modes in turn.
  std::string mode = "long64";
  // Decoders to ask, by name; empty: every available decoder.
  std::vector<std::string> decoders;
  bool color = false;  // ANSI colour (only when writing to a terminal)
};

// Decodes the bytes in the mode(s) with every selected decoder and writes, per mode, a headline
// (mode, bytes, opcode class), the decoders' views side by side (valid, length, bytes,
// instruction, failure reason, prefixes, flag metadata) and the divergences with their
// signatures, differing rows marked "!!".
//
// Errors: InvalidArgument for bad hex, no bytes, more than kMaxCodeBytes bytes, an unknown mode
// or an unknown decoder name; a decoder's infrastructure failure is passed on. Nothing is written
// before the input has been validated.
absl::Status RunDecodeCommand(const DecodeOptions& options, std::ostream& out);

}  // namespace x86diff::cli

#endif  // X86DIFF_TOOLS_X86DIFF_DECODE_H_

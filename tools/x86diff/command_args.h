// Argument parsing shared by the commands that take instruction bytes and a --mode.
#ifndef X86DIFF_TOOLS_X86DIFF_COMMAND_ARGS_H_
#define X86DIFF_TOOLS_X86DIFF_COMMAND_ARGS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "harness/mode.h"

namespace x86diff {

// Hex bytes of one test case: InvalidArgument for bad hex, no bytes, or more than kMaxCodeBytes.
absl::StatusOr<std::vector<uint8_t>> ParseInstructionBytes(const std::string& hex);

// A --mode value: one mode name, or "all" for the five modes in order. Unknown names are
// InvalidArgument listing the valid ones.
absl::StatusOr<std::vector<Mode>> ParseModeList(const std::string& mode);

}  // namespace x86diff

#endif  // X86DIFF_TOOLS_X86DIFF_COMMAND_ARGS_H_

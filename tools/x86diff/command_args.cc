#include "tools/x86diff/command_args.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "harness/hex.h"
#include "harness/test_case.h"

namespace x86diff {

absl::StatusOr<std::vector<uint8_t>> ParseInstructionBytes(const std::string& hex) {
  absl::StatusOr<std::vector<uint8_t>> code = ParseHex(hex);
  if (!code.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("bad hex bytes: ", code.status().message()));
  }
  if (code->empty()) return absl::InvalidArgumentError("no instruction bytes given");
  if (code->size() > kMaxCodeBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "too many bytes: ", code->size(), " given, a test case holds at most ", kMaxCodeBytes));
  }
  return code;
}

absl::StatusOr<std::vector<Mode>> ParseModeList(const std::string& mode) {
  if (mode == "all") return std::vector<Mode>(kAllModes.begin(), kAllModes.end());
  absl::StatusOr<Mode> parsed = ParseMode(mode);
  if (!parsed.ok()) {
    std::vector<absl::string_view> names;
    for (Mode known : kAllModes) names.push_back(ModeName(known));
    return absl::InvalidArgumentError(absl::StrCat("--mode: unknown mode '", mode, "'; use one of ",
                                                   absl::StrJoin(names, ", "), " or all"));
  }
  return std::vector<Mode>{*parsed};
}

}  // namespace x86diff

#include "tools/x86diff/decode.h"

#include <cstdint>
#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "harness/comparator.h"
#include "harness/decode_runner.h"
#include "harness/hex.h"
#include "harness/mode.h"
#include "harness/status_macros.h"
#include "harness/test_case.h"
#include "tools/x86diff/decoder_set.h"
#include "tools/x86diff/outcome_view.h"

namespace x86diff::cli {

namespace {

absl::StatusOr<std::vector<Mode>> ModesToDecode(const std::string& mode) {
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

}  // namespace

absl::Status RunDecodeCommand(const DecodeOptions& options, std::ostream& out) {
  absl::StatusOr<std::vector<uint8_t>> code = ParseHex(options.hex);
  if (!code.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("bad hex bytes: ", code.status().message()));
  }
  if (code->empty()) return absl::InvalidArgumentError("no instruction bytes given");
  if (code->size() > kMaxCodeBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "too many bytes: ", code->size(), " given, a test case holds at most ", kMaxCodeBytes));
  }
  ASSIGN_OR_RETURN(std::vector<Mode> modes, ModesToDecode(options.mode));
  ASSIGN_OR_RETURN(DecoderSet decoders, DecoderSet::Create(options.decoders, 1));

  const ViewStyle style{options.color};
  bool first = true;
  for (Mode mode : modes) {
    TestCase test_case{mode, *code};
    ASSIGN_OR_RETURN(std::vector<Outcome> outcomes, RunDecoders(decoders.views(), test_case));
    std::vector<Divergence> divergences = CompareDecodes(test_case, outcomes);
    if (!first) out << "\n";
    first = false;
    out << Colored(style, "1", CaseHeadline(test_case)) << "\n";
    WriteOutcomeTable(outcomes, test_case.code, divergences, kAllRows, style, "", out);
    WriteDivergences(divergences, style, "", out);
  }
  return absl::OkStatus();
}

}  // namespace x86diff::cli

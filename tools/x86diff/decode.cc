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
#include "tools/x86diff/command_args.h"
#include "tools/x86diff/decoder_set.h"
#include "tools/x86diff/outcome_view.h"

namespace x86diff::cli {

namespace {

}  // namespace

absl::Status RunDecodeCommand(const DecodeOptions& options, std::ostream& out) {
  ASSIGN_OR_RETURN(std::vector<uint8_t> code, ParseInstructionBytes(options.hex));
  ASSIGN_OR_RETURN(std::vector<Mode> modes, ParseModeList(options.mode));
  ASSIGN_OR_RETURN(DecoderSet decoders, DecoderSet::Create(options.decoders, 1));

  const ViewStyle style{options.color};
  bool first = true;
  for (Mode mode : modes) {
    TestCase test_case{mode, code};
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

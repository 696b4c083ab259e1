#include "tools/x86diff/decoder_set.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "adapters/registry.h"
#include "harness/status_macros.h"

namespace x86diff::cli {

absl::StatusOr<DecoderSet> DecoderSet::Create(absl::Span<const std::string> names,
                                              size_t min_decoders) {
  ASSIGN_OR_RETURN(std::vector<std::unique_ptr<Decoder>> decoders, MakeDecoders(names));
  if (decoders.size() < min_decoders) {
    return absl::InvalidArgumentError(
        absl::StrCat("need at least ", min_decoders, " decoders, got ", decoders.size(),
                     " (available: ", absl::StrJoin(AvailableDecoderNames(), ", "), ")"));
  }
  return DecoderSet(std::move(decoders));
}

DecoderSet::DecoderSet(std::vector<std::unique_ptr<Decoder>> decoders)
    : decoders_(std::move(decoders)) {
  for (const auto& decoder : decoders_) views_.push_back(decoder.get());
}

}  // namespace x86diff::cli

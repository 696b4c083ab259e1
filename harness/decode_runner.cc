#include "harness/decode_runner.h"

#include "absl/strings/str_cat.h"

namespace x86diff {

absl::StatusOr<std::vector<Outcome>> RunDecoders(absl::Span<const Decoder* const> decoders,
                                                 const TestCase& test_case,
                                                 DecodeDetail detail) {
  std::vector<Outcome> outcomes;
  outcomes.reserve(decoders.size());
  for (const Decoder* decoder : decoders) {
    auto result = decoder->Decode(test_case.mode, test_case.code, detail);
    if (!result.ok()) {
      return absl::Status(result.status().code(),
                          absl::StrCat(decoder->name(), ": ", result.status().message()));
    }
    outcomes.push_back(Outcome{std::string(decoder->name()), Provenance::kDecoder,
                               *std::move(result)});
  }
  return outcomes;
}

}  // namespace x86diff

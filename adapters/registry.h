// The composition root: the one place that knows every decoder adapter and builds them.
#ifndef X86DIFF_ADAPTERS_REGISTRY_H_
#define X86DIFF_ADAPTERS_REGISTRY_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "harness/decoder.h"

namespace x86diff {

// Names of the decoders this build can create, in their canonical order ("capstone", "zydis").
std::vector<std::string> AvailableDecoderNames();

// Creates the named decoders in the order given; an empty `names` means every available decoder
// in canonical order. An unknown or repeated name is InvalidArgument (the message lists the known
// names); a library that fails to initialise passes its status on, prefixed with the decoder name.
// The caller owns the decoders.
absl::StatusOr<std::vector<std::unique_ptr<Decoder>>> MakeDecoders(
    absl::Span<const std::string> names = {});

}  // namespace x86diff

#endif  // X86DIFF_ADAPTERS_REGISTRY_H_

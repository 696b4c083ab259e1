// The decoders a command runs: owned by name, viewed as RunDecoders() wants them.
#ifndef X86DIFF_TOOLS_X86DIFF_DECODER_SET_H_
#define X86DIFF_TOOLS_X86DIFF_DECODER_SET_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "harness/decoder.h"

namespace x86diff::cli {

// Move-only owner of a list of decoders. Not thread-safe (neither are the decoders).
class DecoderSet {
 public:
  // Creates the named decoders (adapters/registry.h); empty `names`: every available decoder.
  // Unknown names are InvalidArgument listing the known ones, and so is a set smaller than
  // `min_decoders` (a comparison needs two).
  static absl::StatusOr<DecoderSet> Create(absl::Span<const std::string> names,
                                           size_t min_decoders);

  DecoderSet(DecoderSet&&) = default;
  DecoderSet& operator=(DecoderSet&&) = default;

  absl::Span<const Decoder* const> views() const { return views_; }

 private:
  explicit DecoderSet(std::vector<std::unique_ptr<Decoder>> decoders);

  std::vector<std::unique_ptr<Decoder>> decoders_;
  std::vector<const Decoder*> views_;
};

}  // namespace x86diff::cli

#endif  // X86DIFF_TOOLS_X86DIFF_DECODER_SET_H_

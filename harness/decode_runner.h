// Runs one test case through a list of decoders.
#ifndef X86DIFF_HARNESS_DECODE_RUNNER_H_
#define X86DIFF_HARNESS_DECODE_RUNNER_H_

#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "harness/decoder.h"
#include "harness/outcome.h"
#include "harness/test_case.h"

namespace x86diff {

// One Outcome per decoder, in order. A decoder's infrastructure error aborts with that status
// (prefixed with the decoder's name); an invalid instruction is an ordinary outcome.
absl::StatusOr<std::vector<Outcome>> RunDecoders(absl::Span<const Decoder* const> decoders,
                                                 const TestCase& test_case,
                                                 DecodeDetail detail = DecodeDetail::kFull);

}  // namespace x86diff

#endif  // X86DIFF_HARNESS_DECODE_RUNNER_H_

// Compares the outcomes of several targets for one test case.
#ifndef X86DIFF_HARNESS_COMPARATOR_H_
#define X86DIFF_HARNESS_COMPARATOR_H_

#include <vector>

#include "absl/types/span.h"
#include "harness/divergence.h"
#include "harness/outcome.h"
#include "harness/test_case.h"

namespace x86diff {

// Decoder comparison, pairwise over the decoder outcomes (in the given order): validity first,
// then length, then mnemonic (after NormalizeMnemonic). At most one divergence per pair: a
// validity difference makes length and mnemonic meaningless. Outcomes of other provenance are
// ignored here.
std::vector<Divergence> CompareDecodes(const TestCase& test_case,
                                       absl::Span<const Outcome> outcomes);

}  // namespace x86diff

#endif  // X86DIFF_HARNESS_COMPARATOR_H_

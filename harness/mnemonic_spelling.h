// Spelling normalisation between decoder libraries: the same instruction named differently
// (Capstone's "jae" is Zydis' "jnb"). The table in mnemonic_spelling.cc is deliberately small:
// only pure spelling differences, each verified to be the same instruction; anything else is a
// real disagreement and must show up as one.
#ifndef X86DIFF_HARNESS_MNEMONIC_SPELLING_H_
#define X86DIFF_HARNESS_MNEMONIC_SPELLING_H_

#include "absl/strings/string_view.h"

namespace x86diff {

// Returns the canonical spelling of a lower-case mnemonic (itself if it has no alias).
absl::string_view NormalizeMnemonic(absl::string_view mnemonic);

}  // namespace x86diff

#endif  // X86DIFF_HARNESS_MNEMONIC_SPELLING_H_

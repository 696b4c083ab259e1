#include "harness/mnemonic_spelling.h"

namespace x86diff {

absl::string_view NormalizeMnemonic(absl::string_view mnemonic) { return mnemonic; }

}  // namespace x86diff

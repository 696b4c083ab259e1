#include "adapters/common/scratch_contents_cache.h"

#include <algorithm>

#include "harness/memory_layout.h"

namespace x86diff {

absl::Span<const uint8_t> ScratchContentsCache::For(const TestCase& test_case) {
  std::vector<uint8_t>& defaults = defaults_[static_cast<int>(test_case.mode)];
  if (defaults.empty()) defaults = DefaultScratchContents(test_case.mode);
  contents_.assign(defaults.begin(), defaults.end());
  // Patch semantics of ScratchContents (harness/test_case.cc): clipped at the end.
  for (const MemoryPatch& patch : test_case.scratch_patches) {
    if (patch.offset >= contents_.size()) continue;
    const size_t count = std::min(patch.bytes.size(), contents_.size() - patch.offset);
    std::copy_n(patch.bytes.begin(), count, contents_.begin() + patch.offset);
  }
  return contents_;
}

}  // namespace x86diff

#include "adapters/native/memory_diff.h"

#include <algorithm>

namespace x86diff {

std::vector<MemoryChange> DiffMemory(uint64_t base_address, absl::Span<const uint8_t> before,
                                     absl::Span<const uint8_t> after) {
  std::vector<MemoryChange> changes;
  const size_t size = std::min(before.size(), after.size());
  size_t i = 0;
  while (i < size) {
    if (before[i] == after[i]) {
      ++i;
      continue;
    }
    const size_t start = i;
    while (i < size && before[i] != after[i]) ++i;
    changes.push_back(MemoryChange{
        .address = base_address + start,
        .before = std::vector<uint8_t>(before.begin() + start, before.begin() + i),
        .after = std::vector<uint8_t>(after.begin() + start, after.begin() + i),
    });
  }
  return changes;
}

}  // namespace x86diff

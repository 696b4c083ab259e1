#include "harness/memory_diff.h"

#include <algorithm>
#include <cstring>

#include "harness/check.h"

namespace x86diff {

std::vector<MemoryChange> DiffMemory(uint64_t base_address, absl::Span<const uint8_t> before,
                                     absl::Span<const uint8_t> after) {
  X86DIFF_CHECK(before.size() == after.size());
  std::vector<MemoryChange> changes;
  // Most cases write nothing: one memcmp settles them.
  if (before.empty() || std::memcmp(before.data(), after.data(), before.size()) == 0) {
    return changes;
  }
  const size_t size = before.size();
  size_t i = 0;
  while (i < size) {
    // Skip equal bytes a word at a time: changes are a few bytes in 8 KiB.
    while (i + sizeof(uint64_t) <= size) {
      uint64_t a, b;
      std::memcpy(&a, before.data() + i, sizeof(a));
      std::memcpy(&b, after.data() + i, sizeof(b));
      if (a != b) break;
      i += sizeof(uint64_t);
    }
    while (i < size && before[i] == after[i]) ++i;
    if (i == size) break;
    size_t end = i + 1;
    while (end < size && before[end] != after[end]) ++end;
    MemoryChange change;
    change.address = base_address + i;
    change.before.assign(before.begin() + i, before.begin() + end);
    change.after.assign(after.begin() + i, after.begin() + end);
    changes.push_back(std::move(change));
    i = end;
  }
  return changes;
}

bool ApplyMemoryChanges(uint64_t base_address, absl::Span<const MemoryChange> changes,
                        absl::Span<uint8_t> memory) {
  bool complete = true;
  const uint64_t end_address = base_address + memory.size();
  for (const MemoryChange& change : changes) {
    for (size_t i = 0; i < change.after.size(); ++i) {
      const uint64_t address = change.address + i;
      if (address < base_address || address >= end_address) {
        complete = false;
        continue;
      }
      memory[address - base_address] = change.after[i];
    }
  }
  return complete;
}

}  // namespace x86diff

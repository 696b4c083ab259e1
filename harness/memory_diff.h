// Scratch-memory differences in the form every executor reports them (ExecResult::memory_changes).
#ifndef X86DIFF_HARNESS_MEMORY_DIFF_H_
#define X86DIFF_HARNESS_MEMORY_DIFF_H_

#include <cstdint>
#include <vector>

#include "absl/types/span.h"
#include "harness/exec_result.h"

namespace x86diff {

// The bytes where `before` and `after` differ, as maximal runs of consecutive differing bytes in
// ascending address order; `base_address` is the guest address of before[0]. Both spans must have
// the same size (CHECK). Unchanged memory gives an empty vector without allocating.
std::vector<MemoryChange> DiffMemory(uint64_t base_address, absl::Span<const uint8_t> before,
                                     absl::Span<const uint8_t> after);

// Writes each change's `after` bytes into `memory`, whose first byte is at `base_address`
// (the inverse of DiffMemory when `memory` holds the `before` contents). Changes outside
// `memory` are clipped; returns false if any byte had to be dropped.
bool ApplyMemoryChanges(uint64_t base_address, absl::Span<const MemoryChange> changes,
                        absl::Span<uint8_t> memory);

}  // namespace x86diff

#endif  // X86DIFF_HARNESS_MEMORY_DIFF_H_

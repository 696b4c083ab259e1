// Scratch memory changes as maximal runs of differing bytes (ExecResult::memory_changes).
#ifndef X86DIFF_ADAPTERS_NATIVE_MEMORY_DIFF_H_
#define X86DIFF_ADAPTERS_NATIVE_MEMORY_DIFF_H_

#include <cstdint>
#include <vector>

#include "absl/types/span.h"
#include "harness/exec_result.h"

namespace x86diff {

// Compares `before` and `after` (same size; the extra bytes of the longer one are ignored) and
// returns one MemoryChange per maximal run of differing bytes, in address order; `base_address`
// is the address of byte 0. Equal bytes end a run, so two stores separated by an unchanged byte
// are two changes.
std::vector<MemoryChange> DiffMemory(uint64_t base_address, absl::Span<const uint8_t> before,
                                     absl::Span<const uint8_t> after);

}  // namespace x86diff

#endif  // X86DIFF_ADAPTERS_NATIVE_MEMORY_DIFF_H_

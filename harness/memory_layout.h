// Where every executor places a test case's code, scratch memory and stack, per mode. All
// executors use the same addresses so that their results compare directly.
#ifndef X86DIFF_HARNESS_MEMORY_LAYOUT_H_
#define X86DIFF_HARNESS_MEMORY_LAYOUT_H_

#include <cstdint>
#include <vector>

#include "harness/cpu_state.h"
#include "harness/mode.h"

namespace x86diff {

inline constexpr uint64_t kPageSize = 4096;

struct MemoryLayout {
  // One code page; the page after it is never mapped, so running off the end faults (#PF) and
  // page-boundary length probing can put the bytes against it.
  uint64_t code_address;
  uint64_t code_size;
  // Scratch data pages, readable and writable; the stack lives at their top.
  uint64_t scratch_address;
  uint64_t scratch_size;
  uint64_t stack_top;
  // An address that is guaranteed not mapped in this layout (for tests and docs).
  uint64_t unmapped_address;
};

// 16-bit modes: everything in the first 64 KiB with zero segment bases. 32/64-bit modes: under
// 4 GiB, above Linux's mmap_min_addr, away from where Linux places executables and libraries.
const MemoryLayout& LayoutFor(Mode mode);

// The state a test case starts from unless it says otherwise: every GPR points into the middle
// of scratch (so most memory operands land somewhere observable), at distinct offsets; RSP is
// the stack top; RFLAGS has only the reserved bit; RIP is 0 (InitialState() sets it). Values are truncated to the mode's width.
CpuState DefaultInitialState(Mode mode);

// The initial contents of the scratch pages unless the test case patches them: a fixed
// pseudo-random pattern (so loads see non-zero, distinct values).
std::vector<uint8_t> DefaultScratchContents(Mode mode);

}  // namespace x86diff

#endif  // X86DIFF_HARNESS_MEMORY_LAYOUT_H_

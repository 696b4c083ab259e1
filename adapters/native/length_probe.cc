#include "adapters/native/length_probe.h"

#include "adapters/native/child_memory.h"

namespace x86diff::native {

namespace {
constexpr uint64_t kVectorPageFault = 14;
constexpr uint64_t kPfErrorInstructionFetch = 1u << 4;  // SDM Vol. 3 Figure 4-12, I/D
constexpr uint64_t kMaxInstructionBytes = 15;
}  // namespace

bool IsBoundaryFetchFault(const ProbeObservation& observation, uint64_t start, uint64_t boundary) {
  return observation.signaled && observation.trapno == kVectorPageFault &&
         (observation.error_code & kPfErrorInstructionFetch) != 0 && observation.rip == start &&
         observation.fault_address >= boundary &&
         observation.fault_address < boundary + kMaxInstructionBytes;
}

size_t PlaceProbeBytes(uint8_t* page, size_t page_size, const uint8_t* code, size_t k) {
  FillBytes(page, 0xCC, page_size);
  const size_t offset = page_size - k;
  CopyBytes(page + offset, code, k);
  return offset;
}

}  // namespace x86diff::native

#include "harness/test_case.h"

#include <algorithm>

#include "harness/memory_layout.h"

namespace x86diff {

CpuState InitialState(const TestCase& test_case) {
  CpuState state = test_case.initial_state.value_or(DefaultInitialState(test_case.mode));
  state.rip = LayoutFor(test_case.mode).code_address;
  return state;
}

std::vector<uint8_t> ScratchContents(const TestCase& test_case) {
  std::vector<uint8_t> contents = DefaultScratchContents(test_case.mode);
  for (const MemoryPatch& patch : test_case.scratch_patches) {
    if (patch.offset >= contents.size()) continue;
    const size_t count = std::min(patch.bytes.size(), contents.size() - patch.offset);
    std::copy_n(patch.bytes.begin(), count, contents.begin() + patch.offset);
  }
  return contents;
}

}  // namespace x86diff

// TestCase: the unit of work that every target receives.
#ifndef X86DIFF_HARNESS_TEST_CASE_H_
#define X86DIFF_HARNESS_TEST_CASE_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "harness/cpu_state.h"
#include "harness/mode.h"

namespace x86diff {

// The architectural maximum length of one instruction (SDM Vol. 2 2.3.11).
inline constexpr size_t kMaxInstructionBytes = 15;
// Code may be a short sequence for the execution oracles; decoders look at the first instruction.
inline constexpr size_t kMaxCodeBytes = 64;

// Bytes written over the default scratch contents before the case runs.
struct MemoryPatch {
  uint16_t offset = 0;  // from LayoutFor(mode).scratch_address
  std::vector<uint8_t> bytes;
  friend bool operator==(const MemoryPatch&, const MemoryPatch&) = default;
};

struct TestCase {
  Mode mode = Mode::kLong64;
  std::vector<uint8_t> code;
  // Execution oracles only; decoders ignore both. Absent state means DefaultInitialState(mode).
  std::optional<CpuState> initial_state = std::nullopt;
  std::vector<MemoryPatch> scratch_patches = {};

  friend bool operator==(const TestCase&, const TestCase&) = default;
};

// The registers the case starts from: its own, or DefaultInitialState(mode); RIP is always the
// layout's code address.
CpuState InitialState(const TestCase& test_case);
// The scratch pages' initial contents: DefaultScratchContents(mode) with the patches applied
// (patches reaching past the end are clipped; the parsers reject them anyway).
std::vector<uint8_t> ScratchContents(const TestCase& test_case);

}  // namespace x86diff

#endif  // X86DIFF_HARNESS_TEST_CASE_H_

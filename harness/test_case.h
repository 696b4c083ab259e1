// TestCase: the unit of work that every target receives.
#ifndef X86DIFF_HARNESS_TEST_CASE_H_
#define X86DIFF_HARNESS_TEST_CASE_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "harness/mode.h"

namespace x86diff {

// The architectural maximum length of one instruction (SDM Vol. 2 2.3.11).
inline constexpr size_t kMaxInstructionBytes = 15;
// Code may be a short sequence for the execution oracles; decoders look at the first instruction.
inline constexpr size_t kMaxCodeBytes = 64;

struct TestCase {
  Mode mode = Mode::kLong64;
  std::vector<uint8_t> code;

  friend bool operator==(const TestCase&, const TestCase&) = default;
};

}  // namespace x86diff

#endif  // X86DIFF_HARNESS_TEST_CASE_H_

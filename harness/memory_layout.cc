#include "harness/memory_layout.h"

namespace x86diff {

namespace {
constexpr MemoryLayout kLayout16 = {
    .code_address = 0x1000,
    .code_size = kPageSize,
    .scratch_address = 0x4000,
    .scratch_size = 2 * kPageSize,
    .stack_top = 0x4000 + 2 * kPageSize - 0x100,
    .unmapped_address = 0x9000,
};
constexpr MemoryLayout kLayoutFlat = {
    .code_address = 0x10000000,
    .code_size = kPageSize,
    .scratch_address = 0x10010000,
    .scratch_size = 2 * kPageSize,
    .stack_top = 0x10010000 + 2 * kPageSize - 0x100,
    .unmapped_address = 0x10020000,
};
}  // namespace

const MemoryLayout& LayoutFor(Mode mode) {
  return DefaultAddressBits(mode) == 16 ? kLayout16 : kLayoutFlat;
}

CpuState DefaultInitialState(Mode mode) {
  const MemoryLayout& layout = LayoutFor(mode);
  CpuState state;
  // Offsets 0x40 apart from a quarter into scratch: [reg], [reg+disp8] and [reg+reg*scale] mostly
  // stay inside the scratch pages.
  for (int i = 0; i < kGprCount; ++i) {
    state.gpr[i] = layout.scratch_address + layout.scratch_size / 4 + 0x40 * i;
  }
  state[Gpr::kRsp] = layout.stack_top;
  state.rflags = kRflagsReserved1;
  // rip stays 0: a stored initial state has no RIP (InitialState() puts the code address in), so
  // states from code, the binary form and JSON compare equal.
  return state;
}

std::vector<uint8_t> DefaultScratchContents(Mode mode) {
  std::vector<uint8_t> contents(LayoutFor(mode).scratch_size);
  uint32_t x = 0x9e3779b9;  // xorshift32: fixed, cheap, never all-zero
  for (uint8_t& byte : contents) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    byte = static_cast<uint8_t>(x);
  }
  return contents;
}

}  // namespace x86diff

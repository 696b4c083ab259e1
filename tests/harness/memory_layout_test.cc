#include "harness/memory_layout.h"

#include "gtest/gtest.h"

namespace x86diff {
namespace {

TEST(MemoryLayoutTest, RegionsAreDisjointAndFitTheMode) {
  for (Mode mode : kAllModes) {
    const MemoryLayout& layout = LayoutFor(mode);
    const uint64_t limit = DefaultAddressBits(mode) == 16 ? 0x10000 : 0x100000000ull;
    EXPECT_LE(layout.code_address + 2 * layout.code_size, layout.scratch_address)
        << "the page after the code must stay unmapped";
    EXPECT_LE(layout.scratch_address + layout.scratch_size, limit);
    EXPECT_GT(layout.stack_top, layout.scratch_address);
    EXPECT_LT(layout.stack_top, layout.scratch_address + layout.scratch_size);
    EXPECT_TRUE(layout.unmapped_address >= layout.scratch_address + layout.scratch_size ||
                layout.unmapped_address < layout.code_address);
    EXPECT_EQ(layout.code_address % kPageSize, 0u);
  }
}

TEST(MemoryLayoutTest, DefaultRegistersPointIntoScratch) {
  for (Mode mode : kAllModes) {
    const MemoryLayout& layout = LayoutFor(mode);
    const CpuState state = DefaultInitialState(mode);
    for (int i = 0; i < kGprCount; ++i) {
      EXPECT_GE(state.gpr[i], layout.scratch_address) << kGprNames[i];
      EXPECT_LE(state.gpr[i] + 0x100, layout.scratch_address + layout.scratch_size) << kGprNames[i];
    }
    EXPECT_EQ(state[Gpr::kRsp], layout.stack_top);
  }
}

TEST(MemoryLayoutTest, DefaultScratchIsFixedAndVaried) {
  const std::vector<uint8_t> a = DefaultScratchContents(Mode::kLong64);
  EXPECT_EQ(a, DefaultScratchContents(Mode::kLong64));
  EXPECT_EQ(a.size(), LayoutFor(Mode::kLong64).scratch_size);
  int zeros = 0;
  for (uint8_t byte : a) zeros += byte == 0;
  EXPECT_LT(zeros, 100);
  EXPECT_NE(a[0], a[1]);
}

}  // namespace
}  // namespace x86diff

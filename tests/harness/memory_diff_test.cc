#include "harness/memory_diff.h"

#include <cstdint>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace x86diff {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(MemoryDiffTest, MaximalRunsInAddressOrder) {
  const std::vector<uint8_t> before = {1, 2, 3, 4, 5, 6};
  const std::vector<uint8_t> after = {1, 9, 9, 4, 5, 7};
  EXPECT_THAT(DiffMemory(0x100, before, after),
              ElementsAre(MemoryChange{0x101, {2, 3}, {9, 9}}, MemoryChange{0x105, {6}, {7}}));
}

TEST(MemoryDiffTest, AnUnchangedByteSplitsARun) {
  EXPECT_THAT(DiffMemory(0, std::vector<uint8_t>{0, 0, 0}, std::vector<uint8_t>{1, 0, 1}),
              ElementsAre(MemoryChange{0, {0}, {1}}, MemoryChange{2, {0}, {1}}));
}

TEST(MemoryDiffTest, EqualMemoryHasNoChanges) {
  const std::vector<uint8_t> bytes = {7, 7, 7};
  EXPECT_THAT(DiffMemory(0x10, bytes, bytes), IsEmpty());
}

}  // namespace
}  // namespace x86diff

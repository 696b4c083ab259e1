#include "adapters/native/length_probe.h"

#include <cstdint>
#include <vector>

#include "gtest/gtest.h"

namespace x86diff::native {
namespace {

constexpr uint64_t kBoundary = 0x10001000;

ProbeObservation FetchFault(uint64_t start) {
  // #PF, error code: user | instruction fetch, not present (SDM Vol. 3 Figure 4-12).
  return {
      .signaled = true, .trapno = 14, .error_code = 0x14, .fault_address = kBoundary, .rip = start};
}

TEST(LengthProbeTest, BoundaryFetchFaultNeedsAllItsParts) {
  const uint64_t start = kBoundary - 3;
  EXPECT_TRUE(IsBoundaryFetchFault(FetchFault(start), start, kBoundary));

  ProbeObservation data_fault = FetchFault(start);
  data_fault.error_code = 0x4;  // a read, not a fetch
  EXPECT_FALSE(IsBoundaryFetchFault(data_fault, start, kBoundary));

  ProbeObservation executed = FetchFault(start);
  executed.rip = kBoundary;  // the instruction ran; the next fetch faulted
  EXPECT_FALSE(IsBoundaryFetchFault(executed, start, kBoundary));

  ProbeObservation elsewhere = FetchFault(start);
  elsewhere.fault_address = 0x1234;  // a jump's target, not the boundary
  EXPECT_FALSE(IsBoundaryFetchFault(elsewhere, start, kBoundary));

  ProbeObservation ud = FetchFault(start);
  ud.trapno = 6;
  EXPECT_FALSE(IsBoundaryFetchFault(ud, start, kBoundary));

  EXPECT_FALSE(IsBoundaryFetchFault(ProbeObservation{}, start, kBoundary));  // completed
}

TEST(LengthProbeTest, SmallestPlacementWithoutFetchFault) {
  std::vector<size_t> tried;
  const size_t length = ProbeLength(15, [&](size_t k) {
    tried.push_back(k);
    return k < 4;
  });
  EXPECT_EQ(length, 4u);
  EXPECT_EQ(tried, (std::vector<size_t>{1, 2, 3, 4}));
}

TEST(LengthProbeTest, ZeroWhenTheBytesRunOut) {
  EXPECT_EQ(ProbeLength(2, [](size_t) { return true; }), 0u);
  EXPECT_EQ(ProbeLength(0, [](size_t) { return false; }), 0u);
}

TEST(LengthProbeTest, PlacementEndsAtThePageEnd) {
  std::vector<uint8_t> page(64, 0);
  const uint8_t code[] = {0x0f, 0x0b, 0x90};
  EXPECT_EQ(PlaceProbeBytes(page.data(), page.size(), code, 2), 62u);
  EXPECT_EQ(page[61], 0xCC);
  EXPECT_EQ(page[62], 0x0f);
  EXPECT_EQ(page[63], 0x0b);
  EXPECT_EQ(page[0], 0xCC);
}

}  // namespace
}  // namespace x86diff::native

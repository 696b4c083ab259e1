#include "adapters/native/seccomp_filter.h"

#include <linux/filter.h>
#include <linux/seccomp.h>

#include <cstdint>
#include <vector>

#include "gtest/gtest.h"

namespace x86diff::native {
namespace {

TEST(SeccompFilterTest, RejectsEmptyOrStraddlingRanges) {
  EXPECT_FALSE(BuildChildSeccompFilter(
                   {.trusted_ip_begin = 0x2000, .trusted_ip_end = 0x2000, .channel_fd = 3})
                   .ok());
  EXPECT_FALSE(BuildChildSeccompFilter(
                   {.trusted_ip_begin = 0xfffff000, .trusted_ip_end = 0x100001000, .channel_fd = 3})
                   .ok());
  EXPECT_FALSE(BuildChildSeccompFilter(
                   {.trusted_ip_begin = 0x1000, .trusted_ip_end = 0x2000, .channel_fd = -1})
                   .ok());
}

TEST(SeccompFilterTest, EveryJumpLandsInsideAndTheProgramEndsInReturns) {
  absl::StatusOr<std::vector<sock_filter>> program = BuildChildSeccompFilter(
      {.trusted_ip_begin = 0x55550000'1000, .trusted_ip_end = 0x55550000'2000, .channel_fd = 5});
  ASSERT_TRUE(program.ok()) << program.status();
  ASSERT_GE(program->size(), 3u);
  ASSERT_LE(program->size(), size_t{BPF_MAXINSNS});
  for (size_t i = 0; i < program->size(); ++i) {
    const sock_filter& insn = (*program)[i];
    if (BPF_CLASS(insn.code) == BPF_JMP) {
      EXPECT_LT(i + 1 + insn.jt, program->size()) << i;
      EXPECT_LT(i + 1 + insn.jf, program->size()) << i;
    }
  }
  const size_t n = program->size();
  EXPECT_EQ((*program)[n - 3].k, SECCOMP_RET_KILL_PROCESS);  // falling off the checks kills
  EXPECT_EQ((*program)[n - 2].k, SECCOMP_RET_ALLOW);
  EXPECT_EQ((*program)[n - 1].k, SECCOMP_RET_TRAP);
}

}  // namespace
}  // namespace x86diff::native

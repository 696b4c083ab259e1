// NativeExecutor: every case starts from the same vector state (x86diff_restore_clean_fp in
// native_stubs.S), one by one and batched: after a case that dirties x87 (a push, FCW), MXCSR,
// XMM/YMM and opmask registers, a case that stores them sees FCW 0x037f, FSW 0, all tags empty,
// MXCSR 0x1f80 and zero registers. The same sequence as tests/kvm/kvm_vector_state_test.cc.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "adapters/native/native_executor.h"
#include "gtest/gtest.h"
#include "harness/memory_layout.h"

namespace x86diff {
namespace {

struct Check {
  std::string name;
  std::vector<uint8_t> code;   // stores something to [rsi]
  std::vector<int> expected;   // the bytes at [rsi] afterwards; -1: any (reserved)
  bool needs_feature = false;  // AVX/AVX-512: #UD on a CPU without it is no failure
};

std::vector<Check> Checks() {
  return {
      {"movups_xmm0", {0x0f, 0x11, 0x06}, std::vector<int>(16, 0)},
      {"fnstcw", {0xd9, 0x3e}, {0x7f, 0x03}},
      // 28-byte environment: FCW, FSW, FTW (all empty) at 0, 4, 8; the upper halves of those
      // 32-bit fields are reserved (ones on Intel hardware, zeros under QEMU).
      {"fnstenv", {0xd9, 0x36}, {0x7f, 0x03, -1, -1, 0, 0, -1, -1, 0xff, 0xff}},
      {"stmxcsr", {0x0f, 0xae, 0x1e}, {0x80, 0x1f, 0, 0}},
      {"vmovdqu_ymm0", {0xc5, 0xfe, 0x7f, 0x06}, std::vector<int>(32, 0), true},
      {"kmovw_k1", {0xc5, 0xf8, 0x91, 0x0e}, {0, 0}, true},
  };
}

constexpr Mode kMode = Mode::kLong64;

// pcmpeqb xmm0, xmm0; fld1; fldcw [rsi] (0x0c7f); ldmxcsr [rsi+4] (0xff80); then
// vpcmpeqb ymm0 or kxnorw k1.
TestCase Dirty(bool opmask) {
  const CpuState state = DefaultInitialState(kMode);
  const uint16_t offset =
      static_cast<uint16_t>(state[Gpr::kRsi] - LayoutFor(kMode).scratch_address);
  std::vector<uint8_t> code = {0x66, 0x0f, 0x74, 0xc0, 0xd9, 0xe8,
                               0xd9, 0x2e, 0x0f, 0xae, 0x56, 0x04};
  if (opmask) {
    code.insert(code.end(), {0xc5, 0xf4, 0x46, 0xc9});
  } else {
    code.insert(code.end(), {0xc5, 0xfd, 0x74, 0xc0});
  }
  return {.mode = kMode,
          .code = std::move(code),
          .initial_state = state,
          .scratch_patches = {MemoryPatch{offset, {0x7f, 0x0c, 0, 0, 0x80, 0xff, 0, 0}}}};
}

std::vector<TestCase> Sequence() {
  std::vector<TestCase> cases;
  for (const Check& check : Checks()) {
    cases.push_back(Dirty(/*opmask=*/check.name == "kmovw_k1"));
    cases.push_back(
        {.mode = kMode, .code = check.code, .initial_state = DefaultInitialState(kMode)});
  }
  return cases;
}

std::vector<uint8_t> BytesAtRsi(const TestCase& test_case, const ExecResult& result, size_t n) {
  const MemoryLayout& layout = LayoutFor(kMode);
  std::vector<uint8_t> scratch = ScratchContents(test_case);
  for (const MemoryChange& change : result.memory_changes) {
    for (size_t i = 0; i < change.after.size(); ++i) {
      const uint64_t a = change.address + i - layout.scratch_address;
      if (a < scratch.size()) scratch[a] = change.after[i];
    }
  }
  const uint64_t at = InitialState(test_case)[Gpr::kRsi] - layout.scratch_address;
  return std::vector<uint8_t>(scratch.begin() + at, scratch.begin() + at + n);
}

void ExpectInitValues(const std::vector<TestCase>& cases, const std::vector<ExecResult>& results,
                      const char* path) {
  const std::vector<Check> checks = Checks();
  for (size_t k = 0; k < checks.size(); ++k) {
    const ExecResult& result = results[2 * k + 1];
    const std::string name = std::string(path) + " " + checks[k].name;
    if (checks[k].needs_feature && result.status == ExecStatus::kFault && result.vector == 6) {
      continue;  // the host CPU lacks AVX / AVX-512
    }
    ASSERT_EQ(result.status, ExecStatus::kCompleted) << name << ": " << result.detail;
    const std::vector<uint8_t> bytes =
        BytesAtRsi(cases[2 * k + 1], result, checks[k].expected.size());
    for (size_t i = 0; i < bytes.size(); ++i) {
      if (checks[k].expected[i] >= 0) {
        EXPECT_EQ(bytes[i], checks[k].expected[i]) << name << " byte " << i;
      }
    }
  }
}

TEST(NativeVectorStateTest, EveryCaseStartsFromTheInitState) {
  absl::StatusOr<std::unique_ptr<NativeExecutor>> executor = NativeExecutor::Create();
  ASSERT_TRUE(executor.ok()) << executor.status();
  const std::vector<TestCase> cases = Sequence();
  std::vector<ExecResult> one_by_one;
  for (const TestCase& c : cases) {
    absl::StatusOr<ExecResult> result = (*executor)->Execute(c);
    ASSERT_TRUE(result.ok()) << result.status();
    one_by_one.push_back(*std::move(result));
  }
  ExpectInitValues(cases, one_by_one, "one-by-one");
  absl::StatusOr<std::vector<ExecResult>> batched = (*executor)->ExecuteBatch(cases);
  ASSERT_TRUE(batched.ok()) << batched.status();
  ExpectInitValues(cases, *batched, "batched");
}

}  // namespace
}  // namespace x86diff

// The vector-state sequence shared by the executor tests (tests/kvm/kvm_vector_state_test.cc,
// tests/adapters/native/native_vector_state_test.cc): a case that dirties x87 (a push, FCW),
// MXCSR, XMM/YMM and opmask registers, then a case that stores them to scratch at [rsi], which
// must see the init values (FCW 0x037f, FSW 0, all tags empty, MXCSR 0x1f80, zero registers).
#ifndef X86DIFF_TESTS_TEST_SUPPORT_VECTOR_STATE_CHECKS_H_
#define X86DIFF_TESTS_TEST_SUPPORT_VECTOR_STATE_CHECKS_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_format.h"
#include "gtest/gtest.h"
#include "harness/exec_result.h"
#include "harness/memory_diff.h"
#include "harness/memory_layout.h"
#include "harness/test_case.h"

namespace x86diff::test_support {

struct VectorStateCheck {
  std::string name;
  std::vector<uint8_t> code;   // stores something to [esi]/[rsi]
  std::vector<int> expected;   // the bytes at [rsi] afterwards; -1: any (reserved)
  bool needs_feature = false;  // AVX/AVX-512: #UD on a CPU without it is no failure
};

inline std::vector<VectorStateCheck> VectorStateChecks() {
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

// pcmpeqb xmm0, xmm0; fld1; fldcw [rsi] (0x0c7f); ldmxcsr [rsi+4] (0xff80); then
// vpcmpeqb ymm0 (#UD without AVX) or kxnorw k1 (#UD without AVX-512).
inline TestCase DirtyVectorState(Mode mode, bool opmask) {
  const CpuState state = DefaultInitialState(mode);
  const uint16_t offset = static_cast<uint16_t>(state[Gpr::kRsi] - LayoutFor(mode).scratch_address);
  std::vector<uint8_t> code = {0x66, 0x0f, 0x74, 0xc0, 0xd9, 0xe8,
                               0xd9, 0x2e, 0x0f, 0xae, 0x56, 0x04};
  if (opmask) {
    code.insert(code.end(), {0xc5, 0xf4, 0x46, 0xc9});
  } else {
    code.insert(code.end(), {0xc5, 0xfd, 0x74, 0xc0});
  }
  return {.mode = mode,
          .code = std::move(code),
          .initial_state = state,
          .scratch_patches = {MemoryPatch{offset, {0x7f, 0x0c, 0, 0, 0x80, 0xff, 0, 0}}}};
}

// Dirty, check, dirty, check, ...: cases[2k + 1] is check k.
inline std::vector<TestCase> VectorStateSequence(Mode mode) {
  std::vector<TestCase> cases;
  for (const VectorStateCheck& check : VectorStateChecks()) {
    cases.push_back(DirtyVectorState(mode, /*opmask=*/check.name == "kmovw_k1"));
    cases.push_back({.mode = mode, .code = check.code, .initial_state = DefaultInitialState(mode)});
  }
  return cases;
}

// The bytes at [rsi, rsi + n) after the case: its initial scratch with its memory changes.
inline std::vector<uint8_t> BytesAtRsi(const TestCase& test_case, const ExecResult& result,
                                       size_t n) {
  const MemoryLayout& layout = LayoutFor(test_case.mode);
  std::vector<uint8_t> scratch = ScratchContents(test_case);
  ApplyMemoryChanges(layout.scratch_address, result.memory_changes, absl::MakeSpan(scratch));
  const uint64_t at = InitialState(test_case)[Gpr::kRsi] - layout.scratch_address;
  return std::vector<uint8_t>(scratch.begin() + at, scratch.begin() + at + n);
}

// Checks the results of VectorStateSequence(mode); `path` names the run in messages.
inline void ExpectVectorInitValues(Mode mode, const std::vector<TestCase>& cases,
                                   const std::vector<ExecResult>& results, const char* path) {
  const std::vector<VectorStateCheck> checks = VectorStateChecks();
  for (size_t k = 0; k < checks.size(); ++k) {
    const TestCase& test_case = cases[2 * k + 1];
    const ExecResult& result = results[2 * k + 1];
    const std::string name = absl::StrFormat("%s %s %s", path, ModeName(mode), checks[k].name);
    if (checks[k].needs_feature && result.status == ExecStatus::kFault && result.vector == 6) {
      continue;  // the CPU lacks AVX / AVX-512
    }
    ASSERT_EQ(result.status, ExecStatus::kCompleted) << name << ": " << result.detail;
    const std::vector<uint8_t> bytes = BytesAtRsi(test_case, result, checks[k].expected.size());
    for (size_t i = 0; i < bytes.size(); ++i) {
      if (checks[k].expected[i] >= 0) {
        EXPECT_EQ(bytes[i], checks[k].expected[i]) << name << " byte " << i;
      }
    }
  }
  // The dirty case did change the state in the same case (else the test proves nothing): its
  // fldcw/ldmxcsr ran, i.e. it got past them to the AVX instruction or completed.
  const ExecResult& dirty = results[0];
  EXPECT_TRUE(dirty.status == ExecStatus::kCompleted ||
              (dirty.status == ExecStatus::kFault && dirty.vector == 6 &&
               dirty.final_state.rip == LayoutFor(mode).code_address + 12))
      << path << " " << ModeName(mode) << " dirty case: " << ExecStatusName(dirty.status) << " "
      << dirty.detail;
}

}  // namespace x86diff::test_support

#endif  // X86DIFF_TESTS_TEST_SUPPORT_VECTOR_STATE_CHECKS_H_

#include "adapters/native/native_executor.h"

#include <sys/auxv.h>
#include <sys/syscall.h>

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "adapters/native/native_abi.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "harness/cpu_state.h"
#include "harness/exec_result.h"
#include "harness/memory_layout.h"
#include "harness/test_case.h"

namespace x86diff {
namespace {

using ::testing::AnyOf;
using ::testing::IsEmpty;
using ::testing::Not;

const MemoryLayout& kLayout = LayoutFor(Mode::kLong64);

// Page fault error code bits (SDM Vol. 3 Figure 4-12).
constexpr uint64_t kPfPresent = 1u << 0;
constexpr uint64_t kPfWrite = 1u << 1;
constexpr uint64_t kPfUser = 1u << 2;

NativeExecutor& SharedExecutor() {
  static NativeExecutor* executor = [] {
    absl::StatusOr<std::unique_ptr<NativeExecutor>> created = NativeExecutor::Create();
    if (!created.ok()) {
      ADD_FAILURE() << created.status();
      return static_cast<NativeExecutor*>(nullptr);
    }
    return created->release();
  }();
  if (executor == nullptr) std::abort();
  return *executor;
}

using Registers = std::vector<std::pair<Gpr, uint64_t>>;

TestCase Case(std::vector<uint8_t> code, const Registers& registers = {},
              uint64_t rflags = kRflagsReserved1) {
  TestCase test_case;
  test_case.mode = Mode::kLong64;
  test_case.code = std::move(code);
  CpuState state = DefaultInitialState(Mode::kLong64);
  for (const auto& [gpr, value] : registers) state[gpr] = value;
  state.rflags = rflags;
  test_case.initial_state = state;
  return test_case;
}

ExecResult RunCase(const TestCase& test_case) {
  absl::StatusOr<ExecResult> result = SharedExecutor().Execute(test_case);
  EXPECT_TRUE(result.ok()) << result.status();
  return result.ok() ? *result : ExecResult{};
}

// Applies the reported changes to `memory` (scratch contents), checking each `before`.
std::vector<uint8_t> Apply(std::vector<uint8_t> memory, const std::vector<MemoryChange>& changes) {
  for (const MemoryChange& change : changes) {
    const uint64_t offset = change.address - kLayout.scratch_address;
    EXPECT_LE(offset + change.after.size(), memory.size());
    EXPECT_EQ(change.before.size(), change.after.size());
    for (size_t i = 0; i < change.after.size() && offset + i < memory.size(); ++i) {
      EXPECT_EQ(memory[offset + i], change.before[i]) << "at offset " << offset + i;
      memory[offset + i] = change.after[i];
    }
  }
  return memory;
}

// The case with `value` at the top of its stack (what pop/popfq/ret read first).
TestCase WithStackQword(TestCase test_case, uint64_t value) {
  MemoryPatch patch{.offset = static_cast<uint16_t>(kLayout.stack_top - kLayout.scratch_address),
                    .bytes = {}};
  for (int i = 0; i < 8; ++i) patch.bytes.push_back(static_cast<uint8_t>(value >> (8 * i)));
  test_case.scratch_patches.push_back(patch);
  return test_case;
}

constexpr uint64_t kRflagsAC = 1u << 18;

// --- The table -------------------------------------------------------------------------------

struct Row {
  std::string name;
  TestCase test_case;
  ExecStatus status;
  std::optional<uint8_t> vector = std::nullopt;  // kFault
  std::optional<uint64_t> error_code = std::nullopt;
  std::optional<uint64_t> fault_address = std::nullopt;
  std::optional<uint8_t> length = std::nullopt;
  std::optional<uint64_t> rip = std::nullopt;  // offset from the code address
  Registers registers = {};
  uint64_t flags_set = 0;
  uint64_t flags_clear = 0;
};

void PrintTo(const Row& row, std::ostream* os) { *os << row.name; }

constexpr uint64_t kAllArithmetic = kRflagsArithmetic;

std::vector<Row> Rows() {
  const uint64_t scratch = kLayout.scratch_address;
  return {
      // Arithmetic: registers and flags (SDM Vol. 2 ADD/ADC/XOR).
      {.name = "add_rax_rbx",  // 48 01 d8  add rax, rbx
       .test_case = Case({0x48, 0x01, 0xd8}, {{Gpr::kRax, 1}, {Gpr::kRbx, 2}}),
       .status = ExecStatus::kCompleted,
       .length = 3,
       .rip = 3,
       .registers = {{Gpr::kRax, 3}, {Gpr::kRbx, 2}},
       .flags_clear = kRflagsCF | kRflagsZF | kRflagsSF | kRflagsOF},
      {.name = "add_signed_overflow",
       .test_case = Case({0x48, 0x01, 0xd8}, {{Gpr::kRax, 0x7fffffffffffffff}, {Gpr::kRbx, 1}}),
       .status = ExecStatus::kCompleted,
       .length = 3,
       .registers = {{Gpr::kRax, 0x8000000000000000}},
       .flags_set = kRflagsOF | kRflagsSF | kRflagsAF,
       .flags_clear = kRflagsCF | kRflagsZF},
      {.name = "add_carry_to_zero",
       .test_case = Case({0x48, 0x01, 0xd8}, {{Gpr::kRax, ~uint64_t{0}}, {Gpr::kRbx, 1}}),
       .status = ExecStatus::kCompleted,
       .registers = {{Gpr::kRax, 0}},
       .flags_set = kRflagsCF | kRflagsZF | kRflagsPF | kRflagsAF,
       .flags_clear = kRflagsSF | kRflagsOF},
      {.name = "xor_rax_rax",  // 48 31 c0  xor rax, rax: ZF=PF=1, CF=OF=SF=0 whatever came in
       .test_case =
           Case({0x48, 0x31, 0xc0}, {{Gpr::kRax, 0x1234}}, kRflagsReserved1 | kAllArithmetic),
       .status = ExecStatus::kCompleted,
       .length = 3,
       .registers = {{Gpr::kRax, 0}},
       .flags_set = kRflagsZF | kRflagsPF,
       .flags_clear = kRflagsCF | kRflagsOF | kRflagsSF},
      {.name = "adc_uses_carry",  // 48 11 d8  adc rax, rbx with CF=1
       .test_case =
           Case({0x48, 0x11, 0xd8}, {{Gpr::kRax, 1}, {Gpr::kRbx, 2}}, kRflagsReserved1 | kRflagsCF),
       .status = ExecStatus::kCompleted,
       .registers = {{Gpr::kRax, 4}},
       .flags_clear = kRflagsCF | kRflagsZF},
      {.name = "df_is_loaded",  // 90 nop with DF=1: the case's DF comes through to the end
       .test_case = Case({0x90}, {}, kRflagsReserved1 | kRflagsDF),
       .status = ExecStatus::kCompleted,
       .length = 1,
       .flags_set = kRflagsDF},
      {.name =
           "fifteen_byte_lea",  // 66 x7 48 8d 84 00 78 56 34 12  lea rax, [rax+rax*1+0x12345678]
       .test_case = Case({0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x48, 0x8d, 0x84, 0x00, 0x78,
                          0x56, 0x34, 0x12},
                         {{Gpr::kRax, 0x1000}}),
       .status = ExecStatus::kCompleted,
       .length = 15,
       .rip = 15,
       .registers = {{Gpr::kRax, 0x2000 + 0x12345678}}},
      {.name = "fs_base_is_zero",  // 64 48 8b 00  mov rax, fs:[rax]
       .test_case = Case({0x64, 0x48, 0x8b, 0x00}, {{Gpr::kRax, kLayout.unmapped_address}}),
       .status = ExecStatus::kFault,
       .vector = kVectorPF,
       .fault_address = kLayout.unmapped_address,
       .length = 4},

      // Faults.
      {.name = "div_by_zero",  // 48 f7 f1  div rcx
       .test_case = Case({0x48, 0xf7, 0xf1}, {{Gpr::kRcx, 0}}),
       .status = ExecStatus::kFault,
       .vector = kVectorDE,
       .length = 3,
       .rip = 0},
      {.name = "ud2",
       .test_case = Case({0x0f, 0x0b}),
       .status = ExecStatus::kFault,
       .vector = kVectorUD,
       .length = 2,
       .rip = 0},
      {.name = "int3",  // a trap: RIP is after the instruction
       .test_case = Case({0xcc}),
       .status = ExecStatus::kFault,
       .vector = kVectorBP,
       .length = 1,
       .rip = 1},
      {.name = "non_canonical_load",  // 48 8b 00  mov rax, [rax]
       .test_case = Case({0x48, 0x8b, 0x00}, {{Gpr::kRax, 0x8000000000000000}}),
       .status = ExecStatus::kFault,
       .vector = kVectorGP,
       .error_code = 0,
       .length = 3,
       .rip = 0},
      {.name = "unmapped_load",
       .test_case = Case({0x48, 0x8b, 0x00}, {{Gpr::kRax, kLayout.unmapped_address}}),
       .status = ExecStatus::kFault,
       .vector = kVectorPF,
       .error_code = kPfUser,  // user, read, not present
       .fault_address = kLayout.unmapped_address,
       .length = 3,
       .rip = 0,
       .registers = {{Gpr::kRax, kLayout.unmapped_address}}},
      {.name = "unmapped_store",  // 48 89 18  mov [rax], rbx
       .test_case = Case({0x48, 0x89, 0x18}, {{Gpr::kRax, kLayout.unmapped_address + 8}}),
       .status = ExecStatus::kFault,
       .vector = kVectorPF,
       .error_code = kPfUser | kPfWrite,
       .fault_address = kLayout.unmapped_address + 8,
       .length = 3},
      {.name = "fifteen_byte_faulting_load",  // 66 x7 48 8b 84 00 00 00 00 00  mov rax, [rax+rax]
       .test_case = Case({0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x66, 0x48, 0x8b, 0x84, 0x00, 0x00,
                          0x00, 0x00, 0x00},
                         {{Gpr::kRax, kLayout.unmapped_address / 2}}),
       .status = ExecStatus::kFault,
       .vector = kVectorPF,
       .fault_address = kLayout.unmapped_address,
       .length = 15},
      {.name = "running_off_the_code",  // eb 10: jmp into the 0xCC padding
       .test_case = Case({0xeb, 0x10}),
       .status = ExecStatus::kFault,
       .vector = kVectorBP,
       .length = 2,
       .rip = 0x12 + 1},
      {.name = "truncated_instruction",  // 0f: with our exit jump after it, 0f ff = UD0; probing
                                         // cannot find a length within the one code byte
       .test_case = Case({0x0f}),
       .status = ExecStatus::kFault,
       .vector = kVectorUD,
       .length = 0},
      {.name = "truncated_movabs_sees_a_fixed_suffix",  // 48 b8: the imm64 is our exit jump
       // (e9 <rel32 to 0x7ff00000>) and three 0xCC; then the next 0xCC traps. Same in every run.
       .test_case = Case({0x48, 0xb8}),
       .status = ExecStatus::kFault,
       .vector = kVectorBP,
       .rip = 11,
       .registers = {{Gpr::kRax, 0xcccccc6feffff9e9}}},
      {.name = "int_0x80",  // FACTS.md: #GP(0x402) without IA32 emulation; else a trapped syscall
       .test_case = Case({0xcd, 0x80}),
       .status = ExecStatus::kFault,
       .vector = kVectorGP,
       .error_code = 0x402,
       .length = 2},

      // Syscalls are trapped, never executed.
      {.name = "syscall_exit",  // 0f 05 with rax = 60 (exit): the child must survive
       .test_case = Case({0x0f, 0x05}, {{Gpr::kRax, SYS_exit}, {Gpr::kRdi, 0}}),
       .status = ExecStatus::kSyscall,
       .length = 2,
       .rip = 2,
       .registers = {{Gpr::kRax, SYS_exit}, {Gpr::kRcx, kLayout.code_address + 2}}},
      {.name = "syscall_getpid",
       .test_case = Case({0x0f, 0x05}, {{Gpr::kRax, SYS_getpid}}),
       .status = ExecStatus::kSyscall,
       .length = 2,
       .registers = {{Gpr::kRax, SYS_getpid}}},
      {.name = "syscall_munmap_code_page",  // would unmap the code page: trapped
       .test_case =
           Case({0x0f, 0x05},
                {{Gpr::kRax, SYS_munmap}, {Gpr::kRdi, kLayout.code_address}, {Gpr::kRsi, 4096}}),
       .status = ExecStatus::kSyscall,
       .length = 2},

      // The case's own stack and registers are its business.
      {.name = "rsp_zero_then_push",  // 48 31 e4 50  xor rsp, rsp; push rax
       .test_case = Case({0x48, 0x31, 0xe4, 0x50}),
       .status = ExecStatus::kFault,
       .vector = kVectorPF,
       .length = 3,  // the first instruction
       .rip = 3,
       .registers = {{Gpr::kRsp, 0}}},
      {.name = "popf_sets_tf",  // 9d popfq of 0x302: the trap hits our exit jump, the case is done
       .test_case = WithStackQword(Case({0x9d}), kRflagsReserved1 | kRflagsIF | kRflagsTF),
       .status = ExecStatus::kCompleted,
       .length = 1,
       .rip = 1,
       .registers = {{Gpr::kRsp, kLayout.stack_top + 8}},
       .flags_set = kRflagsTF},
      {.name = "popf_sets_ac_then_unaligned_load",  // 9d 48 8b 40 01: #AC (Linux sets CR0.AM)
       .test_case = WithStackQword(Case({0x9d, 0x48, 0x8b, 0x40, 0x01}),
                                   kRflagsReserved1 | kRflagsIF | kRflagsAC),
       .status = ExecStatus::kFault,
       .vector = kVectorAC,
       .error_code = 0,
       .length = 1,
       .rip = 1,
       .flags_set = kRflagsAC},
      {.name = "popf_sets_ac_then_ud2",  // the handler must not inherit AC (it did, once)
       .test_case =
           WithStackQword(Case({0x9d, 0x0f, 0x0b}), kRflagsReserved1 | kRflagsIF | kRflagsAC),
       .status = ExecStatus::kFault,
       .vector = kVectorUD,
       .rip = 1},
      {.name = "scratch_patch_is_loaded",  // 48 8b 00  mov rax, [rax] from patched scratch
       .test_case =
           [] {
             TestCase test_case =
                 Case({0x48, 0x8b, 0x00}, {{Gpr::kRax, kLayout.scratch_address + 0x10}});
             test_case.scratch_patches.push_back(MemoryPatch{
                 .offset = 0x10, .bytes = {0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11}});
             return test_case;
           }(),
       .status = ExecStatus::kCompleted,
       .registers = {{Gpr::kRax, 0x1122334455667788}}},
      {.name = "rep_stos_over_scratch_end",  // f3 aa  rep stosb: fills scratch, faults after it
       .test_case =
           Case({0xf3, 0xaa}, {{Gpr::kRdi, scratch}, {Gpr::kRcx, 0x100000}, {Gpr::kRax, 0x5a}}),
       .status = ExecStatus::kFault,
       .vector = kVectorPF,
       .error_code = kPfUser | kPfWrite,
       .fault_address = scratch + kLayout.scratch_size,
       .length = 2},
  };
}

class NativeExecutorTableTest : public ::testing::TestWithParam<Row> {};

TEST_P(NativeExecutorTableTest, MatchesHardwareFacts) {
  const Row& row = GetParam();
  const ExecResult result = RunCase(row.test_case);
  SCOPED_TRACE(result.detail);
  if (row.name == "int_0x80" && result.status == ExecStatus::kSyscall) {
    GTEST_SKIP() << "this kernel has IA32 emulation: int 0x80 is a (trapped) syscall here";
  }
  ASSERT_EQ(result.status, row.status) << ExecStatusName(result.status);
  if (row.vector) EXPECT_EQ(result.vector, *row.vector) << VectorName(result.vector);
  if (row.error_code) {
    EXPECT_TRUE(result.has_error_code);
    EXPECT_EQ(result.error_code, *row.error_code);
  }
  if (row.fault_address) {
    EXPECT_TRUE(result.has_fault_address);
    EXPECT_EQ(result.fault_address, *row.fault_address);
  }
  if (row.length) EXPECT_EQ(result.length, *row.length);
  if (row.rip) EXPECT_EQ(result.final_state.rip, kLayout.code_address + *row.rip);
  for (const auto& [gpr, value] : row.registers) {
    EXPECT_EQ(result.final_state[gpr], value) << GprName(gpr);
  }
  EXPECT_EQ(result.final_state.rflags & row.flags_set, row.flags_set);
  EXPECT_EQ(result.final_state.rflags & row.flags_clear, 0u);
  EXPECT_EQ(result.final_state.rflags & (1u << 16), 0u) << "RF must be masked";
}

INSTANTIATE_TEST_SUITE_P(Table, NativeExecutorTableTest, ::testing::ValuesIn(Rows()),
                         [](const ::testing::TestParamInfo<Row>& info) { return info.param.name; });

// --- Memory ----------------------------------------------------------------------------------

TEST(NativeExecutorTest, StoreToScratchIsAMemoryChange) {
  const uint64_t address = kLayout.scratch_address + 0x100;
  const uint64_t value = 0x1122334455667788;
  // 48 89 18  mov [rax], rbx
  const ExecResult result =
      RunCase(Case({0x48, 0x89, 0x18}, {{Gpr::kRax, address}, {Gpr::kRbx, value}}));
  ASSERT_EQ(result.status, ExecStatus::kCompleted) << result.detail;
  ASSERT_THAT(result.memory_changes, Not(IsEmpty()));
  for (const MemoryChange& change : result.memory_changes) {
    EXPECT_GE(change.address, address);
    EXPECT_LE(change.address + change.after.size(), address + 8);
  }
  std::vector<uint8_t> expected = DefaultScratchContents(Mode::kLong64);
  for (int i = 0; i < 8; ++i) expected[0x100 + i] = static_cast<uint8_t>(value >> (8 * i));
  EXPECT_EQ(Apply(DefaultScratchContents(Mode::kLong64), result.memory_changes), expected);
}

TEST(NativeExecutorTest, PushShowsOnTheStackInScratch) {
  // 50  push rax
  const ExecResult result = RunCase(Case({0x50}, {{Gpr::kRax, 0xfeedfacecafebeef}}));
  ASSERT_EQ(result.status, ExecStatus::kCompleted) << result.detail;
  EXPECT_EQ(result.final_state[Gpr::kRsp], kLayout.stack_top - 8);
  std::vector<uint8_t> after = Apply(DefaultScratchContents(Mode::kLong64), result.memory_changes);
  uint64_t pushed = 0;
  const uint64_t offset = kLayout.stack_top - 8 - kLayout.scratch_address;
  for (int i = 7; i >= 0; --i) pushed = (pushed << 8) | after[offset + i];
  EXPECT_EQ(pushed, 0xfeedfacecafebeef);
}

TEST(NativeExecutorTest, NoChangesWhenNothingIsWritten) {
  const ExecResult result = RunCase(Case({0x90}));
  ASSERT_EQ(result.status, ExecStatus::kCompleted);
  EXPECT_THAT(result.memory_changes, IsEmpty());
}

// --- The child survives what cases do --------------------------------------------------------

const TestCase kAdd = Case({0x48, 0x01, 0xd8}, {{Gpr::kRax, 40}, {Gpr::kRbx, 2}});

void ExpectAddStillWorks() {
  const ExecResult result = RunCase(kAdd);
  ASSERT_EQ(result.status, ExecStatus::kCompleted) << result.detail;
  EXPECT_EQ(result.final_state[Gpr::kRax], 42u);
}

TEST(NativeExecutorTest, SyscallsAreNotExecuted) {
  const uint64_t children = SharedExecutor().stats().children_started;
  for (uint64_t number : {SYS_exit, SYS_exit_group, SYS_getpid, SYS_kill}) {
    const ExecResult result =
        RunCase(Case({0x0f, 0x05}, {{Gpr::kRax, number}, {Gpr::kRdi, 0}, {Gpr::kRsi, 9}}));
    EXPECT_EQ(result.status, ExecStatus::kSyscall) << number << ": " << result.detail;
    ExpectAddStillWorks();
  }
  EXPECT_EQ(SharedExecutor().stats().children_started, children) << "the child was replaced";
}

TEST(NativeExecutorTest, InfiniteLoopTimesOutAndTheNextCaseRuns) {
  // eb fe  jmp $
  const ExecResult result = RunCase(Case({0xeb, 0xfe}));
  EXPECT_EQ(result.status, ExecStatus::kTimeout) << result.detail;
  EXPECT_EQ(result.final_state.rip, kLayout.code_address);
  ExpectAddStillWorks();
}

TEST(NativeExecutorTest, CorruptingTheChildIsACrashNotTheParentsProblem) {
  // The child is a fork of this process, so the stub's globals are at the same address there.
  // 48 89 18  mov [rax], rbx over the saved stack pointer: the exit path then has no stack.
  const uint64_t child_rsp = reinterpret_cast<uint64_t>(&x86diff_native_abi.child_rsp);
  const ExecResult result =
      RunCase(Case({0x48, 0x89, 0x18}, {{Gpr::kRax, child_rsp}, {Gpr::kRbx, 0}}));
  EXPECT_EQ(result.status, ExecStatus::kCrash) << result.detail;
  EXPECT_THAT(result.detail, Not(IsEmpty()));
  ExpectAddStillWorks();
}

TEST(NativeExecutorTest, DamageFoundByTheIntegrityCheckIsACrash) {
  // Zero the XRSTOR mask: the child keeps working (FXRSTOR) but its checksum no longer matches.
  const uint64_t mask = reinterpret_cast<uint64_t>(&x86diff_native_abi.xsave_mask);
  const ExecResult result = RunCase(Case({0x48, 0x89, 0x18}, {{Gpr::kRax, mask}, {Gpr::kRbx, 0}}));
  EXPECT_EQ(result.status, ExecStatus::kCrash) << result.detail;
  EXPECT_THAT(result.detail, ::testing::HasSubstr("integrity"));
  ExpectAddStillWorks();
}

TEST(NativeExecutorTest, WritesAllOverTheChildAreContained) {
  // The child is a fork of this process: its stack and globals are where ours are.
  uint8_t marker = 0;
  const uint64_t stack = reinterpret_cast<uint64_t>(&marker);
  const uint64_t globals = reinterpret_cast<uint64_t>(&x86diff_native_abi);
  const std::vector<TestCase> cases = {
      Case({0x48, 0x31, 0xe4, 0x50}),  // xor rsp, rsp; push rax
      // f3 aa  rep stosb: 128 KiB of zeros around the stack, then everything from the stubs'
      // globals up to the end of the data segment.
      Case({0xf3, 0xaa}, {{Gpr::kRdi, stack - 0x10000}, {Gpr::kRcx, 0x20000}, {Gpr::kRax, 0}}),
      Case({0xf3, 0xaa}, {{Gpr::kRdi, globals}, {Gpr::kRcx, 0x1000000}, {Gpr::kRax, 0}}),
  };
  for (const TestCase& test_case : cases) {
    const ExecResult result = RunCase(test_case);
    EXPECT_THAT(result.status, AnyOf(ExecStatus::kFault, ExecStatus::kCrash)) << result.detail;
    ExpectAddStillWorks();
  }
}

TEST(NativeExecutorTest, ThisProcesssMemoryIsNotMappedInTheChild) {
  // The child unmaps what it inherited (heap, libraries, the vDSO, sanitizer shadow): loading from
  // them faults exactly as from an address nothing was ever mapped at.
  const auto heap = std::make_unique<uint64_t>(42);
  const uint64_t addresses[] = {reinterpret_cast<uint64_t>(heap.get()), getauxval(AT_SYSINFO_EHDR)};
  for (uint64_t address : addresses) {
    // 48 8b 00  mov rax, [rax]
    const ExecResult result = RunCase(Case({0x48, 0x8b, 0x00}, {{Gpr::kRax, address}}));
    EXPECT_EQ(result.status, ExecStatus::kFault) << std::hex << address << ": " << result.detail;
    EXPECT_EQ(result.vector, kVectorPF);
    EXPECT_EQ(result.error_code, kPfUser) << "not present";
    EXPECT_EQ(result.fault_address, address);
  }
}

TEST(NativeExecutorTest, FpuStateDoesNotLeakBetweenCases) {
  // 0f ae 10  ldmxcsr [rax] with 0: every SSE exception unmasked.
  TestCase unmask = Case({0x0f, 0xae, 0x10}, {{Gpr::kRax, kLayout.scratch_address}});
  unmask.scratch_patches.push_back(MemoryPatch{.offset = 0, .bytes = {0, 0, 0, 0}});
  // f3 0f 5e c0  divss xmm0, xmm0: 0/0 is invalid; masked (MXCSR 0x1F80) it just gives a NaN.
  const TestCase divide = Case({0xf3, 0x0f, 0x5e, 0xc0});
  absl::StatusOr<std::vector<ExecResult>> results =
      SharedExecutor().ExecuteBatch(std::vector<TestCase>{unmask, divide});
  ASSERT_TRUE(results.ok()) << results.status();
  EXPECT_EQ((*results)[0].status, ExecStatus::kCompleted) << (*results)[0].detail;
  EXPECT_EQ((*results)[1].status, ExecStatus::kCompleted) << (*results)[1].detail;
}

TEST(NativeExecutorTest, SegmentBasesAreResetBetweenCases) {
  // f3 48 0f ae d3  wrfsbase rbx, then 64 48 8b 00  mov rax, fs:[rax] in the next case.
  const TestCase write_base = Case({0xf3, 0x48, 0x0f, 0xae, 0xd3}, {{Gpr::kRbx, 0x1000}});
  const TestCase read = Case({0x64, 0x48, 0x8b, 0x00}, {{Gpr::kRax, kLayout.scratch_address}});
  absl::StatusOr<std::vector<ExecResult>> results =
      SharedExecutor().ExecuteBatch(std::vector<TestCase>{write_base, read});
  ASSERT_TRUE(results.ok()) << results.status();
  const ExecResult& second = (*results)[1];
  ASSERT_EQ(second.status, ExecStatus::kCompleted) << second.detail;
  uint64_t expected = 0;
  const std::vector<uint8_t> scratch = DefaultScratchContents(Mode::kLong64);
  for (int i = 7; i >= 0; --i) expected = (expected << 8) | scratch[i];
  EXPECT_EQ(second.final_state[Gpr::kRax], expected);
}

// --- Batches ---------------------------------------------------------------------------------

bool SameOutcome(const ExecResult& a, const ExecResult& b) {
  return a.status == b.status && a.vector == b.vector && a.has_error_code == b.has_error_code &&
         a.error_code == b.error_code && a.has_fault_address == b.has_fault_address &&
         a.fault_address == b.fault_address && a.length == b.length &&
         a.final_state == b.final_state && a.memory_changes == b.memory_changes;
}

TEST(NativeExecutorTest, BatchEqualsOneByOne) {
  std::vector<TestCase> cases;
  for (const Row& row : Rows()) cases.push_back(row.test_case);
  cases.push_back(kAdd);
  absl::StatusOr<std::vector<ExecResult>> batch = SharedExecutor().ExecuteBatch(cases);
  ASSERT_TRUE(batch.ok()) << batch.status();
  ASSERT_EQ(batch->size(), cases.size());
  for (size_t i = 0; i < cases.size(); ++i) {
    const ExecResult single = RunCase(cases[i]);
    EXPECT_TRUE(SameOutcome((*batch)[i], single))
        << "case " << i << " (" << Rows().at(std::min(i, Rows().size() - 1)).name << "): batch "
        << ExecStatusName((*batch)[i].status) << " " << (*batch)[i].detail << " vs single "
        << ExecStatusName(single.status) << " " << single.detail;
  }
}

// Executor::ExecuteBatch (what exec_runner's RunExecutionBatch calls) is NativeExecutor's own:
// one round trip for the table, with the results of one-by-one runs.
TEST(NativeExecutorTest, InterfaceBatchIsOneRoundTrip) {
  std::vector<TestCase> cases;
  for (const Row& row : Rows()) cases.push_back(row.test_case);
  NativeExecutor& native = SharedExecutor();
  Executor& executor = native;
  const uint64_t round_trips = native.stats().round_trips;
  absl::StatusOr<std::vector<ExecResult>> batch = executor.ExecuteBatch(cases);
  ASSERT_TRUE(batch.ok()) << batch.status();
  EXPECT_EQ(native.stats().round_trips, round_trips + 1);
  ASSERT_EQ(batch->size(), cases.size());
  for (size_t i = 0; i < cases.size(); ++i) {
    EXPECT_TRUE(SameOutcome((*batch)[i], RunCase(cases[i]))) << Rows()[i].name;
  }
}

TEST(NativeExecutorTest, BatchesLargerThanTheBatchSizeAndCrashesInside) {
  absl::StatusOr<std::unique_ptr<NativeExecutor>> executor =
      NativeExecutor::Create({.timeout = absl::Milliseconds(20), .batch_size = 4});
  ASSERT_TRUE(executor.ok()) << executor.status();
  const uint64_t child_rsp = reinterpret_cast<uint64_t>(&x86diff_native_abi.child_rsp);
  const TestCase crash = Case({0x48, 0x89, 0x18}, {{Gpr::kRax, child_rsp}, {Gpr::kRbx, 0}});
  const TestCase hang = Case({0xeb, 0xfe});
  std::vector<TestCase> cases;
  for (int i = 0; i < 11; ++i) cases.push_back(i == 2 ? crash : i == 6 ? hang : kAdd);
  absl::StatusOr<std::vector<ExecResult>> results = (*executor)->ExecuteBatch(cases);
  ASSERT_TRUE(results.ok()) << results.status();
  ASSERT_EQ(results->size(), cases.size());
  for (size_t i = 0; i < cases.size(); ++i) {
    const ExecStatus want = i == 2   ? ExecStatus::kCrash
                            : i == 6 ? ExecStatus::kTimeout
                                     : ExecStatus::kCompleted;
    EXPECT_EQ((*results)[i].status, want) << i << ": " << (*results)[i].detail;
  }
  EXPECT_EQ((*executor)->stats().crashes, 1u);
  EXPECT_EQ((*executor)->stats().timeouts, 1u);
  EXPECT_EQ((*executor)->stats().round_trips,
            4u);  // [0,4) twice (restart after the crash), [4,8), [8,11)
}

// --- Interface -------------------------------------------------------------------------------

TEST(NativeExecutorTest, Identity) {
  NativeExecutor& executor = SharedExecutor();
  EXPECT_EQ(executor.name(), "native");
  EXPECT_EQ(executor.provenance(), Provenance::kHardware);
  EXPECT_TRUE(executor.SupportsMode(Mode::kLong64));
  for (Mode mode : {Mode::kReal16, Mode::kProt16, Mode::kProt32, Mode::kCompat32}) {
    EXPECT_FALSE(executor.SupportsMode(mode)) << ModeName(mode);
  }
}

TEST(NativeExecutorTest, RejectsOtherModesAndOversizedCode) {
  TestCase prot32 = Case({0x90});
  prot32.mode = Mode::kProt32;
  prot32.initial_state = std::nullopt;
  EXPECT_EQ(SharedExecutor().Execute(prot32).status().code(),
            absl::StatusCode::kFailedPrecondition);
  const TestCase huge = Case(std::vector<uint8_t>(kMaxCodeBytes + 1, 0x90));
  EXPECT_EQ(SharedExecutor().Execute(huge).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(NativeExecutorTest, RejectsBadOptions) {
  EXPECT_EQ(NativeExecutor::Create({.batch_size = 0}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(NativeExecutor::Create({.timeout = absl::ZeroDuration()}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(NativeExecutorTest, ProbingCanBeTurnedOff) {
  absl::StatusOr<std::unique_ptr<NativeExecutor>> executor =
      NativeExecutor::Create({.probe_length = false});
  ASSERT_TRUE(executor.ok()) << executor.status();
  absl::StatusOr<ExecResult> result = (*executor)->Execute(Case({0x0f, 0x0b}));
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->status, ExecStatus::kFault);
  EXPECT_EQ(result->length, 0);
}

}  // namespace
}  // namespace x86diff

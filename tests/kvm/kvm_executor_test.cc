// KvmExecutor in all five modes: one table of {bytes /* disassembly */, mode, expected}.
// Skips with a reason when /dev/kvm is absent; tests/kvm/run-nested runs the same binary in a
// nested guest. Under nested QEMU these results are QEMU's model of the CPU: plumbing tests.
#include "kvm/kvm_executor.h"

#include <cstdio>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_format.h"
#include "gtest/gtest.h"
#include "harness/memory_layout.h"

namespace x86diff::kvm {
namespace {

struct Expected {
  ExecStatus status = ExecStatus::kCompleted;
  uint8_t vector = 0;
  std::optional<uint64_t> error_code = std::nullopt;  // nullopt: no error code pushed
  bool fault_address_is_unmapped = false;             // #PF: CR2 == layout.unmapped_address
  std::optional<uint64_t> rip_offset = std::nullopt;  // final RIP - code address
  uint8_t length = 0;
  std::vector<std::pair<Gpr, uint64_t>> registers = {};
  uint64_t flags_mask = 0;
  uint64_t flags_value = 0;
  std::string detail_prefix = "";
};

struct ExecCase {
  std::string name;
  Mode mode;
  std::vector<uint8_t> code;
  std::vector<std::pair<Gpr, uint64_t>> set_registers;
  Expected expected;
  std::vector<MemoryPatch> patches = {};
};

constexpr Mode kPagedModes[] = {Mode::kProt16, Mode::kProt32, Mode::kCompat32, Mode::kLong64};
constexpr uint64_t kCfZf = kRflagsCF | kRflagsZF;

std::string Name(Mode mode, absl::string_view what) {
  return absl::StrCat(ModeName(mode), "_", what);
}

bool Is16(Mode mode) { return DefaultOperandBits(mode) == 16; }

std::vector<ExecCase> Cases() {
  std::vector<ExecCase> cases;
  for (Mode mode : kAllModes) {
    const uint64_t unmapped = LayoutFor(mode).unmapped_address;
    // add eax, ebx (ax, bx in 16-bit code); add rax, rbx with REX.W in long64.
    if (mode == Mode::kLong64) {
      cases.push_back({Name(mode, "add_rax_rbx"),
                       mode,
                       {0x48, 0x01, 0xd8},
                       {{Gpr::kRax, 0xffffffff}, {Gpr::kRbx, 1}},
                       {.rip_offset = 3,
                        .length = 3,
                        .registers = {{Gpr::kRax, 0x100000000}, {Gpr::kRbx, 1}},
                        .flags_mask = kCfZf,
                        .flags_value = 0}});
    } else if (Is16(mode)) {
      cases.push_back({Name(mode, "add_ax_bx"),
                       mode,
                       {0x01, 0xd8},
                       {{Gpr::kRax, 0xffff}, {Gpr::kRbx, 1}},
                       {.rip_offset = 2,
                        .length = 2,
                        .registers = {{Gpr::kRax, 0}},
                        .flags_mask = kCfZf,
                        .flags_value = kCfZf}});
    } else {
      cases.push_back({Name(mode, "add_eax_ebx"),
                       mode,
                       {0x01, 0xd8},
                       {{Gpr::kRax, 0xffff}, {Gpr::kRbx, 1}},
                       {.rip_offset = 2,
                        .length = 2,
                        .registers = {{Gpr::kRax, 0x10000}},
                        .flags_mask = kCfZf,
                        .flags_value = 0}});
    }
    // ud2
    cases.push_back({Name(mode, "ud2"),
                     mode,
                     {0x0f, 0x0b},
                     {{Gpr::kRsp, LayoutFor(mode).stack_top}},
                     {.status = ExecStatus::kFault,
                      .vector = kVectorUD,
                      .rip_offset = 0,
                      .registers = {{Gpr::kRsp, LayoutFor(mode).stack_top}}}});
    // xor ecx, ecx; div ecx (cx in 16-bit code)
    cases.push_back({Name(mode, "div_by_zero"),
                     mode,
                     {0x31, 0xc9, 0xf7, 0xf1},
                     {},
                     {.status = ExecStatus::kFault,
                      .vector = kVectorDE,
                      .rip_offset = 2,
                      .registers = {{Gpr::kRcx, 0}}}});
    // int3: a trap, the pushed RIP is after it.
    cases.push_back({Name(mode, "int3"),
                     mode,
                     {0xcc},
                     {},
                     {.status = ExecStatus::kFault, .vector = kVectorBP, .rip_offset = 1}});
    // A 15-byte instruction: cs prefixes + lea (no memory access).
    std::vector<uint8_t> lea15;
    if (mode == Mode::kLong64) {  // 2e x7; lea rax, [rax+rax*1+0x11223344]
      lea15 = {0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x48,
               0x8d, 0x84, 0x00, 0x44, 0x33, 0x22, 0x11};
    } else if (Is16(mode)) {  // 2e x6; lea eax, [eax+eax*1+0x11223344] (66 67)
      lea15 = {0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x66, 0x67,
               0x8d, 0x84, 0x00, 0x44, 0x33, 0x22, 0x11};
    } else {  // 2e x8; lea eax, [eax+eax*1+0x11223344]
      lea15 = {0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e,
               0x8d, 0x84, 0x00, 0x44, 0x33, 0x22, 0x11};
    }
    cases.push_back({Name(mode, "lea_15_bytes"),
                     mode,
                     lea15,
                     {{Gpr::kRax, 0x100}},
                     {.rip_offset = 15, .length = 15, .registers = {{Gpr::kRax, 0x11223544}}}});
    // jmp $: runs until the timeout.
    cases.push_back({Name(mode, "jmp_self_times_out"),
                     mode,
                     {0xeb, 0xfe},
                     {},
                     {.status = ExecStatus::kTimeout}});
    // ...and the mode still works afterwards (the table runs in order on one executor).
    cases.push_back(
        {Name(mode, "after_timeout_nop"), mode, {0x90}, {}, {.rip_offset = 1, .length = 1}});
    if (mode == Mode::kReal16) continue;
    // Paged protected modes: CPL 3, #PF with error code and CR2.
    // ModRM of [ebx] / [bx] (16-bit rm 3 would be [bp+di]).
    const uint8_t modrm_ebx = Is16(mode) ? 0x07 : 0x03;
    // mov eax, [ebx] (mov ax, [bx] in 16-bit code) from the unmapped page: user|read|not present.
    cases.push_back({Name(mode, "load_unmapped_pf"),
                     mode,
                     {0x8b, modrm_ebx},
                     {{Gpr::kRbx, unmapped}},
                     {.status = ExecStatus::kFault,
                      .vector = kVectorPF,
                      .error_code = 0x4,
                      .fault_address_is_unmapped = true,
                      .rip_offset = 0}});
    // mov [ebx], eax: user|write|not present.
    cases.push_back({Name(mode, "store_unmapped_pf"),
                     mode,
                     {0x89, modrm_ebx},
                     {{Gpr::kRbx, unmapped}},
                     {.status = ExecStatus::kFault,
                      .vector = kVectorPF,
                      .error_code = 0x6,
                      .fault_address_is_unmapped = true,
                      .rip_offset = 0}});
    // cli at CPL 3 with IOPL 0: #GP(0).
    cases.push_back(
        {Name(mode, "cli_gp"),
         mode,
         {0xfa},
         {},
         {.status = ExecStatus::kFault, .vector = kVectorGP, .error_code = 0, .rip_offset = 0}});
    // mov ss, ax with the kernel data selector (RPL 0 != CPL 3): #GP(selector).
    cases.push_back({Name(mode, "mov_ss_kernel_selector_gp"),
                     mode,
                     {0x8e, 0xd0},
                     {{Gpr::kRax, kSelectorKernelData}},
                     {.status = ExecStatus::kFault,
                      .vector = kVectorGP,
                      .error_code = kSelectorKernelData,
                      .rip_offset = 0}});
    // The case's own hlt is privileged at CPL 3 and must not look like the sentinel.
    cases.push_back(
        {Name(mode, "hlt_gp"),
         mode,
         {0xf4},
         {},
         {.status = ExecStatus::kFault, .vector = kVectorGP, .error_code = 0, .rip_offset = 0}});
  }

  // Real mode: no paging, no error codes; the unmapped page has no memory slot.
  // (A segment-limit #GP such as `67 8b 00` with eax = 0x10000 would be the natural case, but
  // QEMU's TCG does not check segment limits, so the nested run cannot test it.)
  // 2e x7; lea eax, [eax+eax*1+0x11223344] (66 67): 16 bytes, #GP without error code.
  cases.push_back({"real16_lea_16_bytes_gp",
                   Mode::kReal16,
                   {0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x66, 0x67, 0x8d, 0x84, 0x00, 0x44,
                    0x33, 0x22, 0x11},
                   {},
                   {.status = ExecStatus::kFault, .vector = kVectorGP, .rip_offset = 0}});
  cases.push_back({"real16_load_unmapped_kvm_emulated",
                   Mode::kReal16,
                   {0x8b, 0x07},
                   {{Gpr::kRbx, LayoutFor(Mode::kReal16).unmapped_address}},
                   {.status = ExecStatus::kUnsupported, .detail_prefix = "kvm-emulated"}});
  cases.push_back(
      {"real16_after_emulated_nop", Mode::kReal16, {0x90}, {}, {.rip_offset = 1, .length = 1}});
  // lidt [0x4000] (a zero limit from the scratch patch), int3: #GP, #DF, triple fault.
  cases.push_back({"real16_triple_fault_crash",
                   Mode::kReal16,
                   {0x0f, 0x01, 0x1e, 0x00, 0x40, 0xcc},
                   {},
                   {.status = ExecStatus::kCrash, .detail_prefix = "KVM_EXIT_SHUTDOWN"},
                   {MemoryPatch{0, {0, 0, 0, 0, 0, 0}}}});
  cases.push_back({"real16_after_crash_add",
                   Mode::kReal16,
                   {0x01, 0xd8},
                   {{Gpr::kRax, 0xffff}, {Gpr::kRbx, 1}},
                   {.rip_offset = 2, .length = 2, .registers = {{Gpr::kRax, 0}}}});

  // 40: inc eax in 32-bit code, REX in 64-bit code (there it prefixes the sentinel: REX hlt).
  for (Mode mode : {Mode::kProt16, Mode::kProt32, Mode::kCompat32}) {
    cases.push_back({Name(mode, "40_is_inc"),
                     mode,
                     {0x40},
                     {{Gpr::kRax, 7}},
                     {.rip_offset = 1, .length = 1, .registers = {{Gpr::kRax, 8}}}});
  }
  cases.push_back({"long64_40_is_rex",
                   Mode::kLong64,
                   {0x40},
                   {{Gpr::kRax, 7}},
                   {.status = ExecStatus::kFault,
                    .vector = kVectorGP,
                    .error_code = 0,
                    .rip_offset = 0,
                    .registers = {{Gpr::kRax, 7}}}});
  // 66 flips the operand size: 16-bit add in prot32, 32-bit add in prot16.
  cases.push_back({"prot32_66_add_ax_bx",
                   Mode::kProt32,
                   {0x66, 0x01, 0xd8},
                   {{Gpr::kRax, 0x1ffff}, {Gpr::kRbx, 1}},
                   {.rip_offset = 3,
                    .length = 3,
                    .registers = {{Gpr::kRax, 0x10000}},
                    .flags_mask = kCfZf,
                    .flags_value = kCfZf}});
  cases.push_back({"prot16_66_add_eax_ebx",
                   Mode::kProt16,
                   {0x66, 0x01, 0xd8},
                   {{Gpr::kRax, 0x1ffff}, {Gpr::kRbx, 1}},
                   {.rip_offset = 3,
                    .length = 3,
                    .registers = {{Gpr::kRax, 0x20000}},
                    .flags_mask = kCfZf,
                    .flags_value = 0}});
  // A 16-byte instruction is #GP(0) (SDM Vol. 2 2.3.11).
  cases.push_back(
      {"long64_lea_16_bytes_gp",
       Mode::kLong64,
       {0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x2e, 0x48, 0x8d, 0x84, 0x00, 0x44, 0x33, 0x22,
        0x11},
       {},
       {.status = ExecStatus::kFault, .vector = kVectorGP, .error_code = 0, .rip_offset = 0}});
  // Non-canonical address in long mode: mov rax, 1<<63; mov [rax], al -> #GP(0).
  cases.push_back(
      {"long64_noncanonical_gp",
       Mode::kLong64,
       {0x48, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0x80, 0x88, 0x00},
       {},
       {.status = ExecStatus::kFault, .vector = kVectorGP, .error_code = 0, .rip_offset = 10}});
  return cases;
}

class KvmExecutorTest : public testing::Test {
 protected:
  static void SetUpTestSuite() {
    // Without length probing: the table's faults expect length 0 (probing has its own test).
    absl::StatusOr<std::unique_ptr<KvmExecutor>> created =
        KvmExecutor::Create({.probe_length = false});
    if (created.ok()) {
      executor_ = std::move(created).value().release();
    } else {
      skip_reason_ = new std::string(created.status().ToString());
    }
  }
  static void TearDownTestSuite() {
    delete executor_;
    executor_ = nullptr;
    delete skip_reason_;
    skip_reason_ = nullptr;
  }
  void SetUp() override {
    if (executor_ == nullptr) GTEST_SKIP() << "no usable KVM: " << *skip_reason_;
  }

  static KvmExecutor* executor_;
  static std::string* skip_reason_;
};
KvmExecutor* KvmExecutorTest::executor_ = nullptr;
std::string* KvmExecutorTest::skip_reason_ = nullptr;

TEST(KvmExecutorCreateTest, MissingDeviceIsUnavailable) {
  absl::StatusOr<std::unique_ptr<KvmExecutor>> created =
      KvmExecutor::Create({.device = "/nonexistent/kvm"});
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.status().code(), absl::StatusCode::kUnavailable) << created.status();
  EXPECT_TRUE(absl::StrContains(created.status().message(), "/nonexistent/kvm"));
}

// Page-boundary length probing (the default): a fault reports the first instruction's length in
// every paged mode, through Execute() and ExecuteBatch() alike; real mode (no paging) keeps 0.
TEST_F(KvmExecutorTest, FaultLengthFromPageBoundaryProbing) {
  absl::StatusOr<std::unique_ptr<KvmExecutor>> created = KvmExecutor::Create();
  ASSERT_TRUE(created.ok()) << created.status();
  KvmExecutor& probing = **created;
  struct Row {
    std::string name;
    TestCase test_case;
    uint8_t vector;
    uint8_t length;
  };
  std::vector<Row> rows;
  for (Mode mode : kAllModes) {
    const bool paged = mode != Mode::kReal16;
    auto add = [&](absl::string_view what, std::vector<uint8_t> code, uint8_t vector,
                   uint8_t length, uint64_t rax = 0) {
      TestCase test_case{.mode = mode, .code = std::move(code)};
      CpuState state = DefaultInitialState(mode);
      if (rax != 0) state[Gpr::kRax] = rax;
      test_case.initial_state = state;
      rows.push_back({Name(mode, what), test_case, vector, paged ? length : uint8_t{0}});
    };
    add("ud2_nop", {0x0f, 0x0b, 0x90}, kVectorUD, 2);
    add("int3_nop", {0xcc, 0x90}, kVectorBP, 1);
    add("xor_then_div", {0x31, 0xc9, 0xf7, 0xf1}, kVectorDE, 2);  // the first instruction's
    if (paged) {  // cs cs cs mov eax, [rax] (cs cs 67 ... [eax] in 16-bit code): #PF, 5 bytes
      add("prefixed_load_unmapped",
          Is16(mode) ? std::vector<uint8_t>{0x2e, 0x2e, 0x67, 0x8b, 0x00}
                     : std::vector<uint8_t>{0x2e, 0x2e, 0x2e, 0x8b, 0x00},
          kVectorPF, 5, LayoutFor(mode).unmapped_address);
    }
  }
  std::vector<TestCase> cases;
  for (const Row& row : rows) {
    SCOPED_TRACE(row.name);
    cases.push_back(row.test_case);
    absl::StatusOr<ExecResult> result = probing.Execute(row.test_case);
    ASSERT_TRUE(result.ok()) << result.status();
    EXPECT_EQ(result->status, ExecStatus::kFault) << result->detail;
    EXPECT_EQ(result->vector, row.vector) << VectorName(result->vector);
    EXPECT_EQ(result->length, row.length);
  }
  EXPECT_GT(probing.stats().probe_runs, 0u);
  absl::StatusOr<std::vector<ExecResult>> batched = probing.ExecuteBatch(cases);
  ASSERT_TRUE(batched.ok()) << batched.status();
  ASSERT_EQ(batched->size(), rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ((*batched)[i].vector, rows[i].vector) << rows[i].name;
    EXPECT_EQ((*batched)[i].length, rows[i].length) << rows[i].name;
  }
}

TEST_F(KvmExecutorTest, NameAndProvenance) {
  EXPECT_EQ(executor_->name(), "kvm");
  EXPECT_EQ(executor_->provenance(), Provenance::kHardware);
  for (Mode mode : kAllModes) EXPECT_TRUE(executor_->SupportsMode(mode)) << ModeName(mode);
}

TEST_F(KvmExecutorTest, Table) {
  for (const ExecCase& c : Cases()) {
    SCOPED_TRACE(c.name);
    TestCase test_case{.mode = c.mode, .code = c.code, .scratch_patches = c.patches};
    CpuState state = DefaultInitialState(c.mode);
    for (const auto& [gpr, value] : c.set_registers) state[gpr] = value;
    test_case.initial_state = state;
    absl::StatusOr<ExecResult> result = executor_->Execute(test_case);
    ASSERT_TRUE(result.ok()) << result.status();
    const Expected& want = c.expected;
    const std::string got = absl::StrFormat(
        "got status=%s vector=%s err=%d/0x%x cr2=%d/0x%x rip=0x%x len=%d detail='%s'",
        ExecStatusName(result->status), VectorName(result->vector), result->has_error_code,
        result->error_code, result->has_fault_address, result->fault_address,
        result->final_state.rip, result->length, result->detail);
    EXPECT_EQ(result->status, want.status) << got;
    if (want.status == ExecStatus::kFault) {
      EXPECT_EQ(result->vector, want.vector) << got;
      EXPECT_EQ(result->has_error_code, want.error_code.has_value()) << got;
      if (want.error_code) EXPECT_EQ(result->error_code, *want.error_code) << got;
      EXPECT_EQ(result->has_fault_address, want.fault_address_is_unmapped) << got;
      if (want.fault_address_is_unmapped) {
        EXPECT_EQ(result->fault_address, LayoutFor(c.mode).unmapped_address) << got;
      }
    }
    if (want.rip_offset) {
      EXPECT_EQ(result->final_state.rip, LayoutFor(c.mode).code_address + *want.rip_offset) << got;
    }
    EXPECT_EQ(result->length, want.length) << got;
    for (const auto& [gpr, value] : want.registers) {
      EXPECT_EQ(result->final_state[gpr], value) << GprName(gpr) << "; " << got;
    }
    EXPECT_EQ(result->final_state.rflags & want.flags_mask, want.flags_value)
        << absl::StrFormat("rflags=0x%x; ", result->final_state.rflags) << got;
    if (!want.detail_prefix.empty()) {
      EXPECT_TRUE(absl::StartsWith(result->detail, want.detail_prefix)) << got;
    }
  }
}

TEST_F(KvmExecutorTest, StoreIsOneMemoryChangeAndNotCarriedToTheNextCase) {
  for (Mode mode : kPagedModes) {
    SCOPED_TRACE(ModeName(mode));
    const MemoryLayout& layout = LayoutFor(mode);
    CpuState state = DefaultInitialState(mode);
    state[Gpr::kRax] = 0x11223344;
    state[Gpr::kRbx] = layout.scratch_address + 0x10;
    // mov [ebx], eax (mov [bx], ax in 16-bit code)
    TestCase store{
        .mode = mode, .code = {0x89, uint8_t(Is16(mode) ? 0x07 : 0x03)}, .initial_state = state};
    absl::StatusOr<ExecResult> result = executor_->Execute(store);
    ASSERT_TRUE(result.ok()) << result.status();
    ASSERT_EQ(result->status, ExecStatus::kCompleted)
        << VectorName(result->vector) << " " << result->detail;
    const std::vector<uint8_t> scratch = DefaultScratchContents(mode);
    const size_t width = Is16(mode) ? 2 : 4;
    const std::vector<uint8_t> value = {0x44, 0x33, 0x22, 0x11};
    // Bytes equal to the old contents are not changes: compare the union of runs instead.
    std::vector<uint8_t> after(scratch.begin(), scratch.end());
    for (const MemoryChange& change : result->memory_changes) {
      ASSERT_GE(change.address, layout.scratch_address);
      for (size_t i = 0; i < change.after.size(); ++i) {
        EXPECT_EQ(change.before[i], scratch[change.address - layout.scratch_address + i]);
        after[change.address - layout.scratch_address + i] = change.after[i];
      }
    }
    EXPECT_FALSE(result->memory_changes.empty());
    EXPECT_TRUE(std::equal(value.begin(), value.begin() + width, after.begin() + 0x10));
    EXPECT_TRUE(
        std::equal(after.begin() + 0x10 + width, after.end(), scratch.begin() + 0x10 + width));

    TestCase nop{.mode = mode, .code = {0x90}};
    result = executor_->Execute(nop);
    ASSERT_TRUE(result.ok()) << result.status();
    EXPECT_EQ(result->status, ExecStatus::kCompleted) << result->detail;
    EXPECT_TRUE(result->memory_changes.empty());
  }
}

TEST_F(KvmExecutorTest, SseEverywhereAndAvxWhenXcr0HasIt) {
  const GuestFeatures& features = executor_->features();
  std::printf("guest features: nx=%d xsave=%d xcr0=0x%llx 1g-pages=%d qemu-tcg-host=%d\n",
              features.nx, features.xsave, static_cast<unsigned long long>(features.xcr0),
              features.one_gib_pages, features.qemu_tcg_host);
  for (Mode mode : kAllModes) {
    SCOPED_TRACE(ModeName(mode));
    // xorps xmm0, xmm0: needs CR4.OSFXSR.
    absl::StatusOr<ExecResult> result =
        executor_->Execute({.mode = mode, .code = {0x0f, 0x57, 0xc0}});
    ASSERT_TRUE(result.ok()) << result.status();
    EXPECT_EQ(result->status, ExecStatus::kCompleted) << VectorName(result->vector);
    // No VEX in real mode. In 16-bit protected mode VEX exists on hardware, but QEMU's TCG (the
    // nested CPU) decodes c5 as LDS in 16-bit code, so prot16 cannot be asserted here.
    if (Is16(mode)) continue;
    // vpxor ymm0, ymm0, ymm0 (VEX.256): needs CR4.OSXSAVE and XCR0 SSE|AVX, else #UD.
    result = executor_->Execute({.mode = mode, .code = {0xc5, 0xfd, 0xef, 0xc0}});
    ASSERT_TRUE(result.ok()) << result.status();
    if ((features.xcr0 & 0x6) == 0x6) {
      EXPECT_EQ(result->status, ExecStatus::kCompleted) << VectorName(result->vector);
    } else {
      EXPECT_EQ(result->status, ExecStatus::kFault);
      EXPECT_EQ(result->vector, kVectorUD);
    }
  }
}

TEST_F(KvmExecutorTest, PushShowsOnTheStack) {
  const MemoryLayout& layout = LayoutFor(Mode::kProt32);
  CpuState state = DefaultInitialState(Mode::kProt32);
  state[Gpr::kRax] = 0xa1b2c3d4;
  absl::StatusOr<ExecResult> result =
      executor_->Execute({.mode = Mode::kProt32, .code = {0x50}, .initial_state = state});
  ASSERT_TRUE(result.ok()) << result.status();
  ASSERT_EQ(result->status, ExecStatus::kCompleted) << result->detail;
  EXPECT_EQ(result->final_state[Gpr::kRsp], layout.stack_top - 4);
  ASSERT_EQ(result->memory_changes.size(), 1u);
  EXPECT_EQ(result->memory_changes[0].address, layout.stack_top - 4);
  EXPECT_EQ(result->memory_changes[0].after, (std::vector<uint8_t>{0xd4, 0xc3, 0xb2, 0xa1}));
}

TEST_F(KvmExecutorTest, RealModeFaultFrameIsNotAMemoryChange) {
  absl::StatusOr<ExecResult> result =
      executor_->Execute({.mode = Mode::kReal16, .code = {0x0f, 0x0b}});
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->status, ExecStatus::kFault);
  EXPECT_EQ(result->vector, kVectorUD);
  EXPECT_TRUE(result->memory_changes.empty());
  EXPECT_EQ(result->final_state[Gpr::kRsp], LayoutFor(Mode::kReal16).stack_top);
}

}  // namespace
}  // namespace x86diff::kvm

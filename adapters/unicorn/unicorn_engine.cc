#include "adapters/unicorn/unicorn_engine.h"

#include <sys/mman.h>
#include <unicorn/x86.h>

#include <algorithm>
#include <array>
#include <cstring>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "harness/memory_diff.h"
#include "adapters/unicorn/unicorn_cpu_setup.h"
#include "harness/memory_layout.h"
#include "harness/status_macros.h"

namespace x86diff {

namespace {

// GPRs in X86DIFF_FOR_EACH_GPR order (x86 register numbers).
constexpr std::array<int, kGprCount> kUnicornGprs64 = {
    UC_X86_REG_RAX, UC_X86_REG_RCX, UC_X86_REG_RDX, UC_X86_REG_RBX, UC_X86_REG_RSP, UC_X86_REG_RBP,
    UC_X86_REG_RSI, UC_X86_REG_RDI, UC_X86_REG_R8,  UC_X86_REG_R9,  UC_X86_REG_R10, UC_X86_REG_R11,
    UC_X86_REG_R12, UC_X86_REG_R13, UC_X86_REG_R14, UC_X86_REG_R15,
};
// Outside long mode only the first eight exist, as 32-bit registers.
constexpr int kLegacyGprCount = 8;
constexpr std::array<int, kLegacyGprCount> kUnicornGprs32 = {
    UC_X86_REG_EAX, UC_X86_REG_ECX, UC_X86_REG_EDX, UC_X86_REG_EBX,
    UC_X86_REG_ESP, UC_X86_REG_EBP, UC_X86_REG_ESI, UC_X86_REG_EDI,
};
constexpr uint64_t kRflagsReported = kRflagsControllable | kRflagsReserved1;
constexpr uint64_t kRflagsRF = 1u << 16;

// #PF error code bits (SDM Vol. 3 4.7).
constexpr uint64_t kPfPresent = 1u << 0;
constexpr uint64_t kPfWrite = 1u << 1;
constexpr uint64_t kPfUser = 1u << 2;
constexpr uint64_t kPfFetch = 1u << 4;

constexpr uint8_t kOpcodeIntN = 0xcd;
constexpr uint32_t kLinuxSyscallVector = 0x80;

absl::Status Check(uc_err err, absl::string_view what) {
  if (err == UC_ERR_OK) return absl::OkStatus();
  return absl::InternalError(absl::StrCat("unicorn ", what, ": ", uc_strerror(err)));
}

bool IsCanonical(uint64_t address) {
  const int64_t upper = static_cast<int64_t>(address) >> 47;
  return upper == 0 || upper == -1;
}

// Whether the trap at `rip` follows `cd vector` in the code: Unicorn hands software interrupts
// to the same hook as exceptions, with RIP already past the instruction.
bool FollowsIntN(absl::Span<const uint8_t> code, uint64_t code_address, uint64_t rip,
                 uint32_t vector) {
  if (rip < code_address + 2 || rip > code_address + code.size()) return false;
  const size_t offset = rip - code_address - 2;
  return code[offset] == kOpcodeIntN && code[offset + 1] == vector;
}

}  // namespace

absl::StatusOr<std::unique_ptr<UnicornEngine>> UnicornEngine::Create(
    Mode mode, const UnicornOptions& options) {
  std::unique_ptr<UnicornEngine> engine(new UnicornEngine(mode, options));
  RETURN_IF_ERROR(engine->Init());
  return engine;
}

UnicornEngine::UnicornEngine(Mode mode, const UnicornOptions& options)
    : mode_(mode), options_(options) {}

UnicornEngine::~UnicornEngine() {
  CloseUnicorn();
  for (HostPages* pages : {&code_page_, &scratch_, &system_page_}) {
    if (pages->data != nullptr) munmap(pages->data, pages->size);
  }
}

absl::Status UnicornEngine::AllocatePages(size_t size, HostPages& pages) {
  void* memory = mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (memory == MAP_FAILED) {
    return absl::ResourceExhaustedError(absl::StrCat("mmap of ", size, " bytes failed"));
  }
  pages.data = static_cast<uint8_t*>(memory);
  pages.size = size;
  return absl::OkStatus();
}

absl::Status UnicornEngine::Init() {
  const MemoryLayout& layout = LayoutFor(mode_);
  RETURN_IF_ERROR(AllocatePages(layout.code_size, code_page_));
  RETURN_IF_ERROR(AllocatePages(layout.scratch_size, scratch_));
  if (ToUnicornMode(mode_) != UC_MODE_16) {
    RETURN_IF_ERROR(AllocatePages(kUnicornSystemPageSize, system_page_));
  }
  return OpenUnicorn();
}

absl::Status UnicornEngine::OpenUnicorn() {
  RETURN_IF_ERROR(Check(uc_open(UC_ARCH_X86, ToUnicornMode(mode_), &uc_), "open"));
  const MemoryLayout& layout = LayoutFor(mode_);
  // Mapping host memory directly lets a case be reset and diffed with memcpy/memcmp instead of
  // uc_mem_write/uc_mem_read round trips.
  RETURN_IF_ERROR(Check(uc_mem_map_ptr(uc_, layout.code_address, code_page_.size,
                                       UC_PROT_READ | UC_PROT_EXEC, code_page_.data),
                        "map code page"));
  RETURN_IF_ERROR(Check(uc_mem_map_ptr(uc_, layout.scratch_address, scratch_.size,
                                       UC_PROT_READ | UC_PROT_WRITE, scratch_.data),
                        "map scratch"));
  if (system_page_.data != nullptr) {
    RETURN_IF_ERROR(Check(uc_mem_map_ptr(uc_, kUnicornSystemPageAddress, system_page_.size,
                                         UC_PROT_READ, system_page_.data),
                          "map system page"));
  }
  RETURN_IF_ERROR(AddHooks());
  RETURN_IF_ERROR(EnterStartState(uc_, mode_, system_page_.span(), code_page_.span()));
  RETURN_IF_ERROR(Check(uc_context_alloc(uc_, &start_state_), "context alloc"));
  RETURN_IF_ERROR(Check(uc_context_save(uc_, start_state_), "context save"));
  runs_since_open_ = 0;
  return absl::OkStatus();
}

void UnicornEngine::CloseUnicorn() {
  if (start_state_ != nullptr) uc_context_free(start_state_);
  if (uc_ != nullptr) uc_close(uc_);
  start_state_ = nullptr;
  uc_ = nullptr;
}

absl::Status UnicornEngine::AddHooks() {
  uc_hook hook;
  // begin > end: the hooks cover every address.
  RETURN_IF_ERROR(Check(
      uc_hook_add(uc_, &hook, UC_HOOK_INTR, reinterpret_cast<void*>(&OnInterrupt), this, 1, 0),
      "add interrupt hook"));
  RETURN_IF_ERROR(Check(uc_hook_add(uc_, &hook, UC_HOOK_MEM_INVALID,
                                    reinterpret_cast<void*>(&OnInvalidMemory), this, 1, 0),
                        "add memory hook"));
  RETURN_IF_ERROR(Check(uc_hook_add(uc_, &hook, UC_HOOK_INSN, reinterpret_cast<void*>(&OnSyscall),
                                    this, 1, 0, UC_X86_INS_SYSCALL),
                        "add syscall hook"));
  RETURN_IF_ERROR(Check(uc_hook_add(uc_, &hook, UC_HOOK_INSN, reinterpret_cast<void*>(&OnSysenter),
                                    this, 1, 0, UC_X86_INS_SYSENTER),
                        "add sysenter hook"));
  RETURN_IF_ERROR(Check(uc_hook_add(uc_, &hook, UC_HOOK_INSN, reinterpret_cast<void*>(&OnPortIn),
                                    this, 1, 0, UC_X86_INS_IN),
                        "add in hook"));
  return Check(uc_hook_add(uc_, &hook, UC_HOOK_INSN, reinterpret_cast<void*>(&OnPortOut), this, 1,
                           0, UC_X86_INS_OUT),
               "add out hook");
}

// Every hook keeps the first stop reason: after uc_emu_stop() Unicorn may still finish the
// current instruction and call further hooks, which describe nothing the case is judged by.
void UnicornEngine::OnInterrupt(uc_engine* uc, uint32_t intno, void* user_data) {
  auto* engine = static_cast<UnicornEngine*>(user_data);
  uc_emu_stop(uc);
  if (engine->stop_.kind != StopKind::kNone) return;
  engine->stop_.kind = StopKind::kInterrupt;
  engine->stop_.interrupt = intno;
  // Read here: after the hook Unicorn moves EIP to its "next instruction" for the exception,
  // which is meaningless for faults.
  engine->stop_.rip = engine->ReadPc();
}

bool UnicornEngine::OnInvalidMemory(uc_engine* uc, uc_mem_type type, uint64_t address, int size,
                                    int64_t value, void* user_data) {
  auto* engine = static_cast<UnicornEngine*>(user_data);
  // The first invalid access is the fault (see above): for a store split at a page boundary Unicorn
  // goes on calling the hook for the remaining bytes (in ascending order) before it stops, and the
  // first call carries the address a CPU reports in CR2.
  if (engine->stop_.kind == StopKind::kNone) {
    engine->stop_.kind = StopKind::kMemory;
    engine->stop_.access = type;
    engine->stop_.address = address;
  }
  return false;  // not handled: uc_emu_start stops with UC_ERR_*_UNMAPPED / *_PROT
}

void UnicornEngine::OnSyscall(uc_engine* uc, void* user_data) {
  auto* engine = static_cast<UnicornEngine*>(user_data);
  uc_emu_stop(uc);
  if (engine->stop_.kind != StopKind::kNone) return;
  engine->stop_.kind = StopKind::kSyscall;
  engine->stop_.rip = engine->ReadPc();
  engine->stop_.syscall_instruction = true;
}

void UnicornEngine::OnSysenter(uc_engine* uc, void* user_data) {
  auto* engine = static_cast<UnicornEngine*>(user_data);
  uc_emu_stop(uc);
  if (engine->stop_.kind != StopKind::kNone) return;
  engine->stop_.kind = StopKind::kSyscall;
  engine->stop_.rip = engine->ReadPc();
}

uint32_t UnicornEngine::OnPortIn(uc_engine* uc, uint32_t port, int size, void* user_data) {
  OnPortOut(uc, port, size, 0, user_data);
  return 0;
}

void UnicornEngine::OnPortOut(uc_engine* uc, uint32_t port, int size, uint32_t value,
                              void* user_data) {
  auto* engine = static_cast<UnicornEngine*>(user_data);
  uc_emu_stop(uc);
  if (engine->stop_.kind == StopKind::kNone) engine->stop_.kind = StopKind::kPortIo;
}

uint64_t UnicornEngine::ReadPc() {
  uint64_t pc = 0;
  uc_reg_read(uc_, Is64BitMode(mode_) ? UC_X86_REG_RIP : UC_X86_REG_EIP, &pc);
  return Is64BitMode(mode_) ? pc : pc & 0xffffffff;
}

absl::Status UnicornEngine::WriteRegisters(const CpuState& initial) {
  // RIP is not written: uc_emu_start sets it to `begin`.
  std::array<uint64_t, kGprCount + 1> values;
  std::array<int, kGprCount + 1> ids;
  std::array<void*, kGprCount + 1> pointers;
  const bool long_mode = Is64BitMode(mode_);
  const int gprs = long_mode ? kGprCount : kLegacyGprCount;
  for (int i = 0; i < gprs; ++i) {
    ids[i] = long_mode ? kUnicornGprs64[i] : kUnicornGprs32[i];
    values[i] = initial.gpr[i];  // Unicorn reads the low 32 bits for the E* registers
  }
  ids[gprs] = long_mode ? UC_X86_REG_RFLAGS : UC_X86_REG_EFLAGS;
  values[gprs] = (initial.rflags & kRflagsControllable) | kRflagsReserved1 | kRflagsIF;
  for (int i = 0; i <= gprs; ++i) pointers[i] = &values[i];
  return Check(uc_reg_write_batch(uc_, ids.data(), pointers.data(), gprs + 1), "write registers");
}

absl::Status UnicornEngine::ReadRegisters(const CpuState& initial, CpuState& out) {
  std::array<uint64_t, kGprCount + 2> values{};  // zeroed: 32-bit reads fill 4 bytes
  std::array<int, kGprCount + 2> ids;
  std::array<void*, kGprCount + 2> pointers;
  const bool long_mode = Is64BitMode(mode_);
  const int gprs = long_mode ? kGprCount : kLegacyGprCount;
  for (int i = 0; i < gprs; ++i) ids[i] = long_mode ? kUnicornGprs64[i] : kUnicornGprs32[i];
  ids[gprs] = long_mode ? UC_X86_REG_RFLAGS : UC_X86_REG_EFLAGS;
  ids[gprs + 1] = long_mode ? UC_X86_REG_RIP : UC_X86_REG_EIP;
  for (int i = 0; i < gprs + 2; ++i) pointers[i] = &values[i];
  RETURN_IF_ERROR(
      Check(uc_reg_read_batch(uc_, ids.data(), pointers.data(), gprs + 2), "read registers"));
  const uint64_t width_mask = long_mode ? ~uint64_t{0} : 0xffffffff;
  out = initial;  // R8..R15 outside long mode: untouched, as they came in
  for (int i = 0; i < gprs; ++i) {
    // Outside long mode Unicorn holds 32-bit registers only. A register whose 32 bits did not
    // change keeps the upper half it came in with, as on a CPU whose code did not write it; a
    // changed one is zero-extended, as 32-bit writes leave it on x86-64.
    const bool unchanged = !long_mode && (values[i] & width_mask) == (initial.gpr[i] & width_mask);
    out.gpr[i] = unchanged ? initial.gpr[i] : values[i] & width_mask;
  }
  out.rflags = values[gprs] & kRflagsReported;
  out.rip = values[gprs + 1] & width_mask;
  return absl::OkStatus();
}

void UnicornEngine::ClassifyInterrupt(absl::Span<const uint8_t> code, ExecResult& result) {
  const uint32_t vector = stop_.interrupt;
  const uint64_t code_address = LayoutFor(mode_).code_address;
  result.final_state.rip = stop_.rip;
  if (vector == kLinuxSyscallVector) {
    result.status = ExecStatus::kSyscall;
    result.detail = "int 0x80";
    return;
  }
  result.status = ExecStatus::kFault;
  result.vector = static_cast<uint8_t>(vector);
  const bool software = vector >= 32 || FollowsIntN(code, code_address, stop_.rip, vector);
  if (software && vector != kVectorBP && vector != kVectorOF) {
    result.imprecise |= kImpreciseVector | kImpreciseErrorCode;
    result.detail = absl::StrCat("int 0x", absl::Hex(vector),
                                 ": Unicorn reports software interrupts without IDT gate checks");
    return;
  }
  if (vector == kVectorDF) {
    result.imprecise |= kImpreciseVector;
    result.detail = "#DF: Unicorn reported a double fault, which ring-3 code cannot cause alone";
  }
  if (VectorPushesErrorCode(vector)) result.imprecise |= kImpreciseErrorCode;
  if (vector == kVectorPF) result.imprecise |= kImpreciseFaultAddress;
}

void UnicornEngine::ClassifySyscall(ExecResult& result) {
  result.status = ExecStatus::kSyscall;
  // Unicorn skips a hooked syscall/sysenter: final_state.rip is past it, where the kernel would
  // return to (and where the native executor reports it). The hook runs before the instruction's
  // own effects, so those of SYSCALL are applied here (SDM Vol. 2 SYSCALL): RCX gets the next
  // RIP; R11 gets RFLAGS in 64-bit and compatibility mode.
  const uint64_t next = result.final_state.rip;
  if (stop_.rip == LayoutFor(mode_).code_address && next > stop_.rip &&
      next - stop_.rip <= kMaxInstructionBytes) {
    result.length = static_cast<uint8_t>(next - stop_.rip);
  }
  if (!stop_.syscall_instruction) return;
  result.final_state[Gpr::kRcx] = next;
  if (mode_ == Mode::kLong64 || mode_ == Mode::kCompat32) {
    uint64_t rflags = 0;
    uc_reg_read(uc_, Is64BitMode(mode_) ? UC_X86_REG_RFLAGS : UC_X86_REG_EFLAGS, &rflags);
    result.final_state[Gpr::kR11] = rflags & 0xffffffff & ~kRflagsRF;
  }
}

void UnicornEngine::ClassifyMemoryFault(ExecResult& result) {
  result.status = ExecStatus::kFault;
  result.vector = kVectorPF;
  result.has_fault_address = true;
  result.fault_address = stop_.address;
  const uc_mem_type access = stop_.access;
  const bool protection =
      access == UC_MEM_READ_PROT || access == UC_MEM_WRITE_PROT || access == UC_MEM_FETCH_PROT;
  const bool write = access == UC_MEM_WRITE_UNMAPPED || access == UC_MEM_WRITE_PROT;
  const bool fetch = access == UC_MEM_FETCH_UNMAPPED || access == UC_MEM_FETCH_PROT;
  if (ToUnicornMode(mode_) == UC_MODE_16) {
    result.imprecise |= kImpreciseErrorCode;
    result.detail = "16-bit mode without paging: no #PF error code";
  } else {
    result.has_error_code = true;
    result.error_code =
        (protection ? kPfPresent : 0) | (write ? kPfWrite : 0) | kPfUser | (fetch ? kPfFetch : 0);
  }
  // A write that crosses from the end of scratch into the unmapped page: Unicorn 2.0.1 splits it
  // and commits the bytes below the boundary (measured: an 8-byte store at end-4 writes 4 bytes);
  // a CPU writes nothing. Any access is at most 64 bytes (AVX-512).
  const MemoryLayout& layout = LayoutFor(mode_);
  const uint64_t scratch_end = layout.scratch_address + layout.scratch_size;
  if (write && stop_.address >= scratch_end && stop_.address < scratch_end + 64) {
    result.imprecise |= kImpreciseMemory;
    result.detail = "write across the end of scratch: Unicorn commits part of it";
  }
  if (Is64BitMode(mode_) && !IsCanonical(stop_.address)) {
    result.imprecise |= kImpreciseVector | kImpreciseErrorCode | kImpreciseFaultAddress;
    result.detail = "non-canonical address: Unicorn reports it as unmapped, a CPU raises #GP/#SS";
  }
}

void UnicornEngine::Classify(uc_err err, absl::Span<const uint8_t> code, ExecResult& result) {
  const uint64_t code_address = LayoutFor(mode_).code_address;
  switch (stop_.kind) {
    case StopKind::kInterrupt:
      ClassifyInterrupt(code, result);
      return;
    case StopKind::kMemory:
      ClassifyMemoryFault(result);
      return;
    case StopKind::kSyscall:
      ClassifySyscall(result);
      return;
    case StopKind::kPortIo:
      result.status = ExecStatus::kUnsupported;
      result.detail = "port I/O: Unicorn 2.0.1 does no I/O permission check at CPL 3";
      return;
    case StopKind::kNone:
      break;
  }
  switch (err) {
    case UC_ERR_OK:
      if (result.final_state.rip == code_address + code.size()) {
        result.status = ExecStatus::kCompleted;
        result.length = static_cast<uint8_t>(code.size());
      } else {
        result.status = ExecStatus::kTimeout;
        result.detail = absl::StrCat("stopped at 0x", absl::Hex(result.final_state.rip),
                                     " by the limit of ", options_.instruction_limit,
                                     " instructions", options_.timeout_us ? " or the timeout" : "");
      }
      return;
    case UC_ERR_INSN_INVALID:
      result.status = ExecStatus::kFault;
      result.vector = kVectorUD;
      return;
    default:
      // UC_ERR_EXCEPTION (an exception no hook took) or a memory error without a hook call:
      // neither should happen with the hooks installed; report the claim and how little is known.
      result.status = ExecStatus::kFault;
      result.imprecise |= kImpreciseVector | kImpreciseErrorCode | kImpreciseFaultAddress;
      result.detail = absl::StrCat("unicorn: ", uc_strerror(err));
      return;
  }
}

absl::StatusOr<ExecResult> UnicornEngine::Run(const TestCase& test_case) {
  if (test_case.mode != mode_) {
    return absl::InvalidArgumentError(absl::StrCat("test case for ", ModeName(test_case.mode),
                                                   " given to the ", ModeName(mode_), " engine"));
  }
  return Run(test_case.code, InitialState(test_case), scratch_cache_.For(test_case));
}

absl::StatusOr<ExecResult> UnicornEngine::Run(absl::Span<const uint8_t> code,
                                              const CpuState& initial,
                                              absl::Span<const uint8_t> scratch) {
  const MemoryLayout& layout = LayoutFor(mode_);
  if (code.size() > kMaxCodeBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat(code.size(), " code bytes, at most ", kMaxCodeBytes));
  }
  if (scratch.size() != scratch_.size) {
    return absl::InvalidArgumentError(
        absl::StrCat(scratch.size(), " scratch bytes, expected ", scratch_.size));
  }
  // Unicorn never reuses the code-buffer space of translations it invalidated, so every case's
  // translation occupies new memory (measured: RSS grows by 0.4-1.2 KiB per case, towards the
  // 1 GiB code buffer of each engine). Re-opening the engine now and then returns that memory
  // for ~5 ms.
  if (runs_since_open_ >= std::max<uint64_t>(options_.runs_per_engine, 1)) {
    CloseUnicorn();
    RETURN_IF_ERROR(OpenUnicorn());
  }
  ++runs_since_open_;
  RETURN_IF_ERROR(Check(uc_context_restore(uc_, start_state_), "context restore"));
  std::memset(code_page_.data, 0xcc, code_page_.size);
  std::memcpy(code_page_.data, code.data(), code.size());
  RETURN_IF_ERROR(
      Check(uc_ctl_remove_cache(uc_, layout.code_address, layout.code_address + layout.code_size),
            "remove cache"));
  std::memcpy(scratch_.data, scratch.data(), scratch.size());
  RETURN_IF_ERROR(WriteRegisters(initial));

  stop_ = Stop();
  const uc_err err =
      uc_emu_start(uc_, layout.code_address, layout.code_address + code.size(), options_.timeout_us,
                   std::max<uint64_t>(options_.instruction_limit, 1));
  ExecResult result;
  RETURN_IF_ERROR(ReadRegisters(initial, result.final_state));
  Classify(err, code, result);
  result.memory_changes = DiffMemory(layout.scratch_address, scratch, scratch_.span());
  return result;
}

}  // namespace x86diff

#include "adapters/unicorn/unicorn_cpu_setup.h"

#include <unicorn/x86.h>

#include <cstring>
#include <vector>

#include "absl/strings/str_cat.h"
#include "harness/memory_layout.h"
#include "harness/status_macros.h"

namespace x86diff {

namespace {

// Linux/x86-64's GDT layout (GDT_ENTRY_* in arch/x86/include/asm/segment.h), flat segments with
// the accessed bit preset so that segment loads never write to the read-only system page.
constexpr uint64_t kGdt[] = {
    0,                      // 0x00 null
    0x00cf9b000000ffffull,  // 0x08 kernel 32-bit code
    0x00af9b000000ffffull,  // 0x10 kernel 64-bit code (L=1)
    0x00cf93000000ffffull,  // 0x18 kernel data
    0x00cffb000000ffffull,  // 0x23 user 32-bit code (DPL 3)
    0x00cff3000000ffffull,  // 0x2b user data (DPL 3)
    0x00affb000000ffffull,  // 0x33 user 64-bit code (DPL 3, L=1)
};
constexpr uint16_t kKernelDataSelector = 0x18;
constexpr uint16_t kTssSelector = 0x40;
constexpr uint64_t kGdtOffset = 0;
constexpr uint64_t kTssOffset = 0x100;
constexpr uint32_t kTssLimit = 0x67;  // the 104-byte TSS (SDM Vol. 3 7.7 / 8.7)
// The I/O map base points past the TSS limit: no I/O permission bitmap, so at CPL 3 with IOPL 0
// every port access should raise #GP (SDM Vol. 1 19.5.2).
constexpr uint64_t kTssIoMapBaseOffset = 0x66;
// Segment-cache flags as Unicorn's uc_x86_mmr wants them (the descriptor's high dword): present,
// type 9, which is what QEMU's descriptor cache holds after LTR (it caches the descriptor read
// before setting the busy bit) and what its I/O permission check (check_io) requires.
constexpr uint32_t kTssFlags = 0x8900;
// RFLAGS of a Linux process: IF set, IOPL 0.
constexpr uint64_t kUserRflags = 0x202;
// The entry stub sits in the second half of the code page, away from where cases put their code.
constexpr uint64_t kStubOffset = 0x800;

absl::Status Check(uc_err err, absl::string_view what) {
  if (err == UC_ERR_OK) return absl::OkStatus();
  return absl::InternalError(absl::StrCat("unicorn ", what, ": ", uc_strerror(err)));
}

void PutImm32(std::vector<uint8_t>& code, uint32_t value) {
  for (int i = 0; i < 4; ++i) code.push_back(static_cast<uint8_t>(value >> (8 * i)));
}

// push SS; push RSP; push RFLAGS; push CS; push RIP; IRET (SDM Vol. 2 IRET: a return to an outer
// privilege level pops SS:RSP too). The pushed immediates are sign-extended to 64 bits in long
// mode; every value here is below 2^31.
std::vector<uint8_t> EntryStub(Mode mode, const MemoryLayout& layout) {
  std::vector<uint8_t> code;
  const bool long_mode = Is64BitMode(mode);
  if (!long_mode) {
    code.push_back(0xb8);  // mov eax, kUserDataSelector
    PutImm32(code, kUserDataSelector);
    code.insert(code.end(), {0x8e, 0xd8, 0x8e, 0xc0});  // mov ds, ax; mov es, ax
  }
  code.insert(code.end(), {0x6a, static_cast<uint8_t>(kUserDataSelector)});  // push ss
  code.push_back(0x68);                                                      // push imm32: rsp
  PutImm32(code, static_cast<uint32_t>(layout.stack_top));
  code.push_back(0x68);  // push imm32: rflags
  PutImm32(code, kUserRflags);
  code.insert(code.end(),
              {0x6a, static_cast<uint8_t>(long_mode ? kUserCode64Selector : kUserCode32Selector)});
  code.push_back(0x68);  // push imm32: rip
  PutImm32(code, static_cast<uint32_t>(layout.code_address));
  if (long_mode) code.push_back(0x48);  // REX.W: iretq
  code.push_back(0xcf);                 // iret
  return code;
}

absl::Status EnterUserMode(uc_engine* uc, Mode mode, absl::Span<uint8_t> system_page,
                           absl::Span<uint8_t> code_page) {
  const MemoryLayout& layout = LayoutFor(mode);
  std::memset(system_page.data(), 0, system_page.size());
  std::memcpy(system_page.data() + kGdtOffset, kGdt, sizeof(kGdt));
  const uint16_t io_map_base = kTssLimit + 1;
  std::memcpy(system_page.data() + kTssOffset + kTssIoMapBaseOffset, &io_map_base,
              sizeof(io_map_base));

  uc_x86_mmr gdtr = {0, kUnicornSystemPageAddress + kGdtOffset, sizeof(kGdt) - 1, 0};
  RETURN_IF_ERROR(Check(uc_reg_write(uc, UC_X86_REG_GDTR, &gdtr), "write GDTR"));
  uc_x86_mmr tr = {kTssSelector, kUnicornSystemPageAddress + kTssOffset, kTssLimit, kTssFlags};
  RETURN_IF_ERROR(Check(uc_reg_write(uc, UC_X86_REG_TR, &tr), "write TR"));
  // Unicorn's 32-bit mode starts with a null SS cache, whose B bit is clear: pushes would use SP,
  // not ESP. Loading a flat kernel data segment gives the stub a 32-bit stack.
  uint64_t selector = kKernelDataSelector;
  RETURN_IF_ERROR(Check(uc_reg_write(uc, UC_X86_REG_SS, &selector), "write SS"));
  uint64_t stack = layout.stack_top;
  RETURN_IF_ERROR(Check(
      uc_reg_write(uc, Is64BitMode(mode) ? UC_X86_REG_RSP : UC_X86_REG_ESP, &stack), "write RSP"));

  const std::vector<uint8_t> stub = EntryStub(mode, layout);
  std::memset(code_page.data(), 0xcc, code_page.size());
  std::memcpy(code_page.data() + kStubOffset, stub.data(), stub.size());
  RETURN_IF_ERROR(
      Check(uc_ctl_remove_cache(uc, layout.code_address, layout.code_address + layout.code_size),
            "remove cache"));
  // Stops when the IRET lands on the code address (`until`), before anything runs there.
  RETURN_IF_ERROR(
      Check(uc_emu_start(uc, layout.code_address + kStubOffset, layout.code_address, 0, 64),
            "run entry stub"));
  uint64_t cs = 0;
  uint64_t rip = 0;
  RETURN_IF_ERROR(Check(uc_reg_read(uc, UC_X86_REG_CS, &cs), "read CS"));
  RETURN_IF_ERROR(Check(uc_reg_read(uc, Is64BitMode(mode) ? UC_X86_REG_RIP : UC_X86_REG_EIP, &rip),
                        "read RIP"));
  if ((cs & 3) != 3 || (rip & 0xffffffff) != layout.code_address) {
    return absl::InternalError(
        absl::StrCat("unicorn entry stub ended with CS 0x", absl::Hex(cs & 0xffff), " RIP 0x",
                     absl::Hex(rip), " instead of CPL 3 at 0x", absl::Hex(layout.code_address)));
  }
  std::memset(code_page.data(), 0xcc, code_page.size());
  return absl::OkStatus();
}

}  // namespace

uc_mode ToUnicornMode(Mode mode) {
  switch (mode) {
    case Mode::kReal16:
    case Mode::kProt16:
      return UC_MODE_16;
    case Mode::kProt32:
    case Mode::kCompat32:
      return UC_MODE_32;
    case Mode::kLong64:
      return UC_MODE_64;
  }
  return UC_MODE_64;
}

absl::Status EnterStartState(uc_engine* uc, Mode mode, absl::Span<uint8_t> system_page,
                             absl::Span<uint8_t> code_page) {
  if (ToUnicornMode(mode) != UC_MODE_16) {
    return EnterUserMode(uc, mode, system_page, code_page);
  }
  // Unicorn's reset already gives real mode with zero selectors (qemu/target/i386/unicorn.c
  // reg_reset); writing them states the contract instead of relying on it.
  for (int segment :
       {UC_X86_REG_CS, UC_X86_REG_DS, UC_X86_REG_ES, UC_X86_REG_SS, UC_X86_REG_FS, UC_X86_REG_GS}) {
    uint64_t zero = 0;
    RETURN_IF_ERROR(Check(uc_reg_write(uc, segment, &zero), "write segment register"));
  }
  return absl::OkStatus();
}

}  // namespace x86diff

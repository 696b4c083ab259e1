// Puts a freshly opened Unicorn x86 engine into the processor state every test case starts from:
// user mode (CPL 3) with Linux's segment selectors in the 32/64-bit modes, zero segment bases in
// the 16-bit modes. Used once per engine; the engine then snapshots the state (uc_context_save)
// and restores it before every case.
#ifndef X86DIFF_ADAPTERS_UNICORN_UNICORN_CPU_SETUP_H_
#define X86DIFF_ADAPTERS_UNICORN_UNICORN_CPU_SETUP_H_

#include <unicorn/unicorn.h>

#include <cstdint>

#include "absl/status/status.h"
#include "absl/types/span.h"
#include "harness/mode.h"

namespace x86diff {

// The Unicorn mode for `mode`. Unicorn has one 16-bit mode, which is real mode: kReal16 and
// kProt16 both map to UC_MODE_16 (with zero segment bases the two differ only in what segment
// loads and far transfers do). kProt32 and kCompat32 both map to UC_MODE_32, legacy protected
// mode: Unicorn has no compatibility mode under a 64-bit kernel.
uc_mode ToUnicornMode(Mode mode);

// Where the GDT and TSS live in the 32/64-bit modes: one read-only page outside every
// MemoryLayout region. Guest code that reads it succeeds under Unicorn (Unicorn does not enforce
// page-level user/supervisor protection) where a CPU would fault.
inline constexpr uint64_t kUnicornSystemPageAddress = 0x7fff0000;
inline constexpr uint64_t kUnicornSystemPageSize = 0x1000;

// Segment selectors as Linux/x86-64 sets them for user processes (arch/x86/include/asm/segment.h):
// a 64-bit process runs with CS 0x33, SS 0x2b and null DS/ES/FS/GS; a 32-bit one with CS 0x23 and
// DS/ES/SS 0x2b.
inline constexpr uint16_t kUserCode32Selector = 0x23;
inline constexpr uint16_t kUserDataSelector = 0x2b;
inline constexpr uint16_t kUserCode64Selector = 0x33;

// Writes the GDT and TSS into `system_page` (the host memory mapped at kUnicornSystemPageAddress;
// ignored in the 16-bit modes) and brings the engine to the start state:
//  - 16-bit modes: real mode, all segment registers 0.
//  - 32/64-bit modes: CPL 3 entered by an IRET from a stub that runs once in the code page
//    (`code_page`, mapped at LayoutFor(mode).code_address), with IOPL 0 and IF set as in a Linux
//    process, and a TSS without an I/O permission bitmap.
// Why CPL 3: Unicorn starts at CPL 0, where privileged instructions (hlt, mov cr, cli, rdmsr, ...)
// simply execute; the hardware executors run ring-3 code, where they raise #GP. At CPL 3 Unicorn
// raises #GP for them too. The stub's bytes in the code page and its stack writes in scratch are
// overwritten by every case. Fails with Internal naming the Unicorn call that failed.
absl::Status EnterStartState(uc_engine* uc, Mode mode, absl::Span<uint8_t> system_page,
                             absl::Span<uint8_t> code_page);

}  // namespace x86diff

#endif  // X86DIFF_ADAPTERS_UNICORN_UNICORN_CPU_SETUP_H_

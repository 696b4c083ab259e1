// Per-mode guest state: the guest-physical map, descriptor tables (GDT, IDT, TSS), exception
// stubs, page tables and the special registers that put the vCPU into one harness Mode.
//
// Privilege: test code runs at CPL 3 in every protected mode (prot16, prot32, compat32, long64),
// in user segments, with a TSS giving the ring-0 stack; real mode is CPL 0 by definition. Every
// exception vector enters ring 0 through an interrupt gate whose handler is its own one-byte
// `hlt` stub, so the vector is known from RIP at the HLT exit.
#ifndef X86DIFF_KVM_GUEST_STATE_H_
#define X86DIFF_KVM_GUEST_STATE_H_

#include <linux/kvm.h>

#include <cstddef>
#include <cstdint>

#include "absl/status/status.h"
#include "harness/mode.h"
#include "kvm/kvm_fd.h"

namespace x86diff::kvm {

// ---- Guest-physical map (identical in every VM) ----
// [0, 2 MiB): the 16-bit layout (LayoutFor(kReal16)) and the real-mode IVT. Backed except the
// page after the 16-bit code page and the 16-bit layout's unmapped page, so that real mode (no
// paging) sees "unmapped" as memory without a slot: KVM_EXIT_MMIO.
inline constexpr uint64_t kLowMemorySize = 0x200000;
inline constexpr uint64_t kRealModeIvtAddress = 0x0;      // 256 x (offset, segment)
inline constexpr uint64_t kRealModeStubsAddress = 0x400;  // vector v: `hlt` at +v
// [2 MiB, 4 MiB): system area, one supervisor-only 2 MiB page in the paged modes.
inline constexpr uint64_t kSystemBase = 0x200000;
inline constexpr uint64_t kSystemSize = 0x200000;
inline constexpr uint64_t kGdtAddress = kSystemBase + 0x0000;
inline constexpr uint64_t kIdtAddress = kSystemBase + 0x1000;
inline constexpr uint64_t kTssAddress = kSystemBase + 0x2000;
inline constexpr uint64_t kStubsAddress = kSystemBase + 0x3000;  // vector v: `hlt` at +v
inline constexpr uint64_t kPml4Address = kSystemBase + 0x4000;
inline constexpr uint64_t kPdptAddress = kSystemBase + 0x5000;    // long-mode or PAE PDPT
inline constexpr uint64_t kPdAddress = kSystemBase + 0x6000;      // covers [0, 1 GiB)
inline constexpr uint64_t kLowPtAddress = kSystemBase + 0x7000;   // 4 KiB pages of [0, 2 MiB)
inline constexpr uint64_t kFlatPtAddress = kSystemBase + 0x8000;  // 4 KiB pages of the flat area
inline constexpr uint64_t kKernelStackTop = kSystemBase + 0x20000;
// The 32/64-bit layout (LayoutFor(kProt32)) lives in [kFlatBase, kFlatBase + kFlatSize).
inline constexpr uint64_t kFlatBase = 0x10000000;
inline constexpr uint64_t kFlatSize = 0x100000;

inline constexpr int kVectorCount = 256;
inline constexpr uint8_t kHltOpcode = 0xf4;

// ---- Segment selectors (GDT index << 3 | RPL) ----
enum Selector : uint16_t {
  kSelectorNull = 0x00,
  kSelectorKernelCode64 = 0x08,
  kSelectorKernelCode32 = 0x10,
  kSelectorKernelData = 0x18,
  kSelectorUserCode32 = 0x20 | 3,
  kSelectorUserData = 0x28 | 3,
  kSelectorUserCode64 = 0x30 | 3,
  kSelectorUserCode16 = 0x38 | 3,
  kSelectorUserData16 = 0x40 | 3,
  kSelectorTss = 0x48,  // 16 bytes in long mode (two GDT slots)
  // Ring-0 data; the batch runner rewrites its base to enter prot16 cases (batch_abi.h espfix).
  kSelectorRunnerStack = 0x58,
};
inline constexpr int kGdtEntries = 12;

// ---- Descriptor types (SDM Vol. 3 3.4.5.1, 3.5) ----
inline constexpr uint8_t kTypeDataReadWriteAccessed = 0x3;
inline constexpr uint8_t kTypeCodeExecuteReadAccessed = 0xb;
inline constexpr uint8_t kTypeTssAvailable = 0x9;  // 32-bit TSS and 64-bit TSS share the codes
inline constexpr uint8_t kTypeTssBusy = 0xb;
inline constexpr uint8_t kTypeInterruptGate = 0xe;  // 32-bit and 64-bit interrupt gates

// A segment descriptor in the form both the GDT and kvm_segment are built from.
struct SegmentDescriptor {
  uint32_t base = 0;
  uint32_t limit = 0;  // in bytes when !granularity, else in 4 KiB units
  uint8_t type = 0;
  bool code_or_data = true;  // S flag: false for system descriptors (TSS)
  uint8_t dpl = 0;
  bool long_mode = false;    // L
  bool default_big = false;  // D/B
  bool granularity = false;  // G
};

// The low 8 bytes of the GDT entry (SDM Vol. 3 Figure 3-8); system descriptors in long mode
// have base[63:32] in a second entry, zero here.
uint64_t EncodeDescriptor(const SegmentDescriptor& descriptor);
// The kvm_segment (hidden part + selector) that loading `selector` with `descriptor` gives.
kvm_segment ToKvmSegment(uint16_t selector, const SegmentDescriptor& descriptor);

// What the VM's CPU offers, from KVM_GET_SUPPORTED_CPUID.
struct GuestFeatures {
  bool nx = false;
  bool xsave = false;
  bool one_gib_pages = false;  // reported; not used (see README: only backed memory is mapped)
  uint64_t xcr0 = 0x1;         // value to load with KVM_SET_XCRS when xsave
  // The host's KVM_CAP_XSAVE (the per-case vector reset uses KVM_SET_XSAVE, else KVM_SET_FPU)
  // and the buffer size KVM_SET_XSAVE reads (4096, or KVM_CAP_XSAVE2's when larger).
  bool kvm_set_xsave = false;
  size_t kvm_xsave_bytes = 4096;
  // The host (L1) runs under QEMU TCG (CPUID 0x40000000 says "TCGTCGTCGTCG"). QEMU's TCG aborts
  // on a 32-bit stack switch when TR's cached type is "busy" (target/i386 get_ss_esp_from_tss
  // wants type & 7 == 1), although busy is what LTR leaves and what VMX entry requires. Under
  // TCG the 32-bit modes load TR as "available" instead (SVM does not check it).
  bool qemu_tcg_host = false;
};

// Creates the memory slots of the guest-physical map above. `log_dirty_low` enables dirty
// logging on the low slots (real mode: the test code can write anywhere in its first MiB).
absl::Status AddGuestMemory(Vm& vm, bool log_dirty_low);
// Writes the mode's tables (GDT, IDT or IVT, TSS, stubs, page tables) into guest memory.
absl::Status WriteSystemTables(Mode mode, const GuestFeatures& features, Vm& vm);
// Sets `sregs` (start from KVM_GET_SREGS of a fresh vCPU) to the mode's segments, descriptor
// tables, control registers and EFER.
void ApplyModeSregs(Mode mode, const GuestFeatures& features, kvm_sregs& sregs);

// Exception stubs: the guest-physical/linear address of vector v's `hlt`.
uint64_t StubsAddress(Mode mode);

// Address of the 4 KiB-page PTE that maps `linear` in the paged modes; `linear` must lie in
// [0, 2 MiB) or in the flat area (the two 4 KiB page tables).
uint64_t PteAddress(uint64_t linear);

// Writes the protected-mode IDT of `mode` (256 interrupt gates) into `idt`: vector v's handler is
// `stubs + stride * v` in the ring-0 code segment.
void WriteIdt(Mode mode, uint64_t stubs, uint64_t stride, uint8_t* idt);
// Turns the mode's sregs (ApplyModeSregs) into those of the in-guest batch runner: ring-0 code
// (64-bit in long mode, 32-bit otherwise) and data segments, CR0.WP clear.
void ApplyRunnerSregs(Mode mode, kvm_sregs& sregs);

}  // namespace x86diff::kvm

#endif  // X86DIFF_KVM_GUEST_STATE_H_

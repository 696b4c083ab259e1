// The contract between the in-guest batch runner (batch_runner.S) and the host (batch.cc): where
// the runner, its exception stubs, control block and per-case records live in the system area,
// and the byte offsets of their fields.
//
// Included by the assembler (only the macros) and by C++ (static_asserts against guest_state.h).
// All addresses are guest-physical = linear (the system area is identity-mapped, supervisor-only).
#ifndef X86DIFF_KVM_BATCH_ABI_H_
#define X86DIFF_KVM_BATCH_ABI_H_

// ---- System-area addresses (kSystemBase = 0x200000, see guest_state.h) ----
// 256 batch exception stubs, 16 bytes each: [push 0;] push vector; jmp handler.
#define X86DIFF_KVM_BATCH_STUBS 0x209000
// The runner's code (one of the two blobs of batch_runner.S, at most 0x1000 bytes).
#define X86DIFF_KVM_BATCH_RUNNER 0x20a000
// The control block (fields below).
#define X86DIFF_KVM_BATCH_CONTROL 0x20b000
// The batch IDT image (gates to the batch stubs); the host copies it over the IDT when a VM
// switches to batch mode, and the `hlt` IDT image (X86DIFF_KVM_HLT_IDT_IMAGE) back.
#define X86DIFF_KVM_BATCH_IDT_IMAGE 0x20c000
#define X86DIFF_KVM_HLT_IDT_IMAGE 0x20d000
// The vector init image (vector_reset.h WriteInitXsaveImage, XSTATE_BV = XCR0 & 3): the runner
// executes xrstor (EDX:EAX all ones: every XCR0 component) or, without XSAVE, fxrstor from it
// before entering each case.
#define X86DIFF_KVM_BATCH_FPU_INIT 0x20e000
// Ring-0 stack top (guest_state.h kKernelStackTop) and the kernel data selector.
#define X86DIFF_KVM_KERNEL_STACK_TOP 0x220000
#define X86DIFF_KVM_KERNEL_DATA_SELECTOR 0x18
// prot16 (16-bit SS): IRET to a 16-bit stack segment loads only SP and keeps ESP[31:16] from the
// ring-0 ESP (the case Linux calls espfix). The 32-bit runner therefore enters prot16 cases from
// a ring-0 stack segment (GDT selector below, base rewritten per case) in which the IRET frame at
// linear X86DIFF_KVM_ESPFIX_FRAME has an offset whose upper half is the case's ESP[31:16].
#define X86DIFF_KVM_GDT 0x200000
#define X86DIFF_KVM_RUNNER_STACK_SELECTOR 0x58
#define X86DIFF_KVM_ESPFIX_FRAME 0x21f000
// The mode's default scratch contents (DefaultScratchContents), copied over scratch per case.
#define X86DIFF_KVM_BATCH_PRISTINE 0x220000
// Case records, X86DIFF_KVM_REC_SIZE bytes each, up to the end of the system area.
#define X86DIFF_KVM_BATCH_RECORDS 0x224000
#define X86DIFF_KVM_BATCH_RECORDS_END 0x400000

// ---- Control block (8-byte fields) ----
#define X86DIFF_KVM_CTL_COUNT 0          // cases in the batch
#define X86DIFF_KVM_CTL_INDEX 8          // the case running or next; the host sets the first
#define X86DIFF_KVM_CTL_CODE_ADDRESS 16  // LayoutFor(mode).code_address
#define X86DIFF_KVM_CTL_SCRATCH 24       // LayoutFor(mode).scratch_address
#define X86DIFF_KVM_CTL_SCRATCH_BYTES 32
#define X86DIFF_KVM_CTL_USER_CS 40      // the mode's ring-3 code selector
#define X86DIFF_KVM_CTL_USER_SS 48      // the mode's ring-3 data selector (SS, DS, ES, FS, GS)
#define X86DIFF_KVM_CTL_CODE_USED 56    // bytes the previous case wrote to the code page
#define X86DIFF_KVM_CTL_STATUS 64       // X86DIFF_KVM_STATUS_*
#define X86DIFF_KVM_CTL_ESPFIX 72       // non-zero: the user SS is 16-bit (prot16)
#define X86DIFF_KVM_CTL_RESTORE 80      // scratch pages (bit i: page i) to restore before a case
#define X86DIFF_KVM_CTL_SCRATCH_PTE 88  // address of the first scratch page's PTE
#define X86DIFF_KVM_CTL_XSAVE 96        // non-zero: xrstor the FPU init image, else fxrstor
#define X86DIFF_KVM_CTL_SIZE 104

#define X86DIFF_KVM_STATUS_RUNNING 0
#define X86DIFF_KVM_STATUS_DONE 1   // every case ran; the runner halted at its `done` hlt
#define X86DIFF_KVM_STATUS_RING0 2  // an exception in ring 0: the runner itself faulted

// ---- Case record: input (host -> runner) ----
#define X86DIFF_KVM_REC_GPR 0       // 16 x 8 bytes, CpuState order
#define X86DIFF_KVM_REC_RFLAGS 128  // as loaded: controllable bits | reserved | IF
#define X86DIFF_KVM_REC_CODE_BYTES 136
#define X86DIFF_KVM_REC_PATCH_BYTES 144  // length of the patch stream
#define X86DIFF_KVM_REC_PATCH_PAGES 152  // scratch pages the patches touch (bit i: page i)
#define X86DIFF_KVM_REC_CODE 160
#define X86DIFF_KVM_REC_MAX_CODE 128
#define X86DIFF_KVM_REC_PATCHES 288  // {u16 offset, u16 length, bytes} ...
#define X86DIFF_KVM_REC_MAX_PATCHES 480
// ---- Case record: output (runner -> host) ----
// 64-bit runner: 16 GPRs (slot 4 meaningless), then vector, error code, RIP, CS, RFLAGS, RSP,
// SS as the stub and the CPU pushed them, then CR2; 8 bytes each.
// 32-bit runner: the same with 4-byte slots and 8 GPRs (eax..edi).
// Scratch pages the case wrote (PTE dirty bits; 4 bytes) at OUT_DIRTY, and a copy of each such
// page i at OUT_SCRATCH + 4096 * i; the other pages still hold their initial contents.
#define X86DIFF_KVM_REC_OUT 768
#define X86DIFF_KVM_REC_OUT_DIRTY (768 + 192)
#define X86DIFF_KVM_REC_OUT_SIZE 256
#define X86DIFF_KVM_REC_OUT_SCRATCH 1024
#define X86DIFF_KVM_REC_SIZE (1024 + 8192)

#endif  // X86DIFF_KVM_BATCH_ABI_H_

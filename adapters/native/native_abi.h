// The contract between native_stubs.S (entry into test code, the exit trampoline, the recovery
// path, the raw syscall stub and the signal restorer) and the C++ child that drives them.
//
// Included by the assembler (only the offset macros) and by C++ (the struct, with static_asserts
// that keep both in step). Everything here lives in the child process only; the parent never
// touches these globals.
#ifndef X86DIFF_ADAPTERS_NATIVE_NATIVE_ABI_H_
#define X86DIFF_ADAPTERS_NATIVE_NATIVE_ABI_H_

// Byte offsets into x86diff_native_abi. GPR arrays follow X86DIFF_FOR_EACH_GPR order
// (rax, rcx, rdx, rbx, rsp, rbp, rsi, rdi, r8..r15), 8 bytes each.
#define X86DIFF_ABI_IN_GPR 0
#define X86DIFF_ABI_IN_RFLAGS 128
#define X86DIFF_ABI_ENTRY 136
#define X86DIFF_ABI_OUT_GPR 144
#define X86DIFF_ABI_OUT_RFLAGS 272
#define X86DIFF_ABI_CHILD_RSP 280
#define X86DIFF_ABI_PHASE 288
#define X86DIFF_ABI_RESET_BASES 296
#define X86DIFF_ABI_XSAVE_MASK 304
#define X86DIFF_ABI_SIZE 320

// The exit stub: one read-only, executable page at a fixed address holding
// `jmp qword ptr [rip+0]; .quad x86diff_native_exit`. The code page ends every case with a
// `jmp rel32` to it, so the bytes after a case's code depend only on the code size, never on where
// ASLR put the child (an instruction that runs past its code bytes, e.g. `66` + our jump, which
// AMD reads as `jmp rel16`, sees the same bytes in every run). Below 2 GiB so that rel32 reaches
// it from the code page, far from the code and scratch pages so that stray operands rarely touch
// it, and below ASan's shadow memory (which starts at 0x7fff8000).
#define X86DIFF_EXIT_STUB_ADDRESS 0x7ff00000

// x86diff_native_abi.phase values.
#define X86DIFF_PHASE_IDLE 0
#define X86DIFF_PHASE_RUNNING 1

// Size of the (64-byte aligned) clean FPU image that XRSTOR/FXRSTOR loads around every case.
#define X86DIFF_FP_IMAGE_SIZE 16384

#ifndef __ASSEMBLER__

#include <signal.h>

#include <cstddef>
#include <cstdint>

namespace x86diff::native {

inline constexpr uint64_t kExitStubAddress = X86DIFF_EXIT_STUB_ADDRESS;

struct NativeAbi {
  // Written by the child before x86diff_native_enter(): the case's registers, its RFLAGS (already
  // restricted to bits a case may set) and the address to jump to.
  uint64_t in_gpr[16];
  uint64_t in_rflags;
  uint64_t entry;
  // Written by the exit trampoline when the code ran to its end.
  uint64_t out_gpr[16];
  uint64_t out_rflags;
  // The child's stack pointer inside x86diff_native_enter(); the recovery path resumes there.
  uint64_t child_rsp;
  // X86DIFF_PHASE_RUNNING from just before the jump into test code until the exit trampoline or
  // the signal handler takes control back.
  uint64_t phase;
  // Non-zero when WRFSBASE/WRGSBASE execute: the entry stub then zeroes both bases per case
  // (test code could have written them with the same instructions).
  uint64_t reset_bases;
  // XRSTOR's requested-feature bitmap for the clean FPU image; 0 means use FXRSTOR.
  uint64_t xsave_mask;
  uint64_t reserved[1];
};
static_assert(offsetof(NativeAbi, in_gpr) == X86DIFF_ABI_IN_GPR);
static_assert(offsetof(NativeAbi, in_rflags) == X86DIFF_ABI_IN_RFLAGS);
static_assert(offsetof(NativeAbi, entry) == X86DIFF_ABI_ENTRY);
static_assert(offsetof(NativeAbi, out_gpr) == X86DIFF_ABI_OUT_GPR);
static_assert(offsetof(NativeAbi, out_rflags) == X86DIFF_ABI_OUT_RFLAGS);
static_assert(offsetof(NativeAbi, child_rsp) == X86DIFF_ABI_CHILD_RSP);
static_assert(offsetof(NativeAbi, phase) == X86DIFF_ABI_PHASE);
static_assert(offsetof(NativeAbi, reset_bases) == X86DIFF_ABI_RESET_BASES);
static_assert(offsetof(NativeAbi, xsave_mask) == X86DIFF_ABI_XSAVE_MASK);
static_assert(sizeof(NativeAbi) == X86DIFF_ABI_SIZE);

}  // namespace x86diff::native

extern "C" {
// Defined in native_stubs.S (.bss), hidden so that C++ reaches them RIP-relative.
__attribute__((visibility("hidden"))) extern x86diff::native::NativeAbi x86diff_native_abi;
__attribute__((visibility("hidden"))) extern uint8_t x86diff_native_fp_image[X86DIFF_FP_IMAGE_SIZE];

// Runs one case: loads the clean FPU image, zeroes the FS/GS selectors (and bases when
// reset_bases), saves the child's stack, loads in_gpr/in_rflags and jumps to entry. Returns when
// the code reaches x86diff_native_exit (out_gpr/out_rflags written) or after the signal handler
// redirected a fault to x86diff_native_recover. Either way the child's callee-saved registers,
// RFLAGS, MXCSR and the x87 control state are restored (vector registers are clobbered, as for
// any call). FS/GS bases stay as the case left them: the child runs without TLS (native_child.cc).
void x86diff_native_enter();
// Not callable: the exit stub jumps here after the case's bytes. Its address is what matters.
void x86diff_native_exit();
// Not callable: the signal handler points the interrupted context's RIP here (with RSP =
// child_rsp) so that x86diff_native_enter() returns.
void x86diff_native_recover();
// The sa_handler of every signal the child handles: clears RFLAGS.AC, then tail-calls
// x86diff_native_on_signal (child_signals.cc).
__attribute__((visibility("hidden"))) void x86diff_native_signal_entry(int signo, siginfo_t* info,
                                                                       void* context);
__attribute__((visibility("hidden"))) void x86diff_native_on_signal(int signo, siginfo_t* info,
                                                                    void* context);
// The sa_restorer of every handler the child installs (rt_sigreturn from inside the stub range,
// so that the seccomp filter allows it).
void x86diff_native_sigreturn();
// Raw syscall from inside the stub range; returns the kernel's value (-errno on failure). Never
// touches errno or TLS.
long x86diff_native_syscall(long number, long a1, long a2, long a3, long a4, long a5, long a6);
// Bounds of the stubs' text: the only instruction pointers whose syscalls the filter allows.
void x86diff_native_text_begin();
void x86diff_native_text_end();
}

#endif  // __ASSEMBLER__

#endif  // X86DIFF_ADAPTERS_NATIVE_NATIVE_ABI_H_

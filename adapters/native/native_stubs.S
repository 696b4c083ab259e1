// Entry into test code, the exit trampoline that brings a finished case back without a signal,
// the recovery path used by the signal handler, and the only syscall instructions the sandboxed
// child is allowed to use. Contracts: adapters/native/native_abi.h.
//
// Every symbol between x86diff_native_text_begin and x86diff_native_text_end is inside the
// instruction-pointer range that the seccomp filter trusts; keep all syscalls here.

#include "adapters/native/native_abi.h"

#define GPR(i) (8 * (i))

        .text
        .p2align 6
        .globl  x86diff_native_text_begin
        .hidden x86diff_native_text_begin
        .type   x86diff_native_text_begin, @function
x86diff_native_text_begin:
        ud2
        .size   x86diff_native_text_begin, . - x86diff_native_text_begin

// Loads the clean FPU image before each case: x87/SSE/AVX/AVX-512 registers in their init state,
// MXCSR = 0x1F80
// (XRSTOR with XSTATE_BV = 0 initialises every requested component, SDM Vol. 1 13.8.1; MXCSR is
// still read from the legacy area). Clobbers rax, rdx and the arithmetic flags.
        .p2align 4
        .type   x86diff_restore_clean_fp, @function
x86diff_restore_clean_fp:
        movq    x86diff_native_abi+X86DIFF_ABI_XSAVE_MASK(%rip), %rax
        testq   %rax, %rax
        jz      1f
        movq    %rax, %rdx
        shrq    $32, %rdx
        xrstor64 x86diff_native_fp_image(%rip)
        ret
1:      fxrstor64 x86diff_native_fp_image(%rip)
        ret
        .size   x86diff_restore_clean_fp, . - x86diff_restore_clean_fp

        .p2align 4
        .globl  x86diff_native_enter
        .hidden x86diff_native_enter
        .type   x86diff_native_enter, @function
x86diff_native_enter:
        pushq   %rbx
        pushq   %rbp
        pushq   %r12
        pushq   %r13
        pushq   %r14
        pushq   %r15
        pushfq                          // the child's own RFLAGS, popped by the epilogue
        call    x86diff_restore_clean_fp
        // Null FS/GS selectors: a previous case may have loaded others (mov fs, r16). With a
        // null selector the base is whatever was written last (AMD) or zero (Intel); both are
        // zero here because the child keeps its bases at 0 (native_child.cc), selectors a case
        // can load have base 0, and reset_bases undoes a case's WRFSBASE/WRGSBASE.
        movl    %fs, %eax
        movl    %gs, %edx
        orl     %edx, %eax
        jz      2f                      // both null already (the common case): skip the loads
        xorl    %eax, %eax
        movl    %eax, %fs
        movl    %eax, %gs
2:      xorl    %eax, %eax
        cmpq    $0, x86diff_native_abi+X86DIFF_ABI_RESET_BASES(%rip)
        je      1f
        wrfsbase %rax
        wrgsbase %rax
1:      leaq    x86diff_native_abi(%rip), %rax
        movq    %rsp, X86DIFF_ABI_CHILD_RSP(%rax)
        movq    $X86DIFF_PHASE_RUNNING, X86DIFF_ABI_PHASE(%rax)
        pushq   X86DIFF_ABI_IN_RFLAGS(%rax)
        popfq
        // MOV does not change flags: load everything but rax and rsp, then rsp, then rax.
        movq    X86DIFF_ABI_IN_GPR+GPR(1)(%rax), %rcx
        movq    X86DIFF_ABI_IN_GPR+GPR(2)(%rax), %rdx
        movq    X86DIFF_ABI_IN_GPR+GPR(3)(%rax), %rbx
        movq    X86DIFF_ABI_IN_GPR+GPR(5)(%rax), %rbp
        movq    X86DIFF_ABI_IN_GPR+GPR(6)(%rax), %rsi
        movq    X86DIFF_ABI_IN_GPR+GPR(7)(%rax), %rdi
        movq    X86DIFF_ABI_IN_GPR+GPR(8)(%rax), %r8
        movq    X86DIFF_ABI_IN_GPR+GPR(9)(%rax), %r9
        movq    X86DIFF_ABI_IN_GPR+GPR(10)(%rax), %r10
        movq    X86DIFF_ABI_IN_GPR+GPR(11)(%rax), %r11
        movq    X86DIFF_ABI_IN_GPR+GPR(12)(%rax), %r12
        movq    X86DIFF_ABI_IN_GPR+GPR(13)(%rax), %r13
        movq    X86DIFF_ABI_IN_GPR+GPR(14)(%rax), %r14
        movq    X86DIFF_ABI_IN_GPR+GPR(15)(%rax), %r15
        movq    X86DIFF_ABI_IN_GPR+GPR(4)(%rax), %rsp
        movq    X86DIFF_ABI_IN_GPR+GPR(0)(%rax), %rax
        jmpq    *x86diff_native_abi+X86DIFF_ABI_ENTRY(%rip)
        .size   x86diff_native_enter, . - x86diff_native_enter

// The code page ends every case with `jmp [rip+0]; .quad x86diff_native_exit`. The first store
// is RIP-relative so that no register is clobbered; RFLAGS is read only after switching to the
// child's stack, because the case may have left rsp anywhere.
        .p2align 4
        .globl  x86diff_native_exit
        .hidden x86diff_native_exit
        .type   x86diff_native_exit, @function
x86diff_native_exit:
        movq    %rax, x86diff_native_abi+X86DIFF_ABI_OUT_GPR(%rip)
        leaq    x86diff_native_abi(%rip), %rax
        movq    %rcx, X86DIFF_ABI_OUT_GPR+GPR(1)(%rax)
        movq    %rdx, X86DIFF_ABI_OUT_GPR+GPR(2)(%rax)
        movq    %rbx, X86DIFF_ABI_OUT_GPR+GPR(3)(%rax)
        movq    %rsp, X86DIFF_ABI_OUT_GPR+GPR(4)(%rax)
        movq    %rbp, X86DIFF_ABI_OUT_GPR+GPR(5)(%rax)
        movq    %rsi, X86DIFF_ABI_OUT_GPR+GPR(6)(%rax)
        movq    %rdi, X86DIFF_ABI_OUT_GPR+GPR(7)(%rax)
        movq    %r8, X86DIFF_ABI_OUT_GPR+GPR(8)(%rax)
        movq    %r9, X86DIFF_ABI_OUT_GPR+GPR(9)(%rax)
        movq    %r10, X86DIFF_ABI_OUT_GPR+GPR(10)(%rax)
        movq    %r11, X86DIFF_ABI_OUT_GPR+GPR(11)(%rax)
        movq    %r12, X86DIFF_ABI_OUT_GPR+GPR(12)(%rax)
        movq    %r13, X86DIFF_ABI_OUT_GPR+GPR(13)(%rax)
        movq    %r14, X86DIFF_ABI_OUT_GPR+GPR(14)(%rax)
        movq    %r15, X86DIFF_ABI_OUT_GPR+GPR(15)(%rax)
        movq    X86DIFF_ABI_CHILD_RSP(%rax), %rsp
        pushfq
        popq    X86DIFF_ABI_OUT_RFLAGS(%rax)
        movq    $X86DIFF_PHASE_IDLE, X86DIFF_ABI_PHASE(%rax)
        // Fall through into the common epilogue.
        .size   x86diff_native_exit, . - x86diff_native_exit

// Entered from the signal handler's sigreturn with rsp = child_rsp and clean RFLAGS.
        .globl  x86diff_native_recover
        .hidden x86diff_native_recover
        .type   x86diff_native_recover, @function
x86diff_native_recover:
        popfq                           // the child's RFLAGS: clears TF/AC/DF the case set
        // The child's own code needs only the control state back (SysV: MXCSR and the x87 control
        // word are callee-saved, every vector register is caller-saved): an empty x87 stack with
        // the default control word, and MXCSR = 0x1F80. The full clean image is loaded before the
        // next case anyway, so a second XRSTOR here would only cost time.
        fninit
        ldmxcsr x86diff_mxcsr_init(%rip)
        popq    %r15
        popq    %r14
        popq    %r13
        popq    %r12
        popq    %rbp
        popq    %rbx
        ret
        .size   x86diff_native_recover, . - x86diff_native_recover

// long x86diff_native_syscall(long nr, long a1, long a2, long a3, long a4, long a5, long a6)
        .p2align 4
        .globl  x86diff_native_syscall
        .hidden x86diff_native_syscall
        .type   x86diff_native_syscall, @function
x86diff_native_syscall:
        movq    %rdi, %rax
        movq    %rsi, %rdi
        movq    %rdx, %rsi
        movq    %rcx, %rdx
        movq    %r8, %r10
        movq    %r9, %r8
        movq    8(%rsp), %r9
        syscall
        ret
        .size   x86diff_native_syscall, . - x86diff_native_syscall

// sa_handler of every signal the child handles. The kernel clears TF and DF for a handler but not
// AC (arch/x86/kernel/signal.c); with AC set by the case's popfq and CR0.AM on (Linux sets it), the
// handler's own unaligned accesses would raise #AC while SIGBUS is blocked, and the kernel would
// kill the child. So clear AC first; PUSHFQ writes to a 16-byte aligned slot here (ABI entry
// alignment), so this sequence cannot fault itself.
        .p2align 4
        .globl  x86diff_native_signal_entry
        .hidden x86diff_native_signal_entry
        .type   x86diff_native_signal_entry, @function
x86diff_native_signal_entry:
        pushfq
        andq    $~0x40000, (%rsp)       // RFLAGS.AC
        popfq
        jmp     x86diff_native_on_signal
        .size   x86diff_native_signal_entry, . - x86diff_native_signal_entry

        .p2align 4
        .globl  x86diff_native_sigreturn
        .hidden x86diff_native_sigreturn
        .type   x86diff_native_sigreturn, @function
x86diff_native_sigreturn:
        movl    $15, %eax               // __NR_rt_sigreturn
        syscall
        ud2
        .size   x86diff_native_sigreturn, . - x86diff_native_sigreturn

        .globl  x86diff_native_text_end
        .hidden x86diff_native_text_end
        .type   x86diff_native_text_end, @function
x86diff_native_text_end:
        ud2
        .size   x86diff_native_text_end, . - x86diff_native_text_end

        .section .rodata
        .p2align 2
x86diff_mxcsr_init:
        .long   0x1F80                  // SDM Vol. 1 10.2.3.1, power-up value

        .bss
        .p2align 6
        .globl  x86diff_native_abi
        .hidden x86diff_native_abi
        .type   x86diff_native_abi, @object
x86diff_native_abi:
        .zero   X86DIFF_ABI_SIZE
        .size   x86diff_native_abi, X86DIFF_ABI_SIZE

        .p2align 6
        .globl  x86diff_native_fp_image
        .hidden x86diff_native_fp_image
        .type   x86diff_native_fp_image, @object
x86diff_native_fp_image:
        .zero   X86DIFF_FP_IMAGE_SIZE
        .size   x86diff_native_fp_image, X86DIFF_FP_IMAGE_SIZE

        .section .note.GNU-stack, "", @progbits

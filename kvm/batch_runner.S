// The in-guest batch runner (kvm/README.md "Batching"): guest code that the host copies to
// X86DIFF_KVM_BATCH_RUNNER; never executed on the host (it lives in .rodata).
//
// Two blobs, each position-independent apart from the fixed system-area addresses of
// batch_abi.h:
//   runner64  ring-0 64-bit code for long64 and compat32 (iretq to the ring-3 case);
//   runner32  ring-0 32-bit code for prot32 and prot16 (iretl to the ring-3 case).
// Per case the runner restores the scratch pages the previous case wrote or patched (default
// contents), applies the record's patch stream, clears the scratch PTEs' dirty bits, rewrites the
// code page (previous bytes back to 0xcc, the code, the `hlt` sentinel), restores the vector
// init state (xrstor/fxrstor from X86DIFF_KVM_BATCH_FPU_INIT), loads the case's data
// segments, GPRs and RFLAGS and enters it at CPL 3 with iret. Every exception vector enters
// ring 0 through a batch stub (`[push 0;] push vector; jmp handler`): the handler saves the GPRs
// and the frame (the sentinel's #GP(0) included) into the case's record, copies out the scratch
// pages whose dirty bit is set and goes on with the next case. After the last case it halts: one VM exit per
// batch. An exception in ring 0 sets X86DIFF_KVM_STATUS_RING0 and halts.
//
// Registers on entry (host KVM_SET_REGS/SREGS): CPL 0, interrupts off, RSP anything.

#include "kvm/batch_abi.h"

#define CTL(field) X86DIFF_KVM_CTL_##field(%rbx)
#define REC(field) X86DIFF_KVM_REC_##field(%r12)
#define CTL32(field) X86DIFF_KVM_CTL_##field(%ebx)
#define REC32(field) X86DIFF_KVM_REC_##field(%ebp)

        .section .rodata.x86diff_kvm_runner, "a"

// ======================================================================= 64-bit runner
        .code64
        .p2align 4
        .globl  x86diff_kvm_runner64_begin
        .hidden x86diff_kvm_runner64_begin
x86diff_kvm_runner64_begin:
        .globl  x86diff_kvm_runner64_entry
        .hidden x86diff_kvm_runner64_entry
x86diff_kvm_runner64_entry:
        movq    $X86DIFF_KVM_BATCH_CONTROL, %rbx
.Lnext64:
        cld
        movq    $X86DIFF_KVM_KERNEL_STACK_TOP, %rsp
        movq    CTL(INDEX), %rax
        cmpq    CTL(COUNT), %rax
        jae     .Ldone64
        imulq   $X86DIFF_KVM_REC_SIZE, %rax, %r12
        addq    $X86DIFF_KVM_BATCH_RECORDS, %r12
        // Scratch: the default contents back in the pages the previous case wrote or patched,
        // then this case's patch stream.
        xorl    %r14d, %r14d            // page index
.Lrestore64:
        movq    CTL(RESTORE), %rax
        btq     %r14, %rax
        jnc     .Lrestored64
        movq    %r14, %rsi
        shlq    $12, %rsi
        movq    CTL(SCRATCH), %rdi
        addq    %rsi, %rdi
        addq    $X86DIFF_KVM_BATCH_PRISTINE, %rsi
        movl    $512, %ecx
        rep movsq
.Lrestored64:
        incq    %r14
        movq    CTL(SCRATCH_BYTES), %rax
        shrq    $12, %rax
        cmpq    %rax, %r14
        jb      .Lrestore64
        leaq    REC(PATCHES), %rsi
        movq    REC(PATCH_BYTES), %rdx
        addq    %rsi, %rdx
1:      cmpq    %rdx, %rsi
        jae     2f
        movzwl  (%rsi), %edi
        movzwl  2(%rsi), %ecx
        addq    $4, %rsi
        addq    CTL(SCRATCH), %rdi
        rep movsb
        jmp     1b
2:      // Clean dirty bits (and TLB entries) of the scratch pages: after the case they say which
        // pages it wrote. A clean PTE needs nothing (a TLB entry cannot be dirtier than its PTE).
        xorl    %r14d, %r14d
        movq    CTL(SCRATCH_PTE), %r15
        movq    CTL(SCRATCH), %rsi
.Lclean64:
        testb   $0x40, (%r15,%r14,8)
        jz      .Lcleaned64
        andb    $0xbf, (%r15,%r14,8)
        invlpg  (%rsi)
.Lcleaned64:
        addq    $4096, %rsi
        incq    %r14
        movq    CTL(SCRATCH_BYTES), %rax
        shrq    $12, %rax
        cmpq    %rax, %r14
        jb      .Lclean64
        // Code page: what the previous case used back to 0xcc, the code, the sentinel.
        movq    CTL(CODE_ADDRESS), %rdi
        movq    CTL(CODE_USED), %rcx
        movb    $0xcc, %al
        rep stosb
        movq    CTL(CODE_ADDRESS), %rdi
        leaq    REC(CODE), %rsi
        movq    REC(CODE_BYTES), %rcx
        rep movsb
        movb    $0xf4, (%rdi)
        movq    REC(CODE_BYTES), %rcx
        incq    %rcx
        movq    %rcx, CTL(CODE_USED)
        // Vector state back to its init values (vector_reset.h): every case starts alike.
        movl    $X86DIFF_KVM_BATCH_FPU_INIT, %esi
        cmpq    $0, CTL(XSAVE)
        je      3f
        movl    $-1, %eax
        movl    $-1, %edx
        xrstor  (%rsi)
        jmp     4f
3:      fxrstor (%rsi)
4:      // Data segments as the mode's sregs have them; then the iretq frame.
        movl    CTL(USER_SS), %eax
        movl    %eax, %ds
        movl    %eax, %es
        movl    %eax, %fs
        movl    %eax, %gs
        pushq   CTL(USER_SS)
        pushq   X86DIFF_KVM_REC_GPR+8*4(%r12)
        pushq   REC(RFLAGS)
        pushq   CTL(USER_CS)
        pushq   CTL(CODE_ADDRESS)
        movq    X86DIFF_KVM_REC_GPR+8*0(%r12), %rax
        movq    X86DIFF_KVM_REC_GPR+8*1(%r12), %rcx
        movq    X86DIFF_KVM_REC_GPR+8*2(%r12), %rdx
        movq    X86DIFF_KVM_REC_GPR+8*3(%r12), %rbx
        movq    X86DIFF_KVM_REC_GPR+8*5(%r12), %rbp
        movq    X86DIFF_KVM_REC_GPR+8*6(%r12), %rsi
        movq    X86DIFF_KVM_REC_GPR+8*7(%r12), %rdi
        movq    X86DIFF_KVM_REC_GPR+8*8(%r12), %r8
        movq    X86DIFF_KVM_REC_GPR+8*9(%r12), %r9
        movq    X86DIFF_KVM_REC_GPR+8*10(%r12), %r10
        movq    X86DIFF_KVM_REC_GPR+8*11(%r12), %r11
        movq    X86DIFF_KVM_REC_GPR+8*13(%r12), %r13
        movq    X86DIFF_KVM_REC_GPR+8*14(%r12), %r14
        movq    X86DIFF_KVM_REC_GPR+8*15(%r12), %r15
        movq    X86DIFF_KVM_REC_GPR+8*12(%r12), %r12
        iretq

        // Every stub lands here with [rsp] = vector, error code (or 0), RIP, CS, RFLAGS, RSP, SS.
        .globl  x86diff_kvm_runner64_handler
        .hidden x86diff_kvm_runner64_handler
x86diff_kvm_runner64_handler:
        pushq   %r15
        pushq   %r14
        pushq   %r13
        pushq   %r12
        pushq   %r11
        pushq   %r10
        pushq   %r9
        pushq   %r8
        pushq   %rdi
        pushq   %rsi
        pushq   %rbp
        pushq   %rsp
        pushq   %rbx
        pushq   %rdx
        pushq   %rcx
        pushq   %rax
        cld
        testb   $3, 8*16+8*3(%rsp)      // CS of the interrupted code
        jz      .Lring0_64
        movq    $X86DIFF_KVM_BATCH_CONTROL, %rbx
        movq    CTL(INDEX), %rax
        imulq   $X86DIFF_KVM_REC_SIZE, %rax, %r12
        addq    $X86DIFF_KVM_BATCH_RECORDS, %r12
        leaq    REC(OUT), %rdi
        movq    %rsp, %rsi
        movl    $23, %ecx               // 16 GPRs + vector, error code, RIP, CS, RFLAGS, RSP, SS
        rep movsq
        movq    %cr2, %rax
        movq    %rax, (%rdi)
        // Copy out the pages the case wrote; they (and the patched ones) are restored next time.
        xorl    %r13d, %r13d            // dirty pages
        xorl    %r14d, %r14d            // page index
        movq    CTL(SCRATCH_PTE), %r15
.Ldirty64:
        testb   $0x40, (%r15,%r14,8)
        jz      .Lnot_dirty64
        btsq    %r14, %r13
        movq    %r14, %rsi
        shlq    $12, %rsi
        leaq    X86DIFF_KVM_REC_OUT_SCRATCH(%r12,%rsi), %rdi
        addq    CTL(SCRATCH), %rsi
        movl    $512, %ecx
        rep movsq
.Lnot_dirty64:
        incq    %r14
        movq    CTL(SCRATCH_BYTES), %rax
        shrq    $12, %rax
        cmpq    %rax, %r14
        jb      .Ldirty64
        movl    %r13d, X86DIFF_KVM_REC_OUT_DIRTY(%r12)
        orq     REC(PATCH_PAGES), %r13
        movq    %r13, CTL(RESTORE)
        incq    CTL(INDEX)
        jmp     .Lnext64
.Ldone64:
        movq    $X86DIFF_KVM_STATUS_DONE, CTL(STATUS)
        .globl  x86diff_kvm_runner64_done
        .hidden x86diff_kvm_runner64_done
x86diff_kvm_runner64_done:
        hlt
        jmp     .Ldone64
.Lring0_64:
        movq    $X86DIFF_KVM_BATCH_CONTROL, %rbx
        movq    $X86DIFF_KVM_STATUS_RING0, CTL(STATUS)
        hlt
        jmp     .Lring0_64
        .globl  x86diff_kvm_runner64_end
        .hidden x86diff_kvm_runner64_end
x86diff_kvm_runner64_end:

// ======================================================================= 32-bit runner
        .code32
        .p2align 4
        .globl  x86diff_kvm_runner32_begin
        .hidden x86diff_kvm_runner32_begin
x86diff_kvm_runner32_begin:
        .globl  x86diff_kvm_runner32_entry
        .hidden x86diff_kvm_runner32_entry
x86diff_kvm_runner32_entry:
        movl    $X86DIFF_KVM_KERNEL_DATA_SELECTOR, %eax
        movl    %eax, %ds
        movl    %eax, %es
        movl    $X86DIFF_KVM_BATCH_CONTROL, %ebx
.Lnext32:
        cld
        movl    $X86DIFF_KVM_KERNEL_STACK_TOP, %esp
        movl    CTL32(INDEX), %eax
        cmpl    CTL32(COUNT), %eax
        jae     .Ldone32
        imull   $X86DIFF_KVM_REC_SIZE, %eax, %ebp
        addl    $X86DIFF_KVM_BATCH_RECORDS, %ebp
        xorl    %edx, %edx              // page index
.Lrestore32:
        movl    CTL32(RESTORE), %eax
        btl     %edx, %eax
        jnc     .Lrestored32
        movl    %edx, %esi
        shll    $12, %esi
        movl    CTL32(SCRATCH), %edi
        addl    %esi, %edi
        addl    $X86DIFF_KVM_BATCH_PRISTINE, %esi
        movl    $1024, %ecx
        rep movsl
.Lrestored32:
        incl    %edx
        movl    CTL32(SCRATCH_BYTES), %eax
        shrl    $12, %eax
        cmpl    %eax, %edx
        jb      .Lrestore32
        leal    REC32(PATCHES), %esi
        movl    REC32(PATCH_BYTES), %edx
        addl    %esi, %edx
1:      cmpl    %edx, %esi
        jae     2f
        movzwl  (%esi), %edi
        movzwl  2(%esi), %ecx
        addl    $4, %esi
        addl    CTL32(SCRATCH), %edi
        rep movsb
        jmp     1b
2:      xorl    %edx, %edx
        movl    CTL32(SCRATCH_PTE), %edi
        movl    CTL32(SCRATCH), %esi
.Lclean32:
        testb   $0x40, (%edi,%edx,8)
        jz      .Lcleaned32
        andb    $0xbf, (%edi,%edx,8)
        invlpg  (%esi)
.Lcleaned32:
        addl    $4096, %esi
        incl    %edx
        movl    CTL32(SCRATCH_BYTES), %eax
        shrl    $12, %eax
        cmpl    %eax, %edx
        jb      .Lclean32
        movl    CTL32(CODE_ADDRESS), %edi
        movl    CTL32(CODE_USED), %ecx
        movb    $0xcc, %al
        rep stosb
        movl    CTL32(CODE_ADDRESS), %edi
        leal    REC32(CODE), %esi
        movl    REC32(CODE_BYTES), %ecx
        rep movsb
        movb    $0xf4, (%edi)
        movl    REC32(CODE_BYTES), %ecx
        incl    %ecx
        movl    %ecx, CTL32(CODE_USED)
        movl    $X86DIFF_KVM_BATCH_FPU_INIT, %esi
        cmpl    $0, CTL32(XSAVE)
        je      3f
        movl    $-1, %eax
        movl    $-1, %edx
        xrstor  (%esi)
        jmp     4f
3:      fxrstor (%esi)
4:      movl    CTL32(ESPFIX), %eax
        testl   %eax, %eax
        jnz     .Lespfix32
        // The iretl frame on the (kernel, flat) stack.
        pushl   CTL32(USER_SS)
        pushl   X86DIFF_KVM_REC_GPR+8*4(%ebp)
        pushl   REC32(RFLAGS)
        pushl   CTL32(USER_CS)
        pushl   CTL32(CODE_ADDRESS)
        jmp     .Lenter32
.Lespfix32:
        // 16-bit user SS (batch_abi.h): frame offset X = (case ESP & 0xffff0000) | 0x1000 in a
        // ring-0 data segment with base FRAME - X, so that ESP after iretl has the case's upper
        // half.
        movl    $X86DIFF_KVM_ESPFIX_FRAME, %edx
        movl    CTL32(CODE_ADDRESS), %eax
        movl    %eax, 0(%edx)
        movl    CTL32(USER_CS), %eax
        movl    %eax, 4(%edx)
        movl    REC32(RFLAGS), %eax
        movl    %eax, 8(%edx)
        movl    X86DIFF_KVM_REC_GPR+8*4(%ebp), %ecx
        movl    %ecx, 12(%edx)
        movl    CTL32(USER_SS), %eax
        movl    %eax, 16(%edx)
        andl    $0xffff0000, %ecx
        orl     $0x1000, %ecx
        movl    %edx, %eax
        subl    %ecx, %eax              // segment base
        // Flat 4 GiB ring-0 data descriptor (type 3, S, P, D/B, G) with that base.
        movl    %eax, %esi
        shll    $16, %esi
        orl     $0xffff, %esi
        movl    %esi, X86DIFF_KVM_GDT+X86DIFF_KVM_RUNNER_STACK_SELECTOR
        movl    %eax, %esi
        shrl    $16, %esi
        andl    $0xff, %esi
        movl    %eax, %edi
        andl    $0xff000000, %edi
        orl     %edi, %esi
        orl     $0x00cf9300, %esi
        movl    %esi, X86DIFF_KVM_GDT+X86DIFF_KVM_RUNNER_STACK_SELECTOR+4
        movl    $X86DIFF_KVM_RUNNER_STACK_SELECTOR, %eax
        movl    %eax, %ss
        movl    %ecx, %esp
.Lenter32:
        // The case's data segments; from here on memory is read through CS (readable, flat):
        // DS may now be a 16-bit or null segment and SS may have a moved base.
        movl    CTL32(USER_SS), %eax
        movl    %eax, %ds
        movl    %eax, %es
        movl    %eax, %fs
        movl    %eax, %gs
        movl    %cs:X86DIFF_KVM_REC_GPR+8*0(%ebp), %eax
        movl    %cs:X86DIFF_KVM_REC_GPR+8*1(%ebp), %ecx
        movl    %cs:X86DIFF_KVM_REC_GPR+8*2(%ebp), %edx
        movl    %cs:X86DIFF_KVM_REC_GPR+8*3(%ebp), %ebx
        movl    %cs:X86DIFF_KVM_REC_GPR+8*6(%ebp), %esi
        movl    %cs:X86DIFF_KVM_REC_GPR+8*7(%ebp), %edi
        movl    %cs:X86DIFF_KVM_REC_GPR+8*5(%ebp), %ebp
        iretl

        // [esp] = vector, error code (or 0), EIP, CS, EFLAGS, ESP, SS (4-byte slots).
        .globl  x86diff_kvm_runner32_handler
        .hidden x86diff_kvm_runner32_handler
x86diff_kvm_runner32_handler:
        pushl   %edi
        pushl   %esi
        pushl   %ebp
        pushl   %esp
        pushl   %ebx
        pushl   %edx
        pushl   %ecx
        pushl   %eax
        cld
        movl    $X86DIFF_KVM_KERNEL_DATA_SELECTOR, %eax
        movl    %eax, %ds
        movl    %eax, %es
        testb   $3, 4*8+4*3(%esp)       // CS of the interrupted code
        jz      .Lring0_32
        movl    $X86DIFF_KVM_BATCH_CONTROL, %ebx
        movl    CTL32(INDEX), %eax
        imull   $X86DIFF_KVM_REC_SIZE, %eax, %ebp
        addl    $X86DIFF_KVM_BATCH_RECORDS, %ebp
        leal    REC32(OUT), %edi
        movl    %esp, %esi
        movl    $15, %ecx               // 8 GPRs + vector, error code, EIP, CS, EFLAGS, ESP, SS
        rep movsl
        movl    %cr2, %eax
        movl    %eax, (%edi)
        movl    $0, REC32(OUT_DIRTY)
        xorl    %edx, %edx              // page index
.Ldirty32:
        movl    CTL32(SCRATCH_PTE), %eax
        testb   $0x40, (%eax,%edx,8)
        jz      .Lnot_dirty32
        btsl    %edx, REC32(OUT_DIRTY)
        movl    %edx, %esi
        shll    $12, %esi
        leal    X86DIFF_KVM_REC_OUT_SCRATCH(%ebp,%esi), %edi
        addl    CTL32(SCRATCH), %esi
        movl    $1024, %ecx
        rep movsl
.Lnot_dirty32:
        incl    %edx
        movl    CTL32(SCRATCH_BYTES), %eax
        shrl    $12, %eax
        cmpl    %eax, %edx
        jb      .Ldirty32
        movl    REC32(OUT_DIRTY), %eax
        orl     REC32(PATCH_PAGES), %eax
        movl    %eax, CTL32(RESTORE)
        incl    CTL32(INDEX)
        jmp     .Lnext32
.Ldone32:
        movl    $X86DIFF_KVM_STATUS_DONE, CTL32(STATUS)
        .globl  x86diff_kvm_runner32_done
        .hidden x86diff_kvm_runner32_done
x86diff_kvm_runner32_done:
        hlt
        jmp     .Ldone32
.Lring0_32:
        movl    $X86DIFF_KVM_BATCH_CONTROL, %ebx
        movl    $X86DIFF_KVM_STATUS_RING0, CTL32(STATUS)
        hlt
        jmp     .Lring0_32
        .globl  x86diff_kvm_runner32_end
        .hidden x86diff_kvm_runner32_end
x86diff_kvm_runner32_end:
        .code64

        .section .note.GNU-stack, "", @progbits

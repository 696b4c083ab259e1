#include "adapters/native/child_signals.h"

#include <signal.h>
#include <sys/syscall.h>
#include <sys/ucontext.h>

#include <cstdint>

#include "adapters/native/native_abi.h"
#include "harness/cpu_state.h"

namespace x86diff::native {

SignalContext g_signal_context;

namespace {

// The kernel's struct sigaction for rt_sigaction on x86-64 (arch/x86/include/uapi/asm/signal.h);
// glibc's differs. SA_RESTORER is mandatory there and not exported by glibc's headers.
struct KernelSigaction {
  void (*handler)(int, siginfo_t*, void*);
  unsigned long flags;
  void (*restorer)();
  uint64_t mask;
};
constexpr unsigned long kSaRestorer = 0x04000000;

constexpr int kHandledSignals[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP, SIGSYS, kStopSignal};

// The alternate stack: a case may leave RSP anywhere (0, unmapped, the middle of scratch).
// Large enough for the kernel's AVX-512 signal frame (AT_MINSIGSTKSZ is ~3.6 KiB) plus the handler.
alignas(64) uint8_t g_alternate_stack[64 * 1024];

// ucontext gregs in X86DIFF_FOR_EACH_GPR order.
constexpr int kGregForGpr[16] = {REG_RAX, REG_RCX, REG_RDX, REG_RBX, REG_RSP, REG_RBP,
                                 REG_RSI, REG_RDI, REG_R8,  REG_R9,  REG_R10, REG_R11,
                                 REG_R12, REG_R13, REG_R14, REG_R15};

// Resuming at x86diff_native_recover with only IF and the reserved bit: clears TF, AC and DF the
// case may have set before x86diff_native_recover restores the child's own RFLAGS.
constexpr uint64_t kRecoveryRflags = kRflagsReserved1 | kRflagsIF;

long Syscall(long nr, long a1 = 0, long a2 = 0, long a3 = 0, long a4 = 0) {
  return x86diff_native_syscall(nr, a1, a2, a3, a4, 0, 0);
}

// The child's own code took a signal (a bug, or a case corrupted the child's memory): report and
// exit. The parent sees the exit code and ChildState::kOwnFault.
[[noreturn]] void OwnFault(int signo, uint64_t rip, uint64_t address) {
  RegionHeader* header = g_signal_context.header;
  if (header != nullptr) {
    header->fault_signo = signo;
    header->fault_rip = rip;
    header->fault_address = address;
    StoreRelease(&header->state, static_cast<uint32_t>(ChildState::kOwnFault));
  }
  for (;;) Syscall(__NR_exit_group, kExitOwnFault);
}

// The signal handler proper, entered through x86diff_native_signal_entry with RFLAGS.AC clear.
__attribute__((no_sanitize("address", "undefined"))) void HandleSignal(int signo, siginfo_t* info,
                                                                       void* context) {
  auto* uc = static_cast<ucontext_t*>(context);
  greg_t* gregs = uc->uc_mcontext.gregs;
  NativeAbi& abi = x86diff_native_abi;
  SignalContext& ctx = g_signal_context;
  const uint64_t rip = static_cast<uint64_t>(gregs[REG_RIP]);

  if (abi.phase != X86DIFF_PHASE_RUNNING) {
    if (signo == kStopSignal) return;  // a late stop request: that case already ended
    OwnFault(signo, rip, reinterpret_cast<uint64_t>(info->si_addr));
  }

  RunEnd end;
  if (signo == kStopSignal) {
    // Act only while the case's own code runs and only for the case the parent named; otherwise
    // the request is stale or arrived inside the stubs, and the parent escalates if need be.
    if (info->si_code != SI_USER || rip < ctx.code_begin || rip >= ctx.code_end ||
        LoadAcquire(&ctx.header->stop_case) != ctx.current_case) {
      return;
    }
    end = RunEnd::kTimeout;
  } else if (rip == kExitStubAddress || rip == reinterpret_cast<uint64_t>(&x86diff_native_exit)) {
    end = RunEnd::kTrampolineTrap;
  } else if (signo == SIGSYS) {
    end = RunEnd::kSyscall;
  } else {
    end = RunEnd::kSignal;
  }

  // Recorded exactly as the kernel reports them. Linux rewrites some details (FACTS.md): a #PF on
  // a kernel-half address gets error-code bit 0 forced, #GP has si_addr 0, #UD/#DE have si_addr =
  // RIP, `int 0x80` without IA32 emulation is #GP with error code 0x402. RF is set in fault frames
  // (SDM Vol. 3 18.3.1.1); the parent masks it out.
  SignalRecord& record = ctx.record;
  record.end = end;
  record.signo = signo;
  record.si_code = info->si_code;
  record.syscall_nr = signo == SIGSYS ? info->si_syscall : 0;
  record.trapno = static_cast<uint64_t>(gregs[REG_TRAPNO]);
  record.error_code = static_cast<uint64_t>(gregs[REG_ERR]);
  record.signal_address = reinterpret_cast<uint64_t>(info->si_addr);
  record.cr2 = static_cast<uint64_t>(gregs[REG_CR2]);
  for (int i = 0; i < 16; ++i) record.gpr[i] = static_cast<uint64_t>(gregs[kGregForGpr[i]]);
  record.rflags = static_cast<uint64_t>(gregs[REG_EFL]);
  record.rip = rip;

  abi.phase = X86DIFF_PHASE_IDLE;
  gregs[REG_RIP] = reinterpret_cast<greg_t>(&x86diff_native_recover);
  gregs[REG_RSP] = static_cast<greg_t>(abi.child_rsp);
  gregs[REG_EFL] = static_cast<greg_t>(kRecoveryRflags);
}

}  // namespace

int InstallChildSignalHandlers() {
  uint64_t handled_mask = 0;
  for (int signo : kHandledSignals) handled_mask |= uint64_t{1} << (signo - 1);

  // Whatever the parent installed (gtest, a campaign driver's SIGINT handler) would run libc code
  // with the case's FS base: back to defaults first.
  KernelSigaction default_action{};
  default_action.handler = reinterpret_cast<void (*)(int, siginfo_t*, void*)>(SIG_DFL);
  for (int signo = 1; signo <= 64; ++signo) {
    if (signo == SIGKILL || signo == SIGSTOP) continue;
    Syscall(__NR_rt_sigaction, signo, reinterpret_cast<long>(&default_action), 0, 8);
  }

  stack_t alternate{};
  alternate.ss_sp = g_alternate_stack;
  alternate.ss_size = sizeof(g_alternate_stack);
  long rc = Syscall(__NR_sigaltstack, reinterpret_cast<long>(&alternate), 0);
  if (rc != 0) return static_cast<int>(rc);

  KernelSigaction action{};
  action.handler = &x86diff_native_signal_entry;
  // No SA_NODEFER: a fault inside the handler finds its signal blocked and the kernel kills the
  // child, which the parent reports as a crash.
  action.flags = SA_SIGINFO | SA_ONSTACK | SA_RESTART | kSaRestorer;
  action.restorer = &x86diff_native_sigreturn;
  action.mask = handled_mask;
  for (int signo : kHandledSignals) {
    rc = Syscall(__NR_rt_sigaction, signo, reinterpret_cast<long>(&action), 0, 8);
    if (rc != 0) return static_cast<int>(rc);
  }

  const uint64_t empty = 0;
  return static_cast<int>(
      Syscall(__NR_rt_sigprocmask, SIG_SETMASK, reinterpret_cast<long>(&empty), 0, 8));
}

}  // namespace x86diff::native

extern "C" void x86diff_native_on_signal(int signo, siginfo_t* info, void* context) {
  x86diff::native::HandleSignal(signo, info, context);
}

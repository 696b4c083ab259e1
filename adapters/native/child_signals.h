// Signal handling inside the native executor's child: every way a case can end other than
// reaching the exit trampoline.
//
// The handler (SA_SIGINFO | SA_ONSTACK, on a private alternate stack, with the restorer in
// native_stubs.S) records what the kernel reported into g_signal_context.record, then edits the
// interrupted context so that sigreturn resumes at x86diff_native_recover with the child's stack:
// x86diff_native_enter() returns as if the case had ended normally. No siglongjmp.
//
// It runs while FS may be zero (or whatever the case wrote), so it touches no TLS and calls no
// libc; its file is built without stack protector and sanitizers.
#ifndef X86DIFF_ADAPTERS_NATIVE_CHILD_SIGNALS_H_
#define X86DIFF_ADAPTERS_NATIVE_CHILD_SIGNALS_H_

#include <signal.h>

#include <cstdint>

#include "adapters/native/shared_region.h"

namespace x86diff::native {

// The parent sends this to stop a case that runs too long.
inline constexpr int kStopSignal = SIGUSR1;

// How the last x86diff_native_enter() ended, as far as the handler is concerned.
enum class RunEnd : uint32_t {
  kTrampoline = 0,  // no signal: out_gpr/out_rflags hold the final state
  kSignal,          // fault or trap (record holds the details)
  kSyscall,         // SIGSYS from the seccomp filter
  kTimeout,         // the parent's stop signal, taken while RIP was in the code page
  kTrampolineTrap,  // a signal at the exit stub or the trampoline's first instruction: the case
                    // had ended (e.g. TF set by the case's popf traps after our jump); record has
                    // the state
};

struct SignalRecord {
  RunEnd end;
  int32_t signo;
  int32_t si_code;
  int32_t syscall_nr;
  uint64_t trapno;
  uint64_t error_code;
  uint64_t signal_address;  // siginfo si_addr
  uint64_t cr2;
  uint64_t gpr[16];  // X86DIFF_FOR_EACH_GPR order
  uint64_t rflags;
  uint64_t rip;
};

struct SignalContext {
  RegionHeader* header = nullptr;  // for stop requests and own-fault reports
  uint32_t current_case = 0;       // slot index being run (stop requests name it)
  uint64_t code_begin = 0;         // the code page: stop requests act only while RIP is in it
  uint64_t code_end = 0;
  SignalRecord record{};
};

// Shared by the handler and the child loop (one child process, one thread).
extern SignalContext g_signal_context;

// Resets every catchable signal to SIG_DFL, installs the handler for SIGSEGV, SIGBUS, SIGILL,
// SIGFPE, SIGTRAP, SIGSYS and kStopSignal, sets the alternate stack and unblocks everything.
// Raw syscalls only (callable after fork). Returns 0 or -errno.
int InstallChildSignalHandlers();

// Exit code of a child whose own code (not a case) took a signal; the header says which.
inline constexpr int kExitOwnFault = 71;

}  // namespace x86diff::native

#endif  // X86DIFF_ADAPTERS_NATIVE_CHILD_SIGNALS_H_

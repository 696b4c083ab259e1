// The native executor's child process: sets up the sandbox once, then runs batches of cases that
// the parent places in the shared region.
//
// Protocol over `channel_fd` (one end of a socketpair), one byte each way per batch:
//   child -> parent  'R' ready after setup, or 'F' setup failed (header.setup_stage/errno)
//   parent -> child  'G' run slots [header.first_case, header.end_case)
//   child -> parent  'D' batch finished (header.cases_done = end_case unless the child found
//                    itself damaged; it then sets ChildState::kDamaged and exits after 'D')
// The child publishes progress in header.cases_done after every case, so the parent can attribute
// a hang or a crash to one case. EOF on the channel (parent gone) ends the child; so does
// PR_SET_PDEATHSIG (SIGKILL).
//
// Sandbox: the code page (RWX, at the layout's code address, the next page never mapped), the
// scratch pages, the exit stub page (read-only, native_abi.h), the region and the child's own
// binary and stack are all that stays mapped (address_space.h); all file descriptors but the
// channel are closed; a seccomp filter (seccomp_filter.h) traps every syscall not issued by the
// stubs; PR_SET_NO_NEW_PRIVS; own process group; no core dumps.
#ifndef X86DIFF_ADAPTERS_NATIVE_NATIVE_CHILD_H_
#define X86DIFF_ADAPTERS_NATIVE_NATIVE_CHILD_H_

#include <linux/filter.h>
#include <sys/types.h>

#include <cstddef>
#include <cstdint>

#include "adapters/native/shared_region.h"

namespace x86diff::native {

struct ChildConfig {
  RegionView region;
  int channel_fd = -1;
  pid_t parent_pid = 0;
  uint64_t code_address = 0;     // one page, RWX
  uint64_t scratch_address = 0;  // kScratchBytes, RW
  // kScratchBytes of default initial scratch contents (the parent's memory, inherited by fork).
  const uint8_t* default_scratch = nullptr;
  const sock_filter* filter = nullptr;
  size_t filter_length = 0;
  // AT_HWCAP2 has HWCAP2_FSGSBASE: the kernel manages FS/GS bases written with WRFSBASE, so the
  // child may restore its TLS base with it instead of arch_prctl.
  bool kernel_fsgsbase = false;
};

// Exit codes besides kExitOwnFault (child_signals.h).
inline constexpr int kExitParentGone = 0;
inline constexpr int kExitSetupFailed = 70;
inline constexpr int kExitDamaged = 72;
inline constexpr int kExitProtocol = 73;

// Runs in the child right after fork(); never returns. `config` is copied first.
[[noreturn]] void RunChild(const ChildConfig& config);

}  // namespace x86diff::native

#endif  // X86DIFF_ADAPTERS_NATIVE_NATIVE_CHILD_H_

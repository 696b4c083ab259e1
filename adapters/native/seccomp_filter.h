// The seccomp BPF filter of the native executor's child: test code can never enter the kernel.
//
// Policy, in order:
//   1. A syscall whose seccomp_data.instruction_pointer lies outside [trusted_ip_begin,
//      trusted_ip_end) (the child's assembly stubs), or whose arch is not x86-64 (int 0x80 on a
//      kernel with IA32 emulation), gets SECCOMP_RET_TRAP: the kernel does not execute it and
//      sends SIGSYS, which the child reports as ExecStatus::kSyscall. This covers every syscall
//      test code can issue, and any syscall the child's own C++/libc code would make by mistake.
//   2. From the trusted range only: read/write on `channel_fd`, rt_sigreturn, exit and exit_group
//      are allowed; anything else kills the child (SECCOMP_RET_KILL_PROCESS), which the parent
//      sees as a crash.
#ifndef X86DIFF_ADAPTERS_NATIVE_SECCOMP_FILTER_H_
#define X86DIFF_ADAPTERS_NATIVE_SECCOMP_FILTER_H_

#include <linux/filter.h>

#include <cstddef>
#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"

namespace x86diff::native {

struct SeccompPolicy {
  uint64_t trusted_ip_begin = 0;  // [begin, end): seccomp sees the address after `syscall`
  uint64_t trusted_ip_end = 0;
  int channel_fd = -1;
};

// Builds the program. InvalidArgument when the range is empty or crosses a 4 GiB boundary (classic
// BPF compares 32-bit words).
absl::StatusOr<std::vector<sock_filter>> BuildChildSeccompFilter(const SeccompPolicy& policy);

// Sets PR_SET_NO_NEW_PRIVS and installs `program` for the calling process. For the child after
// fork(): raw syscalls only, no allocation, no errno. Returns 0 or -errno.
int InstallSeccompFilter(const sock_filter* program, size_t length);

}  // namespace x86diff::native

#endif  // X86DIFF_ADAPTERS_NATIVE_SECCOMP_FILTER_H_

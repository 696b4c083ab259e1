#include "adapters/native/seccomp_filter.h"

#include <linux/audit.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#include <cstddef>

#include "absl/status/status.h"
#include "absl/strings/str_format.h"
#include "adapters/native/native_abi.h"

namespace x86diff::native {

namespace {

// Field offsets in struct seccomp_data (include/uapi/linux/seccomp.h); x86-64 is little-endian,
// so the low 32 bits of a 64-bit field come first.
constexpr uint32_t kNrOffset = offsetof(seccomp_data, nr);
constexpr uint32_t kArchOffset = offsetof(seccomp_data, arch);
constexpr uint32_t kIpLowOffset = offsetof(seccomp_data, instruction_pointer);
constexpr uint32_t kIpHighOffset = kIpLowOffset + 4;
constexpr uint32_t kArg0LowOffset = offsetof(seccomp_data, args);

// Jump targets while building: an instruction index, or one of the final return statements.
enum Target : int { kAllow = -1, kTrap = -2, kKill = -3 };

struct PendingInsn {
  uint16_t code;
  int jt;  // absolute index or Target; unused for non-jumps
  int jf;
  uint32_t k;
};

class Builder {
 public:
  // Index of the next instruction to be added.
  int Here() const { return static_cast<int>(insns_.size()); }
  void Load(uint32_t offset) { insns_.push_back({BPF_LD | BPF_W | BPF_ABS, 0, 0, offset}); }
  // Jumps to jt when (A op k), else to jf (absolute indices or Targets).
  void Jump(uint16_t op, uint32_t k, int jt, int jf) {
    insns_.push_back({static_cast<uint16_t>(BPF_JMP | op | BPF_K), jt, jf, k});
  }

  absl::StatusOr<std::vector<sock_filter>> Finish() {
    // The returns follow the body; the first one is what falling off the body means.
    const int kill = Here();
    const int allow = kill + 1;
    const int trap = kill + 2;
    std::vector<sock_filter> program;
    for (int i = 0; i < kill; ++i) {
      const PendingInsn& insn = insns_[i];
      if (BPF_CLASS(insn.code) != BPF_JMP) {
        program.push_back(BPF_STMT(insn.code, insn.k));
        continue;
      }
      auto resolve = [&](int target) -> int {
        const int absolute = target == kAllow  ? allow
                             : target == kTrap ? trap
                             : target == kKill ? kill
                                               : target;
        return absolute - (i + 1);
      };
      const int jt = resolve(insn.jt);
      const int jf = resolve(insn.jf);
      if (jt < 0 || jt > 255 || jf < 0 || jf > 255) {
        return absl::InternalError("seccomp filter jump out of range");
      }
      program.push_back(
          BPF_JUMP(insn.code, insn.k, static_cast<uint8_t>(jt), static_cast<uint8_t>(jf)));
    }
    program.push_back(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_KILL_PROCESS));
    program.push_back(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
    program.push_back(BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRAP));
    return program;
  }

 private:
  std::vector<PendingInsn> insns_;
};

}  // namespace

absl::StatusOr<std::vector<sock_filter>> BuildChildSeccompFilter(const SeccompPolicy& policy) {
  const uint64_t begin = policy.trusted_ip_begin;
  const uint64_t end = policy.trusted_ip_end;
  if (begin >= end || (begin >> 32) != ((end - 1) >> 32) || policy.channel_fd < 0) {
    return absl::InvalidArgumentError(absl::StrFormat(
        "seccomp policy: bad trusted range [%#x, %#x) or fd %d", begin, end, policy.channel_fd));
  }
  Builder b;
  // 1. Anything not x86-64 (the i386 entry via int 0x80) or not from the trusted stubs: trap.
  b.Load(kArchOffset);
  b.Jump(BPF_JEQ, AUDIT_ARCH_X86_64, b.Here() + 1, kTrap);
  b.Load(kIpHighOffset);
  b.Jump(BPF_JEQ, static_cast<uint32_t>(begin >> 32), b.Here() + 1, kTrap);
  b.Load(kIpLowOffset);
  b.Jump(BPF_JGE, static_cast<uint32_t>(begin), b.Here() + 1, kTrap);
  b.Jump(BPF_JGE, static_cast<uint32_t>(end), kTrap, b.Here() + 1);
  // 2. The child's own syscalls.
  b.Load(kNrOffset);
  b.Jump(BPF_JEQ, __NR_rt_sigreturn, kAllow, b.Here() + 1);
  b.Jump(BPF_JEQ, __NR_exit_group, kAllow, b.Here() + 1);
  b.Jump(BPF_JEQ, __NR_exit, kAllow, b.Here() + 1);
  for (uint32_t nr : {uint32_t{__NR_read}, uint32_t{__NR_write}}) {
    // jeq nr ? (ld fd; jeq channel ? allow : kill) : next check
    b.Jump(BPF_JEQ, nr, b.Here() + 1, b.Here() + 3);
    b.Load(kArg0LowOffset);
    b.Jump(BPF_JEQ, static_cast<uint32_t>(policy.channel_fd), kAllow, kKill);
  }
  // Anything else from the trusted range falls through to the kill (Finish() puts it first): the
  // child has no other business with the kernel.
  return b.Finish();
}

int InstallSeccompFilter(const sock_filter* program, size_t length) {
  // PR_SET_NO_NEW_PRIVS is required for an unprivileged filter (Documentation/userspace-api/
  // seccomp_filter.rst) and keeps execve from gaining privileges anyway.
  long rc = x86diff_native_syscall(__NR_prctl, PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0, 0);
  if (rc != 0) return static_cast<int>(rc);
  sock_fprog fprog;
  fprog.len = static_cast<unsigned short>(length);
  fprog.filter = const_cast<sock_filter*>(program);
  rc = x86diff_native_syscall(__NR_seccomp, SECCOMP_SET_MODE_FILTER, 0,
                              reinterpret_cast<long>(&fprog), 0, 0, 0);
  return static_cast<int>(rc);
}

}  // namespace x86diff::native

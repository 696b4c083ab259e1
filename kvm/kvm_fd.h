// RAII handles over the /dev/kvm file descriptors: the system (/dev/kvm), a VM and its vCPU.
// Every ioctl failure is an absl::Status that names the ioctl, its return code and errno
// (KVM selftests style), never an abort.
#ifndef X86DIFF_KVM_KVM_FD_H_
#define X86DIFF_KVM_KVM_FD_H_

#include <linux/kvm.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace x86diff::kvm {

// An owned file descriptor; move-only, closed on destruction.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(Fd&& other) noexcept : fd_(other.release()) {}
  Fd& operator=(Fd&& other) noexcept;
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd();

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  int release();

 private:
  int fd_ = -1;
};

// An owned anonymous or file mapping; move-only, unmapped on destruction.
class Mapping {
 public:
  Mapping() = default;
  Mapping(void* address, size_t size) : address_(address), size_(size) {}
  Mapping(Mapping&& other) noexcept;
  Mapping& operator=(Mapping&& other) noexcept;
  Mapping(const Mapping&) = delete;
  Mapping& operator=(const Mapping&) = delete;
  ~Mapping();

  uint8_t* data() const { return static_cast<uint8_t*>(address_); }
  size_t size() const { return size_; }

 private:
  void* address_ = nullptr;
  size_t size_ = 0;
};

// "KVM_RUN failed: rc=-1 errno=4 (Interrupted system call)" with the most specific status code.
absl::Status IoctlError(absl::string_view name, long rc, int error_number);

// ioctl(fd, request, arg) returning the non-negative result or IoctlError(name, ...).
absl::StatusOr<int> Ioctl(int fd, absl::string_view name, unsigned long request, void* arg);
absl::StatusOr<int> Ioctl(int fd, absl::string_view name, unsigned long request, unsigned long arg);

// /dev/kvm. Open() is Unavailable when the device is missing or not accessible.
class KvmSystem {
 public:
  static absl::StatusOr<KvmSystem> Open(const char* path = "/dev/kvm");

  int fd() const { return fd_.get(); }
  // KVM_CHECK_EXTENSION; 0 when absent.
  int CheckExtension(int capability) const;
  // Size of the per-vCPU kvm_run mapping (KVM_GET_VCPU_MMAP_SIZE).
  size_t vcpu_mmap_size() const { return vcpu_mmap_size_; }
  // KVM_GET_SUPPORTED_CPUID, queried once at Open().
  const std::vector<kvm_cpuid_entry2>& supported_cpuid() const { return supported_cpuid_; }
  // The supported CPUID entry for (function, index), or nullptr.
  const kvm_cpuid_entry2* FindCpuid(uint32_t function, uint32_t index = 0) const;

 private:
  KvmSystem() = default;
  Fd fd_;
  size_t vcpu_mmap_size_ = 0;
  std::vector<kvm_cpuid_entry2> supported_cpuid_;
};

// One virtual CPU: the vCPU fd and its mapped kvm_run structure. Not thread-safe.
class Vcpu {
 public:
  Vcpu(Fd fd, Mapping run) : fd_(std::move(fd)), run_mapping_(std::move(run)) {}

  int fd() const { return fd_.get(); }
  kvm_run* run() const { return reinterpret_cast<kvm_run*>(run_mapping_.data()); }

  absl::Status GetRegs(kvm_regs& regs) const;
  absl::Status SetRegs(const kvm_regs& regs);
  absl::Status GetSregs(kvm_sregs& sregs) const;
  absl::Status SetSregs(const kvm_sregs& sregs);
  absl::Status SetCpuid(const std::vector<kvm_cpuid_entry2>& entries);
  absl::Status SetXcr0(uint64_t value);
  // Clears pending exceptions, interrupts and NMIs (after an interrupted or crashed run).
  absl::Status ClearEvents();
  // One KVM_RUN. Returns the ioctl's errno as an int (0 on success) so that the caller can tell
  // EINTR (a signal, e.g. the timeout) from real failures, which come back as a status.
  absl::StatusOr<int> Run();

 private:
  Fd fd_;
  Mapping run_mapping_;
};

// One VM: its fd, guest memory slots and a single vCPU. Not thread-safe.
class Vm {
 public:
  static absl::StatusOr<std::unique_ptr<Vm>> Create(const KvmSystem& system);

  int fd() const { return fd_.get(); }
  Vcpu& vcpu() { return *vcpu_; }

  // Backs guest-physical [gpa, gpa + size) with fresh zeroed host memory as one memory slot
  // (KVM_SET_USER_MEMORY_REGION). `log_dirty` enables KVM_GET_DIRTY_LOG for that slot.
  absl::Status AddMemory(uint64_t gpa, uint64_t size, bool log_dirty);
  // Host pointer for guest-physical `gpa` if [gpa, gpa + size) lies inside one slot, else null.
  uint8_t* Host(uint64_t gpa, uint64_t size = 1) const;
  // Guest-physical addresses of the pages written since the previous call, for dirty-logged
  // slots (KVM_GET_DIRTY_LOG, which also re-arms the log).
  absl::StatusOr<std::vector<uint64_t>> TakeDirtyPages();

 private:
  struct Slot {
    uint32_t id;
    uint64_t gpa;
    Mapping memory;
    bool log_dirty;
  };
  explicit Vm(Fd fd) : fd_(std::move(fd)) {}
  Fd fd_;
  std::vector<Slot> slots_;
  std::unique_ptr<Vcpu> vcpu_;
};

}  // namespace x86diff::kvm

#endif  // X86DIFF_KVM_KVM_FD_H_

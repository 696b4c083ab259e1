#include "kvm/kvm_fd.h"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"
#include "harness/status_macros.h"

namespace x86diff::kvm {

namespace {

// struct kvm_cpuid2 without its flexible array. Debian 12's UAPI headers declare `entries` with
// __DECLARE_FLEX_ARRAY, which in C++ adds an empty struct: sizeof(kvm_cpuid2) becomes 12 instead
// of 8, so KVM_GET_SUPPORTED_CPUID / KVM_SET_CPUID2 encode a size the kernel does not know
// (EINVAL) and `entries` sits at the wrong offset. Build both from this header instead.
struct CpuidHeader {
  uint32_t nent;
  uint32_t padding;
};
static_assert(sizeof(kvm_cpuid_entry2) == 40);
constexpr unsigned long kGetSupportedCpuid = _IOWR(KVMIO, 0x05, CpuidHeader);
constexpr unsigned long kSetCpuid2 = _IOW(KVMIO, 0x90, CpuidHeader);

}  // namespace

Fd& Fd::operator=(Fd&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) close(fd_);
    fd_ = other.release();
  }
  return *this;
}

Fd::~Fd() {
  if (fd_ >= 0) close(fd_);
}

int Fd::release() { return std::exchange(fd_, -1); }

Mapping::Mapping(Mapping&& other) noexcept
    : address_(std::exchange(other.address_, nullptr)), size_(std::exchange(other.size_, 0)) {}

Mapping& Mapping::operator=(Mapping&& other) noexcept {
  if (this != &other) {
    if (address_ != nullptr) munmap(address_, size_);
    address_ = std::exchange(other.address_, nullptr);
    size_ = std::exchange(other.size_, 0);
  }
  return *this;
}

Mapping::~Mapping() {
  if (address_ != nullptr) munmap(address_, size_);
}

absl::Status IoctlError(absl::string_view name, long rc, int error_number) {
  std::string message = absl::StrCat(name, " failed: rc=", rc, " errno=", error_number, " (",
                                     std::strerror(error_number), ")");
  switch (error_number) {
    case ENOENT:
    case ENODEV:
    case ENXIO:
      return absl::UnavailableError(message);
    case EACCES:
    case EPERM:
      return absl::PermissionDeniedError(message);
    case EINVAL:
    case E2BIG:
      return absl::InvalidArgumentError(message);
    case ENOMEM:
      return absl::ResourceExhaustedError(message);
    case EINTR:
      return absl::AbortedError(message);
    default:
      return absl::InternalError(message);
  }
}

absl::StatusOr<int> Ioctl(int fd, absl::string_view name, unsigned long request, void* arg) {
  const int rc = ioctl(fd, request, arg);
  if (rc < 0) return IoctlError(name, rc, errno);
  return rc;
}

absl::StatusOr<int> Ioctl(int fd, absl::string_view name, unsigned long request,
                          unsigned long arg) {
  const int rc = ioctl(fd, request, arg);
  if (rc < 0) return IoctlError(name, rc, errno);
  return rc;
}

absl::StatusOr<KvmSystem> KvmSystem::Open(const char* path) {
  const int fd = open(path, O_RDWR | O_CLOEXEC);
  if (fd < 0) {
    const int error_number = errno;
    return absl::UnavailableError(
        absl::StrCat("cannot open ", path, ": ", std::strerror(error_number),
                     error_number == ENOENT ? " (no KVM on this machine; tests/kvm/run-nested "
                                              "runs the KVM tests in a nested guest)"
                                            : ""));
  }
  KvmSystem system;
  system.fd_ = Fd(fd);
  ASSIGN_OR_RETURN(const int api, Ioctl(fd, "KVM_GET_API_VERSION", KVM_GET_API_VERSION, 0ul));
  if (api != KVM_API_VERSION) {
    return absl::FailedPreconditionError(
        absl::StrCat("KVM API version ", api, ", want ", KVM_API_VERSION));
  }
  ASSIGN_OR_RETURN(const int mmap_size,
                   Ioctl(fd, "KVM_GET_VCPU_MMAP_SIZE", KVM_GET_VCPU_MMAP_SIZE, 0ul));
  system.vcpu_mmap_size_ = static_cast<size_t>(mmap_size);
  // KVM_GET_SUPPORTED_CPUID says E2BIG until the buffer is large enough.
  for (uint32_t capacity = 64;; capacity *= 2) {
    std::vector<uint8_t> buffer(sizeof(CpuidHeader) + capacity * sizeof(kvm_cpuid_entry2));
    CpuidHeader header = {.nent = capacity, .padding = 0};
    std::memcpy(buffer.data(), &header, sizeof(header));
    const int rc = ioctl(fd, kGetSupportedCpuid, buffer.data());
    if (rc == 0) {
      std::memcpy(&header, buffer.data(), sizeof(header));
      system.supported_cpuid_.resize(header.nent);
      std::memcpy(system.supported_cpuid_.data(), buffer.data() + sizeof(header),
                  header.nent * sizeof(kvm_cpuid_entry2));
      break;
    }
    if (errno != E2BIG || capacity > 4096) {
      return IoctlError("KVM_GET_SUPPORTED_CPUID", rc, errno);
    }
  }
  return system;
}

int KvmSystem::CheckExtension(int capability) const {
  const int rc = ioctl(fd_.get(), KVM_CHECK_EXTENSION, capability);
  return rc < 0 ? 0 : rc;
}

const kvm_cpuid_entry2* KvmSystem::FindCpuid(uint32_t function, uint32_t index) const {
  for (const kvm_cpuid_entry2& entry : supported_cpuid_) {
    if (entry.function != function) continue;
    if ((entry.flags & KVM_CPUID_FLAG_SIGNIFCANT_INDEX) && entry.index != index) continue;
    return &entry;
  }
  return nullptr;
}

absl::Status Vcpu::GetRegs(kvm_regs& regs) const {
  return Ioctl(fd_.get(), "KVM_GET_REGS", KVM_GET_REGS, &regs).status();
}

absl::Status Vcpu::SetRegs(const kvm_regs& regs) {
  return Ioctl(fd_.get(), "KVM_SET_REGS", KVM_SET_REGS, const_cast<kvm_regs*>(&regs)).status();
}

absl::Status Vcpu::GetSregs(kvm_sregs& sregs) const {
  return Ioctl(fd_.get(), "KVM_GET_SREGS", KVM_GET_SREGS, &sregs).status();
}

absl::Status Vcpu::SetSregs(const kvm_sregs& sregs) {
  return Ioctl(fd_.get(), "KVM_SET_SREGS", KVM_SET_SREGS, const_cast<kvm_sregs*>(&sregs)).status();
}

absl::Status Vcpu::SetCpuid(const std::vector<kvm_cpuid_entry2>& entries) {
  std::vector<uint8_t> buffer(sizeof(CpuidHeader) + entries.size() * sizeof(kvm_cpuid_entry2));
  const CpuidHeader header = {.nent = static_cast<uint32_t>(entries.size()), .padding = 0};
  std::memcpy(buffer.data(), &header, sizeof(header));
  std::memcpy(buffer.data() + sizeof(header), entries.data(),
              entries.size() * sizeof(kvm_cpuid_entry2));
  return Ioctl(fd_.get(), "KVM_SET_CPUID2", kSetCpuid2, buffer.data()).status();
}

absl::Status Vcpu::SetXcr0(uint64_t value) {
  kvm_xcrs xcrs = {};
  xcrs.nr_xcrs = 1;
  xcrs.xcrs[0].xcr = 0;
  xcrs.xcrs[0].value = value;
  return Ioctl(fd_.get(), "KVM_SET_XCRS", KVM_SET_XCRS, &xcrs).status();
}

absl::Status Vcpu::ClearEvents() {
  kvm_vcpu_events events = {};
  events.flags = KVM_VCPUEVENT_VALID_NMI_PENDING;
  return Ioctl(fd_.get(), "KVM_SET_VCPU_EVENTS", KVM_SET_VCPU_EVENTS, &events).status();
}

absl::StatusOr<int> Vcpu::Run() {
  if (ioctl(fd_.get(), KVM_RUN, 0) == 0) return 0;
  const int error_number = errno;
  if (error_number == EINTR || error_number == EAGAIN) return error_number;
  return IoctlError("KVM_RUN", -1, error_number);
}

absl::StatusOr<std::unique_ptr<Vm>> Vm::Create(const KvmSystem& system) {
  ASSIGN_OR_RETURN(const int vm_fd, Ioctl(system.fd(), "KVM_CREATE_VM", KVM_CREATE_VM, 0ul));
  std::unique_ptr<Vm> vm(new Vm(Fd(vm_fd)));
  // Needed by Intel real mode without unrestricted guest; harmless on AMD. Three pages just
  // below 4 GiB, outside every slot we create.
  RETURN_IF_ERROR(Ioctl(vm_fd, "KVM_SET_TSS_ADDR", KVM_SET_TSS_ADDR, 0xfffbd000ul).status());
  ASSIGN_OR_RETURN(const int vcpu_fd, Ioctl(vm_fd, "KVM_CREATE_VCPU", KVM_CREATE_VCPU, 0ul));
  Fd vcpu(vcpu_fd);
  void* run =
      mmap(nullptr, system.vcpu_mmap_size(), PROT_READ | PROT_WRITE, MAP_SHARED, vcpu.get(), 0);
  if (run == MAP_FAILED) return IoctlError("mmap(kvm_run)", -1, errno);
  vm->vcpu_ = std::make_unique<Vcpu>(std::move(vcpu), Mapping(run, system.vcpu_mmap_size()));
  return vm;
}

absl::Status Vm::AddMemory(uint64_t gpa, uint64_t size, bool log_dirty) {
  void* memory = mmap(nullptr, size, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (memory == MAP_FAILED) return IoctlError("mmap(guest memory)", -1, errno);
  Slot slot{static_cast<uint32_t>(slots_.size()), gpa, Mapping(memory, size), log_dirty};
  kvm_userspace_memory_region region = {};
  region.slot = slot.id;
  region.flags = log_dirty ? KVM_MEM_LOG_DIRTY_PAGES : 0;
  region.guest_phys_addr = gpa;
  region.memory_size = size;
  region.userspace_addr = reinterpret_cast<uint64_t>(memory);
  RETURN_IF_ERROR(
      Ioctl(fd_.get(), "KVM_SET_USER_MEMORY_REGION", KVM_SET_USER_MEMORY_REGION, &region).status());
  slots_.push_back(std::move(slot));
  return absl::OkStatus();
}

uint8_t* Vm::Host(uint64_t gpa, uint64_t size) const {
  for (const Slot& slot : slots_) {
    if (gpa >= slot.gpa && gpa + size <= slot.gpa + slot.memory.size()) {
      return slot.memory.data() + (gpa - slot.gpa);
    }
  }
  return nullptr;
}

absl::StatusOr<std::vector<uint64_t>> Vm::TakeDirtyPages() {
  std::vector<uint64_t> pages;
  for (const Slot& slot : slots_) {
    if (!slot.log_dirty) continue;
    const uint64_t page_count = slot.memory.size() / 4096;
    std::vector<uint64_t> bitmap((page_count + 63) / 64);
    kvm_dirty_log log = {};
    log.slot = slot.id;
    log.dirty_bitmap = bitmap.data();
    RETURN_IF_ERROR(Ioctl(fd_.get(), "KVM_GET_DIRTY_LOG", KVM_GET_DIRTY_LOG, &log).status());
    for (uint64_t page = 0; page < page_count; ++page) {
      if (bitmap[page / 64] & (uint64_t{1} << (page % 64))) {
        pages.push_back(slot.gpa + page * 4096);
      }
    }
  }
  return pages;
}

}  // namespace x86diff::kvm

// The protocol between NativeExecutor (parent) and its sandboxed child: one MAP_SHARED anonymous
// region created before fork(), holding a header, the cases of the current batch and their
// results. Wake-ups go through a socketpair, one byte per batch each way (see native_child.h).
//
// Layout (offsets computed by RegionView from the capacity):
//   RegionHeader | CaseSlot[capacity] | ResultSlot[capacity] | scratch_in[capacity][kScratchBytes]
//   | scratch_out[capacity][kScratchBytes]
// scratch_in holds a case's initial scratch only when it differs from the default contents;
// scratch_out holds the final scratch only when the case changed it.
//
// The child runs arbitrary code that can write anywhere it can address, including this region:
// the parent validates everything it reads back (statuses, lengths, indices).
//
// Everything here is also used by the child after it unmapped its libraries (address_space.h), so
// the inline functions are always_inline: an out-of-line copy could be the one the linker keeps
// from an instrumented translation unit (sanitizer builds), which the child cannot run.
#ifndef X86DIFF_ADAPTERS_NATIVE_SHARED_REGION_H_
#define X86DIFF_ADAPTERS_NATIVE_SHARED_REGION_H_

#include <cstddef>
#include <cstdint>

#include "harness/test_case.h"

#define X86DIFF_CHILD_INLINE __attribute__((always_inline)) inline

namespace x86diff::native {

inline constexpr uint64_t kRegionMagic = 0x3176'6e64'3638'7878ull;  // "xx86dnv1"
inline constexpr size_t kScratchBytes = 2 * 4096;  // LayoutFor(kLong64).scratch_size
inline constexpr size_t kCodePageBytes = 4096;     // LayoutFor(kLong64).code_size

// Child lifecycle as seen by the parent.
enum class ChildState : uint32_t {
  kStarting = 0,
  kReady = 1,
  kSetupFailed = 2,  // setup_stage/setup_errno say where
  kDamaged = 3,      // the integrity check after a case failed; the child exits after the batch
  kOwnFault = 4,     // the child's own code took a signal (fault_* fields); the child exits
};

// Where child setup failed (RegionHeader::setup_stage).
enum class SetupStage : uint32_t {
  kNone = 0,
  kDeathSignal,
  kMapCode,
  kGuardPage,
  kMapScratch,
  kMapExitStub,
  kSignals,
  kRseq,
  kAddressSpace,
  kFpu,
  kSegments,
  kSeccomp,
};

struct RegionHeader {
  uint64_t magic;
  uint32_t capacity;
  // Parent -> child, written before the "go" byte.
  uint32_t first_case;  // run slots [first_case, end_case)
  uint32_t end_case;
  uint32_t probe_length;  // non-zero: page-boundary probing for faulting cases
  // The case the parent wants stopped; it sends the stop signal right after writing this.
  uint32_t stop_case;  // atomic: LoadAcquire/StoreRelease
  // Child -> parent.
  uint32_t cases_done;   // atomic: the absolute index of the first slot without a result
  uint32_t state;        // atomic: ChildState
  uint32_t setup_stage;  // SetupStage
  int32_t setup_errno;
  int32_t fault_signo;  // kOwnFault: the signal the child's own code took
  uint64_t fault_rip;
  uint64_t fault_address;
};

// Cross-process atomics on the header's 32-bit words (lock-free on x86-64).
X86DIFF_CHILD_INLINE uint32_t LoadAcquire(const uint32_t* word) {
  return __atomic_load_n(word, __ATOMIC_ACQUIRE);
}
X86DIFF_CHILD_INLINE void StoreRelease(uint32_t* word, uint32_t value) {
  __atomic_store_n(word, value, __ATOMIC_RELEASE);
}

struct CaseSlot {
  uint64_t gpr[16];  // X86DIFF_FOR_EACH_GPR order
  uint64_t rflags;
  uint32_t code_size;
  uint32_t has_scratch;  // scratch_in(i) holds the initial contents; else the default
  uint8_t code[kMaxCodeBytes];
};

// ResultSlot::kind.
enum class SlotKind : uint32_t {
  kCompleted = 0,  // reached the exit trampoline
  kSignal = 1,     // a fault or trap signal (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGTRAP)
  kSyscall = 2,    // SIGSYS from the seccomp filter: the syscall was not executed
  kTimeout = 3,    // stopped by the parent's stop signal
};
inline constexpr uint32_t kSlotKindMaxValue = 3;

// ResultSlot::probe values (what the length probe concluded).
enum class ProbeNote : uint32_t {
  kNotProbed = 0,
  kFound = 1,
  kBeyondCode = 2,  // every placement up to min(15, code size) still needed more bytes
};

struct ResultSlot {
  uint32_t kind;  // SlotKind
  int32_t signo;
  int32_t si_code;
  int32_t syscall_nr;       // kSyscall: siginfo si_syscall
  uint64_t trapno;          // uc_mcontext.gregs[REG_TRAPNO]
  uint64_t error_code;      // uc_mcontext.gregs[REG_ERR]
  uint64_t signal_address;  // siginfo si_addr
  uint64_t cr2;             // uc_mcontext.gregs[REG_CR2]
  uint64_t gpr[16];
  uint64_t rflags;
  uint64_t rip;
  uint32_t length;  // probed length (kSignal/kSyscall with probing), else 0
  uint32_t probe;   // ProbeNote
  uint32_t scratch_changed;
  uint32_t reserved;
};

// A typed view of the region at `base` (page aligned) with room for `capacity` cases. Plain
// pointer arithmetic, no allocation: usable in the child.
class RegionView {
 public:
  RegionView() = default;
  X86DIFF_CHILD_INLINE RegionView(void* base, uint32_t capacity)
      : base_(static_cast<uint8_t*>(base)), capacity_(capacity) {}

  X86DIFF_CHILD_INLINE static size_t BytesFor(uint32_t capacity) {
    size_t bytes = ScratchInOffset(capacity) + 2 * size_t{capacity} * kScratchBytes;
    return (bytes + 4095) & ~size_t{4095};
  }

  X86DIFF_CHILD_INLINE uint8_t* base() const { return base_; }
  X86DIFF_CHILD_INLINE uint32_t capacity() const { return capacity_; }
  X86DIFF_CHILD_INLINE RegionHeader* header() const {
    return reinterpret_cast<RegionHeader*>(base_);
  }
  X86DIFF_CHILD_INLINE CaseSlot* case_slot(uint32_t i) const {
    return reinterpret_cast<CaseSlot*>(base_ + kCasesOffset) + i;
  }
  X86DIFF_CHILD_INLINE ResultSlot* result_slot(uint32_t i) const {
    return reinterpret_cast<ResultSlot*>(base_ + ResultsOffset(capacity_)) + i;
  }
  X86DIFF_CHILD_INLINE uint8_t* scratch_in(uint32_t i) const {
    return base_ + ScratchInOffset(capacity_) + size_t{i} * kScratchBytes;
  }
  X86DIFF_CHILD_INLINE uint8_t* scratch_out(uint32_t i) const {
    return base_ + ScratchInOffset(capacity_) + (size_t{capacity_} + i) * kScratchBytes;
  }

 private:
  static constexpr size_t kCasesOffset = 4096;  // the header gets its own page
  X86DIFF_CHILD_INLINE static size_t ResultsOffset(uint32_t capacity) {
    return kCasesOffset + size_t{capacity} * sizeof(CaseSlot);
  }
  X86DIFF_CHILD_INLINE static size_t ScratchInOffset(uint32_t capacity) {
    size_t end = ResultsOffset(capacity) + size_t{capacity} * sizeof(ResultSlot);
    return (end + 4095) & ~size_t{4095};
  }

  uint8_t* base_ = nullptr;
  uint32_t capacity_ = 0;
};

static_assert(sizeof(RegionHeader) <= 4096);

}  // namespace x86diff::native

#endif  // X86DIFF_ADAPTERS_NATIVE_SHARED_REGION_H_

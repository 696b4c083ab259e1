#include "adapters/native/native_child.h"

#include <asm/prctl.h>
#include <cpuid.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>

#include <cerrno>
#include <cstdint>

#include "adapters/native/address_space.h"
#include "adapters/native/child_memory.h"
#include "adapters/native/child_signals.h"
#include "adapters/native/length_probe.h"
#include "adapters/native/native_abi.h"
#include "adapters/native/seccomp_filter.h"
#include "harness/cpu_state.h"

// Why the child zeroes its FS and GS bases once and never restores its TLS base: test code may
// use fs:/gs: prefixes, so every case must start with both bases at 0. Without HWCAP2_FSGSBASE
// (this project's reference VM) switching FS between the case and the child's TLS costs an
// arch_prctl per direction, and each one writes MSR_FS_BASE, which traps to the hypervisor here:
// two such syscalls per case (or per batch) dominated the round trip. The child needs no TLS after
// setup, so it zeroes both bases at the end of setup and keeps them at 0; from then on everything
// it runs (this file, child_signals.cc, length_probe.cc, child_memory.h, native_stubs.S) is
// TLS-free: raw syscalls through the stubs (no errno), no libc calls, built without stack
// protector and sanitizer instrumentation (see CMakeLists.txt). A case that writes the bases with
// WRFSBASE/WRGSBASE is undone by the entry stub (reset_bases) before the next case. Later in setup
// the child also unmaps everything it inherited but its own binary, stack and the shared region
// (address_space.h), so from then on it calls no library at all.

namespace x86diff::native {

namespace {

// Exit stub (native_abi.h): jmp qword ptr [rip+0], then the trampoline's address.
constexpr uint8_t kExitStubJump[6] = {0xff, 0x25, 0x00, 0x00, 0x00, 0x00};
constexpr size_t kJumpRel32Bytes = 5;  // e9 <rel32>
static_assert(kExitStubAddress < 0x80000000, "reachable with rel32 from the code page");
// rdfsbase rax: tells whether the CPU executes the FS/GS base instructions (CR4.FSGSBASE).
constexpr uint8_t kRdfsbaseRax[] = {0xf3, 0x48, 0x0f, 0xae, 0xc0};
// XCR0 components the clean FPU image resets: x87, SSE, AVX, opmask, ZMM_Hi256, Hi16_ZMM. Not
// PKRU (XRSTOR of its init state would grant access to every key) and not AMX (needs a permission
// request first).
constexpr uint64_t kFpuComponents = 0xE7;
constexpr uint32_t kCpuidOsxsave = 1u << 27;
constexpr uint16_t kFcwInit = 0x037F;    // SDM Vol. 1 8.1.5, FNINIT state
constexpr uint32_t kMxcsrInit = 0x1F80;  // SDM Vol. 1 10.2.3.1, power-up value

// Fixed after setup; a checksum over it detects a case that wrote over the child's memory.
struct ChildGlobals {
  ChildConfig config;
  uint8_t* code_page;
  uint8_t* scratch;
  uint8_t* exit_stub;  // the read-only, executable page at kExitStubAddress
};
ChildGlobals g_child;
uint64_t g_child_checksum;
// A private copy of the current case's initial scratch when it is not the default: the case runs
// with the region mapped and could overwrite scratch_in.
alignas(64) uint8_t g_initial_scratch[kScratchBytes];
// Copies of what the parent handed over on its heap, which the child unmaps.
alignas(64) uint8_t g_default_scratch[kScratchBytes];
constexpr size_t kMaxFilterLength = 256;
sock_filter g_filter[kMaxFilterLength];
// True when the scratch pages are known to hold the default contents (the last case left them
// unchanged), so the next default case can skip copying 8 KiB.
bool g_scratch_is_default = false;

long Syscall(long nr, long a1 = 0, long a2 = 0, long a3 = 0, long a4 = 0, long a5 = 0,
             long a6 = 0) {
  return x86diff_native_syscall(nr, a1, a2, a3, a4, a5, a6);
}

[[noreturn]] void Exit(int code) {
  for (;;) Syscall(__NR_exit_group, code);
}

RegionHeader* Header() { return g_child.config.region.header(); }

void SendByte(char byte) {
  long rc;
  do {
    rc = Syscall(__NR_write, g_child.config.channel_fd, reinterpret_cast<long>(&byte), 1);
  } while (rc == -EINTR);
  if (rc != 1) Exit(kExitParentGone);
}

[[noreturn]] void SetupFailed(SetupStage stage, long rc) {
  RegionHeader* header = Header();
  header->setup_stage = static_cast<uint32_t>(stage);
  header->setup_errno = rc < 0 ? static_cast<int32_t>(-rc) : 0;
  StoreRelease(&header->state, static_cast<uint32_t>(ChildState::kSetupFailed));
  SendByte('F');
  Exit(kExitSetupFailed);
}

uint64_t Checksum() {
  // A word-wise multiply-xor hash over the fixed state and the ABI fields the stubs rely on; it
  // runs after every case, so it must cost a few dozen cycles, not hundreds.
  static_assert(sizeof(ChildGlobals) % 8 == 0);
  uint64_t hash = 0x9e3779b97f4a7c15ull;
  auto mix = [&hash](uint64_t word) { hash = (hash ^ word) * 0xff51afd7ed558ccdull; };
  const auto* words = reinterpret_cast<const uint64_t*>(&g_child);
  for (size_t i = 0; i < sizeof(ChildGlobals) / 8; ++i) mix(words[i]);
  mix(x86diff_native_abi.reset_bases);
  mix(x86diff_native_abi.xsave_mask);
  return hash ^ (hash >> 29);
}

bool Intact() {
  const RegionHeader* header = Header();
  return header->magic == kRegionMagic && header->capacity == g_child.config.region.capacity() &&
         Checksum() == g_child_checksum;
}

// --- One run ----------------------------------------------------------------------------------

// Lays out the code page for a normal run: 0xCC everywhere (a stray jump traps), the case's bytes
// at the start, then `jmp rel32` to the exit stub (flags and registers untouched).
void PlaceCase(const uint8_t* code, size_t size) {
  uint8_t* page = g_child.code_page;
  FillBytes(page, 0xCC, kCodePageBytes);
  CopyBytes(page, code, size);
  const uint64_t next = g_child.config.code_address + size + kJumpRel32Bytes;
  const auto rel32 = static_cast<uint32_t>(kExitStubAddress - next);
  page[size] = 0xe9;
  // A fixed-size copy inlines as a plain store (REP MOVSB has a start-up cost of dozens of cycles).
  __builtin_memcpy(page + size + 1, &rel32, sizeof(rel32));
}

// Runs the code page from `entry` with the case's registers; the scratch must be in place.
RunEnd RunOnce(const CaseSlot& slot, uint64_t entry) {
  NativeAbi& abi = x86diff_native_abi;
  for (int i = 0; i < 16; ++i) abi.in_gpr[i] = slot.gpr[i];
  // Only the bits a case may control (cpu_state.h): TF would single-step, AC would make the
  // child's own unaligned accesses fault.
  abi.in_rflags = (slot.rflags & kRflagsControllable) | kRflagsReserved1;
  abi.entry = entry;
  g_signal_context.record.end = RunEnd::kTrampoline;
  x86diff_native_enter();
  return g_signal_context.record.end;
}

void CopyRecordState(ResultSlot& result) {
  const SignalRecord& record = g_signal_context.record;
  for (int i = 0; i < 16; ++i) result.gpr[i] = record.gpr[i];
  result.rflags = record.rflags;
  result.rip = record.rip;
}

size_t ProbeSlotLength(const CaseSlot& slot, size_t code_size, const uint8_t* initial) {
  const uint64_t boundary = g_child.config.code_address + kCodePageBytes;
  const size_t max_k = code_size < kMaxInstructionBytes ? code_size : kMaxInstructionBytes;
  return ProbeLength(max_k, [&](size_t k) {
    const size_t offset = PlaceProbeBytes(g_child.code_page, kCodePageBytes, slot.code, k);
    CopyBytes(g_child.scratch, initial, kScratchBytes);
    const uint64_t start = g_child.config.code_address + offset;
    if (RunOnce(slot, start) != RunEnd::kSignal) return false;
    const SignalRecord& record = g_signal_context.record;
    ProbeObservation observation;
    observation.signaled = true;
    observation.trapno = record.trapno;
    observation.error_code = record.error_code;
    observation.fault_address = record.signal_address;
    observation.rip = record.rip;
    return IsBoundaryFetchFault(observation, start, boundary);
  });
}

void RunSlot(uint32_t index) {
  const RegionView& region = g_child.config.region;
  // Work on copies: the case runs with the region mapped.
  CaseSlot slot;
  CopyBytes(&slot, region.case_slot(index), sizeof(slot));
  const size_t code_size = slot.code_size <= kMaxCodeBytes ? slot.code_size : kMaxCodeBytes;
  const uint8_t* initial = g_child.config.default_scratch;
  if (slot.has_scratch != 0) {
    CopyBytes(g_initial_scratch, region.scratch_in(index), kScratchBytes);
    initial = g_initial_scratch;
  }

  PlaceCase(slot.code, code_size);
  const bool is_default = initial == g_child.config.default_scratch;
  if (!(is_default && g_scratch_is_default)) CopyBytes(g_child.scratch, initial, kScratchBytes);
  const RunEnd end = RunOnce(slot, g_child.config.code_address);

  ResultSlot result;
  FillBytes(&result, 0, sizeof(result));
  const SignalRecord& record = g_signal_context.record;
  switch (end) {
    case RunEnd::kTrampoline:
      result.kind = static_cast<uint32_t>(SlotKind::kCompleted);
      for (int i = 0; i < 16; ++i) result.gpr[i] = x86diff_native_abi.out_gpr[i];
      result.rflags = x86diff_native_abi.out_rflags;
      result.rip = g_child.config.code_address + code_size;
      break;
    case RunEnd::kTrampolineTrap:
      result.kind = static_cast<uint32_t>(SlotKind::kCompleted);
      CopyRecordState(result);
      result.rip = g_child.config.code_address + code_size;
      break;
    case RunEnd::kSignal:
    case RunEnd::kSyscall:
    case RunEnd::kTimeout:
      result.kind = static_cast<uint32_t>(end == RunEnd::kSignal    ? SlotKind::kSignal
                                          : end == RunEnd::kSyscall ? SlotKind::kSyscall
                                                                    : SlotKind::kTimeout);
      result.signo = record.signo;
      result.si_code = record.si_code;
      result.syscall_nr = record.syscall_nr;
      result.trapno = record.trapno;
      result.error_code = record.error_code;
      result.signal_address = record.signal_address;
      result.cr2 = record.cr2;
      CopyRecordState(result);
      break;
  }

  // Memory first: probing re-runs the code and resets the scratch.
  const bool unchanged = BytesEqual(g_child.scratch, initial, kScratchBytes);
  if (!unchanged) {
    CopyBytes(region.scratch_out(index), g_child.scratch, kScratchBytes);
    result.scratch_changed = 1;
  }
  g_scratch_is_default = is_default && unchanged;
  if (Header()->probe_length != 0 && (end == RunEnd::kSignal || end == RunEnd::kSyscall)) {
    g_scratch_is_default = false;
    const size_t length = ProbeSlotLength(slot, code_size, initial);
    result.length = static_cast<uint32_t>(length);
    result.probe = static_cast<uint32_t>(length != 0 ? ProbeNote::kFound : ProbeNote::kBeyondCode);
  }
  CopyBytes(region.result_slot(index), &result, sizeof(result));
}

// Runs slots [first, end); returns false when the child found itself damaged.
bool RunBatch(uint32_t first, uint32_t end) {
  RegionHeader* header = Header();
  bool intact = true;
  for (uint32_t i = first; i < end; ++i) {
    g_signal_context.current_case = i;
    RunSlot(i);
    // Check before publishing: if the check itself crashes, the parent still blames case i.
    intact = Intact();
    StoreRelease(&header->cases_done, i + 1);
    if (!intact) break;
  }
  return intact;
}

// --- Setup ------------------------------------------------------------------------------------

bool IsError(long rc) { return rc < 0 && rc > -4096; }

void CloseAllFdsBut(int keep) {
  // close_range(2) needs Linux 5.9; older kernels get the loop.
  const bool ranged = keep == 0 || Syscall(__NR_close_range, 0, keep - 1, 0) == 0;
  if (ranged && Syscall(__NR_close_range, keep + 1, ~0u, 0) == 0) return;
  for (int fd = 0; fd < 65536; ++fd) {
    if (fd != keep) Syscall(__NR_close, fd);
  }
}

uint8_t* MapFixed(uint64_t address, size_t size, int protection) {
  const long rc = Syscall(__NR_mmap, static_cast<long>(address), static_cast<long>(size),
                          protection, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
  if (IsError(rc)) return nullptr;
  if (static_cast<uint64_t>(rc) != address) {  // a kernel older than 4.17 ignores the flag
    Syscall(__NR_munmap, rc, static_cast<long>(size));
    return nullptr;
  }
  return reinterpret_cast<uint8_t*>(rc);
}

void SetUpFpuImage() {
  unsigned eax, ebx, ecx, edx;
  __cpuid(1, eax, ebx, ecx, edx);
  uint8_t* image = x86diff_native_fp_image;
  FillBytes(image, 0, X86DIFF_FP_IMAGE_SIZE);
  CopyBytes(image + 0, &kFcwInit, sizeof(kFcwInit));       // FXSAVE layout: FCW at 0
  CopyBytes(image + 24, &kMxcsrInit, sizeof(kMxcsrInit));  // MXCSR at 24
  x86diff_native_abi.xsave_mask = 0;
  if ((ecx & kCpuidOsxsave) == 0) return;  // FXRSTOR of the image above
  uint32_t xcr0_low, xcr0_high;
  asm volatile("xgetbv" : "=a"(xcr0_low), "=d"(xcr0_high) : "c"(0));
  const uint64_t xcr0 = (uint64_t{xcr0_high} << 32) | xcr0_low;
  __cpuid_count(0xD, 0, eax, ebx, ecx, edx);  // EBX: XSAVE area size for the enabled features
  if (ebx > X86DIFF_FP_IMAGE_SIZE) SetupFailed(SetupStage::kFpu, -ENOSPC);
  // The header (bytes 512..575) stays zero: XSTATE_BV = 0 and XCOMP_BV = 0 (standard form).
  x86diff_native_abi.xsave_mask = xcr0 & kFpuComponents;
}

// The point of no return for TLS (see the top of this file): null selectors and zero bases.
void ZeroSegmentBases() {
  asm volatile("movl %0, %%fs" : : "r"(0));
  asm volatile("movl %0, %%gs" : : "r"(0));
  if (g_child.config.kernel_fsgsbase) {
    asm volatile("wrfsbase %0" : : "r"(uint64_t{0}));
    asm volatile("wrgsbase %0" : : "r"(uint64_t{0}));
    return;
  }
  long rc = Syscall(__NR_arch_prctl, ARCH_SET_FS, 0);
  if (rc == 0) rc = Syscall(__NR_arch_prctl, ARCH_SET_GS, 0);
  if (rc != 0) SetupFailed(SetupStage::kSegments, rc);
}

// The entry stub zeroes FS/GS bases per case only if the CPU executes WRFSBASE: without it, test
// code cannot change the bases either (loading a selector gives a flat GDT segment's base, 0).
// Writing 0 is safe even when the kernel did not advertise HWCAP2_FSGSBASE, because 0 is also what
// the kernel has recorded (ZeroSegmentBases) and restores on a context switch.
void DetectBaseInstructions() {
  CaseSlot slot;
  FillBytes(&slot, 0, sizeof(slot));
  slot.rflags = kRflagsReserved1;
  slot.code_size = sizeof(kRdfsbaseRax);
  CopyBytes(slot.code, kRdfsbaseRax, sizeof(kRdfsbaseRax));
  PlaceCase(slot.code, slot.code_size);
  CopyBytes(g_child.scratch, g_child.config.default_scratch, kScratchBytes);
  g_scratch_is_default = false;
  x86diff_native_abi.reset_bases = 0;
  const RunEnd end = RunOnce(slot, g_child.config.code_address);
  x86diff_native_abi.reset_bases = end == RunEnd::kTrampoline ? 1 : 0;
}

// The parts of the child's own setup that use its inherited address space: copies of what the
// parent handed over on its heap, kernel state (signals), and the TLS-based rseq area.
void SetUpWhileInherited() {
  ChildConfig& config = g_child.config;
  long rc = Syscall(__NR_prctl, PR_SET_PDEATHSIG, SIGKILL);
  if (rc != 0) SetupFailed(SetupStage::kDeathSignal, rc);
  if (Syscall(__NR_getppid) != config.parent_pid) Exit(kExitParentGone);  // parent already gone
  // Own process group: terminal signals to the foreground group (Ctrl-C) stay with the parent,
  // which decides; no core files when a case kills the child.
  Syscall(__NR_setpgid, 0, 0);
  const rlimit no_core = {0, 0};
  Syscall(__NR_prlimit64, 0, RLIMIT_CORE, reinterpret_cast<long>(&no_core), 0);

  if (config.filter_length > kMaxFilterLength) SetupFailed(SetupStage::kSeccomp, -E2BIG);
  CopyBytes(g_default_scratch, config.default_scratch, kScratchBytes);
  config.default_scratch = g_default_scratch;
  CopyBytes(g_filter, config.filter, config.filter_length * sizeof(sock_filter));
  config.filter = g_filter;

  g_signal_context.header = Header();
  g_signal_context.code_begin = config.code_address;
  g_signal_context.code_end = config.code_address + kCodePageBytes;
  // Before the unmapping: unoptimised builds may call libc's memset for the zero-initialised
  // kernel structs in there.
  rc = InstallChildSignalHandlers();
  if (rc != 0) SetupFailed(SetupStage::kSignals, rc);
  SetUpFpuImage();

  uint64_t thread_pointer;
  asm volatile("movq %%fs:0, %0" : "=r"(thread_pointer));  // the TCB's self pointer
  rc = UnregisterRseq(thread_pointer);
  if (rc != 0) SetupFailed(SetupStage::kRseq, rc);
}

// The sandbox proper, on a clean address space.
void SetUpSandbox() {
  const ChildConfig& config = g_child.config;
  ZeroSegmentBases();  // no TLS from here on
  CloseAllFdsBut(config.channel_fd);
  uint8_t stack_marker = 0;
  const uint64_t keep[] = {
      reinterpret_cast<uint64_t>(&x86diff_native_enter),  // our code: the binary holding it stays
      reinterpret_cast<uint64_t>(&x86diff_native_abi),    // our data and .bss
      reinterpret_cast<uint64_t>(&g_child),
      reinterpret_cast<uint64_t>(&stack_marker),  // this stack
      reinterpret_cast<uint64_t>(config.region.base()),
  };
  long rc = UnmapAllBut(keep, sizeof(keep) / sizeof(keep[0]));  // no libc from here on
  if (rc != 0) SetupFailed(SetupStage::kAddressSpace, rc);

  g_child.code_page =
      MapFixed(config.code_address, kCodePageBytes, PROT_READ | PROT_WRITE | PROT_EXEC);
  if (g_child.code_page == nullptr) SetupFailed(SetupStage::kMapCode, -EEXIST);
  // The page after the code must stay unmapped (running off the end and length probing fault
  // there): map it once with NOREPLACE to prove nothing is there, then unmap.
  uint8_t* guard = MapFixed(config.code_address + kCodePageBytes, kCodePageBytes, PROT_NONE);
  if (guard == nullptr) SetupFailed(SetupStage::kGuardPage, -EEXIST);
  Syscall(__NR_munmap, reinterpret_cast<long>(guard), kCodePageBytes);
  g_child.scratch = MapFixed(config.scratch_address, kScratchBytes, PROT_READ | PROT_WRITE);
  if (g_child.scratch == nullptr) SetupFailed(SetupStage::kMapScratch, -EEXIST);

  // The exit stub, read-only and executable so that a case cannot redirect it.
  g_child.exit_stub = MapFixed(kExitStubAddress, kCodePageBytes, PROT_READ | PROT_WRITE);
  if (g_child.exit_stub == nullptr) SetupFailed(SetupStage::kMapExitStub, -EEXIST);
  const uint64_t exit_address = reinterpret_cast<uint64_t>(&x86diff_native_exit);
  FillBytes(g_child.exit_stub, 0xCC, kCodePageBytes);
  CopyBytes(g_child.exit_stub, kExitStubJump, sizeof(kExitStubJump));
  CopyBytes(g_child.exit_stub + sizeof(kExitStubJump), &exit_address, sizeof(exit_address));
  rc = Syscall(__NR_mprotect, reinterpret_cast<long>(g_child.exit_stub), kCodePageBytes,
               PROT_READ | PROT_EXEC);
  if (rc != 0) SetupFailed(SetupStage::kMapExitStub, rc);

  DetectBaseInstructions();
  g_child_checksum = Checksum();
  rc = InstallSeccompFilter(config.filter, config.filter_length);
  if (rc != 0) SetupFailed(SetupStage::kSeccomp, rc);
}

}  // namespace

void RunChild(const ChildConfig& config) {
  g_child.config = config;
  SetUpWhileInherited();
  SetUpSandbox();
  RegionHeader* header = Header();
  StoreRelease(&header->state, static_cast<uint32_t>(ChildState::kReady));
  SendByte('R');
  for (;;) {
    char command = 0;
    const long rc =
        Syscall(__NR_read, g_child.config.channel_fd, reinterpret_cast<long>(&command), 1);
    if (rc == -EINTR) continue;
    if (rc != 1) Exit(kExitParentGone);  // EOF: the parent closed its end or died
    const uint32_t first = header->first_case;
    const uint32_t end = header->end_case;
    if (command != 'G' || first > end || end > g_child.config.region.capacity()) {
      Exit(kExitProtocol);
    }
    const bool intact = RunBatch(first, end);
    if (!intact) {
      StoreRelease(&header->state, static_cast<uint32_t>(ChildState::kDamaged));
    }
    SendByte('D');
    if (!intact) Exit(kExitDamaged);
  }
}

}  // namespace x86diff::native

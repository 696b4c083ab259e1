#include "kvm/kvm_executor.h"

#include <cpuid.h>
#include <signal.h>

#include <algorithm>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "harness/memory_diff.h"
#include "harness/memory_layout.h"
#include "harness/status_macros.h"
#include "harness/test_case.h"
#include "kvm/case_end.h"
#include "kvm/vector_reset.h"

namespace x86diff::kvm {

namespace {

constexpr uint8_t kPaddingByte = 0xcc;  // int3 around the code: a stray jump lands on #BP
constexpr uint64_t kRflagsRF = 1u << 16;
constexpr uint32_t kAllImprecise = kImpreciseVector | kImpreciseErrorCode | kImpreciseFaultAddress |
                                   kImpreciseLength | kImpreciseRegisters | kImpreciseMemory;

// CpuState GPR order (x86 register numbers) -> kvm_regs members.
constexpr std::array<__u64 kvm_regs::*, kGprCount> kKvmGprs = {
    &kvm_regs::rax, &kvm_regs::rcx, &kvm_regs::rdx, &kvm_regs::rbx, &kvm_regs::rsp, &kvm_regs::rbp,
    &kvm_regs::rsi, &kvm_regs::rdi, &kvm_regs::r8,  &kvm_regs::r9,  &kvm_regs::r10, &kvm_regs::r11,
    &kvm_regs::r12, &kvm_regs::r13, &kvm_regs::r14, &kvm_regs::r15,
};

CpuState FromKvmRegs(const kvm_regs& regs) {
  CpuState state;
  for (int i = 0; i < kGprCount; ++i) state.gpr[i] = regs.*kKvmGprs[i];
  state.rip = regs.rip;
  state.rflags = regs.rflags & ~kRflagsRF;
  return state;
}

kvm_regs ToKvmRegs(const CpuState& state) {
  kvm_regs regs = {};
  for (int i = 0; i < kGprCount; ++i) regs.*kKvmGprs[i] = state.gpr[i];
  regs.rip = state.rip;
  regs.rflags = LoadedRflags(state.rflags);
  return regs;
}

uint64_t ReadLittle(const uint8_t* at, int bytes) {
  uint64_t value = 0;
  std::memcpy(&value, at, bytes);
  return value;
}

bool IsLongMode(Mode mode) { return mode == Mode::kCompat32 || mode == Mode::kLong64; }

// Whether this process runs under QEMU's TCG (hypervisor CPUID leaf signature "TCGTCGTCGTCG").
bool HostIsQemuTcg() {
  unsigned int eax = 0, ebx = 0, ecx = 0, edx = 0;
  __cpuid(1, eax, ebx, ecx, edx);
  if (!((ecx >> 31) & 1)) return false;  // no hypervisor
  __cpuid(0x40000000, eax, ebx, ecx, edx);
  char signature[13] = {};
  std::memcpy(signature, &ebx, 4);
  std::memcpy(signature + 4, &ecx, 4);
  std::memcpy(signature + 8, &edx, 4);
  return std::strcmp(signature, "TCGTCGTCGTCG") == 0;
}

GuestFeatures FeaturesFrom(const KvmSystem& system) {
  GuestFeatures features;
  features.qemu_tcg_host = HostIsQemuTcg();
  if (const kvm_cpuid_entry2* leaf = system.FindCpuid(0x80000001)) {
    features.nx = (leaf->edx >> 20) & 1;
    features.one_gib_pages = (leaf->edx >> 26) & 1;
  }
  if (const kvm_cpuid_entry2* leaf = system.FindCpuid(1)) {
    features.xsave = (leaf->ecx >> 26) & 1;
  }
  if (features.xsave) {
    // XCR0 must keep x87; AVX needs SSE; the three AVX-512 components go together with AVX
    // (SDM Vol. 1 13.3).
    uint64_t supported = 0x3;
    if (const kvm_cpuid_entry2* leaf = system.FindCpuid(0xd, 0)) {
      supported = leaf->eax | (uint64_t{leaf->edx} << 32);
    }
    uint64_t xcr0 = 0x1 | (supported & 0x2);
    if ((supported & 0x4) && (xcr0 & 0x2)) xcr0 |= 0x4;
    if ((supported & 0xe0) == 0xe0 && (xcr0 & 0x4)) xcr0 |= 0xe0;
    features.xcr0 = xcr0;
  }
  return features;
}

}  // namespace

absl::StatusOr<std::unique_ptr<KvmExecutor>> KvmExecutor::Create(KvmExecutorOptions options) {
  ASSIGN_OR_RETURN(KvmSystem system, KvmSystem::Open(options.device.c_str()));
  const std::pair<int, const char*> kNeeded[] = {
      {KVM_CAP_USER_MEMORY, "KVM_CAP_USER_MEMORY"},
      {KVM_CAP_EXT_CPUID, "KVM_CAP_EXT_CPUID"},
      {KVM_CAP_IMMEDIATE_EXIT, "KVM_CAP_IMMEDIATE_EXIT"},
      {KVM_CAP_SET_TSS_ADDR, "KVM_CAP_SET_TSS_ADDR"},
      {KVM_CAP_VCPU_EVENTS, "KVM_CAP_VCPU_EVENTS"},
  };
  for (const auto& [capability, name] : kNeeded) {
    if (system.CheckExtension(capability) <= 0) {
      return absl::FailedPreconditionError(
          absl::StrCat(options.device, " lacks ", name, ", which the KVM executor needs"));
    }
  }
  GuestFeatures features = FeaturesFrom(system);
  if (features.xsave && system.CheckExtension(KVM_CAP_XCRS) <= 0) features.xsave = false;
  if (!features.xsave) features.xcr0 = 0x1;
  features.kvm_set_xsave = system.CheckExtension(KVM_CAP_XSAVE) > 0;
#ifdef KVM_CAP_XSAVE2
  features.kvm_xsave_bytes = std::max<size_t>(features.kvm_xsave_bytes,
                                              std::max(0, system.CheckExtension(KVM_CAP_XSAVE2)));
#endif
  if (options.timeout_signal == 0) options.timeout_signal = SIGRTMIN + 4;
  ASSIGN_OR_RETURN(RunTimer timer, RunTimer::Create(options.timeout_signal));
  return std::unique_ptr<KvmExecutor>(
      new KvmExecutor(std::move(options), std::move(system), std::move(timer), features));
}

KvmExecutor::KvmExecutor(KvmExecutorOptions options, KvmSystem system, RunTimer timer,
                         GuestFeatures features)
    : options_(std::move(options)),
      system_(std::move(system)),
      timer_(std::move(timer)),
      features_(features) {}

absl::StatusOr<std::unique_ptr<KvmExecutor::ModeVm>> KvmExecutor::BuildVm(Mode mode) {
  auto mode_vm = std::make_unique<ModeVm>();
  ASSIGN_OR_RETURN(mode_vm->vm, Vm::Create(system_));
  Vm& vm = *mode_vm->vm;
  // Always KVM_SET_CPUID2: without it guests on large pages triple-fault under shadow paging
  // (FACTS.md, KVM), and XCR0 can only enable what the guest's CPUID offers.
  RETURN_IF_ERROR(vm.vcpu().SetCpuid(system_.supported_cpuid()));
  const bool real_mode = mode == Mode::kReal16;
  RETURN_IF_ERROR(AddGuestMemory(vm, /*log_dirty_low=*/real_mode));
  RETURN_IF_ERROR(WriteSystemTables(mode, features_, vm));
  RETURN_IF_ERROR(WriteBatchSupport(mode, features_, vm));
  RETURN_IF_ERROR(vm.vcpu().GetSregs(mode_vm->sregs));
  ApplyModeSregs(mode, features_, mode_vm->sregs);
  mode_vm->runner_sregs = mode_vm->sregs;
  ApplyRunnerSregs(mode, mode_vm->runner_sregs);
  ++stats_.vm_builds;
  RETURN_IF_ERROR(vm.vcpu().SetSregs(mode_vm->sregs));  // CR4.OSXSAVE before XCR0
  if (features_.xsave) RETURN_IF_ERROR(vm.vcpu().SetXcr0(features_.xcr0));
  if (real_mode) {
    // Real-mode code runs at CPL 0 without paging and can write anywhere in its first MiB
    // (IVT included): keep the built image and restore what the guest dirtied after each case.
    mode_vm->pristine_low.assign(kLowMemorySize, 0);
    for (uint64_t page = 0; page < kLowMemorySize; page += kPageSize) {
      if (const uint8_t* host = vm.Host(page, kPageSize)) {
        std::memcpy(mode_vm->pristine_low.data() + page, host, kPageSize);
      }
    }
    RETURN_IF_ERROR(vm.TakeDirtyPages().status());  // start the log from a clean state
  }
  return mode_vm;
}

absl::StatusOr<KvmExecutor::ModeVm*> KvmExecutor::VmFor(Mode mode) {
  std::unique_ptr<ModeVm>& slot = vms_[static_cast<int>(mode)];
  if (slot == nullptr) {
    absl::StatusOr<std::unique_ptr<ModeVm>> built = BuildVm(mode);
    if (!built.ok()) {
      return absl::Status(built.status().code(), absl::StrCat("building the ", ModeName(mode),
                                                              " VM: ", built.status().message()));
    }
    slot = *std::move(built);
    warming_up_ = true;
    absl::StatusOr<ExecResult> warm_up = ExecuteOne(TestCase{.mode = mode});
    warming_up_ = false;
    if (!warm_up.ok() || warm_up->status != ExecStatus::kCompleted) {
      vms_[static_cast<int>(mode)].reset();
      return absl::InternalError(absl::StrCat(
          "warm-up run of the new ", ModeName(mode), " VM did not complete: ",
          warm_up.ok() ? absl::StrCat(ExecStatusName(warm_up->status), " ", warm_up->detail)
                       : warm_up.status().ToString()));
    }
  }
  return vms_[static_cast<int>(mode)].get();
}

absl::Status KvmExecutor::RestoreDirtyLowMemory(ModeVm& mode_vm) {
  ASSIGN_OR_RETURN(std::vector<uint64_t> pages, mode_vm.vm->TakeDirtyPages());
  for (uint64_t page : pages) {
    if (page >= kLowMemorySize) continue;
    if (uint8_t* host = mode_vm.vm->Host(page, kPageSize)) {
      std::memcpy(host, mode_vm.pristine_low.data() + page, kPageSize);
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<Stop> KvmExecutor::RunVcpu(Vcpu& vcpu, absl::Duration limit) {
  ++stats_.exits;
  return timer_.Run(vcpu, limit);
}

absl::StatusOr<ExecResult> KvmExecutor::Execute(const TestCase& test_case) {
  ++stats_.cases;
  ASSIGN_OR_RETURN(ExecResult result, ExecuteOne(test_case));
  RETURN_IF_ERROR(ProbeFaultLength(test_case, result));
  return result;
}

// The method of adapters/native/length_probe.h: the first k code bytes end where the not-present
// page after the code page begins. While k is shorter than the first instruction, the CPU needs a
// byte from that page and takes a #PF with CR2 at the boundary and RIP still at the instruction;
// the smallest k without that fault is the instruction's length as this CPU fetches it. Real mode
// has no paging (the page after its code page has no memory slot: an MMIO exit), so no probing.
absl::Status KvmExecutor::ProbeFaultLength(const TestCase& test_case, ExecResult& result) {
  if (!options_.probe_length || result.status != ExecStatus::kFault ||
      test_case.mode == Mode::kReal16) {
    return absl::OkStatus();
  }
  const MemoryLayout& layout = LayoutFor(test_case.mode);
  const uint64_t boundary = layout.code_address + layout.code_size;
  const size_t max_k = std::min(test_case.code.size(), kMaxInstructionBytes);
  TestCase probe = test_case;
  for (size_t k = 1; k <= max_k; ++k) {
    probe.code.assign(test_case.code.begin(), test_case.code.begin() + k);
    ++stats_.probe_runs;
    ASSIGN_OR_RETURN(const ExecResult run, ExecuteOne(probe, layout.code_size - k));
    if (run.status == ExecStatus::kCrash || run.status == ExecStatus::kUnsupported) {
      return absl::OkStatus();  // the probe says nothing; the length stays unknown
    }
    const bool boundary_fetch_fault = run.status == ExecStatus::kFault && run.vector == kVectorPF &&
                                      run.has_fault_address && run.fault_address == boundary &&
                                      run.final_state.rip == boundary - k;
    if (!boundary_fetch_fault) {
      result.length = static_cast<uint8_t>(k);
      return absl::OkStatus();
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<ExecResult> KvmExecutor::ExecuteOne(const TestCase& test_case, size_t code_offset) {
  const Mode mode = test_case.mode;
  const MemoryLayout& layout = LayoutFor(mode);
  if (test_case.code.size() >= layout.code_size) {
    return absl::InvalidArgumentError(
        absl::StrCat("code of ", test_case.code.size(), " bytes does not fit the code page"));
  }
  ASSIGN_OR_RETURN(ModeVm * mode_vm, VmFor(mode));
  Vm& vm = *mode_vm->vm;
  Vcpu& vcpu = vm.vcpu();
  if (mode_vm->idt_batch) {
    SelectIdt(mode, vm, /*batch=*/false);
    mode_vm->idt_batch = false;
  }

  // Code page: padding, the code, then the `hlt` sentinel right after it.
  uint8_t* code = vm.Host(layout.code_address, layout.code_size);
  uint8_t* scratch = vm.Host(layout.scratch_address, layout.scratch_size);
  if (code == nullptr || scratch == nullptr) {
    return absl::InternalError("layout pages are not backed by guest memory");
  }
  std::memset(code, kPaddingByte, layout.code_size);
  const size_t code_end = code_offset + test_case.code.size();
  if (code_end > layout.code_size) return absl::InternalError("probe code past the code page");
  std::copy(test_case.code.begin(), test_case.code.end(), code + code_offset);
  const uint64_t sentinel = layout.code_address + code_end;
  if (code_end < layout.code_size) code[code_end] = kHltOpcode;
  const std::vector<uint8_t> initial_scratch = ScratchContents(test_case);
  std::copy(initial_scratch.begin(), initial_scratch.end(), scratch);

  // Every case leaves the vCPU in ring 0 (exception stub) or with segments the case loaded, so
  // the mode's special registers are loaded each time (see README: I/O-bitmap sentinel).
  RETURN_IF_ERROR(vcpu.SetSregs(mode_vm->sregs));
  CpuState initial = InitialState(test_case);
  initial.rip += code_offset;
  RETURN_IF_ERROR(vcpu.SetRegs(ToKvmRegs(initial)));
  // Every case starts from the same x87/SSE/AVX state (vector_reset.h).
  RETURN_IF_ERROR(ResetVectorState(vcpu, features_.kvm_set_xsave, features_.kvm_xsave_bytes));

  ASSIGN_OR_RETURN(const Stop stop, RunVcpu(vcpu, warming_up_ ? kWarmUpTimeout : options_.timeout));

  ExecResult result;
  kvm_regs regs = {};
  kvm_sregs sregs = {};
  auto discard_vm = [&] { vms_[static_cast<int>(mode)].reset(); };
  switch (stop.kind) {
    case StopKind::kTimeout:
      RETURN_IF_ERROR(vcpu.GetRegs(regs));
      RETURN_IF_ERROR(vcpu.ClearEvents());
      result.status = ExecStatus::kTimeout;
      result.final_state = FromKvmRegs(regs);
      result.detail = stop.detail;
      result.memory_changes = DiffMemory(layout.scratch_address, initial_scratch,
                                         absl::MakeConstSpan(scratch, initial_scratch.size()));
      if (mode == Mode::kReal16) RETURN_IF_ERROR(RestoreDirtyLowMemory(*mode_vm));
      return result;
    case StopKind::kEmulated:
      // The exit waits for userspace to complete an emulated access; the VM is not reused.
      result.status = ExecStatus::kUnsupported;
      result.imprecise = kAllImprecise;
      result.detail = absl::StrCat("kvm-emulated: ", stop.detail);
      discard_vm();
      return result;
    case StopKind::kShutdown:
    case StopKind::kFailEntry:
    case StopKind::kInternalError:
    case StopKind::kOther:
      result.status = ExecStatus::kCrash;
      result.detail = stop.detail;
      if (stop.kind == StopKind::kInternalError &&
          vcpu.run()->internal.suberror == KVM_INTERNAL_ERROR_EMULATION) {
        result.detail = absl::StrCat("kvm-emulated: ", stop.detail);
        result.imprecise = kAllImprecise;
      }
      discard_vm();
      return result;
    case StopKind::kHalt:
      break;
  }

  RETURN_IF_ERROR(vcpu.GetRegs(regs));
  RETURN_IF_ERROR(vcpu.GetSregs(sregs));
  result.final_state = FromKvmRegs(regs);
  const uint64_t halt_linear = sregs.cs.base + regs.rip - 1;  // HLT exits report RIP after it
  const uint64_t stubs = StubsAddress(mode);
  const bool in_stub = halt_linear >= stubs && halt_linear < stubs + kVectorCount;

  if (mode == Mode::kReal16) {
    if (halt_linear == sentinel) {
      result.status = ExecStatus::kCompleted;
      result.final_state.rip = regs.rip - 1;
    } else if (in_stub) {
      // SDM Vol. 3 20.1.4: FLAGS, CS, IP pushed on SS:SP; real mode has no error codes.
      const uint64_t frame = sregs.ss.base + (regs.rsp & 0xffff);
      const uint8_t* at = vm.Host(frame, 6);
      if (at == nullptr) return absl::InternalError("real-mode exception frame unbacked");
      result.status = ExecStatus::kFault;
      result.vector = static_cast<uint8_t>(halt_linear - stubs);
      result.final_state.rip = ReadLittle(at, 2);
      result.final_state.rflags =
          (regs.rflags & ~uint64_t{0xffff} & ~kRflagsRF) | ReadLittle(at + 4, 2);
      result.final_state[Gpr::kRsp] = (regs.rsp & ~uint64_t{0xffff}) | ((regs.rsp + 6) & 0xffff);
      // The frame is the executor's, not the case's: do not report it as a memory change.
      for (uint64_t a = frame; a < frame + 6; ++a) {
        if (a >= layout.scratch_address && a < layout.scratch_address + layout.scratch_size) {
          scratch[a - layout.scratch_address] = initial_scratch[a - layout.scratch_address];
        }
      }
    } else {
      result.status = ExecStatus::kUnsupported;
      result.detail = absl::StrFormat(
          "hlt at linear 0x%x executed at CPL 0 (real mode): the case halted the CPU", halt_linear);
    }
  } else {
    if (!in_stub) {
      result.status = ExecStatus::kCrash;
      result.detail = absl::StrFormat("halted at unexpected linear address 0x%x", halt_linear);
      discard_vm();
      return result;
    }
    // SDM Vol. 3 6.12.1 / 6.14.2: [error code], RIP, CS, RFLAGS, RSP, SS on the ring-0 stack;
    // 8-byte slots in long mode, 4-byte slots through 32-bit gates.
    ProtectedEnd end;
    end.vector = static_cast<uint8_t>(halt_linear - stubs);
    const int slot = IsLongMode(mode) ? 8 : 4;
    const bool has_error_code = VectorPushesErrorCode(end.vector);
    const uint8_t* at = vm.Host(regs.rsp, 6 * slot);
    if (at == nullptr) return absl::InternalError("exception frame outside guest memory");
    end.error_code = has_error_code ? ReadLittle(at, slot) : 0;
    const uint8_t* saved = at + (has_error_code ? slot : 0);
    end.saved_rip = ReadLittle(saved, slot);
    end.saved_cs = ReadLittle(saved + slot, slot);
    end.saved_rflags = ReadLittle(saved + 2 * slot, slot);
    end.saved_rsp = ReadLittle(saved + 3 * slot, slot);
    end.cr2 = sregs.cr2;
    end.gprs = result.final_state;
    if (!FromUserMode(end)) {
      result.status = ExecStatus::kCrash;
      result.detail = absl::StrFormat("%s in ring 0 at 0x%x (cs 0x%x)", VectorName(end.vector),
                                      end.saved_rip, end.saved_cs);
      discard_vm();
      return result;
    }
    result = ResultFromProtectedEnd(mode, sentinel, end);
  }

  FinishResult(mode, initial_scratch, absl::MakeConstSpan(scratch, initial_scratch.size()), result);
  if (mode == Mode::kReal16) RETURN_IF_ERROR(RestoreDirtyLowMemory(*mode_vm));
  return result;
}

}  // namespace x86diff::kvm

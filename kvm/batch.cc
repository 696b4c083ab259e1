#include "kvm/batch.h"

#include <array>
#include <cstring>

#include "harness/memory_diff.h"
#include "harness/memory_layout.h"
#include "kvm/case_end.h"
#include "kvm/guest_state.h"
#include "kvm/vector_reset.h"

// The two runner blobs (batch_runner.S, .rodata): [begin, end) is copied to
// X86DIFF_KVM_BATCH_RUNNER; the other symbols locate the entry, the stubs' common handler and
// the final `hlt` inside it.
extern "C" {
extern const uint8_t x86diff_kvm_runner64_begin[], x86diff_kvm_runner64_entry[],
    x86diff_kvm_runner64_handler[], x86diff_kvm_runner64_done[], x86diff_kvm_runner64_end[];
extern const uint8_t x86diff_kvm_runner32_begin[], x86diff_kvm_runner32_entry[],
    x86diff_kvm_runner32_handler[], x86diff_kvm_runner32_done[], x86diff_kvm_runner32_end[];
}

namespace x86diff::kvm {

static_assert(X86DIFF_KVM_KERNEL_STACK_TOP == kKernelStackTop);
static_assert(X86DIFF_KVM_KERNEL_DATA_SELECTOR == kSelectorKernelData);
static_assert(X86DIFF_KVM_GDT == kGdtAddress);
static_assert(X86DIFF_KVM_RUNNER_STACK_SELECTOR == kSelectorRunnerStack);
static_assert(X86DIFF_KVM_BATCH_STUBS >= kFlatPtAddress + kPageSize);
static_assert(X86DIFF_KVM_BATCH_FPU_INIT % 64 == 0);  // xrstor's alignment
static_assert(X86DIFF_KVM_BATCH_FPU_INIT >= X86DIFF_KVM_HLT_IDT_IMAGE + 0x1000);
static_assert(X86DIFF_KVM_BATCH_FPU_INIT + kInitXsaveImageBytes <= X86DIFF_KVM_ESPFIX_FRAME);
static_assert(X86DIFF_KVM_BATCH_RECORDS_END == kSystemBase + kSystemSize);
static_assert(X86DIFF_KVM_REC_PATCHES + X86DIFF_KVM_REC_MAX_PATCHES <= X86DIFF_KVM_REC_OUT);
static_assert(X86DIFF_KVM_REC_CODE + X86DIFF_KVM_REC_MAX_CODE <= X86DIFF_KVM_REC_PATCHES);
static_assert(X86DIFF_KVM_REC_OUT + X86DIFF_KVM_REC_OUT_SIZE <= X86DIFF_KVM_REC_OUT_SCRATCH);
static_assert(X86DIFF_KVM_REC_OUT_DIRTY + 4 <= X86DIFF_KVM_REC_OUT + X86DIFF_KVM_REC_OUT_SIZE);

namespace {

constexpr uint64_t kStubStride = 16;
constexpr uint64_t kRunnerMaxBytes = 0x1000;
constexpr uint64_t kIdtImageBytes = 0x1000;

bool IsLongMode(Mode mode) { return mode == Mode::kCompat32 || mode == Mode::kLong64; }

struct Blob {
  const uint8_t* begin;
  const uint8_t* entry;
  const uint8_t* handler;
  const uint8_t* done;
  const uint8_t* end;
};

Blob RunnerBlob(Mode mode) {
  if (IsLongMode(mode)) {
    return {x86diff_kvm_runner64_begin, x86diff_kvm_runner64_entry, x86diff_kvm_runner64_handler,
            x86diff_kvm_runner64_done, x86diff_kvm_runner64_end};
  }
  return {x86diff_kvm_runner32_begin, x86diff_kvm_runner32_entry, x86diff_kvm_runner32_handler,
          x86diff_kvm_runner32_done, x86diff_kvm_runner32_end};
}

template <typename T>
void Store(uint8_t* at, T value) {
  std::memcpy(at, &value, sizeof(T));
}

template <typename T>
T Load(const uint8_t* at) {
  T value;
  std::memcpy(&value, at, sizeof(T));
  return value;
}

// DefaultScratchContents(mode), computed once per mode.
const std::vector<uint8_t>& DefaultScratch(Mode mode) {
  static const auto* cache = [] {
    auto* all = new std::array<std::vector<uint8_t>, kModeMaxValue + 1>;
    for (Mode m : kAllModes) (*all)[static_cast<int>(m)] = DefaultScratchContents(m);
    return all;
  }();
  return (*cache)[static_cast<int>(mode)];
}

uint8_t* Control(Vm& vm) { return vm.Host(X86DIFF_KVM_BATCH_CONTROL, X86DIFF_KVM_CTL_SIZE); }

uint8_t* Record(int slot, Vm& vm) {
  return vm.Host(X86DIFF_KVM_BATCH_RECORDS + uint64_t{X86DIFF_KVM_REC_SIZE} * slot,
                 X86DIFF_KVM_REC_SIZE);
}

}  // namespace

bool ModeHasBatchRunner(Mode mode) { return mode != Mode::kReal16; }

std::optional<std::vector<uint8_t>> EncodeRecord(const TestCase& test_case) {
  const Mode mode = test_case.mode;
  if (!ModeHasBatchRunner(mode) || test_case.code.size() > X86DIFF_KVM_REC_MAX_CODE) {
    return std::nullopt;
  }
  const CpuState state = InitialState(test_case);
  if (!IsLongMode(mode)) {
    for (int i = 0; i < 8; ++i) {
      if (state.gpr[i] >> 32) return std::nullopt;
    }
  }
  std::vector<uint8_t> record(X86DIFF_KVM_REC_OUT, 0);
  for (int i = 0; i < kGprCount; ++i) {
    Store<uint64_t>(record.data() + X86DIFF_KVM_REC_GPR + 8 * i, state.gpr[i]);
  }
  Store<uint64_t>(record.data() + X86DIFF_KVM_REC_RFLAGS, LoadedRflags(state.rflags));
  Store<uint64_t>(record.data() + X86DIFF_KVM_REC_CODE_BYTES, test_case.code.size());
  std::memcpy(record.data() + X86DIFF_KVM_REC_CODE, test_case.code.data(), test_case.code.size());
  // The scratch patches as the runner applies them: the runs where the case's initial scratch
  // differs from the default (this also settles overlapping and clipped patches).
  size_t stream = 0;
  uint64_t patch_pages = 0;
  if (!test_case.scratch_patches.empty()) {
    const std::vector<uint8_t> initial = ScratchContents(test_case);
    for (const MemoryChange& run : DiffMemory(0, DefaultScratch(mode), initial)) {
      const size_t bytes = 4 + run.after.size();
      if (stream + bytes > X86DIFF_KVM_REC_MAX_PATCHES) return std::nullopt;
      uint8_t* at = record.data() + X86DIFF_KVM_REC_PATCHES + stream;
      Store<uint16_t>(at, static_cast<uint16_t>(run.address));
      Store<uint16_t>(at + 2, static_cast<uint16_t>(run.after.size()));
      std::memcpy(at + 4, run.after.data(), run.after.size());
      stream += bytes;
      for (uint64_t page = run.address / kPageSize;
           page <= (run.address + run.after.size() - 1) / kPageSize; ++page) {
        patch_pages |= uint64_t{1} << page;
      }
    }
  }
  Store<uint64_t>(record.data() + X86DIFF_KVM_REC_PATCH_BYTES, stream);
  Store<uint64_t>(record.data() + X86DIFF_KVM_REC_PATCH_PAGES, patch_pages);
  return record;
}

absl::Status WriteBatchSupport(Mode mode, const GuestFeatures& features, Vm& vm) {
  if (!ModeHasBatchRunner(mode)) return absl::OkStatus();
  uint8_t* system = vm.Host(kSystemBase, kSystemSize);
  if (system == nullptr) return absl::InternalError("system area unbacked");
  auto at = [&](uint64_t gpa) { return system + (gpa - kSystemBase); };

  const Blob blob = RunnerBlob(mode);
  const size_t runner_bytes = blob.end - blob.begin;
  if (runner_bytes > kRunnerMaxBytes) return absl::InternalError("batch runner too large");
  std::memcpy(at(X86DIFF_KVM_BATCH_RUNNER), blob.begin, runner_bytes);
  const uint64_t handler = X86DIFF_KVM_BATCH_RUNNER + (blob.handler - blob.begin);

  // Stub v: [push 0 (vectors without error code, so that every frame looks alike);]
  // push imm32 v; jmp rel32 handler. The same bytes in 32-bit and 64-bit code.
  for (int v = 0; v < kVectorCount; ++v) {
    const uint64_t stub = X86DIFF_KVM_BATCH_STUBS + kStubStride * v;
    uint8_t* code = at(stub);
    std::memset(code, kHltOpcode, kStubStride);
    int n = 0;
    if (!VectorPushesErrorCode(static_cast<uint8_t>(v))) {
      code[n++] = 0x6a;
      code[n++] = 0x00;
    }
    code[n++] = 0x68;
    Store<uint32_t>(code + n, static_cast<uint32_t>(v));
    n += 4;
    code[n++] = 0xe9;
    Store<int32_t>(code + n, static_cast<int32_t>(handler - (stub + n + 4)));
  }

  std::memcpy(at(X86DIFF_KVM_HLT_IDT_IMAGE), at(kIdtAddress), kIdtImageBytes);
  WriteIdt(mode, X86DIFF_KVM_BATCH_STUBS, kStubStride, at(X86DIFF_KVM_BATCH_IDT_IMAGE));

  const std::vector<uint8_t>& scratch = DefaultScratch(mode);
  std::memcpy(at(X86DIFF_KVM_BATCH_PRISTINE), scratch.data(), scratch.size());

  // The same state as one by one (vector_reset.h); xrstor needs CR4.OSXSAVE, which the mode's
  // sregs set exactly when features.xsave.
  WriteInitXsaveImage(at(X86DIFF_KVM_BATCH_FPU_INIT), features.xsave ? (features.xcr0 & 0x3) : 0);
  Store<uint64_t>(Control(vm) + X86DIFF_KVM_CTL_XSAVE, features.xsave ? 1 : 0);
  return absl::OkStatus();
}

void SelectIdt(Mode mode, Vm& vm, bool batch) {
  const uint64_t image = batch ? X86DIFF_KVM_BATCH_IDT_IMAGE : X86DIFF_KVM_HLT_IDT_IMAGE;
  std::memcpy(vm.Host(kIdtAddress, kIdtImageBytes), vm.Host(image, kIdtImageBytes), kIdtImageBytes);
}

void PrepareRun(Mode mode, const kvm_sregs& mode_sregs, int first, int count, Vm& vm) {
  const MemoryLayout& layout = LayoutFor(mode);
  uint8_t* control = Control(vm);
  Store<uint64_t>(control + X86DIFF_KVM_CTL_COUNT, count);
  Store<uint64_t>(control + X86DIFF_KVM_CTL_INDEX, first);
  Store<uint64_t>(control + X86DIFF_KVM_CTL_CODE_ADDRESS, layout.code_address);
  Store<uint64_t>(control + X86DIFF_KVM_CTL_SCRATCH, layout.scratch_address);
  Store<uint64_t>(control + X86DIFF_KVM_CTL_SCRATCH_BYTES, layout.scratch_size);
  Store<uint64_t>(control + X86DIFF_KVM_CTL_USER_CS, mode_sregs.cs.selector);
  Store<uint64_t>(control + X86DIFF_KVM_CTL_USER_SS, mode_sregs.ss.selector);
  Store<uint64_t>(control + X86DIFF_KVM_CTL_CODE_USED, 0);
  Store<uint64_t>(control + X86DIFF_KVM_CTL_STATUS, X86DIFF_KVM_STATUS_RUNNING);
  Store<uint64_t>(control + X86DIFF_KVM_CTL_ESPFIX, mode_sregs.ss.db ? 0 : 1);
  // Scratch holds whatever ran before (one-by-one cases): restore every page first.
  Store<uint64_t>(control + X86DIFF_KVM_CTL_RESTORE,
                  (uint64_t{1} << (layout.scratch_size / kPageSize)) - 1);
  Store<uint64_t>(control + X86DIFF_KVM_CTL_SCRATCH_PTE, PteAddress(layout.scratch_address));
  std::memset(vm.Host(layout.code_address, layout.code_size), 0xcc, layout.code_size);
}

void WriteRecord(int slot, const std::vector<uint8_t>& record, Vm& vm) {
  std::memcpy(Record(slot, vm), record.data(), record.size());
}

RunnerControl ReadControl(const Vm& vm) {
  const uint8_t* control = vm.Host(X86DIFF_KVM_BATCH_CONTROL, X86DIFF_KVM_CTL_SIZE);
  return {.index = Load<uint64_t>(control + X86DIFF_KVM_CTL_INDEX),
          .status = Load<uint64_t>(control + X86DIFF_KVM_CTL_STATUS)};
}

uint64_t RunnerEntry(Mode mode) {
  const Blob blob = RunnerBlob(mode);
  return X86DIFF_KVM_BATCH_RUNNER + (blob.entry - blob.begin);
}

uint64_t RunnerDoneHlt(Mode mode) {
  const Blob blob = RunnerBlob(mode);
  return X86DIFF_KVM_BATCH_RUNNER + (blob.done - blob.begin);
}

ExecResult ReadRecordResult(const TestCase& test_case, int slot, const Vm& vm) {
  const Mode mode = test_case.mode;
  const MemoryLayout& layout = LayoutFor(mode);
  const uint8_t* record = vm.Host(X86DIFF_KVM_BATCH_RECORDS + uint64_t{X86DIFF_KVM_REC_SIZE} * slot,
                                  X86DIFF_KVM_REC_SIZE);
  const uint8_t* out = record + X86DIFF_KVM_REC_OUT;
  ProtectedEnd end;
  if (IsLongMode(mode)) {
    auto field = [&](int i) { return Load<uint64_t>(out + 8 * i); };
    for (int i = 0; i < kGprCount; ++i) end.gprs.gpr[i] = field(i);
    end.vector = static_cast<uint8_t>(field(16));
    end.error_code = field(17);
    end.saved_rip = field(18);
    end.saved_cs = field(19);
    end.saved_rflags = field(20);
    end.saved_rsp = field(21);
    end.cr2 = field(23);
  } else {
    // The 32-bit runner saw EAX..EDI only; R8..R15 keep their initial values, as one by one.
    auto field = [&](int i) { return uint64_t{Load<uint32_t>(out + 4 * i)}; };
    end.gprs = InitialState(test_case);
    for (int i = 0; i < 8; ++i) end.gprs.gpr[i] = field(i);
    end.vector = static_cast<uint8_t>(field(8));
    end.error_code = field(9);
    end.saved_rip = field(10);
    end.saved_cs = field(11);
    end.saved_rflags = field(12);
    end.saved_rsp = field(13);
    end.cr2 = field(15);
  }
  end.gprs[Gpr::kRsp] = kKernelStackTop;  // the ring-0 RSP: only its upper half (0) is used
  ExecResult result =
      ResultFromProtectedEnd(mode, layout.code_address + test_case.code.size(), end);
  // Pages the case did not write still hold their initial contents.
  const std::vector<uint8_t> initial = ScratchContents(test_case);
  std::vector<uint8_t> after = initial;
  const uint32_t dirty = Load<uint32_t>(record + X86DIFF_KVM_REC_OUT_DIRTY);
  for (uint64_t page = 0; page < layout.scratch_size / kPageSize; ++page) {
    if ((dirty >> page) & 1) {
      std::memcpy(after.data() + page * kPageSize,
                  record + X86DIFF_KVM_REC_OUT_SCRATCH + page * kPageSize, kPageSize);
    }
  }
  FinishResult(mode, initial, after, result);
  return result;
}

}  // namespace x86diff::kvm

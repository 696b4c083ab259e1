#include "adapters/plugin/plugin_abi.h"

#include <algorithm>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "harness/memory_diff.h"
#include "harness/memory_layout.h"

namespace x86diff {

namespace {

// The ABI's numbers are x86diff's own; these pin them so neither side can drift.
static_assert(X86DIFF_PLUGIN_MODE_REAL16 == static_cast<uint32_t>(Mode::kReal16));
static_assert(X86DIFF_PLUGIN_MODE_PROT16 == static_cast<uint32_t>(Mode::kProt16));
static_assert(X86DIFF_PLUGIN_MODE_PROT32 == static_cast<uint32_t>(Mode::kProt32));
static_assert(X86DIFF_PLUGIN_MODE_COMPAT32 == static_cast<uint32_t>(Mode::kCompat32));
static_assert(X86DIFF_PLUGIN_MODE_LONG64 == static_cast<uint32_t>(Mode::kLong64));
static_assert(X86DIFF_PLUGIN_STATUS_COMPLETED == static_cast<uint32_t>(ExecStatus::kCompleted));
static_assert(X86DIFF_PLUGIN_STATUS_FAULT == static_cast<uint32_t>(ExecStatus::kFault));
static_assert(X86DIFF_PLUGIN_STATUS_SYSCALL == static_cast<uint32_t>(ExecStatus::kSyscall));
static_assert(X86DIFF_PLUGIN_STATUS_TIMEOUT == static_cast<uint32_t>(ExecStatus::kTimeout));
static_assert(X86DIFF_PLUGIN_STATUS_CRASH == static_cast<uint32_t>(ExecStatus::kCrash));
static_assert(X86DIFF_PLUGIN_STATUS_UNSUPPORTED == static_cast<uint32_t>(ExecStatus::kUnsupported));
static_assert(X86DIFF_PLUGIN_IMPRECISE_VECTOR == kImpreciseVector);
static_assert(X86DIFF_PLUGIN_IMPRECISE_ERROR_CODE == kImpreciseErrorCode);
static_assert(X86DIFF_PLUGIN_IMPRECISE_FAULT_ADDRESS == kImpreciseFaultAddress);
static_assert(X86DIFF_PLUGIN_IMPRECISE_LENGTH == kImpreciseLength);
static_assert(X86DIFF_PLUGIN_IMPRECISE_REGISTERS == kImpreciseRegisters);
static_assert(X86DIFF_PLUGIN_IMPRECISE_MEMORY == kImpreciseMemory);
static_assert(X86DIFF_PLUGIN_GPR_COUNT == kGprCount);
static_assert(X86DIFF_PLUGIN_RFLAGS_CF == kRflagsCF && X86DIFF_PLUGIN_RFLAGS_PF == kRflagsPF &&
              X86DIFF_PLUGIN_RFLAGS_AF == kRflagsAF && X86DIFF_PLUGIN_RFLAGS_ZF == kRflagsZF &&
              X86DIFF_PLUGIN_RFLAGS_SF == kRflagsSF && X86DIFF_PLUGIN_RFLAGS_DF == kRflagsDF &&
              X86DIFF_PLUGIN_RFLAGS_OF == kRflagsOF &&
              X86DIFF_PLUGIN_RFLAGS_FIXED1 == kRflagsReserved1);

constexpr uint32_t kKnownImprecise = kImpreciseVector | kImpreciseErrorCode |
                                     kImpreciseFaultAddress | kImpreciseLength |
                                     kImpreciseRegisters | kImpreciseMemory;
constexpr uint64_t kRflagsReported = kRflagsControllable | kRflagsReserved1;
constexpr size_t kDetailBytes = 1024;

}  // namespace

void PreparePluginCall(Mode mode, absl::Span<const uint8_t> code, const CpuState& initial,
                       PluginCallBuffers& buffers, x86diff_plugin_case& plugin_case,
                       x86diff_plugin_result& result) {
  const MemoryLayout& layout = LayoutFor(mode);
  plugin_case = x86diff_plugin_case{};
  plugin_case.mode = static_cast<uint32_t>(mode);
  plugin_case.code_size = static_cast<uint32_t>(code.size());
  plugin_case.code = code.data();
  plugin_case.code_address = layout.code_address;
  plugin_case.code_page_size = layout.code_size;
  std::copy(initial.gpr.begin(), initial.gpr.end(), plugin_case.gpr);
  plugin_case.rflags = (initial.rflags & kRflagsControllable) | kRflagsReserved1;
  plugin_case.scratch_address = layout.scratch_address;
  plugin_case.scratch_size = buffers.initial_scratch.size();
  plugin_case.scratch = buffers.initial_scratch.data();

  buffers.final_scratch.assign(buffers.initial_scratch.begin(), buffers.initial_scratch.end());
  buffers.detail.assign(kDetailBytes, '\0');
  result = x86diff_plugin_result{};
  result.status = X86DIFF_PLUGIN_STATUS_COMPLETED;
  std::copy(plugin_case.gpr, plugin_case.gpr + kGprCount, result.gpr);
  result.rflags = plugin_case.rflags;
  result.rip = layout.code_address;
  result.scratch = buffers.final_scratch.data();
  result.scratch_size = buffers.final_scratch.size();
  result.detail = buffers.detail.data();
  result.detail_size = buffers.detail.size();
}

absl::StatusOr<ExecResult> ExecResultFromPlugin(const x86diff_plugin_case& plugin_case,
                                                const x86diff_plugin_result& result) {
  if (result.status > static_cast<uint32_t>(kExecStatusMaxValue)) {
    return absl::InternalError(absl::StrCat("plugin returned status ", result.status));
  }
  ExecResult exec;
  exec.status = static_cast<ExecStatus>(result.status);
  if (exec.status == ExecStatus::kFault) {
    if (result.vector > 255) {
      return absl::InternalError(absl::StrCat("plugin returned vector ", result.vector));
    }
    exec.vector = static_cast<uint8_t>(result.vector);
    exec.has_error_code = result.has_error_code != 0;
    exec.error_code = exec.has_error_code ? result.error_code : 0;
    exec.has_fault_address = result.has_fault_address != 0;
    exec.fault_address = exec.has_fault_address ? result.fault_address : 0;
  }
  exec.length = static_cast<uint8_t>(std::min<uint32_t>(result.length, 255));
  std::copy(result.gpr, result.gpr + kGprCount, exec.final_state.gpr.begin());
  exec.final_state.rflags = result.rflags & kRflagsReported;
  exec.final_state.rip = result.rip;
  exec.imprecise = result.imprecise & kKnownImprecise;
  if (result.detail != nullptr && result.detail_size > 0) {
    exec.detail.assign(result.detail, strnlen(result.detail, result.detail_size));
  }
  exec.memory_changes =
      DiffMemory(plugin_case.scratch_address,
                 absl::MakeConstSpan(plugin_case.scratch, plugin_case.scratch_size),
                 absl::MakeConstSpan(result.scratch, result.scratch_size));
  return exec;
}

CpuState InitialStateFromPluginCase(const x86diff_plugin_case& plugin_case) {
  CpuState state;
  std::copy(plugin_case.gpr, plugin_case.gpr + kGprCount, state.gpr.begin());
  state.rflags = plugin_case.rflags;
  state.rip = plugin_case.code_address;
  return state;
}

void FillPluginResult(const ExecResult& exec, const x86diff_plugin_case& plugin_case,
                      x86diff_plugin_result& result) {
  result.status = static_cast<uint32_t>(exec.status);
  result.vector = exec.vector;
  result.has_error_code = exec.has_error_code;
  result.error_code = exec.error_code;
  result.has_fault_address = exec.has_fault_address;
  result.fault_address = exec.fault_address;
  result.length = exec.length;
  result.imprecise = exec.imprecise;
  std::copy(exec.final_state.gpr.begin(), exec.final_state.gpr.end(), result.gpr);
  result.rflags = exec.final_state.rflags;
  result.rip = exec.final_state.rip;
  // result.scratch holds the initial contents (the host prefills it): apply the writes.
  ApplyMemoryChanges(plugin_case.scratch_address, exec.memory_changes,
                     absl::MakeSpan(result.scratch, result.scratch_size));
  CopyPluginText(exec.detail, result.detail, result.detail_size);
}

void CopyPluginText(absl::string_view text, char* buffer, size_t size) {
  if (buffer == nullptr || size == 0) return;
  const size_t count = std::min(text.size(), size - 1);
  std::memcpy(buffer, text.data(), count);
  buffer[count] = '\0';
}

}  // namespace x86diff

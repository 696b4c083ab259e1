// KvmExecutor::ExecuteBatch: runs of cases through the in-guest batch runner (batch.h), one VM
// exit per run, with one-by-one fallbacks. Kept apart from the one-by-one path (kvm_executor.cc).
#include <algorithm>

#include "absl/strings/str_cat.h"
#include "harness/memory_layout.h"
#include "harness/status_macros.h"
#include "kvm/batch.h"
#include "kvm/kvm_executor.h"

namespace x86diff::kvm {

absl::StatusOr<std::vector<ExecResult>> KvmExecutor::ExecuteBatch(
    absl::Span<const TestCase> cases) {
  for (size_t i = 0; i < cases.size(); ++i) {
    if (cases[i].code.size() >= LayoutFor(cases[i].mode).code_size) {
      return absl::InvalidArgumentError(absl::StrCat("case ", i, ": code of ", cases[i].code.size(),
                                                     " bytes does not fit the code page"));
    }
  }
  const size_t batch_size = static_cast<size_t>(std::clamp(options_.batch_size, 1, kMaxBatchCases));
  // Empty record: the case runs one by one.
  std::vector<std::vector<uint8_t>> records(cases.size());
  if (batch_size > 1) {
    for (size_t i = 0; i < cases.size(); ++i) {
      if (std::optional<std::vector<uint8_t>> record = EncodeRecord(cases[i])) {
        records[i] = *std::move(record);
      }
    }
  }
  std::vector<ExecResult> results(cases.size());
  size_t i = 0;
  while (i < cases.size()) {
    size_t end = i;
    while (end < cases.size() && end - i < batch_size && !records[end].empty() &&
           cases[end].mode == cases[i].mode) {
      ++end;
    }
    if (end - i < 2) {  // nothing to gain from the runner
      ASSIGN_OR_RETURN(results[i], ExecuteOne(cases[i]));
      ++i;
      continue;
    }
    RETURN_IF_ERROR(RunBatch(cases.subspan(i, end - i),
                             absl::MakeConstSpan(records).subspan(i, end - i),
                             absl::MakeSpan(results).subspan(i, end - i)));
    i = end;
  }
  // As Execute(): faults get their length probed (one by one, outside the runner).
  for (size_t k = 0; k < cases.size(); ++k) {
    RETURN_IF_ERROR(ProbeFaultLength(cases[k], results[k]));
  }
  stats_.cases += cases.size();
  return results;
}

absl::Status KvmExecutor::RunBatch(absl::Span<const TestCase> cases,
                                   absl::Span<const std::vector<uint8_t>> records,
                                   absl::Span<ExecResult> results) {
  const Mode mode = cases[0].mode;
  const int count = static_cast<int>(cases.size());
  int first = 0;
  while (first < count) {
    ASSIGN_OR_RETURN(ModeVm * mode_vm, VmFor(mode));
    Vm& vm = *mode_vm->vm;
    Vcpu& vcpu = vm.vcpu();
    if (!mode_vm->idt_batch) {
      SelectIdt(mode, vm, /*batch=*/true);
      mode_vm->idt_batch = true;
    }
    for (int k = first; k < count; ++k) WriteRecord(k, records[k], vm);
    PrepareRun(mode, mode_vm->sregs, first, count, vm);
    kvm_regs regs = {};
    regs.rip = RunnerEntry(mode);
    regs.rsp = kKernelStackTop;
    regs.rflags = kRflagsReserved1;  // interrupts off in the runner
    RETURN_IF_ERROR(vcpu.SetSregs(mode_vm->runner_sregs));
    RETURN_IF_ERROR(vcpu.SetRegs(regs));
    ++stats_.batch_runs;
    ASSIGN_OR_RETURN(const Stop stop, RunVcpu(vcpu, options_.timeout));

    const RunnerControl control = ReadControl(vm);
    const int done = static_cast<int>(std::clamp<uint64_t>(
        control.index, static_cast<uint64_t>(first), static_cast<uint64_t>(count)));
    for (int k = first; k < done; ++k) results[k] = ReadRecordResult(cases[k], k, vm);
    stats_.batched_cases += done - first;
    if (stop.kind == StopKind::kHalt && control.status == X86DIFF_KVM_STATUS_DONE &&
        done == count) {
      return absl::OkStatus();
    }
    // The runner stopped before finishing case `done`.
    if (stop.kind == StopKind::kTimeout) {
      RETURN_IF_ERROR(vcpu.ClearEvents());
      if (done > first) {
        // The budget ran out after some cases: restart the runner at the one it was in, which
        // then gets a whole budget, as one by one (the VM stays usable).
        ++stats_.batch_restarts;
        first = done;
        continue;
      }
      // This case alone used the whole budget: let the one-by-one path decide (kTimeout).
    } else {
      // A KVM exit other than the runner's hlt, or a fault in ring 0: the VM is discarded and
      // rebuilt, and the case runs one by one.
      vms_[static_cast<int>(mode)].reset();
    }
    if (done >= count) return absl::OkStatus();
    ASSIGN_OR_RETURN(results[done], ExecuteOne(cases[done]));
    ++stats_.fallback_cases;
    first = done + 1;
  }
  return absl::OkStatus();
}

}  // namespace x86diff::kvm

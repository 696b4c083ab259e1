// Host side of the in-guest batch runner (batch_runner.S, batch_abi.h): puts the runner, its
// stubs and IDT image into a VM, encodes cases into records and decodes the records the runner
// filled. The executor (kvm_executor_batch.cc) drives the runs and the fallbacks.
#ifndef X86DIFF_KVM_BATCH_H_
#define X86DIFF_KVM_BATCH_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/status/status.h"
#include "harness/exec_result.h"
#include "harness/mode.h"
#include "harness/test_case.h"
#include "kvm/batch_abi.h"
#include "kvm/guest_state.h"
#include "kvm/kvm_fd.h"

namespace x86diff::kvm {

// Records that fit the system area: the most cases one batch run takes.
inline constexpr int kMaxBatchCases =
    (X86DIFF_KVM_BATCH_RECORDS_END - X86DIFF_KVM_BATCH_RECORDS) / X86DIFF_KVM_REC_SIZE;

// Modes with a batch runner: every protected mode (real mode runs one by one).
bool ModeHasBatchRunner(Mode mode);

// A case's record input (registers, code, scratch patch stream), or nullopt when the case cannot
// run in the batch runner exactly as one by one: mode without runner, code longer than
// X86DIFF_KVM_REC_MAX_CODE, scratch differing from the default in more bytes than the patch
// area holds, or (32-bit runner) an initial EAX..EDI with upper bits set (the one-by-one path
// loads all 64 bits).
std::optional<std::vector<uint8_t>> EncodeRecord(const TestCase& test_case);

// Writes the runner, the batch stubs, the batch and `hlt` IDT images, the default scratch
// contents and the vector init image (with the control block's XSAVE flag, which PrepareRun
// leaves alone) into a freshly built VM of `mode` (ModeHasBatchRunner).
absl::Status WriteBatchSupport(Mode mode, const GuestFeatures& features, Vm& vm);
// Copies the batch IDT image (gates to the batch stubs) or the `hlt` one over the IDT.
void SelectIdt(Mode mode, Vm& vm, bool batch);

// Prepares a run of the runner over records [first, count): control block (user selectors from
// the mode's sregs), code page padding.
void PrepareRun(Mode mode, const kvm_sregs& mode_sregs, int first, int count, Vm& vm);
// Copies an EncodeRecord() result into record slot `slot`.
void WriteRecord(int slot, const std::vector<uint8_t>& record, Vm& vm);

struct RunnerControl {
  uint64_t index = 0;  // cases [first, index) have results
  uint64_t status = X86DIFF_KVM_STATUS_RUNNING;
};
RunnerControl ReadControl(const Vm& vm);

// The runner's entry point and its final `hlt` (linear = guest-physical addresses).
uint64_t RunnerEntry(Mode mode);
uint64_t RunnerDoneHlt(Mode mode);

// The result the runner recorded in slot `slot` for `test_case` (kCompleted or kFault, decoded
// exactly as the one-by-one path decodes the ring-0 frame).
ExecResult ReadRecordResult(const TestCase& test_case, int slot, const Vm& vm);

}  // namespace x86diff::kvm

#endif  // X86DIFF_KVM_BATCH_H_

// NativeExecutor: the host CPU itself as an execution oracle, 64-bit ring 3, Mode::kLong64 only.
//
// Cases run in one persistent, sandboxed child process (native_child.h) that survives faults: the
// parent places a batch of cases in a shared region, wakes the child once, and reads the results
// back. A case that ends normally returns through a trampoline without any signal; faults come
// back through the child's signal handler. Hangs are stopped after a CPU-time budget; a case that
// kills or corrupts the child is reported as kCrash and the child is replaced.
//
// What the results mean:
//  - kCompleted: RIP = code address + code size, registers and RFLAGS as the trampoline saw them
//    (RFLAGS as read by PUSHFQ: IF and the reserved bit are set), length = code size when the code
//    is at most 15 bytes (the execution harness sends one instruction; a longer sequence gets 0).
//  - kFault: vector, error code (vectors that push one) and fault address (#PF: si_addr, i.e. CR2)
//    exactly as Linux reports them in the signal frame; Linux rewrites some (FACTS.md: #PF on
//    kernel-half addresses gets error-code bit 0 forced, `int 0x80` is #GP 0x402 without IA32
//    emulation). Registers are those of the signal frame, with RF (bit 16) masked out; for traps
//    (int3, icebp) RIP is after the instruction. `detail` has the raw signal information.
//  - kSyscall: the seccomp filter trapped a syscall (syscall, int 0x80 with IA32 emulation, a
//    vsyscall); it was not executed. RIP is after the instruction; RCX/R11 hold what SYSCALL put
//    there; RAX is the syscall number (the kernel rolls it back for SECCOMP_RET_TRAP).
//  - kTimeout: the case used more than `timeout` of CPU time (or made no progress for a long wall
//    time) and was stopped; registers show where.
//  - kCrash: the child died or reported its own memory damaged while running the case; `detail`
//    says how. The case that damaged the child gets the crash; later cases run in a fresh child.
//  - length for kFault/kSyscall comes from page-boundary probing (length_probe.h) when enabled;
//    0 when disabled or when the instruction needs more bytes than the code has.
//  - memory_changes: scratch bytes that differ from the initial contents, as maximal runs.
//
// The machine a case sees: the code page (RWX) holds the code, then `e9 <rel32>` (a jump to the
// exit stub page at 0x7ff00000, native_abi.h), then 0xCC; an instruction that runs past its code
// bytes reads these, the same in every run. Besides the code and scratch pages the child has only
// the exit stub, its own binary, its stack and the shared region mapped (everything else it
// inherited from the parent, e.g. sanitizer shadow memory, is unmapped), so other addresses fault
// the same way whatever the parent looks like. Every case starts from the XRSTOR init state
// (x87/SSE/AVX/AVX-512 registers zero, MXCSR 0x1F80); vector registers are not reported. FS and
// GS bases are 0.
//
// Thread-safety: not thread-safe (one child, one shared region). The child is tied to the thread
// that created or last respawned it through PR_SET_PDEATHSIG: if that thread exits, the child is
// killed and the next batch respawns it.
#ifndef X86DIFF_ADAPTERS_NATIVE_NATIVE_EXECUTOR_H_
#define X86DIFF_ADAPTERS_NATIVE_NATIVE_EXECUTOR_H_

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "adapters/native/shared_region.h"
#include "harness/exec_result.h"
#include "harness/executor.h"
#include "harness/mode.h"
#include "harness/outcome.h"
#include "harness/test_case.h"

namespace x86diff {

struct NativeExecutorOptions {
  // CPU-time budget per case; a case still running after it is stopped and reported kTimeout.
  absl::Duration timeout = absl::Milliseconds(50);
  // Page-boundary length probing for kFault and kSyscall results. Costs up to length + 1 extra
  // runs of the case, each ending in a signal.
  bool probe_length = true;
  // Cases per parent/child round trip, 1..NativeExecutor::kMaxBatchSize.
  int batch_size = 256;
};

// Counters since Create(), for benchmarks and health checks.
struct NativeExecutorStats {
  uint64_t cases = 0;
  uint64_t round_trips = 0;  // batches sent to a child
  uint64_t children_started = 0;
  uint64_t crashes = 0;   // cases reported kCrash
  uint64_t timeouts = 0;  // cases reported kTimeout
};

class NativeExecutor final : public Executor {
 public:
  static constexpr int kMaxBatchSize = 4096;

  // Checks the host (x86-64 Linux), maps the shared region and starts the child. Fails with
  // InvalidArgument for bad options, FailedPrecondition when the child cannot set up its sandbox
  // (e.g. the code address is taken, seccomp unavailable), Internal for other system errors.
  static absl::StatusOr<std::unique_ptr<NativeExecutor>> Create(NativeExecutorOptions options = {});
  ~NativeExecutor() override;  // kills and reaps the child, unmaps the region

  absl::string_view name() const override { return "native"; }
  Provenance provenance() const override { return Provenance::kHardware; }
  bool SupportsMode(Mode mode) const override { return mode == Mode::kLong64; }

  // ExecuteBatch() of one case.
  absl::StatusOr<ExecResult> Execute(const TestCase& test_case) override;

  // Runs the cases in order, batch_size per round trip, and returns one result per case in the
  // same order. FailedPrecondition if a case is not kLong64, InvalidArgument if its code is longer
  // than kMaxCodeBytes (nothing runs then); Internal when a child cannot be (re)started.
  absl::StatusOr<std::vector<ExecResult>> ExecuteBatch(absl::Span<const TestCase> cases) override;

  const NativeExecutorStats& stats() const { return stats_; }

 private:
  enum class BatchEnd { kFinished, kChildGone, kUnresponsive };

  NativeExecutor(NativeExecutorOptions options, void* region, size_t region_bytes);

  absl::Status SpawnChild();
  // Kills (if still running) and reaps the child; returns a description of how it ended.
  std::string ReapChild();
  void SignalChild(int signo) const;
  absl::Status RunChunk(absl::Span<const TestCase> cases, absl::Span<ExecResult> results);
  BatchEnd WaitForBatch(uint32_t first);
  absl::Duration ChildCpuTime() const;
  ExecResult ReadResult(uint32_t index, const TestCase& test_case,
                        absl::Span<const uint8_t> initial_scratch) const;

  NativeExecutorOptions options_;
  void* region_memory_;
  size_t region_bytes_;
  native::RegionView region_;
  std::vector<uint8_t> default_scratch_;  // DefaultScratchContents(kLong64), read by the child
  pid_t child_pid_ = -1;
  int channel_fd_ = -1;
  int child_pidfd_ = -1;  // -1 when pidfd_open is unavailable
  clockid_t child_clock_ = 0;
  bool child_clock_valid_ = false;
  NativeExecutorStats stats_;
};

}  // namespace x86diff

#endif  // X86DIFF_ADAPTERS_NATIVE_NATIVE_EXECUTOR_H_

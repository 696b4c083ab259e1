// UnicornEngine: one Unicorn 2 x86 engine for one Mode, set up once and reset cheaply per case.
// This is the in-process core that UnicornExecutor (directly or inside its worker process) and
// the Unicorn plugin run on.
#ifndef X86DIFF_ADAPTERS_UNICORN_UNICORN_ENGINE_H_
#define X86DIFF_ADAPTERS_UNICORN_UNICORN_ENGINE_H_

#include <unicorn/unicorn.h>

#include <cstdint>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "adapters/common/scratch_contents_cache.h"
#include "harness/cpu_state.h"
#include "harness/exec_result.h"
#include "harness/mode.h"
#include "harness/test_case.h"

namespace x86diff {

struct UnicornOptions {
  // Instructions per case (uc_emu_start's `count`); a case that has not reached the end of its
  // code by then is kTimeout. Always > 0: Unicorn implements the count with an internal code
  // hook and flushes every translation when a run without count follows one with it (FACTS.md),
  // so every run uses the same non-zero count. 0 is treated as 1.
  uint64_t instruction_limit = 1 << 16;
  // Wall-clock limit per case in microseconds (uc_emu_start's `timeout`), 0 = none. Off by
  // default: Unicorn starts a watchdog thread for every run that has one, which costs more than
  // the run itself; the instruction limit and the worker's reply timeout bound runaway code.
  uint64_t timeout_us = 0;
  // Runs after which the engine is closed and opened again (0 is treated as 1). Unicorn puts every
  // new translation into fresh memory of its 1 GiB code buffer, even when the previous case's
  // translations were invalidated, so a long-lived engine's memory grows by about 1 KiB per
  // case; re-opening (~5 ms) bounds it to some tens of MiB per engine.
  uint64_t runs_per_engine = 20000;
};

// What the engine reports, and how (the contract every test in
// tests/adapters/unicorn/unicorn_executor_test.cc pins down):
//  - Placement: LayoutFor(mode). The code page holds the code followed by 0xCC (int3) padding
//    (Unicorn translates past the end of the code; zero padding is slower and crashes more), is
//    mapped read+execute, and is rewritten in full for every case, followed by
//    uc_ctl_remove_cache() because Unicorn otherwise keeps running stale translations of the
//    previous case's code. Scratch is read+write, not executable. The run stops at the end of the
//    code (uc_emu_start `until`).
//  - Processor state: see EnterStartState (unicorn_cpu_setup.h): CPL 3 with Linux's selectors in
//    the 32/64-bit modes, real mode in the 16-bit ones. The whole CPU state is restored from a
//    snapshot before every case: Unicorn intercepts exceptions before delivering them, so QEMU's
//    "exception in flight" state survives into the next run of a reused engine and turns the next
//    #DE into #DF and a later #UD into a silent stop (measured here on 2.0.1; this is the
//    "#DE surfacing as double/triple fault" of FACTS.md).
//  - Registers in: the case's 16 GPRs (in 16/32-bit modes the low 32 bits of RAX..RDI; R8..R15
//    do not exist there), RFLAGS limited to kRflagsControllable plus the reserved bit, with IF set
//    as in a Linux process. Registers out: RAX..R15 in long64. Elsewhere R8..R15 as they came in,
//    and RAX..RDI as they came in when their low 32 bits did not change, else zero-extended (what
//    a CPU does for unwritten and written registers; Unicorn keeps no upper halves there). RFLAGS
//    out is limited to kRflagsControllable | kRflagsReserved1.
//  - kCompleted: the code ran to its end; length = code size, rip = code end.
//  - kFault: `final_state` is the state the exception reports: rip is the faulting instruction
//    for faults and the next instruction for traps (int3, int n, single-step), as a CPU pushes it.
//    length = 0 (unknown). Sources:
//      * uc_emu_start's UC_ERR_INSN_INVALID -> #UD (Unicorn also reports icebp as #UD).
//      * UC_HOOK_INTR: the vector is Unicorn's. Unicorn reports no error codes: vectors that push
//        one get has_error_code = false and kImpreciseErrorCode. #DF (which ring-3 code cannot
//        cause alone) is kImpreciseVector. Software interrupts `int n` (other than int3/into
//        vectors 3 and 4) reach the hook without IDT gate checks, so they report vector n with
//        kImpreciseVector | kImpreciseErrorCode (a ring-3 CPU under Linux raises #GP(n*8+2)).
//        A #PF arriving here (not through the memory hooks) has no address:
//        kImpreciseFaultAddress.
//      * UC_HOOK_MEM_UNMAPPED / UC_HOOK_MEM_PROT -> #PF with the address Unicorn reports and an
//        error code built from the access kind: P (protection violation), W (write), U (always:
//        CPL 3), I/D (fetch), as x86-64 Linux with NX reports it. In the 16-bit modes, which
//        have no paging, has_error_code = false and kImpreciseErrorCode. A write that crosses
//        from scratch into the unmapped page after it is kImpreciseMemory: Unicorn commits the
//        part below the boundary, where a CPU writes nothing. A non-canonical address
//        in long64 is reported by Unicorn as unmapped where a CPU raises #GP/#SS: kImpreciseVector
//        | kImpreciseErrorCode | kImpreciseFaultAddress.
//  - kSyscall: syscall or sysenter (UC_HOOK_INSN) and `int 0x80`, not executed by a kernel:
//    rip is past the instruction (where the kernel would return, as the native executor reports
//    it), SYSCALL's own RCX/R11 writes are applied, length is known when it is the first
//    instruction.
//  - kTimeout: the instruction limit (or timeout_us) was reached first.
//  - kUnsupported: in/out/ins/outs. Unicorn 2.0.1 performs no I/O permission check at CPL 3 and
//    aborts the process when there is no I/O hook; the hook stops the case instead.
//  - Unicorn itself abort()s on some inputs ("tcg fatal error", e.g. `ff d8`, `f0 38 00`): an
//    in-process engine cannot survive that; UnicornExecutor::Create() contains it.
//  - Reported as Unicorn behaves, not masked (they are real differences from hardware): in the
//    16-bit modes (real mode, CPL 0) privileged instructions execute and `hlt` ends the run (as
//    kCompleted when it is the last instruction, else as kTimeout); SSE alignment is not checked
//    (misaligned movaps completes); the system page (unicorn_cpu_setup.h) is readable; cpuid and
//    rdtsc return Unicorn's values.
// Thread-safety: none; one engine per thread. Not copyable.
class UnicornEngine {
 public:
  // Opens, maps and prepares the engine (uc_open, memory, hooks, start state, snapshot).
  // Internal naming the failing Unicorn call on failure.
  static absl::StatusOr<std::unique_ptr<UnicornEngine>> Create(Mode mode,
                                                               const UnicornOptions& options = {});
  UnicornEngine(const UnicornEngine&) = delete;
  UnicornEngine& operator=(const UnicornEngine&) = delete;
  ~UnicornEngine();

  Mode mode() const { return mode_; }

  // Runs `test_case` (whose mode must be mode(): InvalidArgument otherwise, as for code longer
  // than kMaxCodeBytes). Non-OK only for Unicorn failures unrelated to the guest (e.g. out of
  // memory).
  absl::StatusOr<ExecResult> Run(const TestCase& test_case);

  // The same with explicit inputs: `initial` registers (rip ignored) and the complete initial
  // `scratch` contents (LayoutFor(mode()).scratch_size bytes, else InvalidArgument).
  absl::StatusOr<ExecResult> Run(absl::Span<const uint8_t> code, const CpuState& initial,
                                 absl::Span<const uint8_t> scratch);

 private:
  // Why the run stopped, as recorded by the hooks (reset before every run).
  enum class StopKind { kNone, kInterrupt, kMemory, kSyscall, kPortIo };
  struct Stop {
    StopKind kind = StopKind::kNone;
    uint32_t interrupt = 0;            // kInterrupt
    uc_mem_type access = UC_MEM_READ;  // kMemory
    uint64_t address = 0;              // kMemory
    uint64_t rip = 0;                  // kInterrupt, kSyscall: RIP inside the hook
    bool syscall_instruction = false;  // kSyscall: SYSCALL (not SYSENTER)
  };
  // Host memory that Unicorn maps with uc_mem_map_ptr (page-aligned, owned).
  struct HostPages {
    uint8_t* data = nullptr;
    size_t size = 0;
    absl::Span<uint8_t> span() const { return {data, size}; }
  };

  UnicornEngine(Mode mode, const UnicornOptions& options);
  absl::Status Init();
  static absl::Status AllocatePages(size_t size, HostPages& pages);
  // uc_open and everything up to the start-state snapshot, on the existing host pages.
  absl::Status OpenUnicorn();
  void CloseUnicorn();
  absl::Status AddHooks();
  absl::Status WriteRegisters(const CpuState& initial);
  absl::Status ReadRegisters(const CpuState& initial, CpuState& out);
  uint64_t ReadPc();
  void Classify(uc_err err, absl::Span<const uint8_t> code, ExecResult& result);
  void ClassifyInterrupt(absl::Span<const uint8_t> code, ExecResult& result);
  void ClassifyMemoryFault(ExecResult& result);
  void ClassifySyscall(ExecResult& result);

  static void OnInterrupt(uc_engine* uc, uint32_t intno, void* user_data);
  static bool OnInvalidMemory(uc_engine* uc, uc_mem_type type, uint64_t address, int size,
                              int64_t value, void* user_data);
  static void OnSyscall(uc_engine* uc, void* user_data);
  static void OnSysenter(uc_engine* uc, void* user_data);
  static uint32_t OnPortIn(uc_engine* uc, uint32_t port, int size, void* user_data);
  static void OnPortOut(uc_engine* uc, uint32_t port, int size, uint32_t value, void* user_data);

  const Mode mode_;
  const UnicornOptions options_;
  uc_engine* uc_ = nullptr;
  uc_context* start_state_ = nullptr;
  HostPages code_page_;
  HostPages scratch_;
  HostPages system_page_;
  ScratchContentsCache scratch_cache_;
  uint64_t runs_since_open_ = 0;
  Stop stop_;
};

}  // namespace x86diff

#endif  // X86DIFF_ADAPTERS_UNICORN_UNICORN_ENGINE_H_

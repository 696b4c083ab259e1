// Runs one test case through decoders and executors and compares both: the execution half of the
// pipeline (decode_runner.h is the decode half).
#ifndef X86DIFF_HARNESS_EXEC_RUNNER_H_
#define X86DIFF_HARNESS_EXEC_RUNNER_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "harness/decoder.h"
#include "harness/divergence.h"
#include "harness/exec_comparator.h"
#include "harness/executor.h"
#include "harness/outcome.h"
#include "harness/test_case.h"

namespace x86diff {

struct ExecRunOptions {
  DecodeDetail detail = DecodeDetail::kFull;
  // The decoder whose length decides where the first instruction ends and whose flag metadata
  // gives the undefined-flag mask. Zydis has both (and is the more precise decoder).
  std::string reference_decoder = "zydis";
};

struct ExecRun {
  // The case the executors ran: the input with its code trimmed to the first instruction (see
  // RunExecution). Divergences refer to it.
  TestCase executed;
  // The decoders' outcomes in decoder order, then one per executor that supports the mode, in
  // executor order.
  std::vector<Outcome> outcomes;
  std::vector<Divergence> decode_divergences;  // CompareDecodes over the decoder outcomes
  ExecComparison exec;                         // CompareExecutions over the executor outcomes
  // RFLAGS bits left out of the flag comparison (the reference decoder's flags_undefined).
  uint64_t undefined_flags = 0;
  // Executors whose Execute() failed (recorded as kCrash outcomes, see below).
  int executor_errors = 0;
  // Why no executor ran the case (empty when they did): see "Truncated code" below.
  std::string not_executed;
};

// Decodes `test_case` with every decoder, then executes the first instruction with every executor
// that SupportsMode(test_case.mode), and compares.
//
// Trimming: executors run the code until it ends (or faults), so a case whose code holds more
// than one instruction would compare a whole sequence, and a stray trailing byte would decide the
// verdict. The case therefore reaches the executors cut to the reference decoder's length of the
// first instruction when that decoder calls it valid and it is shorter than the code; otherwise
// (invalid, or no reference decoder in the list) the code goes as it is, so that the CPU decides
// what the bytes are. One instruction per run gives per-instruction comparisons whose signatures
// (opcode class of the first instruction) describe what actually differed.
//
// Truncated code: when the reference decoder says the first instruction continues past the end of
// the code (DecodeFailure::kTruncated), no executor runs the case. The CPU would fetch whatever
// each executor happens to place after the code (a trampoline, zeros, an unmapped page), so the
// comparison would measure executor layout, not instruction semantics; `not_executed` says so.
//
// Errors: a decoder's infrastructure error aborts with that status, prefixed with the decoder's
// name (as RunDecoders). An executor's infrastructure error (a non-OK Execute()) does NOT abort
// the others: it becomes that executor's Outcome with ExecStatus::kCrash and the status text in
// `detail`, so the comparison reports it as a crash divergence and the run goes on.
//
// Executors are not thread-safe; neither is this function for a given set of executors.
absl::StatusOr<ExecRun> RunExecution(absl::Span<const Decoder* const> decoders,
                                     absl::Span<Executor* const> executors,
                                     const TestCase& test_case, const ExecRunOptions& options = {});

// RunExecution over many cases, with each executor's share of the cases in one ExecuteBatch()
// call (executors that batch, e.g. native and kvm, then need far fewer round trips). Result i is
// what RunExecution(decoders, executors, cases[i], options) gives: decoded, trimmed and compared
// the same way; a decoder error fails only that case's entry. When an executor's ExecuteBatch()
// fails, its cases run one by one through Execute(), so an infrastructure error lands on the case
// that caused it (as a kCrash outcome, as in RunExecution) and the other cases keep their results.
std::vector<absl::StatusOr<ExecRun>> RunExecutionBatch(absl::Span<const Decoder* const> decoders,
                                                       absl::Span<Executor* const> executors,
                                                       absl::Span<const TestCase> cases,
                                                       const ExecRunOptions& options = {});

// The case as RunExecution hands it to executors, given the decoder outcomes (exposed for tests
// and tools that show the executed bytes).
TestCase TrimToFirstInstruction(const TestCase& test_case, absl::Span<const Outcome> decoded,
                                absl::string_view reference_decoder);

}  // namespace x86diff

#endif  // X86DIFF_HARNESS_EXEC_RUNNER_H_

// CaseOracle: runs a test case through decoders (and optionally executors) exactly as `replay`
// does and says which divergences it shows. It turns a signature into the predicate that
// minimize.h needs, and MinimizeWithOracle() is the one call other commands (campaign, report)
// use to get a minimized finding for a bucket:
//
//   ASSIGN_OR_RETURN(CaseOracle oracle, CaseOracle::Create({.exec = true}, &notes));
//   ASSIGN_OR_RETURN(MinimizedFinding minimized,
//                    MinimizeWithOracle(oracle, finding.test_case, signature.hash));
//   WriteFileAtomically(path, FindingToJson(minimized.finding));
#ifndef X86DIFF_TOOLS_X86DIFF_CASE_ORACLE_H_
#define X86DIFF_TOOLS_X86DIFF_CASE_ORACLE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "harness/decoder.h"
#include "harness/divergence.h"
#include "harness/executor.h"
#include "harness/finding.h"
#include "harness/outcome.h"
#include "harness/test_case.h"
#include "tools/x86diff/case_file.h"
#include "tools/x86diff/decoder_set.h"
#include "tools/x86diff/expectation_run.h"
#include "tools/x86diff/minimize.h"

namespace x86diff::cli {

struct OracleOptions {
  // Decoders by name; empty: every available decoder (at least two are needed).
  std::vector<std::string> decoders;
  // Also execute (harness/exec_runner.h): needed for execution signatures (fault, register, ...).
  bool exec = false;
  // With exec: built-in executors by name (empty: every one this machine has) and plugins.
  std::vector<std::string> executors;
  std::vector<std::string> plugins;
};

// What a case shows: the same outcomes and divergences `replay` (with --exec: `replay --exec`)
// reports for it (expectation_run.h, shared with record and replay --check).
using OracleRun = CaseRun;

// True for the kinds only executors produce (fault, register, flags, memory, crash, timeout).
bool IsExecutionKind(DivergenceKind kind);

// Owns its decoders and executors, or views someone else's. Move-only; not thread-safe (neither
// are decoders and executors).
class CaseOracle {
 public:
  // Creates the decoders and, with exec, the executors (adapters/executor_registry.h; notes about
  // skipped executors are appended to `notes`). Errors as DecoderSet::Create and MakeExecutors;
  // InvalidArgument when exec selects no executor.
  static absl::StatusOr<CaseOracle> Create(const OracleOptions& options,
                                           std::vector<std::string>* notes = nullptr);
  // Views decoders and executors the caller owns and keeps alive (e.g. a campaign's). An empty
  // `executors` means decoders only.
  CaseOracle(std::vector<const Decoder*> decoders, std::vector<Executor*> executors);

  CaseOracle(CaseOracle&&) = default;
  CaseOracle& operator=(CaseOracle&&) = default;

  // Runs the case. Decoder infrastructure errors are returned (prefixed with the decoder name);
  // executor errors become crash outcomes (RunExecution's contract).
  absl::StatusOr<OracleRun> Run(const TestCase& test_case);

  // The minimize.h predicate: does a candidate show a divergence whose signature hash is
  // `signature_hash`? Valid while this oracle lives and is not moved.
  StillDiverges PredicateFor(uint64_t signature_hash);

  bool executes() const { return !executor_views_.empty(); }

 private:
  CaseOracle() = default;

  std::unique_ptr<DecoderSet> owned_decoders_;
  std::vector<std::unique_ptr<Executor>> owned_executors_;
  std::vector<const Decoder*> decoder_views_;
  std::vector<Executor*> executor_views_;
};

struct MinimizedFinding {
  MinimizeResult result;
  // The minimized case with the outcomes and divergences the oracle gives for it now; the kept
  // divergence comes first, the others follow in the oracle's order.
  Finding finding;
  Divergence kept;  // the divergence with the kept signature, as the minimized case shows it
};

// Checks that `test_case` shows `signature_hash` (FailedPrecondition naming the signature and
// listing what the case shows instead when it does not), minimizes it with the oracle's
// predicate and re-runs the result into a Finding. Deterministic for deterministic targets.
absl::StatusOr<MinimizedFinding> MinimizeWithOracle(CaseOracle& oracle, const TestCase& test_case,
                                                    uint64_t signature_hash,
                                                    const MinimizeOptions& options = {});

}  // namespace x86diff::cli

#endif  // X86DIFF_TOOLS_X86DIFF_CASE_ORACLE_H_

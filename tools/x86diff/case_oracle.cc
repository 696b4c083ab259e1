#include "tools/x86diff/case_oracle.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "adapters/executor_registry.h"
#include "harness/comparator.h"
#include "harness/decode_runner.h"
#include "harness/exec_runner.h"
#include "harness/status_macros.h"

namespace x86diff::cli {

bool IsExecutionKind(DivergenceKind kind) {
  switch (kind) {
    case DivergenceKind::kLength:
    case DivergenceKind::kValidity:
    case DivergenceKind::kMnemonic:
      return false;
    case DivergenceKind::kFault:
    case DivergenceKind::kRegister:
    case DivergenceKind::kFlags:
    case DivergenceKind::kMemory:
    case DivergenceKind::kCrash:
    case DivergenceKind::kTimeout:
      return true;
  }
  return false;
}

absl::StatusOr<CaseOracle> CaseOracle::Create(const OracleOptions& options,
                                              std::vector<std::string>* notes) {
  ASSIGN_OR_RETURN(DecoderSet decoders, DecoderSet::Create(options.decoders, 2));
  CaseOracle oracle;
  oracle.owned_decoders_ = std::make_unique<DecoderSet>(std::move(decoders));
  for (const Decoder* decoder : oracle.owned_decoders_->views()) {
    oracle.decoder_views_.push_back(decoder);
  }
  if (options.exec) {
    ASSIGN_OR_RETURN(oracle.owned_executors_,
                     MakeExecutors({options.executors, options.plugins}, notes));
    if (oracle.owned_executors_.empty()) {
      return absl::InvalidArgumentError("execution asked for, but no executor selected");
    }
    for (const std::unique_ptr<Executor>& executor : oracle.owned_executors_) {
      oracle.executor_views_.push_back(executor.get());
    }
  }
  return oracle;
}

CaseOracle::CaseOracle(std::vector<const Decoder*> decoders, std::vector<Executor*> executors)
    : decoder_views_(std::move(decoders)), executor_views_(std::move(executors)) {}

absl::StatusOr<OracleRun> CaseOracle::Run(const TestCase& test_case) {
  return RunCase(decoder_views_, executor_views_, test_case);
}

StillDiverges CaseOracle::PredicateFor(uint64_t signature_hash) {
  return [this, signature_hash](const TestCase& candidate) -> absl::StatusOr<bool> {
    ASSIGN_OR_RETURN(OracleRun run, Run(candidate));
    return FindSignature(run.divergences, signature_hash) != nullptr;
  };
}

absl::StatusOr<MinimizedFinding> MinimizeWithOracle(CaseOracle& oracle, const TestCase& test_case,
                                                    uint64_t signature_hash,
                                                    const MinimizeOptions& options) {
  ASSIGN_OR_RETURN(OracleRun before, oracle.Run(test_case));
  if (FindSignature(before.divergences, signature_hash) == nullptr) {
    return absl::FailedPreconditionError(
        absl::StrFormat("signature %016x does not reproduce: the case now shows %s", signature_hash,
                        ListSignatures(before.divergences)));
  }
  MinimizedFinding minimized;
  ASSIGN_OR_RETURN(
      minimized.result,
      MinimizeTestCase(test_case, signature_hash, oracle.PredicateFor(signature_hash), options));
  ASSIGN_OR_RETURN(OracleRun after, oracle.Run(minimized.result.minimized));
  const Divergence* kept = FindSignature(after.divergences, signature_hash);
  if (kept == nullptr) {
    // The predicate accepted this case a moment ago: a target answers differently on re-runs.
    return absl::InternalError(absl::StrFormat(
        "signature %016x vanished when the minimized case was run again (a target is not "
        "deterministic): it now shows %s",
        signature_hash, ListSignatures(after.divergences)));
  }
  minimized.kept = *kept;
  minimized.finding.test_case = minimized.result.minimized;
  minimized.finding.outcomes = std::move(after.outcomes);
  // The kept divergence first, so that readers taking "the first divergence" get this one.
  minimized.finding.divergences.push_back(*kept);
  for (Divergence& divergence : after.divergences) {
    if (divergence.signature.hash != signature_hash) {
      minimized.finding.divergences.push_back(std::move(divergence));
    }
  }
  return minimized;
}

}  // namespace x86diff::cli

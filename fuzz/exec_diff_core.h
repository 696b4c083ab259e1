// The body of the exec_diff fuzz target, shared by the libFuzzer entry point (fuzz/exec_diff.cc),
// its replay main and tests: one encoded test case in, every decoder asked, the first instruction
// executed by every executor that supports the mode (harness/exec_runner.h), outcomes compared,
// new kinds of disagreement written out as findings and fed back to libFuzzer as coverage.
#ifndef X86DIFF_FUZZ_EXEC_DIFF_CORE_H_
#define X86DIFF_FUZZ_EXEC_DIFF_CORE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "adapters/executor_registry.h"
#include "harness/decoder.h"
#include "harness/executor.h"

namespace x86diff {

class HitStats;

struct ExecDiffOptions {
  // Where finding files go (created if missing); empty: write nothing.
  std::string findings_dir;
  // Set libFuzzer extra counters (see below).
  bool feed_features = true;
  // For Create(options) only: which executors to run (default: every one this machine has).
  ExecutorSelection executors;
  // When set, every divergence's signature is counted there (fuzz/hit_stats.h); not owned.
  HitStats* hit_stats = nullptr;
};

// libFuzzer extra counters this library defines (its own array in section
// __libfuzzer_extra_counters, independent of decoder_diff_core's):
//   [0, kExecSignatureSlots): one slot per divergence signature hash (decode and execution
//     divergences), so an input showing a new kind of disagreement stays in the corpus;
//   [kExecSignatureSlots, kExecFeatureSlots): what the targets made of the input: per decoder
//     (index, mode, instruction id, length, validity), per executor (index, mode, status, vector,
//     length), so the fuzzer keeps inputs that reach new instructions and new fault kinds even
//     though Unicorn and the CPU are not coverage-instrumented.
inline constexpr size_t kExecSignatureSlots = 8192;
inline constexpr size_t kExecFeatureSlots = 16384;

// Runs encoded test cases through fixed lists of decoders and executors.
//
// Decoding: the hot path asks the decoders for DecodeDetail::kComparable; a finding's decoder
// outcomes are decoded again with full detail (executors are not run again).
//
// Findings: for each divergence whose signature was not seen before by this object and has no
// file yet in findings_dir, RunOne() writes <findings_dir>/<Signature::HexId()>.json atomically:
// a Finding with the executed test case (code trimmed to the first instruction, see
// RunExecution), every outcome and every divergence of the case (decode, then execution). As in
// decoder_diff, the existence check lets -fork workers share the directory.
//
// Not thread-safe: one instance per thread (neither decoders nor executors are thread-safe).
class ExecDiffCore {
 public:
  // Every available decoder (adapters/registry.h) and the executors of options.executors
  // (adapters/executor_registry.h; notes about skipped executors go to stderr). Fails if a
  // decoder or a selected executor cannot be created, if there are no executors, or if
  // findings_dir cannot be created.
  static absl::StatusOr<std::unique_ptr<ExecDiffCore>> Create(ExecDiffOptions options);
  // Same with the given targets (tests, fake executors); no decoders or no executors is
  // InvalidArgument. options.executors is ignored.
  static absl::StatusOr<std::unique_ptr<ExecDiffCore>> Create(
      ExecDiffOptions options, std::vector<std::unique_ptr<Decoder>> decoders,
      std::vector<std::unique_ptr<Executor>> executors);

  ExecDiffCore(const ExecDiffCore&) = delete;
  ExecDiffCore& operator=(const ExecDiffCore&) = delete;

  struct Result {
    bool parsed = false;      // the input was a valid encoded test case
    int executed = 0;         // executors that ran the case (supported its mode)
    int divergences = 0;      // decode and execution divergences found for it
    int new_signatures = 0;   // of those, signatures this object had not seen before
    int executor_errors = 0;  // executors whose machinery failed (recorded as kCrash outcomes)
    // A decoder returned an infrastructure error; `error` says which. Nothing else is reported.
    bool decoder_failed = false;
    std::string error;
  };

  // Runs one encoded test case (harness/test_case_codec.h). Malformed input gives parsed == false
  // and runs nothing. A finding that cannot be written is reported on stderr and does not stop
  // the run.
  Result RunOne(absl::Span<const uint8_t> encoded_test_case);

  size_t distinct_signatures() const { return seen_signatures_.size(); }
  size_t findings_written() const { return findings_written_; }
  // Names of the executors in use, in order (for start-up banners).
  std::vector<std::string> executor_names() const;

 private:
  ExecDiffCore(ExecDiffOptions options, std::vector<std::unique_ptr<Decoder>> decoders,
               std::vector<std::unique_ptr<Executor>> executors);

  ExecDiffOptions options_;
  std::vector<std::unique_ptr<Decoder>> decoders_;
  std::vector<std::unique_ptr<Executor>> executors_;
  std::vector<const Decoder*> decoder_views_;
  std::vector<Executor*> executor_views_;
  absl::flat_hash_set<uint64_t> seen_signatures_;
  size_t findings_written_ = 0;
};

}  // namespace x86diff

#endif  // X86DIFF_FUZZ_EXEC_DIFF_CORE_H_

// Test case minimization: shrinks a reproducer while it keeps showing one divergence signature.
//
// The algorithm knows nothing about decoders or executors: it proposes smaller candidates and asks
// a predicate ("does this candidate still show signature S?"). case_oracle.h builds that
// predicate from real decoders and executors; tests drive the algorithm with fake predicates.
//
//   CaseOracle oracle = ...;                                   // case_oracle.h
//   ASSIGN_OR_RETURN(MinimizeResult result,
//                    MinimizeTestCase(test_case, hash, oracle.PredicateFor(hash)));
//   // result.minimized shows `hash` too; result.attempts predicate calls were made.
#ifndef X86DIFF_TOOLS_X86DIFF_MINIMIZE_H_
#define X86DIFF_TOOLS_X86DIFF_MINIMIZE_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "harness/test_case.h"

namespace x86diff::cli {

// True when the candidate still shows the signature being kept. A non-OK status (a decoder or
// executor failed) aborts the minimization with that status. Called with candidates in a
// deterministic order; never called twice with the same candidate by one MinimizeTestCase().
using StillDiverges = std::function<absl::StatusOr<bool>(const TestCase&)>;

struct MinimizeOptions {
  // At most this many predicate calls (the initial check included); when they are used up the
  // smallest candidate found so far is the result and `budget_exhausted` says so.
  int max_attempts = 2000;
};

struct MinimizeResult {
  TestCase original;
  TestCase minimized;  // shows the signature; equal to `original` when nothing could be removed
  int attempts = 0;    // predicate calls made, the initial check included
  int accepted = 0;    // candidates that kept the signature (each one replaced the current case)
  int rounds = 0;      // passes over all reductions until nothing changed
  bool budget_exhausted = false;
};

// Shrinks `test_case` to a local minimum under these reductions, repeated until none applies
// (a fixed point) or the budget is used up:
//  1. state: drop the whole initial state, else reset each GPR and RFLAGS (whole, then bit by
//     bit) to DefaultInitialState(mode); a state equal to the default becomes "no state";
//  2. code: cut the code after its first k bytes (shortest k first);
//  3. code: delete single bytes (prefixes, junk), front to back;
//  4. code: replace each byte by a smaller value (0x00, 0x01, the byte with its top set bit
//     cleared, half of it, one less), smallest first;
//  5. scratch: drop all patches, else each patch, else cut each patch's bytes from the end and
//     from the front (halves first, then single bytes).
// Every accepted candidate is smaller in (code length, code bytes, non-default state fields,
// patch bytes), so the loop terminates; the order of candidates is fixed, so equal inputs give
// equal results (given a deterministic predicate).
//
// `signature_hash` is the signature the predicate checks for (Signature::hash); it names the
// signature in errors. Errors: FailedPrecondition when the input itself does not satisfy the
// predicate ("signature <id> does not reproduce"); InvalidArgument when max_attempts < 1; the
// predicate's own errors.
absl::StatusOr<MinimizeResult> MinimizeTestCase(const TestCase& test_case, uint64_t signature_hash,
                                                const StillDiverges& still_diverges,
                                                const MinimizeOptions& options = {});

// What a test case sets beyond the defaults, one line each ("rax=0x1 (default 0x10010400)",
// "rflags=0x803 (default 0x2)", "scratch+0x10: 2 bytes de ad"); empty for a code-only case.
std::vector<std::string> DescribeStateDifferences(const TestCase& test_case);

}  // namespace x86diff::cli

#endif  // X86DIFF_TOOLS_X86DIFF_MINIMIZE_H_

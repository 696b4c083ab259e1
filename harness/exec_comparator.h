// Compares what several executors did with one test case.
#ifndef X86DIFF_HARNESS_EXEC_COMPARATOR_H_
#define X86DIFF_HARNESS_EXEC_COMPARATOR_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/types/span.h"
#include "harness/divergence.h"
#include "harness/outcome.h"
#include "harness/test_case.h"

namespace x86diff {

struct ExecComparison {
  std::vector<Divergence> divergences;
  // Comparisons skipped because a backend declared itself imprecise for that field, as
  // "<target>:<field>" (e.g. "unicorn:vector"); reported so a mask is never silent.
  std::vector<std::string> masked;
};

// Pairwise over the outcomes that carry an ExecResult (targets that said kUnsupported are left
// out). Per pair: a different ExecStatus is one divergence (kind crash, timeout or fault); with the
// same status, a fault's vector, error code and fault address; then registers (GPRs and RIP),
// arithmetic flags and DF outside `undefined_flags` (RFLAGS bits the instruction leaves undefined,
// e.g. DecodeResult::flags_undefined from Zydis), and memory changes, each its own divergence
// whose fields name what differs ("rax,rdx", "flags:cf,of", "memory").
ExecComparison CompareExecutions(const TestCase& test_case, absl::Span<const Outcome> outcomes,
                                 uint64_t undefined_flags);

}  // namespace x86diff

#endif  // X86DIFF_HARNESS_EXEC_COMPARATOR_H_

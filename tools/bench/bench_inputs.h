// The fixed input set of the decoder benchmarks: the same cases, in the same order, every run.
#ifndef X86DIFF_TOOLS_BENCH_BENCH_INPUTS_H_
#define X86DIFF_TOOLS_BENCH_BENCH_INPUTS_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "harness/test_case.h"

namespace x86diff::bench {

struct BenchCase {
  TestCase test_case;
  std::vector<uint8_t> encoded;  // SerializeTestCase(test_case), what the fuzz target receives
};

// `count` cases: the first half from the seed corpus directory (files in name order, repeated
// if there are fewer), the second half x86-shaped random candidates of 15 bytes from a fixed
// seed (legacy prefixes, REX in 64-bit mode, the 0F/0F38/0F3A escapes, VEX/EVEX/XOP headers,
// random opcode, ModRM and tail), modes rotating through all five. Deterministic for a given
// corpus. Fails if the directory has no loadable case.
absl::StatusOr<std::vector<BenchCase>> MakeBenchCases(const std::string& seed_dir, size_t count);

}  // namespace x86diff::bench

#endif  // X86DIFF_TOOLS_BENCH_BENCH_INPUTS_H_

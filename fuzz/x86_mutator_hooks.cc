// libFuzzer's custom mutator and crossover hooks for every target whose input is an encoded
// TestCase: linked into those targets (not into their *_replay binaries, which have no libFuzzer).
#include <cstddef>
#include <cstdint>

#include "fuzz/x86_mutator.h"

#ifndef X86DIFF_FUZZ_REPLAY  // LLVMFuzzerMutate exists only inside libFuzzer
extern "C" size_t LLVMFuzzerMutate(uint8_t* data, size_t size, size_t max_size);

extern "C" size_t LLVMFuzzerCustomMutator(uint8_t* data, size_t size, size_t max_size,
                                          unsigned int seed) {
  return x86diff::MutateTestCase(data, size, max_size, seed, &LLVMFuzzerMutate);
}

extern "C" size_t LLVMFuzzerCustomCrossOver(const uint8_t* data1, size_t size1,
                                            const uint8_t* data2, size_t size2, uint8_t* out,
                                            size_t max_out_size, unsigned int seed) {
  return x86diff::CrossOverTestCases(data1, size1, data2, size2, out, max_out_size, seed);
}
#endif  // X86DIFF_FUZZ_REPLAY

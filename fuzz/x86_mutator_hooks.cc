// libFuzzer's custom mutator and crossover hooks for every target whose input is an encoded
// TestCase: linked into those targets (not into their *_replay binaries, which have no libFuzzer).
// Both produce cases only in the modes X86DIFF_MODES allows (fuzz/allowed_modes.h).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "fuzz/allowed_modes.h"
#include "fuzz/x86_mutator.h"

#ifndef X86DIFF_FUZZ_REPLAY  // LLVMFuzzerMutate exists only inside libFuzzer
extern "C" size_t LLVMFuzzerMutate(uint8_t* data, size_t size, size_t max_size);

namespace {

// Read once, on the first mutation. The target's LLVMFuzzerInitialize has normally rejected a bad
// value already; this check keeps the hooks right on their own.
x86diff::ModeSet AllowedModes() {
  static const x86diff::ModeSet modes = [] {
    absl::StatusOr<x86diff::ModeSet> parsed = x86diff::AllowedModesFromEnv();
    if (!parsed.ok()) {
      std::fprintf(stderr, "x86 mutator: %s\n", std::string(parsed.status().message()).c_str());
      std::exit(1);
    }
    return *parsed;
  }();
  return modes;
}

}  // namespace

extern "C" size_t LLVMFuzzerCustomMutator(uint8_t* data, size_t size, size_t max_size,
                                          unsigned int seed) {
  return x86diff::MutateTestCase(data, size, max_size, seed, &LLVMFuzzerMutate, AllowedModes());
}

extern "C" size_t LLVMFuzzerCustomCrossOver(const uint8_t* data1, size_t size1,
                                            const uint8_t* data2, size_t size2, uint8_t* out,
                                            size_t max_out_size, unsigned int seed) {
  return x86diff::CrossOverTestCases(data1, size1, data2, size2, out, max_out_size, seed,
                                     AllowedModes());
}
#endif  // X86DIFF_FUZZ_REPLAY

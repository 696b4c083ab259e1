// Pieces shared by the fuzz bodies: turning what the targets said into libFuzzer extra-counter
// slots, and the findings-directory check.
#ifndef X86DIFF_FUZZ_FUZZ_FEATURES_H_
#define X86DIFF_FUZZ_FUZZ_FEATURES_H_

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <system_error>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "harness/decode_result.h"
#include "harness/mode.h"

namespace x86diff {

// Murmur3's 64-bit finaliser: spreads small structured values over the counter slots.
inline uint64_t MixFeature(uint64_t value) {
  value ^= value >> 33;
  value *= 0xff51afd7ed558ccdull;
  value ^= value >> 33;
  value *= 0xc4ceb9fe1a85ec53ull;
  value ^= value >> 33;
  return value;
}

// The slot of `key` among 2^bits counters by Fibonacci hashing (the top bits of key * 2^64/phi):
// two instructions, for keys set on every input, where MixFeature() would cost four times as
// much; every key bit reaches the top bits, so the structured keys below spread as well.
inline size_t FibonacciSlot(uint64_t key, int bits) {
  return static_cast<size_t>((key * 0x9e3779b97f4a7c15ull) >> (64 - bits));
}

// A decoder's own view of a case as one key: which decoder, mode, validity and failure reason,
// length and the library's instruction id (bit 63 stays clear for executor keys).
inline uint64_t DecoderViewKey(size_t decoder_index, Mode mode, const DecodeVerdict& verdict) {
  return (static_cast<uint64_t>(decoder_index) << 56) | (static_cast<uint64_t>(mode) << 48) |
         (static_cast<uint64_t>(verdict.valid) << 47) |
         (static_cast<uint64_t>(verdict.failure) << 40) |
         (static_cast<uint64_t>(verdict.length) << 32) | verdict.instruction_id;
}
inline uint64_t DecoderViewKey(size_t decoder_index, Mode mode, const DecodeResult& result) {
  return DecoderViewKey(decoder_index, mode, VerdictOf(result));
}

// Whether a finding file exists already (written by another -fork worker or an earlier run).
inline bool FindingExists(const std::string& path) {
  std::error_code error;
  return std::filesystem::exists(path, error);
}

// Creates the findings directory if needed; empty means "write no findings" and is fine.
inline absl::Status EnsureFindingsDirectory(const std::string& dir) {
  if (dir.empty()) return absl::OkStatus();
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error || !std::filesystem::is_directory(dir, error)) {
    return absl::FailedPreconditionError(absl::StrCat("cannot create findings directory ", dir,
                                                      ": ",
                                                      error ? error.message() : "not a directory"));
  }
  return absl::OkStatus();
}

}  // namespace x86diff

#endif  // X86DIFF_FUZZ_FUZZ_FEATURES_H_

// Versioned binary encoding of TestCase: what corpus files hold and what libFuzzer mutates.
//
// Version 1 layout (all integers little-endian):
//   u8  version        = 1
//   u8  mode           Mode numeric value (0..4)
//   u8  code_length    0..kMaxCodeBytes
//   u8  code[code_length]
//   version 1: nothing follows; any trailing byte is an error.
//   version 2: zero or more sections: u8 tag, u16 length, payload[length]
//     tag 1 "state": 16 GPRs (x86 register number order) then RFLAGS, u64 each (136 bytes); once.
//     tag 2 "scratch patch": u16 offset into scratch, then the bytes; within the scratch pages.
// Serialization writes version 1 when the case has no state and no patches, so decoder corpora
// stay in the compact form, and version 1 files keep loading forever.
#ifndef X86DIFF_HARNESS_TEST_CASE_CODEC_H_
#define X86DIFF_HARNESS_TEST_CASE_CODEC_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "harness/test_case.h"

namespace x86diff {

inline constexpr uint8_t kTestCaseFormatVersion = 2;  // newest version this build reads
inline constexpr uint8_t kTestCaseSectionState = 1;
inline constexpr uint8_t kTestCaseSectionScratchPatch = 2;
// Corpus files larger than this are rejected before parsing.
inline constexpr size_t kMaxEncodedTestCaseBytes = 4096;

// Never fails for a TestCase whose code fits kMaxCodeBytes; CHECK-fails otherwise (a caller bug).
std::vector<uint8_t> SerializeTestCase(const TestCase& test_case);

// Parses the binary form. Malformed input (empty, truncated, unknown version or mode, oversized
// code, unknown or malformed sections) gives InvalidArgument with the byte offset and what was expected.
absl::StatusOr<TestCase> ParseTestCase(absl::Span<const uint8_t> bytes);
// ParseTestCase() into a caller-owned TestCase whose vectors keep their capacity (the fuzzing hot
// path parses every input into one reused object). `*out` is overwritten entirely on success and
// unspecified on error.
absl::Status ParseTestCaseInto(absl::Span<const uint8_t> bytes, TestCase* out);

// What a decoder reads from an encoded test case.
struct DecodeInput {
  Mode mode = Mode::kLong64;
  absl::Span<const uint8_t> code;
};
// Validates `bytes` exactly as ParseTestCase() does (same errors) and returns the case's mode and
// code. A plain version 1 case (what decoder corpora hold) is not copied at all: `code` points
// into `bytes`. Any other form is parsed into `*scratch` and `code` points into that. Either way
// the result is valid while `bytes` and `*scratch` stay unchanged.
absl::StatusOr<DecodeInput> ParseDecodeInput(absl::Span<const uint8_t> bytes, TestCase* scratch);

}  // namespace x86diff

#endif  // X86DIFF_HARNESS_TEST_CASE_CODEC_H_

// Versioned binary encoding of TestCase: what corpus files hold and what libFuzzer mutates.
//
// Version 1 layout (all integers little-endian):
//   u8  version        = 1
//   u8  mode           Mode numeric value (0..4)
//   u8  code_length    0..kMaxCodeBytes
//   u8  code[code_length]
//   sections*         u8 tag, u16 length, payload[length]; version 1 defines no tag, so any
//                      trailing byte is an error. Later versions add state as sections so that
//                      version-1 files keep loading.
#ifndef X86DIFF_HARNESS_TEST_CASE_CODEC_H_
#define X86DIFF_HARNESS_TEST_CASE_CODEC_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "harness/test_case.h"

namespace x86diff {

inline constexpr uint8_t kTestCaseFormatVersion = 1;
// Corpus files larger than this are rejected before parsing.
inline constexpr size_t kMaxEncodedTestCaseBytes = 4096;

// Never fails for a TestCase whose code fits kMaxCodeBytes; CHECK-fails otherwise (a caller bug).
std::vector<uint8_t> SerializeTestCase(const TestCase& test_case);

// Parses the binary form. Malformed input (empty, truncated, unknown version or mode, oversized
// code, trailing bytes) gives InvalidArgument with the byte offset and what was expected.
absl::StatusOr<TestCase> ParseTestCase(absl::Span<const uint8_t> bytes);

}  // namespace x86diff

#endif  // X86DIFF_HARNESS_TEST_CASE_CODEC_H_

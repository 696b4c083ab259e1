#include "harness/test_case_codec.h"

#include "harness/check.h"
#include "absl/strings/str_cat.h"
#include "harness/status_macros.h"

namespace x86diff {

std::vector<uint8_t> SerializeTestCase(const TestCase& test_case) {
  X86DIFF_CHECK(test_case.code.size() <= kMaxCodeBytes);
  std::vector<uint8_t> out;
  out.reserve(3 + test_case.code.size());
  out.push_back(kTestCaseFormatVersion);
  out.push_back(static_cast<uint8_t>(test_case.mode));
  out.push_back(static_cast<uint8_t>(test_case.code.size()));
  out.insert(out.end(), test_case.code.begin(), test_case.code.end());
  return out;
}

absl::StatusOr<TestCase> ParseTestCase(absl::Span<const uint8_t> bytes) {
  if (bytes.size() > kMaxEncodedTestCaseBytes) {
    return absl::InvalidArgumentError(absl::StrCat("test case is ", bytes.size(),
                                                   " bytes; the limit is ",
                                                   kMaxEncodedTestCaseBytes));
  }
  if (bytes.size() < 3) {
    return absl::InvalidArgumentError(absl::StrCat(
        "truncated test case: ", bytes.size(), " bytes, the header alone needs 3"));
  }
  if (bytes[0] != kTestCaseFormatVersion) {
    return absl::InvalidArgumentError(absl::StrCat("unknown test case format version ", bytes[0],
                                                   " at offset 0 (this build reads version ",
                                                   kTestCaseFormatVersion, ")"));
  }
  TestCase test_case;
  auto mode = ModeFromByte(bytes[1]);
  if (!mode.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("at offset 1: ", mode.status().message()));
  }
  test_case.mode = *mode;
  const size_t code_length = bytes[2];
  if (code_length > kMaxCodeBytes) {
    return absl::InvalidArgumentError(absl::StrCat("code length ", code_length,
                                                   " at offset 2 exceeds the limit of ",
                                                   kMaxCodeBytes));
  }
  if (bytes.size() < 3 + code_length) {
    return absl::InvalidArgumentError(absl::StrCat("truncated test case: code length says ",
                                                   code_length, " bytes but only ",
                                                   bytes.size() - 3, " follow"));
  }
  test_case.code.assign(bytes.begin() + 3, bytes.begin() + 3 + code_length);
  if (bytes.size() != 3 + code_length) {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown section tag ", bytes[3 + code_length], " at offset ",
                     3 + code_length, " (format version 1 has no sections)"));
  }
  return test_case;
}

}  // namespace x86diff

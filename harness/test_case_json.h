// Readable JSON form of TestCase, for findings, reviews and hand-written cases:
//   {"format": "x86diff-testcase", "version": 1, "mode": "long64", "code": "48 01 d8"}
// Version 2 adds optional execution state: "state": {"rax": "0x10", ..., "rflags": "0x202"}
// (registers not named keep DefaultInitialState values) and "scratch": [{"offset": 16,
// "bytes": "de ad"}] patches over the default scratch contents.
#ifndef X86DIFF_HARNESS_TEST_CASE_JSON_H_
#define X86DIFF_HARNESS_TEST_CASE_JSON_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "harness/test_case.h"
#include "nlohmann/json.hpp"

namespace x86diff {

nlohmann::json TestCaseToJsonValue(const TestCase& test_case);
// Missing or mistyped fields, unknown version or mode, bad hex and oversized code are
// InvalidArgument naming the field.
absl::StatusOr<TestCase> TestCaseFromJsonValue(const nlohmann::json& value);

std::string TestCaseToJson(const TestCase& test_case);
// Also rejects text that is not JSON, with the parser's position.
absl::StatusOr<TestCase> TestCaseFromJson(absl::string_view text);

}  // namespace x86diff

#endif  // X86DIFF_HARNESS_TEST_CASE_JSON_H_

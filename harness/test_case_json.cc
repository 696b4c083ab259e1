#include "harness/test_case_json.h"

#include "absl/strings/str_cat.h"
#include "harness/hex.h"
#include "harness/status_macros.h"
#include "harness/test_case_codec.h"

namespace x86diff {

namespace {
constexpr absl::string_view kFormatName = "x86diff-testcase";
}  // namespace

nlohmann::json TestCaseToJsonValue(const TestCase& test_case) {
  return nlohmann::json{{"format", kFormatName},
                        {"version", kTestCaseFormatVersion},
                        {"mode", ModeName(test_case.mode)},
                        {"code", FormatHex(test_case.code)}};
}

absl::StatusOr<TestCase> TestCaseFromJsonValue(const nlohmann::json& value) {
  if (!value.is_object()) {
    return absl::InvalidArgumentError("test case JSON must be an object");
  }
  auto version = value.find("version");
  if (version == value.end() || !version->is_number_unsigned()) {
    return absl::InvalidArgumentError("test case JSON: missing or non-integer \"version\"");
  }
  if (version->get<uint64_t>() != kTestCaseFormatVersion) {
    return absl::InvalidArgumentError(absl::StrCat("test case JSON: unknown version ",
                                                   version->get<uint64_t>(),
                                                   " (this build reads version ",
                                                   kTestCaseFormatVersion, ")"));
  }
  auto mode_field = value.find("mode");
  if (mode_field == value.end() || !mode_field->is_string()) {
    return absl::InvalidArgumentError("test case JSON: missing or non-string \"mode\"");
  }
  auto code_field = value.find("code");
  if (code_field == value.end() || !code_field->is_string()) {
    return absl::InvalidArgumentError("test case JSON: missing or non-string \"code\"");
  }
  TestCase test_case;
  ASSIGN_OR_RETURN(test_case.mode, ParseMode(mode_field->get<std::string>()));
  auto code = ParseHex(code_field->get<std::string>());
  if (!code.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("test case JSON \"code\": ",
                                                   code.status().message()));
  }
  if (code->size() > kMaxCodeBytes) {
    return absl::InvalidArgumentError(absl::StrCat("test case JSON \"code\" has ", code->size(),
                                                   " bytes; the limit is ", kMaxCodeBytes));
  }
  test_case.code = *std::move(code);
  return test_case;
}

std::string TestCaseToJson(const TestCase& test_case) {
  return TestCaseToJsonValue(test_case).dump(2);
}

absl::StatusOr<TestCase> TestCaseFromJson(absl::string_view text) {
  nlohmann::json value = nlohmann::json::parse(text.begin(), text.end(), nullptr,
                                               /*allow_exceptions=*/false);
  if (value.is_discarded()) {
    return absl::InvalidArgumentError("test case is not valid JSON");
  }
  return TestCaseFromJsonValue(value);
}

}  // namespace x86diff

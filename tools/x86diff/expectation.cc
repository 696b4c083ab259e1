#include "tools/x86diff/expectation.h"

#include <cstdint>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "harness/atomic_file.h"
#include "harness/mode.h"
#include "harness/status_macros.h"
#include "harness/test_case_json.h"

namespace x86diff::cli {

namespace {

// Expectation files hold a 64-byte case and a handful of outcomes; anything much larger is not one.
constexpr size_t kMaxExpectationBytes = 1 << 20;

// Builds the DOM like nlohmann's own parser but keeps the position and reason of a syntax error,
// so that a broken file is reported as "line 12, column 5: ..." rather than "not JSON".
class PositionKeepingParser {
 public:
  using json = nlohmann::json;
  explicit PositionKeepingParser(json& result) : dom_(result, /*allow_exceptions_=*/false) {}

  bool null() { return dom_.null(); }
  bool boolean(bool value) { return dom_.boolean(value); }
  bool number_integer(json::number_integer_t value) { return dom_.number_integer(value); }
  bool number_unsigned(json::number_unsigned_t value) { return dom_.number_unsigned(value); }
  bool number_float(json::number_float_t value, const json::string_t& text) {
    return dom_.number_float(value, text);
  }
  bool string(json::string_t& value) { return dom_.string(value); }
  bool binary(json::binary_t& value) { return dom_.binary(value); }
  bool start_object(std::size_t size) { return dom_.start_object(size); }
  bool key(json::string_t& value) { return dom_.key(value); }
  bool end_object() { return dom_.end_object(); }
  bool start_array(std::size_t size) { return dom_.start_array(size); }
  bool end_array() { return dom_.end_array(); }
  bool parse_error(std::size_t position, const std::string& token,
                   const nlohmann::detail::exception& error) {
    error_ = absl::StrCat("not valid JSON at byte ", position, ": ", error.what());
    return false;
  }

  const std::string& error() const { return error_; }

 private:
  nlohmann::detail::json_sax_dom_parser<json> dom_;
  std::string error_;
};

absl::Status Malformed(absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat("expectation: ", what));
}

absl::Status FieldError(absl::string_view field) {
  return Malformed(absl::StrCat("missing or mistyped \"", field, "\""));
}

// The finding parser's messages start with "finding JSON: "; here they describe an expectation.
absl::Status Reworded(const absl::Status& status) {
  absl::string_view message = status.message();
  absl::ConsumePrefix(&message, "finding JSON: ");
  return absl::Status(status.code(), absl::StrCat("expectation: ", message));
}

// Flag metadata is written by OutcomeToJsonValue but not read back by the finding parser.
absl::Status CheckFlags(const nlohmann::json& outcome) {
  auto flags = outcome.find("flags");
  if (flags == outcome.end()) return absl::OkStatus();
  if (!flags->is_object()) return FieldError("flags");
  for (const char* field : {"tested", "modified", "undefined"}) {
    auto it = flags->find(field);
    if (it == flags->end() || !it->is_number_unsigned()) {
      return FieldError(absl::StrCat("flags.", field));
    }
  }
  return absl::OkStatus();
}

}  // namespace

Expectation MakeExpectation(const TestCase& test_case, absl::Span<const Outcome> outcomes,
                            absl::Span<const Divergence> divergences,
                            std::map<std::string, std::string> recorded_with) {
  Expectation expectation;
  expectation.test_case = test_case;
  for (const Outcome& outcome : outcomes) {
    expectation.expected.push_back(OutcomeToJsonValue(outcome));
  }
  expectation.divergences.assign(divergences.begin(), divergences.end());
  expectation.recorded_with = std::move(recorded_with);
  return expectation;
}

std::string ExpectationToJson(const Expectation& expectation) {
  // ordered_json keeps the insertion order, so the file reads top-down: what, then the answers.
  nlohmann::ordered_json value;
  value["format"] = kExpectationFormat;
  value["version"] = kExpectationVersion;
  value["testcase"] = nlohmann::ordered_json(TestCaseToJsonValue(expectation.test_case));
  value["expected"] = nlohmann::ordered_json::array();
  for (const nlohmann::json& outcome : expectation.expected) {
    value["expected"].push_back(nlohmann::ordered_json(outcome));
  }
  value["divergences"] = nlohmann::ordered_json::array();
  for (const Divergence& divergence : expectation.divergences) {
    value["divergences"].push_back(nlohmann::ordered_json(DivergenceToJsonValue(divergence)));
  }
  value["recorded_with"] = nlohmann::ordered_json::object();
  for (const auto& [target, version] : expectation.recorded_with) {
    value["recorded_with"][target] = version;
  }
  return value.dump(2) + "\n";
}

absl::StatusOr<Finding> FindingFromParts(const nlohmann::json& test_case,
                                         const nlohmann::json& outcomes,
                                         const nlohmann::json& divergences) {
  const nlohmann::json finding = {{"format", "x86diff-finding"},
                                  {"version", 1},
                                  {"testcase", test_case},
                                  {"outcomes", outcomes},
                                  {"divergences", divergences}};
  return FindingFromJson(finding.dump());
}

absl::StatusOr<Expectation> ExpectationFromJson(absl::string_view text) {
  nlohmann::json value;
  PositionKeepingParser parser(value);
  if (!nlohmann::json::sax_parse(text.begin(), text.end(), &parser) || value.is_discarded()) {
    return Malformed(parser.error().empty() ? "not valid JSON" : parser.error());
  }
  if (!value.is_object()) return Malformed("not a JSON object");
  auto format = value.find("format");
  if (format == value.end() || !format->is_string()) return FieldError("format");
  if (format->get<std::string>() != kExpectationFormat) {
    return Malformed(absl::StrCat("format is \"", format->get<std::string>(), "\", expected \"",
                                  kExpectationFormat, "\" (record one with 'x86diff record')"));
  }
  auto version = value.find("version");
  if (version == value.end() || !version->is_number_unsigned()) return FieldError("version");
  if (version->get<uint64_t>() != static_cast<uint64_t>(kExpectationVersion)) {
    return Malformed(absl::StrCat("unknown version ", version->get<uint64_t>(),
                                  " (this build reads ", kExpectationVersion, ")"));
  }
  for (const char* field : {"testcase", "expected", "divergences", "recorded_with"}) {
    if (!value.contains(field)) return FieldError(field);
  }
  const nlohmann::json& expected = value["expected"];
  if (!expected.is_array() || expected.empty()) {
    return Malformed("\"expected\" must be a non-empty array of outcomes");
  }
  auto finding = FindingFromParts(value["testcase"], expected, value["divergences"]);
  if (!finding.ok()) return Reworded(finding.status());

  Expectation expectation;
  expectation.test_case = std::move(finding->test_case);
  expectation.divergences = std::move(finding->divergences);
  for (const nlohmann::json& outcome : expected) {
    const std::string target = OutcomeTarget(outcome);
    for (const nlohmann::json& earlier : expectation.expected) {
      if (OutcomeTarget(earlier) == target) {
        return Malformed(absl::StrCat("target \"", target, "\" is expected twice"));
      }
    }
    if (absl::Status flags = CheckFlags(outcome); !flags.ok()) {
      return Malformed(absl::StrCat(target, ": ", flags.message()));
    }
    expectation.expected.push_back(outcome);
  }
  const nlohmann::json& recorded_with = value["recorded_with"];
  if (!recorded_with.is_object()) return FieldError("recorded_with");
  for (const auto& [target, version] : recorded_with.items()) {
    if (!version.is_string()) return FieldError(absl::StrCat("recorded_with.", target));
    expectation.recorded_with[target] = version.get<std::string>();
  }
  return expectation;
}

absl::StatusOr<Expectation> LoadExpectationFile(const std::string& path) {
  // ReadFileToString names the path in its errors.
  ASSIGN_OR_RETURN(std::string text, ReadFileToString(path, kMaxExpectationBytes));
  auto expectation = ExpectationFromJson(text);
  if (!expectation.ok()) {
    return absl::Status(expectation.status().code(),
                        absl::StrCat(path, ": ", expectation.status().message()));
  }
  return expectation;
}

absl::StatusOr<TestCase> LoadAnyCaseFile(const std::string& path) {
  // Read once to detect the kind; test case files are far smaller than this.
  ASSIGN_OR_RETURN(std::string text, ReadFileToString(path, kMaxExpectationBytes));
  if (!absl::StrContains(text, kExpectationFormat)) return LoadTestCaseFile(path);
  auto expectation = ExpectationFromJson(text);
  if (!expectation.ok()) {
    return absl::Status(expectation.status().code(),
                        absl::StrCat(path, ": ", expectation.status().message()));
  }
  return std::move(expectation->test_case);
}

std::string ExpectationFileName(const TestCase& test_case) {
  SignatureHasher hasher;
  hasher.Add(TestCaseToJsonValue(test_case).dump());
  return absl::StrCat(ModeName(test_case.mode), "-", absl::Hex(hasher.hash(), absl::kZeroPad16),
                      ".json");
}

std::string OutcomeTarget(const nlohmann::json& outcome) {
  auto it = outcome.find("target");
  return it != outcome.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool IsDecoderOutcome(const nlohmann::json& outcome) {
  auto it = outcome.find("provenance");
  return it != outcome.end() && it->is_string() &&
         it->get<std::string>() == ProvenanceName(Provenance::kDecoder);
}

}  // namespace x86diff::cli

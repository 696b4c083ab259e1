#include "harness/test_case_json.h"

#include <algorithm>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "harness/hex.h"
#include "harness/memory_layout.h"
#include "harness/status_macros.h"
#include "harness/test_case_codec.h"

namespace x86diff {

namespace {
constexpr absl::string_view kFormatName = "x86diff-testcase";

std::string HexU64(uint64_t value) { return absl::StrFormat("0x%x", value); }

absl::StatusOr<uint64_t> ParseU64Field(const nlohmann::json& value, absl::string_view name) {
  uint64_t parsed = 0;
  if (value.is_number_unsigned()) return value.get<uint64_t>();
  if (value.is_string()) {
    const std::string text = value.get<std::string>();
    absl::string_view digits = text;
    if (absl::ConsumePrefix(&digits, "0x") || absl::ConsumePrefix(&digits, "0X")) {
      if (absl::SimpleHexAtoi(digits, &parsed)) return parsed;
    } else if (absl::SimpleAtoi(digits, &parsed)) {
      return parsed;
    }
  }
  return absl::InvalidArgumentError(
      absl::StrCat("test case JSON: \"", name, "\" must be an unsigned integer or hex string"));
}

absl::Status ParseState(const nlohmann::json& value, TestCase& test_case) {
  if (!value.is_object()) {
    return absl::InvalidArgumentError("test case JSON: \"state\" must be an object");
  }
  // Registers not named keep their default value, so hand-written cases stay short.
  CpuState state = DefaultInitialState(test_case.mode);
  for (const auto& [name, field] : value.items()) {
    if (name == "rflags") {
      ASSIGN_OR_RETURN(state.rflags, ParseU64Field(field, name));
      continue;
    }
    auto it = std::find(kGprNames.begin(), kGprNames.end(), name);
    if (it == kGprNames.end()) {
      return absl::InvalidArgumentError(
          absl::StrCat("test case JSON: unknown register \"", name, "\" in \"state\""));
    }
    ASSIGN_OR_RETURN(state.gpr[it - kGprNames.begin()], ParseU64Field(field, name));
  }
  test_case.initial_state = state;
  return absl::OkStatus();
}

absl::Status ParseScratch(const nlohmann::json& value, TestCase& test_case) {
  if (!value.is_array()) {
    return absl::InvalidArgumentError("test case JSON: \"scratch\" must be an array");
  }
  const uint64_t scratch_size = LayoutFor(test_case.mode).scratch_size;
  for (const auto& entry : value) {
    auto offset = entry.find("offset");
    auto bytes = entry.find("bytes");
    if (!entry.is_object() || offset == entry.end() || !offset->is_number_unsigned() ||
        bytes == entry.end() || !bytes->is_string()) {
      return absl::InvalidArgumentError(
          "test case JSON: each \"scratch\" entry needs \"offset\" (integer) and \"bytes\" (hex)");
    }
    auto parsed = ParseHex(bytes->get<std::string>());
    if (!parsed.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("test case JSON \"scratch\": ", parsed.status().message()));
    }
    if (offset->get<uint64_t>() + parsed->size() > scratch_size) {
      return absl::InvalidArgumentError(absl::StrCat(
          "test case JSON: scratch patch at offset ", offset->get<uint64_t>(), " of ",
          parsed->size(), " bytes does not fit the ", scratch_size, "-byte scratch area"));
    }
    test_case.scratch_patches.push_back(
        MemoryPatch{static_cast<uint16_t>(offset->get<uint64_t>()), *std::move(parsed)});
  }
  return absl::OkStatus();
}

}  // namespace

nlohmann::json TestCaseToJsonValue(const TestCase& test_case) {
  const bool has_state =
      test_case.initial_state.has_value() || !test_case.scratch_patches.empty();
  nlohmann::json value{{"format", kFormatName},
                       {"version", has_state ? 2 : 1},
                       {"mode", ModeName(test_case.mode)},
                       {"code", FormatHex(test_case.code)}};
  if (test_case.initial_state.has_value()) {
    nlohmann::json state = nlohmann::json::object();
    for (int i = 0; i < kGprCount; ++i) {
      state[std::string(kGprNames[i])] = HexU64(test_case.initial_state->gpr[i]);
    }
    state["rflags"] = HexU64(test_case.initial_state->rflags);
    value["state"] = std::move(state);
  }
  if (!test_case.scratch_patches.empty()) {
    nlohmann::json scratch = nlohmann::json::array();
    for (const MemoryPatch& patch : test_case.scratch_patches) {
      scratch.push_back({{"offset", patch.offset}, {"bytes", FormatHex(patch.bytes)}});
    }
    value["scratch"] = std::move(scratch);
  }
  return value;
}

absl::StatusOr<TestCase> TestCaseFromJsonValue(const nlohmann::json& value) {
  if (!value.is_object()) {
    return absl::InvalidArgumentError("test case JSON must be an object");
  }
  auto version = value.find("version");
  if (version == value.end() || !version->is_number_unsigned()) {
    return absl::InvalidArgumentError("test case JSON: missing or non-integer \"version\"");
  }
  if (version->get<uint64_t>() == 0 || version->get<uint64_t>() > kTestCaseFormatVersion) {
    return absl::InvalidArgumentError(absl::StrCat("test case JSON: unknown version ",
                                                   version->get<uint64_t>(),
                                                   " (this build reads versions 1..",
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
  if (auto state = value.find("state"); state != value.end()) {
    RETURN_IF_ERROR(ParseState(*state, test_case));
  }
  if (auto scratch = value.find("scratch"); scratch != value.end()) {
    RETURN_IF_ERROR(ParseScratch(*scratch, test_case));
  }
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

#include "harness/finding.h"

#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "harness/atomic_file.h"
#include "harness/hex.h"
#include "harness/status_macros.h"
#include "harness/test_case_codec.h"
#include "harness/test_case_json.h"

namespace x86diff {

namespace {

constexpr absl::string_view kFindingFormat = "x86diff-finding";
constexpr int kFindingVersion = 1;

// Reverse lookup of an enum by its display name, for enums numbered 0..max_value.
template <typename Enum>
std::optional<Enum> EnumFromName(absl::string_view name, int max_value,
                                 absl::string_view (*name_of)(Enum)) {
  for (int value = 0; value <= max_value; ++value) {
    if (name_of(static_cast<Enum>(value)) == name) return static_cast<Enum>(value);
  }
  return std::nullopt;
}

constexpr int kDecodeFailureMaxValue = static_cast<int>(DecodeFailure::kOther);
constexpr int kProvenanceMaxValue = static_cast<int>(Provenance::kKvmEmulated);
constexpr int kDivergenceKindMaxValue = static_cast<int>(DivergenceKind::kTimeout);

absl::Status FieldError(absl::string_view where, absl::string_view field) {
  return absl::InvalidArgumentError(
      absl::StrCat("finding JSON: ", where, ": missing or mistyped \"", field, "\""));
}

absl::StatusOr<std::string> GetString(const nlohmann::json& object, absl::string_view where,
                                      const char* field) {
  auto it = object.find(field);
  if (it == object.end() || !it->is_string()) return FieldError(where, field);
  return it->get<std::string>();
}

absl::StatusOr<uint64_t> GetUnsigned(const nlohmann::json& object, absl::string_view where,
                                     const char* field) {
  auto it = object.find(field);
  if (it == object.end() || !it->is_number_unsigned()) return FieldError(where, field);
  return it->get<uint64_t>();
}

std::string HexU64(uint64_t value) { return absl::StrFormat("0x%x", value); }

absl::StatusOr<uint64_t> GetHexU64(const nlohmann::json& object, absl::string_view where,
                                   const char* field) {
  ASSIGN_OR_RETURN(std::string text, GetString(object, where, field));
  absl::string_view digits = text;
  uint64_t value = 0;
  if (!absl::ConsumePrefix(&digits, "0x") || !absl::SimpleHexAtoi(digits, &value)) {
    return FieldError(where, field);
  }
  return value;
}

nlohmann::json ExecResultToJsonValue(const ExecResult& exec) {
  nlohmann::json registers = nlohmann::json::object();
  for (int i = 0; i < kGprCount; ++i) {
    registers[std::string(kGprNames[i])] = HexU64(exec.final_state.gpr[i]);
  }
  registers["rip"] = HexU64(exec.final_state.rip);
  registers["rflags"] = HexU64(exec.final_state.rflags);
  nlohmann::json changes = nlohmann::json::array();
  for (const MemoryChange& change : exec.memory_changes) {
    changes.push_back({{"address", HexU64(change.address)},
                       {"before", FormatHex(change.before)},
                       {"after", FormatHex(change.after)}});
  }
  nlohmann::json value = {{"status", ExecStatusName(exec.status)},
                          {"length", exec.length},
                          {"registers", std::move(registers)},
                          {"memory_changes", std::move(changes)},
                          {"imprecise", ImpreciseFieldNames(exec.imprecise)},
                          {"imprecise_bits", exec.imprecise},
                          {"detail", exec.detail}};
  if (exec.status == ExecStatus::kFault) {
    value["vector"] = exec.vector;
    value["vector_name"] = VectorName(exec.vector);
    if (exec.has_error_code) value["error_code"] = HexU64(exec.error_code);
    if (exec.has_fault_address) value["fault_address"] = HexU64(exec.fault_address);
  }
  return value;
}

absl::StatusOr<ExecResult> ExecResultFromJsonValue(const nlohmann::json& value,
                                                   absl::string_view where) {
  if (!value.is_object()) return FieldError(where, "exec");
  ExecResult exec;
  ASSIGN_OR_RETURN(std::string status, GetString(value, where, "status"));
  auto parsed_status = EnumFromName<ExecStatus>(status, kExecStatusMaxValue, &ExecStatusName);
  if (!parsed_status) return FieldError(where, "status");
  exec.status = *parsed_status;
  ASSIGN_OR_RETURN(uint64_t length, GetUnsigned(value, where, "length"));
  exec.length = static_cast<uint8_t>(length);
  if (exec.status == ExecStatus::kFault) {
    ASSIGN_OR_RETURN(uint64_t vector, GetUnsigned(value, where, "vector"));
    if (vector > 255) return FieldError(where, "vector");
    exec.vector = static_cast<uint8_t>(vector);
    if (value.contains("error_code")) {
      ASSIGN_OR_RETURN(exec.error_code, GetHexU64(value, where, "error_code"));
      exec.has_error_code = true;
    }
    if (value.contains("fault_address")) {
      ASSIGN_OR_RETURN(exec.fault_address, GetHexU64(value, where, "fault_address"));
      exec.has_fault_address = true;
    }
  }
  auto registers = value.find("registers");
  if (registers == value.end() || !registers->is_object()) return FieldError(where, "registers");
  for (int i = 0; i < kGprCount; ++i) {
    ASSIGN_OR_RETURN(exec.final_state.gpr[i],
                     GetHexU64(*registers, where, std::string(kGprNames[i]).c_str()));
  }
  ASSIGN_OR_RETURN(exec.final_state.rip, GetHexU64(*registers, where, "rip"));
  ASSIGN_OR_RETURN(exec.final_state.rflags, GetHexU64(*registers, where, "rflags"));
  auto changes = value.find("memory_changes");
  if (changes == value.end() || !changes->is_array()) return FieldError(where, "memory_changes");
  for (const auto& change : *changes) {
    MemoryChange parsed;
    ASSIGN_OR_RETURN(parsed.address, GetHexU64(change, where, "address"));
    ASSIGN_OR_RETURN(std::string before, GetString(change, where, "before"));
    ASSIGN_OR_RETURN(std::string after, GetString(change, where, "after"));
    auto before_bytes = ParseHex(before);
    auto after_bytes = ParseHex(after);
    if (!before_bytes.ok() || !after_bytes.ok()) return FieldError(where, "memory_changes");
    parsed.before = *std::move(before_bytes);
    parsed.after = *std::move(after_bytes);
    exec.memory_changes.push_back(std::move(parsed));
  }
  ASSIGN_OR_RETURN(uint64_t imprecise, GetUnsigned(value, where, "imprecise_bits"));
  exec.imprecise = static_cast<uint32_t>(imprecise);
  ASSIGN_OR_RETURN(exec.detail, GetString(value, where, "detail"));
  return exec;
}

absl::StatusOr<Outcome> OutcomeFromJsonValue(const nlohmann::json& value) {
  if (!value.is_object()) return absl::InvalidArgumentError("finding JSON: outcome not an object");
  Outcome outcome;
  ASSIGN_OR_RETURN(outcome.target, GetString(value, "outcome", "target"));
  ASSIGN_OR_RETURN(std::string provenance, GetString(value, outcome.target, "provenance"));
  auto parsed_provenance =
      EnumFromName<Provenance>(provenance, kProvenanceMaxValue, &ProvenanceName);
  if (!parsed_provenance) return FieldError(outcome.target, "provenance");
  outcome.provenance = *parsed_provenance;
  auto valid = value.find("valid");
  if (valid == value.end() || !valid->is_boolean()) return FieldError(outcome.target, "valid");
  DecodeResult& decode = outcome.decode;
  decode.valid = valid->get<bool>();
  ASSIGN_OR_RETURN(uint64_t length, GetUnsigned(value, outcome.target, "length"));
  if (length > kMaxInstructionBytes + 1) return FieldError(outcome.target, "length");
  decode.length = static_cast<uint8_t>(length);
  ASSIGN_OR_RETURN(std::string failure, GetString(value, outcome.target, "failure"));
  auto parsed_failure =
      EnumFromName<DecodeFailure>(failure, kDecodeFailureMaxValue, &DecodeFailureName);
  if (!parsed_failure) return FieldError(outcome.target, "failure");
  decode.failure = *parsed_failure;
  ASSIGN_OR_RETURN(decode.mnemonic, GetString(value, outcome.target, "mnemonic"));
  ASSIGN_OR_RETURN(decode.operands, GetString(value, outcome.target, "operands"));
  ASSIGN_OR_RETURN(uint64_t prefixes, GetUnsigned(value, outcome.target, "prefix_bits"));
  decode.prefixes = static_cast<uint32_t>(prefixes);
  ASSIGN_OR_RETURN(uint64_t id, GetUnsigned(value, outcome.target, "instruction_id"));
  decode.instruction_id = static_cast<uint32_t>(id);
  if (auto exec = value.find("exec"); exec != value.end()) {
    ASSIGN_OR_RETURN(outcome.exec, ExecResultFromJsonValue(*exec, outcome.target));
  }
  return outcome;
}

absl::StatusOr<Divergence> DivergenceFromJsonValue(const nlohmann::json& value) {
  if (!value.is_object()) {
    return absl::InvalidArgumentError("finding JSON: divergence not an object");
  }
  Divergence divergence;
  ASSIGN_OR_RETURN(std::string kind, GetString(value, "divergence", "kind"));
  auto parsed_kind =
      EnumFromName<DivergenceKind>(kind, kDivergenceKindMaxValue, &DivergenceKindName);
  if (!parsed_kind) return FieldError("divergence", "kind");
  divergence.kind = *parsed_kind;
  ASSIGN_OR_RETURN(std::string mode, GetString(value, "divergence", "mode"));
  ASSIGN_OR_RETURN(divergence.mode, ParseMode(mode));
  auto targets = value.find("targets");
  if (targets == value.end() || !targets->is_array()) return FieldError("divergence", "targets");
  for (const auto& target : *targets) {
    if (!target.is_string()) return FieldError("divergence", "targets");
    divergence.targets.push_back(target.get<std::string>());
  }
  ASSIGN_OR_RETURN(divergence.opcode_class, GetString(value, "divergence", "opcode_class"));
  ASSIGN_OR_RETURN(divergence.fields, GetString(value, "divergence", "fields"));
  // The signature is recomputed rather than trusted, so an edited file cannot claim a bucket.
  divergence.signature = MakeSignature(divergence.kind, divergence.targets, divergence.mode,
                                       divergence.opcode_class, divergence.fields);
  return divergence;
}

}  // namespace

nlohmann::json OutcomeToJsonValue(const Outcome& outcome) {
  const DecodeResult& decode = outcome.decode;
  nlohmann::json value = {
      {"target", outcome.target},
      {"provenance", ProvenanceName(outcome.provenance)},
      {"valid", decode.valid},
      {"length", decode.length},
      {"failure", DecodeFailureName(decode.failure)},
      {"mnemonic", decode.mnemonic},
      {"operands", decode.operands},
      {"prefixes", PrefixNames(decode.prefixes)},
      {"prefix_bits", decode.prefixes},
      {"instruction_id", decode.instruction_id},
  };
  if (decode.has_flag_info) {
    value["flags"] = {{"tested", decode.flags_tested},
                      {"modified", decode.flags_modified},
                      {"undefined", decode.flags_undefined}};
  }
  if (outcome.exec.has_value()) value["exec"] = ExecResultToJsonValue(*outcome.exec);
  return value;
}

nlohmann::json DivergenceToJsonValue(const Divergence& divergence) {
  return nlohmann::json{
      {"kind", DivergenceKindName(divergence.kind)},
      {"targets", divergence.targets},
      {"mode", ModeName(divergence.mode)},
      {"opcode_class", divergence.opcode_class},
      {"fields", divergence.fields},
      {"signature", divergence.signature.text},
      {"signature_id", divergence.signature.HexId()},
  };
}

std::string FindingToJson(const Finding& finding) {
  nlohmann::json value = {{"format", kFindingFormat},
                          {"version", kFindingVersion},
                          {"testcase", TestCaseToJsonValue(finding.test_case)},
                          {"outcomes", nlohmann::json::array()},
                          {"divergences", nlohmann::json::array()}};
  for (const Outcome& outcome : finding.outcomes) {
    value["outcomes"].push_back(OutcomeToJsonValue(outcome));
  }
  for (const Divergence& divergence : finding.divergences) {
    value["divergences"].push_back(DivergenceToJsonValue(divergence));
  }
  return value.dump(2) + "\n";
}

absl::StatusOr<Finding> FindingFromJson(absl::string_view text) {
  nlohmann::json value = nlohmann::json::parse(text.begin(), text.end(), nullptr,
                                               /*allow_exceptions=*/false);
  if (value.is_discarded() || !value.is_object()) {
    return absl::InvalidArgumentError("finding is not a JSON object");
  }
  ASSIGN_OR_RETURN(std::string format, GetString(value, "top level", "format"));
  if (format != kFindingFormat) {
    return absl::InvalidArgumentError(
        absl::StrCat("finding JSON: format is \"", format, "\", expected \"", kFindingFormat, "\""));
  }
  ASSIGN_OR_RETURN(uint64_t version, GetUnsigned(value, "top level", "version"));
  if (version != kFindingVersion) {
    return absl::InvalidArgumentError(
        absl::StrCat("finding JSON: unknown version ", version, " (this build reads ",
                     kFindingVersion, ")"));
  }
  Finding finding;
  auto test_case = value.find("testcase");
  if (test_case == value.end()) return FieldError("top level", "testcase");
  ASSIGN_OR_RETURN(finding.test_case, TestCaseFromJsonValue(*test_case));
  for (const char* field : {"outcomes", "divergences"}) {
    auto it = value.find(field);
    if (it == value.end() || !it->is_array()) return FieldError("top level", field);
  }
  for (const auto& outcome : value["outcomes"]) {
    ASSIGN_OR_RETURN(Outcome parsed, OutcomeFromJsonValue(outcome));
    finding.outcomes.push_back(std::move(parsed));
  }
  for (const auto& divergence : value["divergences"]) {
    ASSIGN_OR_RETURN(Divergence parsed, DivergenceFromJsonValue(divergence));
    finding.divergences.push_back(std::move(parsed));
  }
  return finding;
}

absl::StatusOr<TestCase> LoadTestCaseFile(const std::string& path) {
  auto contents = ReadFileToString(path, kMaxEncodedTestCaseBytes * 64);
  if (!contents.ok()) return contents.status();
  absl::StatusOr<TestCase> test_case;
  const size_t first = contents->find_first_not_of(" \t\r\n");
  if (first != std::string::npos && (*contents)[first] == '{') {
    // Findings carry a "format" of x86diff-finding; bare test cases x86diff-testcase.
    if (contents->find(std::string(kFindingFormat)) != std::string::npos) {
      auto finding = FindingFromJson(*contents);
      test_case = finding.ok() ? absl::StatusOr<TestCase>(finding->test_case)
                               : absl::StatusOr<TestCase>(finding.status());
    } else {
      test_case = TestCaseFromJson(*contents);
    }
  } else {
    test_case = ParseTestCase(absl::Span<const uint8_t>(
        reinterpret_cast<const uint8_t*>(contents->data()), contents->size()));
  }
  if (!test_case.ok()) {
    return absl::Status(test_case.status().code(),
                        absl::StrCat(path, ": ", test_case.status().message()));
  }
  return test_case;
}

}  // namespace x86diff

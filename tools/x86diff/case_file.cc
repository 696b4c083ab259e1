#include "tools/x86diff/case_file.h"

#include <filesystem>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "harness/atomic_file.h"
#include "harness/status_macros.h"
#include "harness/test_case_codec.h"

namespace x86diff::cli {

namespace {

// Findings name their format near the top; test case JSON says x86diff-testcase.
constexpr absl::string_view kFindingMarker = "\"x86diff-finding\"";

absl::Status WithPath(const std::string& path, const absl::Status& status) {
  return absl::Status(status.code(), absl::StrCat(path, ": ", status.message()));
}

}  // namespace

absl::StatusOr<CaseFile> LoadCaseFile(const std::string& path) {
  absl::StatusOr<std::string> contents = ReadFileToString(path, kMaxEncodedTestCaseBytes * 64);
  if (!contents.ok()) return contents.status();  // names the path already
  CaseFile file;
  file.path = path;
  const size_t first = contents->find_first_not_of(" \t\r\n");
  if (first != std::string::npos && (*contents)[first] == '{' &&
      absl::string_view(*contents).find(kFindingMarker) != absl::string_view::npos) {
    absl::StatusOr<Finding> finding = FindingFromJson(*contents);
    if (!finding.ok()) return WithPath(path, finding.status());
    file.test_case = finding->test_case;
    file.finding = *std::move(finding);
    return file;
  }
  absl::StatusOr<TestCase> test_case = LoadTestCaseFile(path);  // prefixes the path itself
  if (!test_case.ok()) return test_case.status();
  file.test_case = *std::move(test_case);
  return file;
}

absl::StatusOr<uint64_t> ParseSignatureId(const std::string& text) {
  uint64_t value = 0;
  bool hex_only = text.size() == 16;
  for (char c : text) hex_only = hex_only && absl::ascii_isxdigit(static_cast<unsigned char>(c));
  if (!hex_only || !absl::SimpleHexAtoi(text, &value)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "signature \"", text, "\" is not a signature id (16 hex digits, as replay prints them)"));
  }
  return value;
}

std::optional<uint64_t> SignatureIdFromPath(const std::string& path) {
  // Up to the first dot, so that "<id>.min.json" (what minimize writes) counts too.
  const std::string name = std::filesystem::path(path).filename().string();
  absl::StatusOr<uint64_t> id = ParseSignatureId(name.substr(0, name.find('.')));
  if (!id.ok()) return std::nullopt;
  return *id;
}

const Divergence* FindSignature(absl::Span<const Divergence> divergences, uint64_t hash) {
  for (const Divergence& divergence : divergences) {
    if (divergence.signature.hash == hash) return &divergence;
  }
  return nullptr;
}

std::string ListSignatures(absl::Span<const Divergence> divergences) {
  if (divergences.empty()) return "no divergence";
  return absl::StrJoin(divergences, "; ", [](std::string* out, const Divergence& divergence) {
    absl::StrAppend(out, divergence.signature.HexId(), " ", DivergenceKindName(divergence.kind),
                    " ", divergence.fields);
  });
}

absl::StatusOr<uint64_t> ChooseSignature(const CaseFile& file, absl::Span<const Divergence> shown,
                                         const std::string& requested) {
  if (!requested.empty()) {
    ASSIGN_OR_RETURN(uint64_t wanted, ParseSignatureId(requested));
    if (FindSignature(shown, wanted) == nullptr) {
      return absl::FailedPreconditionError(
          absl::StrFormat("%s: signature %016x does not reproduce: the case now shows %s",
                          file.path, wanted, ListSignatures(shown)));
    }
    return wanted;
  }
  if (std::optional<uint64_t> named = SignatureIdFromPath(file.path);
      named.has_value() && FindSignature(shown, *named) != nullptr) {
    return *named;
  }
  if (file.finding.has_value()) {
    for (const Divergence& recorded : file.finding->divergences) {
      if (FindSignature(shown, recorded.signature.hash) != nullptr) return recorded.signature.hash;
    }
  }
  if (!shown.empty()) return shown.front().signature.hash;
  std::string recorded;
  if (file.finding.has_value()) {
    recorded =
        absl::StrCat(" (the finding recorded ", ListSignatures(file.finding->divergences), ")");
  }
  return absl::FailedPreconditionError(
      absl::StrCat(file.path, ": the case shows no divergence when run again", recorded));
}

}  // namespace x86diff::cli

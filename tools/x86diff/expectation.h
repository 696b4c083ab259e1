// Expectation file: one test case of the regression corpus with the outcome every recorded target
// gave for it, written by `x86diff record` and checked by `x86diff replay --check`:
//   {"format": "x86diff-expectation", "version": 1,
//    "testcase": {...test_case_json.h...},
//    "expected": [{...OutcomeToJsonValue (harness/finding.h): decode and exec result...}, ...],
//    "divergences": [{...DivergenceToJsonValue...}, ...],
//    "recorded_with": {"capstone": "Capstone 4.0.2", "unicorn": "Unicorn 2.0.1", ...}}
// The outcomes are kept as the JSON objects they were recorded as, so that a check compares
// every recorded field (including the decoders' flag metadata, which Outcome parsing drops).
#ifndef X86DIFF_TOOLS_X86DIFF_EXPECTATION_H_
#define X86DIFF_TOOLS_X86DIFF_EXPECTATION_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "harness/divergence.h"
#include "harness/finding.h"
#include "harness/outcome.h"
#include "harness/test_case.h"
#include "nlohmann/json.hpp"

namespace x86diff::cli {

inline constexpr absl::string_view kExpectationFormat = "x86diff-expectation";
inline constexpr int kExpectationVersion = 1;

struct Expectation {
  TestCase test_case;
  // One OutcomeToJsonValue object per target, in the order the targets ran (decoders first).
  std::vector<nlohmann::json> expected;
  std::vector<Divergence> divergences;
  // Target name -> what it was ("Capstone 4.0.2"; for hardware targets the CPU model). Tells a
  // reader what a changed outcome was recorded with, and lets a check skip hardware targets
  // recorded on another CPU.
  std::map<std::string, std::string> recorded_with;
};

// Builds an expectation from a run's outcomes and divergences.
Expectation MakeExpectation(const TestCase& test_case, absl::Span<const Outcome> outcomes,
                            absl::Span<const Divergence> divergences,
                            std::map<std::string, std::string> recorded_with);

// Pretty-printed (2-space indent, keys in a fixed order, newline at the end). Deterministic: the
// same expectation always gives the same bytes, so re-recording an unchanged case leaves its file
// as it was.
std::string ExpectationToJson(const Expectation& expectation);

// Parses an expectation file. Not JSON, another format, an unknown version, missing or mistyped
// fields (in the test case, an outcome, a divergence) are InvalidArgument naming the field.
absl::StatusOr<Expectation> ExpectationFromJson(absl::string_view text);

// Reads and parses `path`; every error message starts with the path.
absl::StatusOr<Expectation> LoadExpectationFile(const std::string& path);

// Reads the test case of any case file: an expectation file, or what LoadTestCaseFile reads (binary
// test case, test case JSON, finding). Errors name the path.
absl::StatusOr<TestCase> LoadAnyCaseFile(const std::string& path);

// "<mode>-<16 hex digits>.json": the mode and FNV-1a-64 of the test case's canonical JSON, so the
// name depends on the case's content only and re-recording a case replaces its own file.
std::string ExpectationFileName(const TestCase& test_case);

// The "target" of a recorded outcome object ("" when absent; parsed expectations always have it).
std::string OutcomeTarget(const nlohmann::json& outcome);
// Whether a recorded outcome comes from a decoder ("provenance": "decoder").
bool IsDecoderOutcome(const nlohmann::json& outcome);

// Parses the parts of a finding-shaped record (a replay --json line, an expectation file) with the
// finding parser (harness/finding.h), so that all of them are validated by the same code.
// Outcomes come back as Outcome parses them. Errors are InvalidArgument naming the field.
absl::StatusOr<Finding> FindingFromParts(const nlohmann::json& test_case,
                                         const nlohmann::json& outcomes,
                                         const nlohmann::json& divergences);

}  // namespace x86diff::cli

#endif  // X86DIFF_TOOLS_X86DIFF_EXPECTATION_H_

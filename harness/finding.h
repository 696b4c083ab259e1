// Finding: a reproducer file for one divergence: the test case, every target's outcome and the
// divergences found, as JSON. Findings are what the fuzzers write and what replay and triage read.
//   {"format": "x86diff-finding", "version": 1, "testcase": {...}, "outcomes": [...],
//    "divergences": [{"kind": ..., "signature": ..., "signature_id": ..., ...}]}
#ifndef X86DIFF_HARNESS_FINDING_H_
#define X86DIFF_HARNESS_FINDING_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "harness/divergence.h"
#include "harness/outcome.h"
#include "harness/test_case.h"
#include "nlohmann/json.hpp"

namespace x86diff {

struct Finding {
  TestCase test_case;
  std::vector<Outcome> outcomes;
  std::vector<Divergence> divergences;
};

nlohmann::json OutcomeToJsonValue(const Outcome& outcome);
nlohmann::json DivergenceToJsonValue(const Divergence& divergence);
std::string FindingToJson(const Finding& finding);

// Parses a finding file; malformed input is InvalidArgument naming the field. Outcomes and
// divergences are read back as recorded (replay recomputes them from the test case).
absl::StatusOr<Finding> FindingFromJson(absl::string_view text);

// Reads any test case file: the binary encoding, a test case JSON or a finding JSON (detected by
// content, not by name). Errors are prefixed with `path`.
absl::StatusOr<TestCase> LoadTestCaseFile(const std::string& path);

}  // namespace x86diff

#endif  // X86DIFF_HARNESS_FINDING_H_

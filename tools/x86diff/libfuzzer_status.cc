#include "tools/x86diff/libfuzzer_status.h"

#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"

namespace x86diff::cli {
namespace {

// The leading digits of `text` ("1736/40Kb" -> 1736).
bool LeadingNumber(absl::string_view text, int64_t* value) {
  size_t digits = 0;
  while (digits < text.size() && absl::ascii_isdigit(static_cast<unsigned char>(text[digits]))) {
    ++digits;
  }
  return digits > 0 && absl::SimpleAtoi(text.substr(0, digits), value);
}

}  // namespace

std::optional<LibFuzzerStatus> ParseLibFuzzerStatusLine(absl::string_view line) {
  if (line.size() < 2 || line[0] != '#') return std::nullopt;
  std::vector<absl::string_view> words =
      absl::StrSplit(line.substr(1), absl::ByAnyChar(" \t"), absl::SkipEmpty());
  LibFuzzerStatus status;
  if (words.empty() || !LeadingNumber(words[0], &status.executions)) return std::nullopt;
  bool has_coverage = false;
  for (size_t i = 1; i + 1 < words.size(); ++i) {
    const absl::string_view key = words[i];
    const absl::string_view value = words[i + 1];
    if (key == "cov:") {
      has_coverage = LeadingNumber(value, &status.coverage);
    } else if (key == "ft:") {
      LeadingNumber(value, &status.features);
    } else if (key == "corp:") {
      LeadingNumber(value, &status.corpus);
    } else if (key == "exec/s" || key == "exec/s:") {
      LeadingNumber(value, &status.execs_per_second);
    } else if (key == "oom/timeout/crash:") {
      for (absl::string_view part : absl::StrSplit(value, '/')) {
        int64_t count = 0;
        if (LeadingNumber(part, &count)) status.crashes += count;
      }
    }
  }
  // "#0 READ units: 5" and similar lines carry no status.
  if (!has_coverage) return std::nullopt;
  return status;
}

}  // namespace x86diff::cli

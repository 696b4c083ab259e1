// Reading libFuzzer's status lines, so that a campaign can show one progress line for all of its
// fuzzers instead of their interleaved logs.
#ifndef X86DIFF_TOOLS_X86DIFF_LIBFUZZER_STATUS_H_
#define X86DIFF_TOOLS_X86DIFF_LIBFUZZER_STATUS_H_

#include <cstdint>
#include <optional>

#include "absl/strings/string_view.h"

namespace x86diff::cli {

struct LibFuzzerStatus {
  int64_t executions = 0;  // "#N"
  int64_t coverage = 0;    // "cov: N"
  int64_t features = 0;    // "ft: N"
  int64_t corpus = 0;      // "corp: N" (fork mode) or "corp: N/size" (single process)
  int64_t execs_per_second = 0;
  int64_t crashes = 0;  // fork mode's "oom/timeout/crash: a/b/c", all three summed
};

// Parses one line of libFuzzer output. Status lines look like
//   #12345: cov: 3624 ft: 20360 corp: 1736 exec/s 5700 oom/timeout/crash: 0/0/1 time: 12s job: 3
// (fork mode) or
//   #12345  NEW    cov: 3624 ft: 20360 corp: 1736/40Kb lim: 21 exec/s: 5700 rss: 80Mb L: 3/15
// (one process); anything else is nullopt. Fields a line lacks stay 0.
std::optional<LibFuzzerStatus> ParseLibFuzzerStatusLine(absl::string_view line);

}  // namespace x86diff::cli

#endif  // X86DIFF_TOOLS_X86DIFF_LIBFUZZER_STATUS_H_

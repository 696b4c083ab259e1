// `x86diff export`: a reproducer as a test in an upstream project's format (export_format.h),
// so that a decoder disagreement can be filed where it belongs.
#ifndef X86DIFF_TOOLS_X86DIFF_EXPORT_H_
#define X86DIFF_TOOLS_X86DIFF_EXPORT_H_

#include <ostream>
#include <string>
#include <vector>

#include "absl/status/status.h"

namespace x86diff::cli {

struct ExportOptions {
  // A finding JSON, test case JSON or binary test case (ideally minimized first).
  std::string path;
  // "llvm-mc", "capstone" or "zydis".
  std::string format;
  // The decoder divergence to report, as 16 hex digits; empty: chosen like `minimize` does
  // (case_file.h ChooseSignature), among decoder divergences.
  std::string signature;
  // The decoder whose answer is the expectation; empty: the other side of the divergence.
  std::string expect_from;
  // Where to write the test; empty: `out`. Written atomically.
  std::string out_path;
  // Decoders by name; empty: every available decoder.
  std::vector<std::string> decoders;
};

// Loads the case, decodes it again with the decoders, picks the decoder divergence and writes
// the test text (to `out`, or to out_path followed by a "wrote <path>" line on `out`).
// Executor outcomes recorded in a finding are passed on as evidence: a hardware executor decides
// validity (export_format.h ChooseExpectation).
//
// Errors: InvalidArgument for an unknown format, a malformed signature id, unknown decoders, a
// malformed input file or an --expect_from naming no decoder; NotFound for a missing input;
// FailedPrecondition when the signature does not show, or when the case shows no decoder
// divergence now (export covers decoder disagreements; execution-only divergences have no
// upstream decoder test format); a write error for out_path.
absl::Status RunExportCommand(const ExportOptions& options, std::ostream& out);

}  // namespace x86diff::cli

#endif  // X86DIFF_TOOLS_X86DIFF_EXPORT_H_

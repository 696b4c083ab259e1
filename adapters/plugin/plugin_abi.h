// Conversions between x86diff's types and the plugin ABI's plain C structs (x86diff_plugin.h),
// for the host (PluginExecutor) and for plugins written in C++ on top of x86diff code (the
// Unicorn plugin).
#ifndef X86DIFF_ADAPTERS_PLUGIN_PLUGIN_ABI_H_
#define X86DIFF_ADAPTERS_PLUGIN_PLUGIN_ABI_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "adapters/plugin/x86diff_plugin.h"
#include "harness/cpu_state.h"
#include "harness/exec_result.h"
#include "harness/mode.h"

namespace x86diff {

// Buffers behind one plugin call, reused across calls by the host.
struct PluginCallBuffers {
  std::vector<uint8_t> initial_scratch;  // the case's scratch contents (case.scratch points here)
  std::vector<uint8_t> final_scratch;    // result.scratch points here
  std::vector<char> detail;              // result.detail points here
};

// Host side: fills `plugin_case` and prefills `result` as x86diff_plugin.h promises (status
// COMPLETED, numbers 0, initial registers, rip = code address, scratch copied, empty detail).
// `code`, `initial` and `buffers` must outlive the call; `buffers.initial_scratch` must already
// hold the case's scratch contents.
void PreparePluginCall(Mode mode, absl::Span<const uint8_t> code, const CpuState& initial,
                       PluginCallBuffers& buffers, x86diff_plugin_case& plugin_case,
                       x86diff_plugin_result& result);

// Host side: the ExecResult for a result that run() returned 0 for. Memory changes are derived by
// comparing result.scratch with the case's scratch; RFLAGS are limited to kRflagsControllable |
// kRflagsReserved1; fault fields are cleared unless status is FAULT; unknown imprecise bits are
// dropped. An out-of-range status or vector is Internal ("plugin returned status 9").
absl::StatusOr<ExecResult> ExecResultFromPlugin(const x86diff_plugin_case& plugin_case,
                                                const x86diff_plugin_result& result);

// Plugin side: the registers a case starts from (rip = code address).
CpuState InitialStateFromPluginCase(const x86diff_plugin_case& plugin_case);

// Plugin side: writes `exec` (the outcome of `plugin_case`) into the prefilled `result`: every
// field, the memory changes applied to result.scratch, and the detail truncated to fit.
void FillPluginResult(const ExecResult& exec, const x86diff_plugin_case& plugin_case,
                      x86diff_plugin_result& result);

// Plugin side: writes a NUL-terminated, possibly truncated copy of `text` into a caller buffer
// of `size` bytes (nothing if size is 0).
void CopyPluginText(absl::string_view text, char* buffer, size_t size);

}  // namespace x86diff

#endif  // X86DIFF_ADAPTERS_PLUGIN_PLUGIN_ABI_H_

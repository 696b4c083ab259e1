// Binary encoding of an executor's answer, absl::StatusOr<ExecResult>, for shipping it from a
// worker process to its parent (adapters/common/worker_executor.h). Both ends are the same build,
// so the format is versioned only to catch mix-ups, not kept compatible across versions.
//
// Layout (integers little-endian):
//   u8 version = 1
//   u8 kind: 0 = ExecResult follows, 1 = error status follows
//   kind 1: u32 absl::StatusCode, u32 n, message[n]
//   kind 0: u8 status, u8 vector, u8 has_error_code, u64 error_code, u8 has_fault_address,
//           u64 fault_address, u8 length, u64 gpr[16] (x86 register number order), u64 rflags,
//           u64 rip, u32 imprecise, u32 n, detail[n],
//           u32 change_count, change_count x (u64 address, u32 n, before[n], after[n])
//   nothing follows.
#ifndef X86DIFF_ADAPTERS_COMMON_EXEC_REPLY_CODEC_H_
#define X86DIFF_ADAPTERS_COMMON_EXEC_REPLY_CODEC_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "harness/exec_result.h"

namespace x86diff {

inline constexpr uint8_t kExecReplyFormatVersion = 1;

// Appends the encoding of `reply` to `out` (cleared first; its capacity is reused).
void SerializeExecReply(const absl::StatusOr<ExecResult>& reply, std::vector<uint8_t>& out);

// Decodes SerializeExecReply's output: an encoded error comes back as that status (same code and
// message); bytes that are not a valid encoding (truncated, unknown version, kind or ExecStatus,
// trailing bytes) give Internal naming the byte offset, since only a broken worker sends them.
absl::StatusOr<ExecResult> ParseExecReply(absl::Span<const uint8_t> bytes);

}  // namespace x86diff

#endif  // X86DIFF_ADAPTERS_COMMON_EXEC_REPLY_CODEC_H_

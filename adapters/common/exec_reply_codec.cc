#include "adapters/common/exec_reply_codec.h"

#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "harness/status_macros.h"

namespace x86diff {

namespace {

constexpr uint8_t kKindResult = 0;
constexpr uint8_t kKindError = 1;

void PutU8(std::vector<uint8_t>& out, uint8_t value) { out.push_back(value); }

void PutU32(std::vector<uint8_t>& out, uint32_t value) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<uint8_t>(value >> (8 * i)));
}

void PutU64(std::vector<uint8_t>& out, uint64_t value) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<uint8_t>(value >> (8 * i)));
}

void PutBytes(std::vector<uint8_t>& out, absl::Span<const uint8_t> bytes) {
  PutU32(out, static_cast<uint32_t>(bytes.size()));
  out.insert(out.end(), bytes.begin(), bytes.end());
}

void PutText(std::vector<uint8_t>& out, absl::string_view text) {
  PutBytes(out,
           absl::Span<const uint8_t>(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
}

// Sequential reader; every getter fails with Internal at the offset where input ran out.
class Reader {
 public:
  explicit Reader(absl::Span<const uint8_t> bytes) : bytes_(bytes) {}

  absl::StatusOr<uint64_t> Get(int width, absl::string_view what) {
    RETURN_IF_ERROR(Need(width, what));
    uint64_t value = 0;
    for (int i = width - 1; i >= 0; --i) value = value << 8 | bytes_[offset_ + i];
    offset_ += width;
    return value;
  }

  absl::StatusOr<absl::Span<const uint8_t>> GetBytes(size_t count, absl::string_view what) {
    RETURN_IF_ERROR(Need(count, what));
    absl::Span<const uint8_t> span = bytes_.subspan(offset_, count);
    offset_ += count;
    return span;
  }

  absl::Status ExpectEnd() const {
    if (offset_ == bytes_.size()) return absl::OkStatus();
    return Malformed(absl::StrCat(bytes_.size() - offset_, " trailing bytes"));
  }

  absl::Status Malformed(absl::string_view problem) const {
    return absl::InternalError(
        absl::StrCat("malformed executor reply at byte ", offset_, ": ", problem));
  }

 private:
  absl::Status Need(size_t count, absl::string_view what) const {
    if (bytes_.size() - offset_ >= count) return absl::OkStatus();
    return Malformed(absl::StrCat("truncated ", what));
  }

  absl::Span<const uint8_t> bytes_;
  size_t offset_ = 0;
};

absl::StatusOr<std::vector<uint8_t>> GetSized(Reader& reader, absl::string_view what) {
  ASSIGN_OR_RETURN(const uint64_t size, reader.Get(4, what));
  ASSIGN_OR_RETURN(absl::Span<const uint8_t> bytes, reader.GetBytes(size, what));
  return std::vector<uint8_t>(bytes.begin(), bytes.end());
}

absl::StatusOr<ExecResult> ParseResult(Reader& reader) {
  ExecResult result;
  ASSIGN_OR_RETURN(const uint64_t status, reader.Get(1, "status"));
  if (status > kExecStatusMaxValue) {
    return reader.Malformed(absl::StrCat("unknown ExecStatus ", status));
  }
  result.status = static_cast<ExecStatus>(status);
  ASSIGN_OR_RETURN(result.vector, reader.Get(1, "vector"));
  ASSIGN_OR_RETURN(result.has_error_code, reader.Get(1, "has_error_code"));
  ASSIGN_OR_RETURN(result.error_code, reader.Get(8, "error_code"));
  ASSIGN_OR_RETURN(result.has_fault_address, reader.Get(1, "has_fault_address"));
  ASSIGN_OR_RETURN(result.fault_address, reader.Get(8, "fault_address"));
  ASSIGN_OR_RETURN(result.length, reader.Get(1, "length"));
  for (uint64_t& gpr : result.final_state.gpr) {
    ASSIGN_OR_RETURN(gpr, reader.Get(8, "gpr"));
  }
  ASSIGN_OR_RETURN(result.final_state.rflags, reader.Get(8, "rflags"));
  ASSIGN_OR_RETURN(result.final_state.rip, reader.Get(8, "rip"));
  ASSIGN_OR_RETURN(result.imprecise, reader.Get(4, "imprecise"));
  ASSIGN_OR_RETURN(std::vector<uint8_t> detail, GetSized(reader, "detail"));
  result.detail.assign(detail.begin(), detail.end());
  ASSIGN_OR_RETURN(const uint64_t change_count, reader.Get(4, "change count"));
  for (uint64_t i = 0; i < change_count; ++i) {
    MemoryChange change;
    ASSIGN_OR_RETURN(change.address, reader.Get(8, "change address"));
    ASSIGN_OR_RETURN(const uint64_t size, reader.Get(4, "change size"));
    ASSIGN_OR_RETURN(absl::Span<const uint8_t> before, reader.GetBytes(size, "change before"));
    ASSIGN_OR_RETURN(absl::Span<const uint8_t> after, reader.GetBytes(size, "change after"));
    change.before.assign(before.begin(), before.end());
    change.after.assign(after.begin(), after.end());
    result.memory_changes.push_back(std::move(change));
  }
  return result;
}

}  // namespace

void SerializeExecReply(const absl::StatusOr<ExecResult>& reply, std::vector<uint8_t>& out) {
  out.clear();
  PutU8(out, kExecReplyFormatVersion);
  if (!reply.ok()) {
    PutU8(out, kKindError);
    PutU32(out, static_cast<uint32_t>(reply.status().code()));
    PutText(out, reply.status().message());
    return;
  }
  const ExecResult& result = *reply;
  PutU8(out, kKindResult);
  PutU8(out, static_cast<uint8_t>(result.status));
  PutU8(out, result.vector);
  PutU8(out, result.has_error_code);
  PutU64(out, result.error_code);
  PutU8(out, result.has_fault_address);
  PutU64(out, result.fault_address);
  PutU8(out, result.length);
  for (uint64_t gpr : result.final_state.gpr) PutU64(out, gpr);
  PutU64(out, result.final_state.rflags);
  PutU64(out, result.final_state.rip);
  PutU32(out, result.imprecise);
  PutText(out, result.detail);
  PutU32(out, static_cast<uint32_t>(result.memory_changes.size()));
  for (const MemoryChange& change : result.memory_changes) {
    PutU64(out, change.address);
    // DiffMemory makes both sides the same length; a hand-made change with unequal sides is
    // padded/truncated to `before`'s length rather than producing an unparseable reply.
    std::vector<uint8_t> after = change.after;
    after.resize(change.before.size());
    PutU32(out, static_cast<uint32_t>(change.before.size()));
    out.insert(out.end(), change.before.begin(), change.before.end());
    out.insert(out.end(), after.begin(), after.end());
  }
}

absl::StatusOr<ExecResult> ParseExecReply(absl::Span<const uint8_t> bytes) {
  Reader reader(bytes);
  ASSIGN_OR_RETURN(const uint64_t version, reader.Get(1, "version"));
  if (version != kExecReplyFormatVersion) {
    return reader.Malformed(absl::StrCat("version ", version, ", expected ",
                                         static_cast<int>(kExecReplyFormatVersion)));
  }
  ASSIGN_OR_RETURN(const uint64_t kind, reader.Get(1, "kind"));
  if (kind == kKindError) {
    ASSIGN_OR_RETURN(const uint64_t code, reader.Get(4, "status code"));
    ASSIGN_OR_RETURN(std::vector<uint8_t> message, GetSized(reader, "status message"));
    RETURN_IF_ERROR(reader.ExpectEnd());
    if (code == 0 || code > static_cast<uint64_t>(absl::StatusCode::kUnauthenticated)) {
      return reader.Malformed(absl::StrCat("status code ", code));
    }
    return absl::Status(static_cast<absl::StatusCode>(code),
                        std::string(message.begin(), message.end()));
  }
  if (kind != kKindResult) return reader.Malformed(absl::StrCat("unknown kind ", kind));
  ASSIGN_OR_RETURN(ExecResult result, ParseResult(reader));
  RETURN_IF_ERROR(reader.ExpectEnd());
  return result;
}

}  // namespace x86diff

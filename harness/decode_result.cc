#include "harness/decode_result.h"

#include <utility>

#include "absl/strings/str_join.h"

namespace x86diff {

absl::string_view DecodeFailureName(DecodeFailure failure) {
  switch (failure) {
    case DecodeFailure::kNone: return "none";
    case DecodeFailure::kTruncated: return "truncated";
    case DecodeFailure::kTooLong: return "too-long";
    case DecodeFailure::kIllegalLock: return "illegal-lock";
    case DecodeFailure::kIllegalPrefix: return "illegal-prefix";
    case DecodeFailure::kInvalidEncoding: return "invalid-encoding";
    case DecodeFailure::kUnsupportedMode: return "unsupported-in-mode";
    case DecodeFailure::kOther: return "other";
  }
  return "unknown";
}

std::string PrefixNames(uint32_t prefixes) {
  static constexpr std::pair<uint32_t, const char*> kNames[] = {
      {kPrefixLock, "lock"},       {kPrefixRep, "rep"},
      {kPrefixRepne, "repne"},     {kPrefixOperandSize, "opsize"},
      {kPrefixAddressSize, "addrsize"}, {kPrefixSegment, "segment"},
      {kPrefixRex, "rex"},         {kPrefixRexW, "rex.w"},
      {kPrefixVex, "vex"},         {kPrefixEvex, "evex"},
      {kPrefixXop, "xop"},
  };
  std::vector<const char*> names;
  for (const auto& [bit, name] : kNames) {
    if (prefixes & bit) names.push_back(name);
  }
  return absl::StrJoin(names, ",");
}

}  // namespace x86diff

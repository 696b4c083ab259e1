// Decoder: the interface every disassembler adapter implements (adapters/<library>/).
#ifndef X86DIFF_HARNESS_DECODER_H_
#define X86DIFF_HARNESS_DECODER_H_

#include <cstdint>
#include <utility>

#include "absl/base/attributes.h"
#include "absl/base/optimization.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "harness/decode_result.h"
#include "harness/mode.h"

namespace x86diff {

// How much a decode should produce. Display text costs as much as a decode itself (formatting,
// string copies), so the fuzzing hot path asks only for what the comparator reads.
enum class DecodeDetail : uint8_t {
  kFull,        // everything, including DecodeResult::operands
  kComparable,  // DecodeResult::operands left empty; every compared field is filled
};

// Sets every field of `result` to its default (as a fresh DecodeResult) while keeping the strings'
// capacity: what DecodeInto() implementations start from.
inline void ResetDecodeResult(DecodeResult& result) {
  result.valid = false;
  result.length = 0;
  result.failure = DecodeFailure::kNone;
  result.mnemonic.clear();
  result.operands.clear();
  result.prefixes = 0;
  result.instruction_id = 0;
  result.has_flag_info = false;
  result.flags_tested = 0;
  result.flags_modified = 0;
  result.flags_undefined = 0;
}

// The status of a decode with an out-of-range mode; out of line, so that the checks in front of
// every decode stay small enough to inline.
ABSL_ATTRIBUTE_NOINLINE ABSL_ATTRIBUTE_COLD inline absl::Status InvalidModeError(Mode mode) {
  return absl::InvalidArgumentError(absl::StrCat("invalid mode value ", static_cast<int>(mode)));
}

// Contract: Decode() looks at the first instruction of `code` in `mode` (the library configured
// with that mode's machine mode and default operand/address size) and reports it. An invalid
// instruction is a normal result (valid == false), not an error; a non-OK status means the
// library itself failed (e.g. could not be initialised). Implementations hold per-mode library
// handles created once; Decode() is const but not thread-safe unless stated.
class Decoder {
 public:
  Decoder() = default;
  Decoder(const Decoder&) = delete;
  Decoder& operator=(const Decoder&) = delete;
  virtual ~Decoder() = default;

  // Stable lower-case target name used in outcomes and signatures ("capstone", "zydis").
  virtual absl::string_view name() const = 0;
  // Library name and version for reports ("Capstone 4.0.2").
  virtual std::string version() const = 0;

  // Decodes into a caller-owned result, for hot loops: `*out` is overwritten entirely and its
  // strings keep their capacity, so a slot reused across calls costs no allocation and no
  // StatusOr temporary. On a non-OK status `*out` is unspecified. The parts every adapter shares
  // live here: an out-of-range mode is InvalidArgument, and no bytes at all is kTruncated.
  absl::Status DecodeInto(Mode mode, absl::Span<const uint8_t> code, DecodeDetail detail,
                          DecodeResult* out) const {
    if (ABSL_PREDICT_FALSE(static_cast<int>(mode) > kModeMaxValue)) return InvalidModeError(mode);
    ResetDecodeResult(*out);
    if (code.empty()) {
      out->failure = DecodeFailure::kTruncated;
      return absl::OkStatus();
    }
    return DecodeBytes(mode, code, detail, *out);
  }

  // DecodeInto(mode, code, DecodeDetail::kComparable, &result) reduced to VerdictOf(result), for
  // the decoder differential's hot path: adapters override DecodeVerdictBytes() to skip what the
  // verdict does not hold (text copies, prefixes, flags). Same statuses as DecodeInto(); on a
  // non-OK status `*out` is unspecified. out->mnemonic stays valid until the next decode by this
  // decoder. The default implementation decodes into a slot inside the decoder, so calls must not
  // overlap unless the adapter documents otherwise (the Zydis adapter does).
  absl::Status DecodeVerdictInto(Mode mode, absl::Span<const uint8_t> code,
                                 DecodeVerdict* out) const {
    if (ABSL_PREDICT_FALSE(static_cast<int>(mode) > kModeMaxValue)) return InvalidModeError(mode);
    if (ABSL_PREDICT_FALSE(code.empty())) {
      *out = DecodeVerdict{};
      out->failure = DecodeFailure::kTruncated;
      return absl::OkStatus();
    }
    return DecodeVerdictBytes(mode, code, *out);
  }

  absl::StatusOr<DecodeResult> Decode(Mode mode, absl::Span<const uint8_t> code,
                                      DecodeDetail detail) const {
    DecodeResult result;
    absl::Status status = DecodeInto(mode, code, detail, &result);
    if (!status.ok()) return status;
    return result;
  }
  absl::StatusOr<DecodeResult> Decode(Mode mode, absl::Span<const uint8_t> code) const {
    return Decode(mode, code, DecodeDetail::kFull);
  }

 protected:
  // What each adapter implements: `mode` is valid, `code` is not empty and `result` has been
  // reset (ResetDecodeResult).
  virtual absl::Status DecodeBytes(Mode mode, absl::Span<const uint8_t> code, DecodeDetail detail,
                                   DecodeResult& result) const = 0;

  // DecodeVerdictInto() after its shared checks: `mode` is valid and `code` is not empty; every
  // field of `out` must be written. An override must give exactly VerdictOf() of what
  // DecodeBytes(kComparable) gives (tests/adapters/decoder_details_test.cc checks the adapters).
  // The default does just that, through a result slot kept in the decoder.
  virtual absl::Status DecodeVerdictBytes(Mode mode, absl::Span<const uint8_t> code,
                                          DecodeVerdict& out) const {
    ResetDecodeResult(verdict_scratch_);
    absl::Status status = DecodeBytes(mode, code, DecodeDetail::kComparable, verdict_scratch_);
    if (status.ok()) out = VerdictOf(verdict_scratch_);
    return status;
  }

 private:
  mutable DecodeResult verdict_scratch_;  // the default DecodeVerdictBytes()' decode
};

}  // namespace x86diff

#endif  // X86DIFF_HARNESS_DECODER_H_

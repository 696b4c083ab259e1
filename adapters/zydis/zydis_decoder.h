// Decoder adapter for Zydis (https://zydis.re), built against Zydis 4.
#ifndef X86DIFF_ADAPTERS_ZYDIS_ZYDIS_DECODER_H_
#define X86DIFF_ADAPTERS_ZYDIS_ZYDIS_DECODER_H_

#include <Zydis/Zydis.h>

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "harness/decode_result.h"
#include "harness/decoder.h"
#include "harness/mode.h"

namespace x86diff {

// Zydis' machine mode and stack width for `mode`. Zydis distinguishes real mode (REAL_16: no
// VEX/EVEX, C4/C5/62 are LES/LDS/BOUND) from 16-bit protected mode (LEGACY_16), and 32-bit
// protected mode (LEGACY_32) from compatibility mode (LONG_COMPAT_32).
struct ZydisMode {
  ZydisMachineMode machine_mode;
  ZydisStackWidth stack_width;
};
ZydisMode ToZydisMode(Mode mode);

// Zydis with its default decoder modes (Intel branch semantics: in 64-bit mode 66 does not shorten
// near branches; no KNC/MVEX) and the Intel formatter.
//
// Results: `mnemonic` is ZydisMnemonicGetString(), plus " far" for far branches as Zydis' Intel
// formatter prints it ("jmp far"), without prefixes; `operands` is the Intel formatter's operand
// text; `instruction_id` is the ZydisMnemonic value. Rejections carry Zydis'
// precise reason (ZYDIS_STATUS_NO_MORE_DATA -> kTruncated, ..._INSTRUCTION_TOO_LONG -> kTooLong,
// ..._ILLEGAL_LOCK -> kIllegalLock, ...). Flag metadata comes from ZydisDecodedInstruction's
// cpu_flags: flags_modified holds every flag the instruction writes (computed, cleared, set or left
// undefined), flags_undefined the undefined subset.
//
// Thread-safety: Decode() and DecodeVerdictInto() keep all per-call state on the stack and only
// read the decoders, the formatter and the mnemonic tables, so they may be called concurrently.
//
// Note: inside namespace x86diff, `ZydisDecoder` names this class; the library's struct is
// `::ZydisDecoder`.
class ZydisDecoder final : public Decoder {
 public:
  // Initialises one Zydis decoder per Mode and the formatter. Fails with Internal when Zydis
  // rejects the configuration.
  static absl::StatusOr<std::unique_ptr<ZydisDecoder>> Create();

  absl::string_view name() const override { return "zydis"; }
  std::string version() const override;

 private:
  absl::Status DecodeBytes(Mode mode, absl::Span<const uint8_t> code, DecodeDetail detail,
                           DecodeResult& result) const override;
  absl::Status DecodeVerdictBytes(Mode mode, absl::Span<const uint8_t> code,
                                  DecodeVerdict& out) const override;
  ZydisDecoder() = default;

  std::array<::ZydisDecoder, kAllModes.size()> decoders_{};  // indexed by static_cast<int>(Mode)
  ZydisFormatter formatter_{};
  // ZydisMnemonicGetString() by ZydisMnemonic value (empty where it returns null).
  std::vector<absl::string_view> mnemonics_;
  // The same plus " far", for far branches (see `mnemonic` above); same indices.
  std::vector<std::string> far_mnemonics_;
};

}  // namespace x86diff

#endif  // X86DIFF_ADAPTERS_ZYDIS_ZYDIS_DECODER_H_

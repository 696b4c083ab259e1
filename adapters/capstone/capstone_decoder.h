// Decoder adapter for Capstone (https://www.capstone-engine.org), built against Capstone 4.
#ifndef X86DIFF_ADAPTERS_CAPSTONE_CAPSTONE_DECODER_H_
#define X86DIFF_ADAPTERS_CAPSTONE_CAPSTONE_DECODER_H_

#include <capstone/capstone.h>

#include <array>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "harness/decode_result.h"
#include "harness/decoder.h"
#include "harness/mode.h"

namespace x86diff {

// The Capstone machine mode used for `mode`. Capstone has a single 16-bit mode, which behaves like
// 16-bit protected mode (C4/C5/62 with ModRM.mod == 11 decode as VEX/EVEX), so kReal16 and kProt16
// both map to CS_MODE_16; kProt32 and kCompat32 both map to CS_MODE_32.
cs_mode ToCapstoneMode(Mode mode);

// Capstone in Intel syntax with instruction details on.
//
// Results: `mnemonic` is Capstone's mnemonic with the prefixes Capstone prints inside it ("lock",
// "rep", "xacquire", "bnd", "notrack", ...) moved into `prefixes`; `instruction_id` is
// cs_insn::id (an x86_insn value). Capstone reports no reason when it rejects bytes, so every
// rejection is DecodeFailure::kOther (empty input is kTruncated: nothing to decode at all).
// Flag metadata comes from cs_x86::eflags; it is absent (has_flag_info == false) for x87
// instructions, where Capstone stores FPU flags in the same field instead.
//
// Thread-safety: Decode() writes into per-mode preallocated cs_insn buffers, so one instance must
// not be used from several threads at once.
class CapstoneDecoder final : public Decoder {
 public:
  // Opens one Capstone handle per Mode and preallocates its instruction buffer. Fails with
  // Internal when Capstone cannot be opened (e.g. built without x86 support).
  static absl::StatusOr<std::unique_ptr<CapstoneDecoder>> Create();
  ~CapstoneDecoder() override;

  absl::string_view name() const override { return "capstone"; }
  std::string version() const override;

 private:
  absl::Status DecodeBytes(Mode mode, absl::Span<const uint8_t> code, DecodeDetail detail,
                           DecodeResult& result) const override;
  absl::Status DecodeVerdictBytes(Mode mode, absl::Span<const uint8_t> code,
                                  DecodeVerdict& out) const override;
  // A Capstone handle and the instruction buffer that cs_disasm_iter() fills, owned together.
  struct Engine {
    csh handle = 0;
    cs_insn* insn = nullptr;
  };

  CapstoneDecoder() = default;

  std::array<Engine, kAllModes.size()> engines_{};  // indexed by static_cast<int>(Mode)
};

}  // namespace x86diff

#endif  // X86DIFF_ADAPTERS_CAPSTONE_CAPSTONE_DECODER_H_

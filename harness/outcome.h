// Outcome: what one target said about one test case.
#ifndef X86DIFF_HARNESS_OUTCOME_H_
#define X86DIFF_HARNESS_OUTCOME_H_

#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "harness/decode_result.h"
#include "harness/exec_result.h"

namespace x86diff {

// Where an answer comes from; tells a reader how much to trust it.
enum class Provenance : uint8_t {
  kDecoder,           // a disassembler library's opinion
  kSoftwareEmulator,  // an emulator (Unicorn, a plugin)
  kHardware,          // the CPU executed it (native executor, KVM)
  kKvmEmulated,       // KVM's own instruction emulator handled it: software, not silicon
};
absl::string_view ProvenanceName(Provenance provenance);

struct Outcome {
  std::string target;  // Decoder::name() or executor name
  Provenance provenance = Provenance::kDecoder;
  DecodeResult decode;  // set for decoders
  std::optional<ExecResult> exec = std::nullopt;  // set for executors
};

}  // namespace x86diff

#endif  // X86DIFF_HARNESS_OUTCOME_H_

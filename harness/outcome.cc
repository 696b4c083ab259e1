#include "harness/outcome.h"

namespace x86diff {

absl::string_view ProvenanceName(Provenance provenance) {
  switch (provenance) {
    case Provenance::kDecoder: return "decoder";
    case Provenance::kSoftwareEmulator: return "software-emulator";
    case Provenance::kHardware: return "hardware";
    case Provenance::kKvmEmulated: return "kvm-emulated";
  }
  return "unknown";
}

}  // namespace x86diff

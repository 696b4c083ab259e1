// ScratchContentsCache: ScratchContents(test_case) without recomputing the default pattern for
// every case (DefaultScratchContents generates 8 KiB byte by byte, which costs more than a whole
// Unicorn run).
#ifndef X86DIFF_ADAPTERS_COMMON_SCRATCH_CONTENTS_CACHE_H_
#define X86DIFF_ADAPTERS_COMMON_SCRATCH_CONTENTS_CACHE_H_

#include <array>
#include <cstdint>
#include <vector>

#include "absl/types/span.h"
#include "harness/mode.h"
#include "harness/test_case.h"

namespace x86diff {

// Not thread-safe; one per executor.
class ScratchContentsCache {
 public:
  // Equal to ScratchContents(test_case); the span stays valid until the next call.
  absl::Span<const uint8_t> For(const TestCase& test_case);

 private:
  std::array<std::vector<uint8_t>, kAllModes.size()> defaults_;  // by Mode value, lazily
  std::vector<uint8_t> contents_;
};

}  // namespace x86diff

#endif  // X86DIFF_ADAPTERS_COMMON_SCRATCH_CONTENTS_CACHE_H_

// Which processor modes a fuzzing run covers: X86DIFF_MODES (`x86diff campaign --modes` sets it).
//
// The fuzz targets that take encoded test cases (decoder_diff, exec_diff) skip inputs in other
// modes, and the structure-aware mutator (fuzz/x86_mutator.h) produces only cases in these modes,
// so a campaign restricted to, say, long64 spends no executions elsewhere.
//
// Thread-safety: ModeSet is a value; AllowedModesFromEnv() reads the environment on each call.
#ifndef X86DIFF_FUZZ_ALLOWED_MODES_H_
#define X86DIFF_FUZZ_ALLOWED_MODES_H_

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "harness/mode.h"

namespace x86diff {

// The environment variable: comma-separated mode names (harness/mode.h ModeName), e.g.
// "long64,compat32". Unset, empty or "all": every mode.
inline constexpr char kModesEnvVar[] = "X86DIFF_MODES";

// A set of modes, iterated in Mode's numeric order.
class ModeSet {
 public:
  constexpr ModeSet() = default;  // empty
  constexpr ModeSet(std::initializer_list<Mode> modes) {
    for (Mode mode : modes) Add(mode);
  }
  static constexpr ModeSet All() {
    ModeSet set;
    for (Mode mode : kAllModes) set.Add(mode);
    return set;
  }

  constexpr void Add(Mode mode) { bits_ |= Bit(mode); }
  constexpr bool Contains(Mode mode) const { return (bits_ & Bit(mode)) != 0; }
  constexpr ModeSet Without(Mode mode) const {
    ModeSet set = *this;
    set.bits_ &= static_cast<uint8_t>(~Bit(mode));
    return set;
  }
  constexpr bool empty() const { return bits_ == 0; }
  constexpr bool is_all() const { return *this == All(); }
  constexpr size_t size() const {
    size_t count = 0;
    for (Mode mode : kAllModes) count += Contains(mode) ? 1 : 0;
    return count;
  }
  // The index-th mode of the set in numeric order; CHECK-fails unless index < size().
  Mode Nth(size_t index) const;
  // Position of `mode` in the set (what Nth() takes); CHECK-fails unless Contains(mode).
  size_t IndexOf(Mode mode) const;

  friend constexpr bool operator==(ModeSet a, ModeSet b) { return a.bits_ == b.bits_; }

 private:
  static constexpr uint8_t Bit(Mode mode) {
    return static_cast<uint8_t>(1u << static_cast<uint8_t>(mode));
  }
  uint8_t bits_ = 0;
};

// Parses a comma-separated list of mode names; whitespace around names and empty entries are
// ignored. An empty list or "all" is every mode. An unknown name is InvalidArgument naming it and
// the valid names.
absl::StatusOr<ModeSet> ParseModeSet(absl::string_view list);

// "real16,long64" (numeric order); "all" for every mode, "" for none.
std::string ModeSetToString(ModeSet modes);

// ParseModeSet($X86DIFF_MODES); unset is every mode. The error message starts with
// "X86DIFF_MODES=<value>: " so that a fuzz target can print it as is and exit(1) at init.
absl::StatusOr<ModeSet> AllowedModesFromEnv();

// Whether an encoded test case (harness/test_case_codec.h: the mode is byte 1 in every version)
// belongs to `modes`. Input too short to have a mode byte, or with an out-of-range one, is
// allowed only when every mode is (it is then the target's job to reject it), so that a
// restricted run spends no time on it.
bool EncodedTestCaseInModes(absl::Span<const uint8_t> encoded, ModeSet modes);

}  // namespace x86diff

#endif  // X86DIFF_FUZZ_ALLOWED_MODES_H_

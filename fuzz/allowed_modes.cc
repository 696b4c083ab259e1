#include "fuzz/allowed_modes.h"

#include <cstdlib>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "harness/check.h"

namespace x86diff {

Mode ModeSet::Nth(size_t index) const {
  for (Mode mode : kAllModes) {
    if (Contains(mode) && index-- == 0) return mode;
  }
  X86DIFF_CHECK(false && "ModeSet::Nth index out of range");
  return Mode::kLong64;
}

size_t ModeSet::IndexOf(Mode mode) const {
  X86DIFF_CHECK(Contains(mode));
  size_t index = 0;
  for (Mode other : kAllModes) {
    if (other == mode) break;
    index += Contains(other) ? 1 : 0;
  }
  return index;
}

absl::StatusOr<ModeSet> ParseModeSet(absl::string_view list) {
  ModeSet modes;
  bool all = false;
  for (absl::string_view name : absl::StrSplit(list, ',')) {
    name = absl::StripAsciiWhitespace(name);
    if (name.empty()) continue;
    if (name == "all") {
      all = true;
      continue;
    }
    absl::StatusOr<Mode> mode = ParseMode(name);
    if (!mode.ok()) return mode.status();
    modes.Add(*mode);
  }
  // Nothing named (unset-like) is every mode, as is the CLI's --mode=all.
  return all || modes.empty() ? ModeSet::All() : modes;
}

std::string ModeSetToString(ModeSet modes) {
  if (modes.is_all()) return "all";
  std::vector<absl::string_view> names;
  for (Mode mode : kAllModes) {
    if (modes.Contains(mode)) names.push_back(ModeName(mode));
  }
  return absl::StrJoin(names, ",");
}

absl::StatusOr<ModeSet> AllowedModesFromEnv() {
  const char* value = std::getenv(kModesEnvVar);
  if (value == nullptr) return ModeSet::All();
  absl::StatusOr<ModeSet> modes = ParseModeSet(value);
  if (!modes.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(kModesEnvVar, "=", value, ": ", modes.status().message()));
  }
  return modes;
}

bool EncodedTestCaseInModes(absl::Span<const uint8_t> encoded, ModeSet modes) {
  if (modes.is_all()) return true;
  if (encoded.size() < 2) return false;
  absl::StatusOr<Mode> mode = ModeFromByte(encoded[1]);
  return mode.ok() && modes.Contains(*mode);
}

}  // namespace x86diff

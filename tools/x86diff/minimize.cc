#include "tools/x86diff/minimize.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "harness/cpu_state.h"
#include "harness/hex.h"
#include "harness/memory_layout.h"
#include "harness/test_case_codec.h"

namespace x86diff::cli {

namespace {

// Patch bytes shown per patch by DescribeStateDifferences.
constexpr size_t kShownPatchBytes = 16;

// Proposes candidates to the predicate, keeps the current (smallest known) case and counts.
class Minimizer {
 public:
  Minimizer(const TestCase& start, const StillDiverges& still_diverges, int max_attempts)
      : current_(start), still_diverges_(still_diverges), max_attempts_(max_attempts) {
    tried_.insert(Key(start));
  }

  // Asks the predicate about `candidate` unless it was asked before or the budget is used up;
  // on success the candidate becomes the current case. Returns whether it did.
  absl::StatusOr<bool> Try(TestCase candidate) {
    if (exhausted()) return false;
    if (!tried_.insert(Key(candidate)).second) return false;
    ++attempts_;
    absl::StatusOr<bool> keeps = still_diverges_(candidate);
    if (!keeps.ok()) return keeps.status();
    if (!*keeps) return false;
    ++accepted_;
    current_ = std::move(candidate);
    return true;
  }

  // The initial check: counted like any other attempt.
  absl::StatusOr<bool> CheckStart() {
    ++attempts_;
    return still_diverges_(current_);
  }

  bool exhausted() const { return attempts_ >= max_attempts_; }
  const TestCase& current() const { return current_; }
  int attempts() const { return attempts_; }
  int accepted() const { return accepted_; }

 private:
  // The binary encoding is canonical for a case (state present or not, patches in order).
  static std::string Key(const TestCase& test_case) {
    const std::vector<uint8_t> bytes = SerializeTestCase(test_case);
    return std::string(bytes.begin(), bytes.end());
  }

  TestCase current_;
  const StillDiverges& still_diverges_;
  const int max_attempts_;
  int attempts_ = 0;
  int accepted_ = 0;
  absl::flat_hash_set<std::string> tried_;
};

// Reduction 1: the initial register state back to the defaults, as a whole or field by field.
absl::Status ReduceState(Minimizer& m) {
  if (!m.current().initial_state.has_value()) return absl::OkStatus();
  TestCase without = m.current();
  without.initial_state = std::nullopt;
  absl::StatusOr<bool> accepted = m.Try(std::move(without));
  if (!accepted.ok() || *accepted) return accepted.status();

  const CpuState defaults = DefaultInitialState(m.current().mode);
  for (int i = 0; i < kGprCount; ++i) {
    if (m.current().initial_state->gpr[i] == defaults.gpr[i]) continue;
    TestCase candidate = m.current();
    candidate.initial_state->gpr[i] = defaults.gpr[i];
    if (absl::Status status = m.Try(std::move(candidate)).status(); !status.ok()) return status;
  }
  if (m.current().initial_state->rflags == defaults.rflags) return absl::OkStatus();
  TestCase candidate = m.current();
  candidate.initial_state->rflags = defaults.rflags;
  accepted = m.Try(std::move(candidate));
  if (!accepted.ok() || *accepted) return accepted.status();
  for (int bit = 0; bit < 64; ++bit) {
    const uint64_t mask = uint64_t{1} << bit;
    const uint64_t rflags = m.current().initial_state->rflags;
    if ((rflags & mask) == (defaults.rflags & mask)) continue;
    TestCase flag = m.current();
    flag.initial_state->rflags = (rflags & ~mask) | (defaults.rflags & mask);
    if (absl::Status status = m.Try(std::move(flag)).status(); !status.ok()) return status;
  }
  return absl::OkStatus();
}

// Reduction 2: the shortest prefix of the code that still shows the signature.
absl::Status TruncateCode(Minimizer& m) {
  const size_t size = m.current().code.size();
  for (size_t keep = 1; keep < size; ++keep) {
    TestCase candidate = m.current();
    candidate.code.resize(keep);
    absl::StatusOr<bool> accepted = m.Try(std::move(candidate));
    if (!accepted.ok() || *accepted) return accepted.status();
  }
  return absl::OkStatus();
}

// Reduction 3: single bytes out (redundant prefixes, junk between parts).
absl::Status DeleteBytes(Minimizer& m) {
  size_t i = 0;
  while (i < m.current().code.size() && m.current().code.size() > 1) {
    TestCase candidate = m.current();
    candidate.code.erase(candidate.code.begin() + i);
    absl::StatusOr<bool> accepted = m.Try(std::move(candidate));
    if (!accepted.ok()) return accepted.status();
    if (!*accepted) ++i;  // on success the next byte moved to position i
  }
  return absl::OkStatus();
}

// The simpler values tried for a byte, smallest first, all below `value`.
std::vector<uint8_t> SimplerBytes(uint8_t value) {
  std::vector<uint8_t> values;
  if (value == 0) return values;
  int top = 7;
  while ((value & (1u << top)) == 0) --top;
  for (int candidate : {0, 1, value & ~(1 << top), value / 2, value - 1}) {
    if (candidate < value) values.push_back(static_cast<uint8_t>(candidate));
  }
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
  return values;
}

// Reduction 4: each byte towards 0x00.
absl::Status SimplifyBytes(Minimizer& m) {
  for (size_t i = 0; i < m.current().code.size(); ++i) {
    for (uint8_t value : SimplerBytes(m.current().code[i])) {
      TestCase candidate = m.current();
      candidate.code[i] = value;
      absl::StatusOr<bool> accepted = m.Try(std::move(candidate));
      if (!accepted.ok()) return accepted.status();
      if (*accepted) break;
    }
  }
  return absl::OkStatus();
}

// Cuts patch `index` to bytes [from, to) of its current bytes.
TestCase WithPatchSlice(const TestCase& test_case, size_t index, size_t from, size_t to) {
  TestCase candidate = test_case;
  MemoryPatch& patch = candidate.scratch_patches[index];
  patch.bytes = std::vector<uint8_t>(patch.bytes.begin() + from, patch.bytes.begin() + to);
  patch.offset = static_cast<uint16_t>(patch.offset + from);
  return candidate;
}

// Shrinks one patch from the end, then from the front: halves while they are accepted, then
// single bytes. Never empties it (dropping patches is tried separately).
absl::Status ShrinkPatch(Minimizer& m, size_t index) {
  for (bool from_end : {true, false}) {
    for (bool halves : {true, false}) {
      while (!m.exhausted()) {
        const size_t size = m.current().scratch_patches[index].bytes.size();
        const size_t cut = halves ? size / 2 : 1;
        if (size < 2 || cut == 0 || (halves && cut == 1)) break;
        TestCase candidate = from_end ? WithPatchSlice(m.current(), index, 0, size - cut)
                                      : WithPatchSlice(m.current(), index, cut, size);
        absl::StatusOr<bool> accepted = m.Try(std::move(candidate));
        if (!accepted.ok()) return accepted.status();
        if (!*accepted) break;
      }
    }
  }
  return absl::OkStatus();
}

// Reduction 5: scratch patches away or smaller.
absl::Status ReducePatches(Minimizer& m) {
  if (m.current().scratch_patches.empty()) return absl::OkStatus();
  TestCase none = m.current();
  none.scratch_patches.clear();
  absl::StatusOr<bool> accepted = m.Try(std::move(none));
  if (!accepted.ok() || *accepted) return accepted.status();
  size_t i = 0;
  while (i < m.current().scratch_patches.size()) {
    TestCase candidate = m.current();
    candidate.scratch_patches.erase(candidate.scratch_patches.begin() + i);
    accepted = m.Try(std::move(candidate));
    if (!accepted.ok()) return accepted.status();
    if (!*accepted) ++i;
  }
  for (size_t index = 0; index < m.current().scratch_patches.size(); ++index) {
    if (absl::Status status = ShrinkPatch(m, index); !status.ok()) return status;
  }
  return absl::OkStatus();
}

std::string Hex64(uint64_t value) { return absl::StrFormat("0x%x", value); }

}  // namespace

absl::StatusOr<MinimizeResult> MinimizeTestCase(const TestCase& test_case, uint64_t signature_hash,
                                                const StillDiverges& still_diverges,
                                                const MinimizeOptions& options) {
  if (options.max_attempts < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("max_attempts must be at least 1, got ", options.max_attempts));
  }
  Minimizer minimizer(test_case, still_diverges, options.max_attempts);
  absl::StatusOr<bool> reproduces = minimizer.CheckStart();
  if (!reproduces.ok()) return reproduces.status();
  if (!*reproduces) {
    return absl::FailedPreconditionError(
        absl::StrFormat("signature %016x does not reproduce on the input case", signature_hash));
  }

  MinimizeResult result;
  result.original = test_case;
  using Reduction = absl::Status (*)(Minimizer&);
  constexpr Reduction kReductions[] = {&ReduceState, &TruncateCode, &DeleteBytes, &SimplifyBytes,
                                       &ReducePatches};
  while (!minimizer.exhausted()) {
    ++result.rounds;
    const int accepted_before = minimizer.accepted();
    for (Reduction reduction : kReductions) {
      if (absl::Status status = reduction(minimizer); !status.ok()) return status;
    }
    if (minimizer.accepted() == accepted_before) break;  // a fixed point
  }
  result.minimized = minimizer.current();
  result.attempts = minimizer.attempts();
  result.accepted = minimizer.accepted();
  result.budget_exhausted = minimizer.exhausted();
  return result;
}

std::vector<std::string> DescribeStateDifferences(const TestCase& test_case) {
  std::vector<std::string> lines;
  if (test_case.initial_state.has_value()) {
    const CpuState defaults = DefaultInitialState(test_case.mode);
    const CpuState& state = *test_case.initial_state;
    for (int i = 0; i < kGprCount; ++i) {
      if (state.gpr[i] == defaults.gpr[i]) continue;
      lines.push_back(absl::StrCat(kGprNames[i], "=", Hex64(state.gpr[i]), " (default ",
                                   Hex64(defaults.gpr[i]), ")"));
    }
    if (state.rflags != defaults.rflags) {
      lines.push_back(
          absl::StrCat("rflags=", Hex64(state.rflags), " (default ", Hex64(defaults.rflags), ")"));
    }
    if (lines.empty()) lines.push_back("state given, equal to the defaults");
  }
  for (const MemoryPatch& patch : test_case.scratch_patches) {
    const size_t shown = std::min(patch.bytes.size(), kShownPatchBytes);
    lines.push_back(absl::StrCat("scratch+", Hex64(patch.offset), ": ", patch.bytes.size(),
                                 " bytes ",
                                 FormatHex(absl::MakeConstSpan(patch.bytes).subspan(0, shown)),
                                 shown < patch.bytes.size() ? " ..." : ""));
  }
  return lines;
}

}  // namespace x86diff::cli

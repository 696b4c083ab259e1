// What the environment asks of a differential fuzz target, read once at LLVMFuzzerInitialize:
//   X86DIFF_FINDINGS_DIR  where findings go (default ./findings; set but empty: none)
//   X86DIFF_MODES         the modes to fuzz (fuzz/allowed_modes.h)
//   X86DIFF_STATS_DIR     where per-signature hit counts go (fuzz/hit_stats.h)
// `x86diff campaign` sets all three. Shared by decoder_diff and exec_diff so that both read it
// the same way.
#ifndef X86DIFF_FUZZ_TARGET_ENVIRONMENT_H_
#define X86DIFF_FUZZ_TARGET_ENVIRONMENT_H_

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <utility>

#include "absl/status/statusor.h"
#include "fuzz/allowed_modes.h"
#include "fuzz/hit_stats.h"

namespace x86diff {

struct TargetEnvironment {
  const char* findings_dir = nullptr;  // nullptr: X86DIFF_FINDINGS_DIR unset
  ModeSet allowed_modes = ModeSet::All();
  HitStats* hit_stats = nullptr;  // nullptr: no statistics
};

// Reads the variables; an invalid value ends the process with a message naming it (a campaign
// that asked for something must not silently get something else).
inline TargetEnvironment ReadTargetEnvironment(const char* target) {
  TargetEnvironment environment;
  environment.findings_dir = std::getenv("X86DIFF_FINDINGS_DIR");
  absl::StatusOr<ModeSet> modes = AllowedModesFromEnv();
  if (!modes.ok()) {
    std::fprintf(stderr, "%s: %s\n", target, std::string(modes.status().message()).c_str());
    std::exit(1);
  }
  environment.allowed_modes = *modes;
  environment.hit_stats = HitStatsFromEnv(target);
  return environment;
}

// Creates a fuzz target's core (DecoderDiffCore, ExecDiffCore) with the findings directory and
// hit statistics of `environment`, or ends the process with the reason. When the variable is
// unset and ./findings cannot be created (read-only working directories on ClusterFuzz and
// OSS-Fuzz), the target runs without findings: divergences still count as coverage.
template <typename Core, typename Options>
std::unique_ptr<Core> CreateCoreOrExit(const char* target, const TargetEnvironment& environment,
                                       Options options) {
  options.findings_dir = environment.findings_dir ? environment.findings_dir : "findings";
  options.hit_stats = environment.hit_stats;
  absl::StatusOr<std::unique_ptr<Core>> created = Core::Create(options);
  if (!created.ok() && environment.findings_dir == nullptr) {
    std::fprintf(stderr, "%s: %s; running without findings (set X86DIFF_FINDINGS_DIR)\n", target,
                 std::string(created.status().message()).c_str());
    options.findings_dir.clear();
    created = Core::Create(options);
  }
  if (!created.ok()) {
    std::fprintf(stderr, "%s: %s\n", target, created.status().ToString().c_str());
    std::exit(1);
  }
  return *std::move(created);
}

}  // namespace x86diff

#endif  // X86DIFF_FUZZ_TARGET_ENVIRONMENT_H_

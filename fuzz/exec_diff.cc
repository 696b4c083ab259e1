// libFuzzer target: every decoder plus every execution oracle this machine has (Unicorn, the
// native CPU for long64, KVM when /dev/kvm is usable) on one test case. Findings go to
// $X86DIFF_FINDINGS_DIR (default ./findings; set but empty: write none); fuzz/target_environment.h
// lists what else the environment sets. See fuzz/README.md.
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "absl/strings/str_join.h"
#include "fuzz/exec_diff_core.h"
#include "fuzz/target_environment.h"

namespace {
std::unique_ptr<x86diff::ExecDiffCore> core;
x86diff::TargetEnvironment environment;
}  // namespace

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  environment = x86diff::ReadTargetEnvironment("exec_diff");
  core = x86diff::CreateCoreOrExit<x86diff::ExecDiffCore>("exec_diff", environment,
                                                          x86diff::ExecDiffOptions{});
  std::fprintf(stderr, "exec_diff: executors %s\n",
               absl::StrJoin(core->executor_names(), ", ").c_str());
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // Another mode than the campaign asked for: not run, and not kept in the corpus.
  if (!environment.allowed_modes.is_all() &&
      !x86diff::EncodedTestCaseInModes({data, size}, environment.allowed_modes)) {
    return -1;
  }
  x86diff::ExecDiffCore::Result result = core->RunOne({data, size});
  if (environment.hit_stats != nullptr) environment.hit_stats->Tick();
  if (result.decoder_failed) {  // a library failure on some input is itself worth a reproducer
    std::fprintf(stderr, "exec_diff: %s\n", result.error.c_str());
    std::abort();
  }
  return 0;
}

// The structure-aware mutator hooks come from fuzz/x86_mutator_hooks.cc.

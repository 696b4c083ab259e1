// libFuzzer target: every decoder plus every execution oracle this machine has (Unicorn, the
// native CPU for long64, KVM when /dev/kvm is usable) on one test case. Findings go to
// $X86DIFF_FINDINGS_DIR (default ./findings; set but empty: write none). See fuzz/README.md.
#include <cstdio>
#include <cstdlib>
#include <memory>

#include "absl/strings/str_join.h"
#include "fuzz/exec_diff_core.h"

namespace {
std::unique_ptr<x86diff::ExecDiffCore> core;
}  // namespace

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  const char* dir = std::getenv("X86DIFF_FINDINGS_DIR");
  auto created = x86diff::ExecDiffCore::Create({.findings_dir = dir ? dir : "findings"});
  if (!created.ok()) {
    std::fprintf(stderr, "exec_diff: %s\n", created.status().ToString().c_str());
    std::exit(1);
  }
  core = *std::move(created);
  std::fprintf(stderr, "exec_diff: executors %s\n",
               absl::StrJoin(core->executor_names(), ", ").c_str());
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  x86diff::ExecDiffCore::Result result = core->RunOne({data, size});
  if (result.decoder_failed) {  // a library failure on some input is itself worth a reproducer
    std::fprintf(stderr, "exec_diff: %s\n", result.error.c_str());
    std::abort();
  }
  return 0;
}

// The structure-aware mutator hooks come from fuzz/x86_mutator_hooks.cc.

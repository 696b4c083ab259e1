// libFuzzer target: Capstone vs Zydis (every decoder of adapters/registry.h) on one test case.
// Findings go to $X86DIFF_FINDINGS_DIR (default ./findings; set but empty: write none). See
// fuzz/README.md.
#include <cstdio>
#include <cstdlib>
#include <memory>

#include "fuzz/decoder_diff_core.h"

namespace {
std::unique_ptr<x86diff::DecoderDiffCore> core;
}  // namespace

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  const char* dir = std::getenv("X86DIFF_FINDINGS_DIR");
  auto created = x86diff::DecoderDiffCore::Create({.findings_dir = dir ? dir : "findings"});
  if (!created.ok()) {
    std::fprintf(stderr, "decoder_diff: %s\n", created.status().ToString().c_str());
    std::exit(1);
  }
  core = *std::move(created);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  x86diff::DecoderDiffCore::Result result = core->RunOne({data, size});
  if (result.decoder_failed) {  // a library failure on some input is itself worth a reproducer
    std::fprintf(stderr, "decoder_diff: %s\n", result.error.c_str());
    std::abort();
  }
  return 0;
}

// The structure-aware mutator hooks come from fuzz/x86_mutator_hooks.cc.

// Synthetic findings and campaign directories for the triage, waiver and report tests.
#ifndef X86DIFF_TESTS_TOOLS_TRIAGE_FIXTURES_H_
#define X86DIFF_TESTS_TOOLS_TRIAGE_FIXTURES_H_

#include <sys/stat.h>
#include <utime.h>

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "harness/divergence.h"
#include "harness/finding.h"
#include "tests/test_support/temp_dir.h"
#include "tools/x86diff/hit_stats_file.h"

namespace x86diff::cli::test_fixtures {

// A decoder finding: capstone and zydis disagree as `kind` with `fields`; capstone reads
// `capstone_mnemonic`.
inline Finding DecoderFinding(Mode mode, std::vector<uint8_t> code, DivergenceKind kind,
                              const std::string& opcode_class, const std::string& fields,
                              const std::string& capstone_mnemonic = "call") {
  Finding finding;
  finding.test_case = {mode, std::move(code)};
  Outcome capstone;
  capstone.target = "capstone";
  capstone.decode.valid = true;
  capstone.decode.length = static_cast<uint8_t>(finding.test_case.code.size());
  capstone.decode.mnemonic = capstone_mnemonic;
  capstone.decode.operands = "0x4";
  Outcome zydis;
  zydis.target = "zydis";
  zydis.decode.valid = false;
  zydis.decode.failure = DecodeFailure::kInvalidEncoding;
  finding.outcomes = {capstone, zydis};
  Divergence divergence;
  divergence.kind = kind;
  divergence.targets = {"capstone", "zydis"};
  divergence.mode = mode;
  divergence.opcode_class = opcode_class;
  divergence.fields = fields;
  divergence.signature = MakeSignature(kind, divergence.targets, mode, opcode_class, fields);
  finding.divergences = {divergence};
  return finding;
}

inline std::string IdOf(const Finding& finding) {
  return finding.divergences.at(0).signature.HexId();
}

// Writes `finding` as <dir>/<name> with modification time `mtime` (unix seconds; 0: now).
inline std::string WriteFinding(const std::string& dir, const std::string& name,
                                const Finding& finding, int64_t mtime = 0) {
  const std::string path = absl::StrCat(dir, "/", name);
  std::ofstream(path, std::ios::binary) << FindingToJson(finding);
  if (mtime != 0) {
    struct utimbuf times = {static_cast<time_t>(mtime), static_cast<time_t>(mtime)};
    utime(path.c_str(), &times);
  }
  return path;
}

inline std::string WriteHits(const std::string& dir, const std::string& target, int pid,
                             std::vector<SignatureHits> signatures) {
  HitStatsFile file;
  file.target = target;
  file.pid = pid;
  file.written_at = 1763900000;
  file.signatures = std::move(signatures);
  const std::string path = absl::StrCat(dir, "/hits-", target, "-", pid, "-1.json");
  std::ofstream(path, std::ios::binary) << HitStatsToJson(file);
  return path;
}

inline uint64_t Hash(const Finding& finding) { return finding.divergences.at(0).signature.hash; }

}  // namespace x86diff::cli::test_fixtures

#endif  // X86DIFF_TESTS_TOOLS_TRIAGE_FIXTURES_H_

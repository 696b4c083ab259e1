#include "tools/bench/bench_inputs.h"

#include <algorithm>
#include <filesystem>
#include <random>
#include <system_error>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "harness/finding.h"
#include "harness/test_case_codec.h"

namespace x86diff::bench {

namespace {

constexpr uint8_t kLegacyPrefixes[] = {0x66, 0x67, 0xf2, 0xf3, 0xf0, 0x2e,
                                       0x3e, 0x26, 0x64, 0x65, 0x36};

// Only raw engine output is used (distributions are implementation-defined), so the cases are
// the same with every standard library.
class Bits {
 public:
  explicit Bits(uint32_t seed) : engine_(seed) {}
  uint32_t Below(uint32_t bound) { return static_cast<uint32_t>(engine_() % bound); }
  uint8_t Byte() { return static_cast<uint8_t>(engine_()); }

 private:
  std::mt19937 engine_;
};

std::vector<uint8_t> ShapedCandidate(Mode mode, Bits& bits) {
  std::vector<uint8_t> code;
  // Mostly none, sometimes up to three legacy prefixes.
  if (bits.Below(8) >= 5) {
    const uint32_t count = 1 + bits.Below(3);
    for (uint32_t i = 0; i < count; ++i) {
      code.push_back(kLegacyPrefixes[bits.Below(sizeof(kLegacyPrefixes))]);
    }
  }
  const bool long_mode = mode == Mode::kLong64;
  if (long_mode && bits.Below(3) == 0) code.push_back(0x40 | bits.Below(16));
  switch (bits.Below(12)) {
    case 0:
    case 1:
    case 2:
    case 3:
    case 4:  // one-byte opcode map
      break;
    case 5:
    case 6:
      code.push_back(0x0f);
      break;
    case 7:
      code.insert(code.end(), {0x0f, 0x38});
      break;
    case 8:
      code.insert(code.end(), {0x0f, 0x3a});
      break;
    case 9:  // two-byte VEX; R and vvvv random
      code.insert(code.end(), {0xc5, bits.Byte()});
      break;
    case 10: {  // three-byte VEX or XOP with a mostly valid map field
      const bool xop = bits.Below(4) == 0;
      const uint8_t map = xop ? 8 + bits.Below(3) : 1 + bits.Below(3);
      code.insert(code.end(), {static_cast<uint8_t>(xop ? 0x8f : 0xc4),
                               static_cast<uint8_t>((bits.Byte() & 0xe0) | map), bits.Byte()});
      break;
    }
    default: {  // EVEX: P0 map 1..3 (or 5/6), P1 with its fixed bit set
      static constexpr uint8_t kMaps[] = {1, 2, 3, 5, 6};
      code.insert(code.end(),
                  {0x62, static_cast<uint8_t>((bits.Byte() & 0xf0) | kMaps[bits.Below(5)]),
                   static_cast<uint8_t>(bits.Byte() | 0x04), bits.Byte()});
      break;
    }
  }
  while (code.size() < kMaxInstructionBytes) code.push_back(bits.Byte());
  code.resize(kMaxInstructionBytes);
  return code;
}

absl::StatusOr<std::vector<TestCase>> LoadSeeds(const std::string& seed_dir) {
  std::error_code error;
  std::vector<std::string> paths;
  for (std::filesystem::directory_iterator it(seed_dir, error), end; !error && it != end;
       it.increment(error)) {
    if (it->is_regular_file() && it->path().extension() != ".md") {
      paths.push_back(it->path().string());
    }
  }
  if (error) return absl::NotFoundError(absl::StrCat(seed_dir, ": ", error.message()));
  std::sort(paths.begin(), paths.end());
  std::vector<TestCase> seeds;
  for (const std::string& path : paths) {
    absl::StatusOr<TestCase> test_case = LoadTestCaseFile(path);
    if (test_case.ok()) seeds.push_back(*std::move(test_case));
  }
  if (seeds.empty()) {
    return absl::NotFoundError(absl::StrCat(seed_dir, ": no loadable test case"));
  }
  return seeds;
}

}  // namespace

absl::StatusOr<std::vector<BenchCase>> MakeBenchCases(const std::string& seed_dir, size_t count) {
  absl::StatusOr<std::vector<TestCase>> seeds = LoadSeeds(seed_dir);
  if (!seeds.ok()) return seeds.status();
  std::vector<BenchCase> cases;
  cases.reserve(count);
  for (size_t i = 0; i < count / 2; ++i) cases.push_back({(*seeds)[i % seeds->size()], {}});
  Bits bits(/*seed=*/20240601);
  for (size_t i = cases.size(); i < count; ++i) {
    TestCase test_case;
    test_case.mode = kAllModes[i % kAllModes.size()];
    test_case.code = ShapedCandidate(test_case.mode, bits);
    cases.push_back({std::move(test_case), {}});
  }
  for (BenchCase& bench_case : cases) bench_case.encoded = SerializeTestCase(bench_case.test_case);
  return cases;
}

}  // namespace x86diff::bench

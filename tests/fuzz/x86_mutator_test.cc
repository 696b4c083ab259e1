#include "fuzz/x86_mutator.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <iterator>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "fuzz/allowed_modes.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "harness/cpu_state.h"
#include "harness/instruction_shape.h"
#include "harness/mode.h"
#include "harness/test_case.h"
#include "harness/test_case_codec.h"

namespace x86diff {
namespace {

constexpr size_t kMaxSize = 4096;  // libFuzzer's default -max_len for an empty corpus

std::vector<uint8_t> Encode(Mode mode, std::vector<uint8_t> code) {
  return SerializeTestCase(TestCase{mode, std::move(code)});
}

// A deterministic stand-in for LLVMFuzzerMutate: overwrite, insert or erase one byte, and
// sometimes grow to max_size to check that the mutator clips.
size_t FakeByteMutate(uint8_t* data, size_t size, size_t max_size) {
  static uint32_t state = 1;
  state = state * 1103515245u + 12345u;
  const uint32_t r = state >> 8;
  switch (r % 4) {
    case 0:
      if (size > 0) data[r % size] = static_cast<uint8_t>(r >> 8);
      return size;
    case 1:
      if (size > 0) return size - 1;
      return size;
    case 2:
      std::memset(data + size, 0x66, max_size - size);
      return max_size;
    default:
      if (size < max_size) data[size++] = static_cast<uint8_t>(r);
      return size;
  }
}

int MutationIndex(absl::string_view name) {
  const auto names = MutationNames();
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] == name) return static_cast<int>(i);
  }
  return -1;
}

// AddOrFlipRex promises a long-mode case whose prefix bytes end in a REX byte (which the shape
// parser reports as REX, or as VEX/EVEX after a REX when the case already had one).
bool HasRexBeforeOpcode(const TestCase& test_case) {
  if (test_case.mode != Mode::kLong64) return false;
  const InstructionShape shape = ReadInstructionShape(test_case.mode, test_case.code);
  if (shape.encoding == Encoding::kRex) return true;
  size_t i = 0;
  static constexpr uint8_t kLegacy[] = {0x66, 0x67, 0xf0, 0xf2, 0xf3, 0x2e,
                                        0x36, 0x3e, 0x26, 0x64, 0x65};
  auto is_prefix = [&](uint8_t byte) {
    return (byte & 0xf0) == 0x40 ||
           std::find(std::begin(kLegacy), std::end(kLegacy), byte) != std::end(kLegacy);
  };
  while (i < test_case.code.size() && is_prefix(test_case.code[i])) ++i;
  return i > 0 && (test_case.code[i - 1] & 0xf0) == 0x40;
}

// Runs `iterations` chained mutations from `seed` and checks every output; collects what the
// outputs look like.
struct Coverage {
  std::set<int> mutations;
  std::set<Mode> modes;
  std::set<Encoding> encodings;
  int repaired = 0;
  // Per mutation: how many outputs it made, and how many had the shape it promises.
  std::array<int, 64> made{};
  std::array<int, 64> shaped{};
};

// Every output must be in `allowed`; the chain starts in `start_mode`, which need not be.
void RunChain(unsigned int seed, int iterations, Coverage* coverage,
              ModeSet allowed = ModeSet::All(), Mode start_mode = Mode::kLong64) {
  std::mt19937 rng(seed);
  std::vector<uint8_t> buffer(kMaxSize);
  std::vector<uint8_t> start = Encode(start_mode, {0x90});
  std::memcpy(buffer.data(), start.data(), start.size());
  size_t size = start.size();
  const int evex = MutationIndex("SynthesizeEvex");
  const int vex2 = MutationIndex("SynthesizeVex2");
  const int vex3 = MutationIndex("SynthesizeVex3");
  const int xop = MutationIndex("SynthesizeXop");
  const int rex = MutationIndex("AddOrFlipRex");
  for (int i = 0; i < iterations; ++i) {
    if (i % 997 == 0) {  // now and then arbitrary junk, which must be repaired
      size = rng() % 40;
      for (size_t j = 0; j < size; ++j) buffer[j] = static_cast<uint8_t>(rng());
    }
    const MutationResult result =
        MutateTestCaseDetailed(buffer.data(), size, kMaxSize, static_cast<unsigned int>(rng()),
                               i % 2 ? &FakeByteMutate : nullptr, allowed);
    ASSERT_GE(result.mutation, 0);
    ASSERT_LE(result.size, kMaxSize);
    absl::StatusOr<TestCase> parsed = ParseTestCase({buffer.data(), result.size});
    ASSERT_TRUE(parsed.ok()) << parsed.status() << " after " << MutationNames()[result.mutation];
    ASSERT_LE(parsed->code.size(), kMaxInstructionBytes) << MutationNames()[result.mutation];
    ASSERT_TRUE(allowed.Contains(parsed->mode))
        << ModeName(parsed->mode) << " not in " << ModeSetToString(allowed) << " after "
        << MutationNames()[result.mutation] << (result.repaired ? " (repaired)" : "");
    size = result.size;

    coverage->mutations.insert(result.mutation);
    coverage->modes.insert(parsed->mode);
    coverage->repaired += result.repaired;
    const InstructionShape shape = ReadInstructionShape(parsed->mode, parsed->code);
    coverage->encodings.insert(shape.encoding);
    const int m = result.mutation;
    ++coverage->made[m];
    if ((m == evex && shape.encoding == Encoding::kEvex) ||
        (m == vex2 && shape.encoding == Encoding::kVex2) ||
        (m == vex3 && shape.encoding == Encoding::kVex3) ||
        (m == xop && shape.encoding == Encoding::kXop) ||
        (m == rex && HasRexBeforeOpcode(*parsed))) {
      ++coverage->shaped[m];
    }
  }
}

TEST(X86MutatorTest, TableHasUniqueNames) {
  const auto names = MutationNames();
  EXPECT_GE(names.size(), 15u);
  std::set<absl::string_view> unique(names.begin(), names.end());
  EXPECT_EQ(unique.size(), names.size());
  for (absl::string_view name :
       {"ChangeMode", "InsertLegacyPrefix", "RemoveLegacyPrefix", "ReplaceLegacyPrefix",
        "AddOrFlipRex", "SynthesizeVex2", "SynthesizeVex3", "SynthesizeEvex", "SynthesizeXop",
        "SwitchOpcodeMap", "RandomOpcode", "RandomModRmSib", "RandomDisplacementImmediate",
        "GenerateInstruction", "ByteMutate", "Truncate", "Extend"}) {
    EXPECT_GE(MutationIndex(name), 0) << name;
  }
}

TEST(X86MutatorTest, HundredThousandMutationsStayValidAndCoverEverything) {
  Coverage coverage;
  for (unsigned int seed : {1u, 2u, 3u, 4u}) {
    RunChain(seed, 25000, &coverage);
    if (HasFatalFailure()) return;
  }
  EXPECT_EQ(coverage.mutations.size(), MutationNames().size());
  EXPECT_EQ(coverage.modes.size(), kAllModes.size());
  EXPECT_GT(coverage.repaired, 0);
  for (Encoding encoding : {Encoding::kLegacy, Encoding::kRex, Encoding::kVex2, Encoding::kVex3,
                            Encoding::kEvex, Encoding::kXop}) {
    EXPECT_TRUE(coverage.encodings.count(encoding)) << EncodingName(encoding);
  }
  // A synthesized prefix is what the shape parser reads back in most cases (not always: real
  // mode, the deliberate non-mod-11 probes in 32-bit modes and clipping at 15 bytes).
  for (absl::string_view name :
       {"SynthesizeVex2", "SynthesizeVex3", "SynthesizeEvex", "SynthesizeXop", "AddOrFlipRex"}) {
    const int m = MutationIndex(name);
    ASSERT_GT(coverage.made[m], 100) << name;
    EXPECT_GT(coverage.shaped[m] * 10, coverage.made[m] * 6)
        << name << ": " << coverage.shaped[m] << " of " << coverage.made[m];
  }
}

TEST(X86MutatorTest, DeterministicForASeed) {
  const std::vector<uint8_t> start = Encode(Mode::kProt32, {0x66, 0x0f, 0x38, 0x00, 0xc1});
  for (unsigned int seed = 0; seed < 2000; ++seed) {
    std::vector<uint8_t> a(64), b(64);
    std::memcpy(a.data(), start.data(), start.size());
    std::memcpy(b.data(), start.data(), start.size());
    const MutationResult ra =
        MutateTestCaseDetailed(a.data(), start.size(), a.size(), seed, nullptr);
    const MutationResult rb =
        MutateTestCaseDetailed(b.data(), start.size(), b.size(), seed, nullptr);
    ASSERT_EQ(ra.size, rb.size);
    ASSERT_EQ(ra.mutation, rb.mutation);
    a.resize(ra.size);
    b.resize(rb.size);
    ASSERT_EQ(a, b) << "seed " << seed;
  }
}

TEST(X86MutatorTest, DifferentSeedsGiveDifferentOutputs) {
  const std::vector<uint8_t> start = Encode(Mode::kLong64, {0x48, 0x01, 0xd8});
  std::set<std::vector<uint8_t>> outputs;
  for (unsigned int seed = 0; seed < 200; ++seed) {
    std::vector<uint8_t> buffer(64);
    std::memcpy(buffer.data(), start.data(), start.size());
    buffer.resize(MutateTestCase(buffer.data(), start.size(), buffer.size(), seed, nullptr));
    outputs.insert(buffer);
  }
  EXPECT_GT(outputs.size(), 100u);
}

TEST(X86MutatorTest, RespectsSmallMaxSize) {
  const std::vector<uint8_t> start = Encode(Mode::kLong64, {0x0f, 0x05});
  for (size_t max_size = 0; max_size <= 8; ++max_size) {
    for (unsigned int seed = 0; seed < 300; ++seed) {
      std::vector<uint8_t> buffer(start);
      buffer.resize(std::max(start.size(), max_size));
      const MutationResult result = MutateTestCaseDetailed(
          buffer.data(), std::min(start.size(), max_size), max_size, seed, &FakeByteMutate);
      ASSERT_LE(result.size, max_size);
      if (max_size < kEncodedHeaderBytes) {
        EXPECT_EQ(result.mutation, -1);
        continue;
      }
      absl::StatusOr<TestCase> parsed = ParseTestCase({buffer.data(), result.size});
      ASSERT_TRUE(parsed.ok()) << parsed.status() << " max_size " << max_size;
    }
  }
}

TEST(X86MutatorTest, RepairsJunkKeepingAVersionOneHeadersModeAndCode) {
  // Declares 5 code bytes but carries 3: repaired to prot16 with (mutated) code.
  std::vector<uint8_t> buffer = {0x01, 0x06, 0x05, 0x0f, 0x0b, 0x90};
  buffer.resize(64);
  const MutationResult result = MutateTestCaseDetailed(buffer.data(), 6, 64, 7, nullptr);
  EXPECT_TRUE(result.repaired);
  EXPECT_TRUE(ParseTestCase({buffer.data(), result.size}).ok());

  std::vector<uint8_t> empty(64);
  const MutationResult from_empty = MutateTestCaseDetailed(empty.data(), 0, 64, 7, nullptr);
  EXPECT_TRUE(from_empty.repaired);
  EXPECT_TRUE(ParseTestCase({empty.data(), from_empty.size}).ok());
}

TEST(X86MutatorTest, ClipsLongValidInputToFifteenBytes) {
  std::vector<uint8_t> code(kMaxCodeBytes, 0x90);
  std::vector<uint8_t> buffer = Encode(Mode::kProt32, code);
  const size_t size = buffer.size();
  buffer.resize(kMaxSize);
  const MutationResult result = MutateTestCaseDetailed(buffer.data(), size, kMaxSize, 3, nullptr);
  EXPECT_FALSE(result.repaired);
  absl::StatusOr<TestCase> parsed = ParseTestCase({buffer.data(), result.size});
  ASSERT_TRUE(parsed.ok());
  EXPECT_LE(parsed->code.size(), kMaxInstructionBytes);
}

TEST(X86MutatorTest, KeepsExecutionStateSections) {
  TestCase with_state{Mode::kLong64, {0x48, 0x01, 0xd8}};
  with_state.initial_state = CpuState{};
  with_state.initial_state->gpr[0] = 0x1234;
  const std::vector<uint8_t> start = SerializeTestCase(with_state);
  int kept = 0;
  for (unsigned int seed = 0; seed < 200; ++seed) {
    std::vector<uint8_t> buffer(start);
    buffer.resize(kMaxSize);
    const MutationResult result =
        MutateTestCaseDetailed(buffer.data(), start.size(), kMaxSize, seed, nullptr);
    absl::StatusOr<TestCase> parsed = ParseTestCase({buffer.data(), result.size});
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    kept += parsed->initial_state == with_state.initial_state;
  }
  EXPECT_EQ(kept, 200);

  // Without room for the state the output falls back to the compact form.
  std::vector<uint8_t> small(start);
  const MutationResult result = MutateTestCaseDetailed(small.data(), start.size(), 24, 1, nullptr);
  absl::StatusOr<TestCase> parsed = ParseTestCase({small.data(), result.size});
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_FALSE(parsed->initial_state.has_value());
}

TEST(X86MutatorTest, CrossOverGivesValidChildren) {
  const std::vector<uint8_t> a = Encode(Mode::kLong64, {0x66, 0x48, 0x0f, 0x38, 0x00, 0xc1});
  const std::vector<uint8_t> b = Encode(Mode::kProt32, {0x62, 0xf1, 0x7c, 0x48, 0x58, 0xc1});
  const std::vector<uint8_t> junk = {0xde, 0xad};
  std::set<std::vector<uint8_t>> children;
  for (unsigned int seed = 0; seed < 500; ++seed) {
    std::vector<uint8_t> out(kMaxSize);
    const std::vector<uint8_t>& second = seed % 5 == 0 ? junk : b;
    out.resize(CrossOverTestCases(a.data(), a.size(), second.data(), second.size(), out.data(),
                                  out.size(), seed));
    absl::StatusOr<TestCase> parsed = ParseTestCase(out);
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    EXPECT_LE(parsed->code.size(), kMaxInstructionBytes);
    children.insert(out);
  }
  EXPECT_GT(children.size(), 2u);
  uint8_t tiny[2];
  EXPECT_EQ(CrossOverTestCases(a.data(), a.size(), b.data(), b.size(), tiny, 2, 1), 0u);
}

// X86DIFF_MODES: every output stays in the allowed modes, whatever the input's mode, and the
// mutations that pick a mode still reach every allowed one.
TEST(X86MutatorTest, RestrictedModesStayInsideAndCoverTheSet) {
  struct Case {
    ModeSet allowed;
    Mode start;  // outside `allowed` where possible: the seed must be moved in
  };
  const Case cases[] = {
      {{Mode::kLong64}, Mode::kReal16},
      {{Mode::kReal16}, Mode::kLong64},
      {{Mode::kProt16, Mode::kCompat32}, Mode::kProt32},
      {{Mode::kReal16, Mode::kLong64}, Mode::kProt16},
      {{Mode::kProt32, Mode::kCompat32, Mode::kLong64}, Mode::kReal16},
  };
  const int change_mode = MutationIndex("ChangeMode");
  const int rex = MutationIndex("AddOrFlipRex");
  for (const Case& c : cases) {
    SCOPED_TRACE(ModeSetToString(c.allowed));
    Coverage coverage;
    RunChain(11, 6000, &coverage, c.allowed, c.start);
    if (HasFatalFailure()) return;
    EXPECT_EQ(coverage.modes.size(), c.allowed.size());
    // ChangeMode needs a second mode to go to; AddOrFlipRex needs long64.
    EXPECT_EQ(coverage.mutations.count(change_mode), c.allowed.size() > 1 ? 1u : 0u);
    EXPECT_EQ(coverage.mutations.count(rex), c.allowed.Contains(Mode::kLong64) ? 1u : 0u);
    EXPECT_GT(coverage.repaired, 0);
  }
}

TEST(X86MutatorTest, SeedInAnotherModeMovesToTheAllowedModeAtItsIndex) {
  // prot32 has number 2; allowed {real16, long64}: index 2 % 2 = 0, real16.
  const std::vector<uint8_t> start = Encode(Mode::kProt32, {0x0f, 0x0b});
  const ModeSet allowed = {Mode::kReal16, Mode::kLong64};
  const int change_mode = MutationIndex("ChangeMode");
  const int rex = MutationIndex("AddOrFlipRex");
  int checked = 0;
  for (unsigned int seed = 0; seed < 300; ++seed) {
    std::vector<uint8_t> buffer(start);
    buffer.resize(64);
    const MutationResult result =
        MutateTestCaseDetailed(buffer.data(), start.size(), 64, seed, nullptr, allowed);
    EXPECT_FALSE(result.repaired);  // it parsed: only its mode was moved
    absl::StatusOr<TestCase> parsed = ParseTestCase({buffer.data(), result.size});
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    ASSERT_TRUE(allowed.Contains(parsed->mode)) << ModeName(parsed->mode);
    if (result.mutation == change_mode || result.mutation == rex) continue;
    if (MutationNames()[result.mutation] == "GenerateInstruction" ||
        absl::string_view(MutationNames()[result.mutation]).substr(0, 10) == "Synthesize") {
      continue;  // these may pick another allowed mode themselves
    }
    EXPECT_EQ(parsed->mode, Mode::kReal16) << MutationNames()[result.mutation];
    ++checked;
  }
  EXPECT_GT(checked, 100);
}

TEST(X86MutatorTest, CrossOverChildrenStayInAllowedModes) {
  const std::vector<uint8_t> a = Encode(Mode::kLong64, {0x66, 0x48, 0x0f, 0x38, 0x00, 0xc1});
  const std::vector<uint8_t> b = Encode(Mode::kProt32, {0x62, 0xf1, 0x7c, 0x48, 0x58, 0xc1});
  const std::vector<uint8_t> junk = {0xde, 0xad, 0xbe};
  const ModeSet allowed = {Mode::kProt16, Mode::kCompat32};
  std::set<Mode> modes;
  for (unsigned int seed = 0; seed < 400; ++seed) {
    std::vector<uint8_t> out(kMaxSize);
    const std::vector<uint8_t>& second = seed % 3 == 0 ? junk : b;
    out.resize(CrossOverTestCases(a.data(), a.size(), second.data(), second.size(), out.data(),
                                  out.size(), seed, allowed));
    absl::StatusOr<TestCase> parsed = ParseTestCase(out);
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    ASSERT_TRUE(allowed.Contains(parsed->mode)) << ModeName(parsed->mode);
    modes.insert(parsed->mode);
  }
  // long64 and prot32 both move to index 0 (prot16); compat32 comes from the junk parent's
  // seed-chosen mode.
  EXPECT_EQ(modes.size(), 2u);
}

}  // namespace
}  // namespace x86diff

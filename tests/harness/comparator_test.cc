#include "harness/comparator.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "gtest/gtest.h"
#include "harness/instruction_shape.h"

namespace x86diff {
namespace {

Outcome Valid(const char* target, int length, const char* mnemonic) {
  Outcome outcome;
  outcome.target = target;
  outcome.decode.valid = true;
  outcome.decode.length = static_cast<uint8_t>(length);
  outcome.decode.mnemonic = mnemonic;
  return outcome;
}

Outcome Invalid(const char* target, DecodeFailure failure) {
  Outcome outcome;
  outcome.target = target;
  outcome.decode.failure = failure;
  return outcome;
}

const TestCase kCall16{Mode::kLong64, {0x66, 0xe8, 0x00, 0x00, 0x00, 0x00}};

TEST(ComparatorTest, AgreementGivesNothing) {
  std::vector<Outcome> outcomes = {Valid("capstone", 6, "call"), Valid("zydis", 6, "call")};
  EXPECT_TRUE(CompareDecodes(kCall16, outcomes).empty());
}

TEST(ComparatorTest, BothInvalidIsAgreementWhateverTheReason) {
  std::vector<Outcome> outcomes = {Invalid("capstone", DecodeFailure::kOther),
                                   Invalid("zydis", DecodeFailure::kIllegalLock)};
  EXPECT_TRUE(CompareDecodes(kCall16, outcomes).empty());
}

TEST(ComparatorTest, LengthDivergence) {
  std::vector<Outcome> outcomes = {Valid("zydis", 4, "call"), Valid("capstone", 6, "call")};
  auto divergences = CompareDecodes(kCall16, outcomes);
  ASSERT_EQ(divergences.size(), 1u);
  const Divergence& d = divergences[0];
  EXPECT_EQ(d.kind, DivergenceKind::kLength);
  EXPECT_EQ(d.targets, (std::vector<std::string>{"capstone", "zydis"}));  // sorted
  EXPECT_EQ(d.opcode_class, "legacy:1b:e8");
  EXPECT_EQ(d.fields, "capstone>zydis");
  EXPECT_EQ(d.signature.text, "length|capstone,zydis|long64|legacy:1b:e8|capstone>zydis");
}

TEST(ComparatorTest, ValidityWinsOverLengthAndNamesTheReason) {
  std::vector<Outcome> outcomes = {Valid("capstone", 1, "nop"),
                                   Invalid("zydis", DecodeFailure::kIllegalLock)};
  auto divergences = CompareDecodes(TestCase{Mode::kProt32, {0xf0, 0x90}}, outcomes);
  ASSERT_EQ(divergences.size(), 1u);
  EXPECT_EQ(divergences[0].kind, DivergenceKind::kValidity);
  EXPECT_EQ(divergences[0].fields, "capstone=valid,zydis=illegal-lock");
  EXPECT_EQ(divergences[0].opcode_class, "legacy:1b:90:lock");
}

TEST(ComparatorTest, SpellingAliasesAreNotDivergences) {
  std::vector<Outcome> outcomes = {Valid("capstone", 2, "jae"), Valid("zydis", 2, "jnb")};
  EXPECT_TRUE(CompareDecodes(TestCase{Mode::kLong64, {0x73, 0x00}}, outcomes).empty());
}

TEST(ComparatorTest, RealMnemonicDifferenceIsReported) {
  std::vector<Outcome> outcomes = {Valid("capstone", 3, "vpcmov"), Valid("zydis", 3, "vpperm")};
  auto divergences = CompareDecodes(TestCase{Mode::kLong64, {0x8f, 0xe8, 0x78}}, outcomes);
  ASSERT_EQ(divergences.size(), 1u);
  EXPECT_EQ(divergences[0].kind, DivergenceKind::kMnemonic);
  EXPECT_EQ(divergences[0].fields, "capstone:vpcmov,zydis:vpperm");
}

TEST(ComparatorTest, SameFindingWithOtherImmediateSharesTheBucket) {
  std::vector<Outcome> outcomes = {Valid("capstone", 6, "call"), Valid("zydis", 4, "call")};
  auto a = CompareDecodes(TestCase{Mode::kLong64, {0x66, 0xe8, 0x11, 0x22, 0x33, 0x44}}, outcomes);
  auto b = CompareDecodes(TestCase{Mode::kLong64, {0x66, 0xe8, 0xaa, 0xbb, 0xcc, 0xdd}}, outcomes);
  ASSERT_EQ(a.size(), 1u);
  ASSERT_EQ(b.size(), 1u);
  EXPECT_EQ(a[0].signature.hash, b[0].signature.hash);
}

TEST(ComparatorTest, ComparesEveryPairOfDecodersAndIgnoresExecutors) {
  Outcome executor = Valid("native", 1, "");
  executor.provenance = Provenance::kHardware;
  std::vector<Outcome> outcomes = {Valid("a", 2, "add"), Valid("b", 3, "add"), Valid("c", 2, "sub"),
                                   executor};
  auto divergences = CompareDecodes(TestCase{Mode::kLong64, {0x01, 0xc0}}, outcomes);
  ASSERT_EQ(divergences.size(), 3u);  // a-b length, a-c mnemonic, b-c length
  EXPECT_EQ(divergences[0].kind, DivergenceKind::kLength);
  EXPECT_EQ(divergences[1].kind, DivergenceKind::kMnemonic);
  EXPECT_EQ(divergences[2].kind, DivergenceKind::kLength);
  EXPECT_EQ(divergences[2].fields, "b>c");
}

TEST(ComparatorTest, SameTextIsEqualityForEveryLength) {
  // Every length up to past the word-sized paths, equal and with one byte changed at the start,
  // in the middle and at the end; the texts sit inside larger buffers, at other offsets.
  const std::string letters = "abcdefghijklmnopqrstuvwxyz";
  for (size_t size = 0; size <= 20; ++size) {
    const std::string a_buffer = "#" + letters.substr(0, size) + "#";
    const std::string b_buffer = "%%" + letters.substr(0, size) + "%";
    const absl::string_view a(a_buffer.data() + 1, size);
    const absl::string_view b(b_buffer.data() + 2, size);
    EXPECT_TRUE(SameText(a, b)) << size;
    for (size_t changed : {size_t{0}, size / 2, size - 1}) {
      if (size == 0) break;
      std::string other(b);
      other[changed] = 'Z';
      EXPECT_FALSE(SameText(a, other)) << size << " " << changed;
      EXPECT_FALSE(SameText(other, a)) << size << " " << changed;
    }
    EXPECT_FALSE(SameText(a, letters.substr(0, size + 1))) << size;
  }
}

// The hash-only path (CompareDecodeVerdicts + DecodeDivergenceSignatureHash) must give exactly
// the divergences and signature hashes CompareDecodes() builds text for, in either order.
TEST(ComparatorTest, VerdictPathMatchesCompareDecodes) {
  const TestCase test_case{Mode::kProt32, {0x0f, 0xc2, 0xc1, 0x01}};
  const std::vector<std::pair<Outcome, Outcome>> pairs = {
      {Valid("capstone", 4, "cmpltps"), Valid("zydis", 4, "cmpps")},  // alias: agreement
      {Valid("capstone", 4, "jae"), Valid("zydis", 4, "jnb")},        // alias: agreement
      {Valid("capstone", 4, "cmpps"), Valid("zydis", 4, "cmpps")},    // agreement
      {Valid("capstone", 4, "xchg"), Valid("zydis", 4, "nop")},       // mnemonic
      {Valid("capstone", 3, "cmpps"), Valid("zydis", 4, "cmpps")},    // length
      {Valid("capstone", 4, "cmpps"), Invalid("zydis", DecodeFailure::kIllegalLock)},
      {Invalid("capstone", DecodeFailure::kOther), Invalid("zydis", DecodeFailure::kTruncated)},
      {Valid("capstone", 4, "vpcmpequb"), Valid("zydis", 4, "vpcmpub")},
      {Valid("capstone", 4, "averyveryverylongmnemonic"),
       Valid("zydis", 4, "averyveryverylongmnemonix")},
  };
  for (const auto& [first, second] : pairs) {
    for (const bool swapped : {false, true}) {
      const std::vector<Outcome> outcomes =
          swapped ? std::vector<Outcome>{second, first} : std::vector<Outcome>{first, second};
      const std::vector<Divergence> expected = CompareDecodes(test_case, outcomes);
      const DecodeVerdict a = VerdictOf(outcomes[0].decode);
      const DecodeVerdict b = VerdictOf(outcomes[1].decode);
      std::vector<std::pair<DivergenceKind, uint64_t>> got;
      CompareDecodeVerdicts(
          outcomes[0].target, a, outcomes[1].target, b, [&](const DecodeDivergenceView& view) {
            got.emplace_back(
                view.kind, DecodeDivergenceSignatureHash(
                               view, test_case.mode,
                               OpcodeClass(ReadInstructionShape(test_case.mode, test_case.code))));
          });
      ASSERT_EQ(got.size(), expected.size()) << first.decode.mnemonic << " " << swapped;
      for (size_t i = 0; i < got.size(); ++i) {
        EXPECT_EQ(got[i].first, expected[i].kind);
        EXPECT_EQ(got[i].second, expected[i].signature.hash) << expected[i].fields;
      }
    }
  }
}

}  // namespace
}  // namespace x86diff

#include "harness/comparator.h"

#include "gtest/gtest.h"

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
  std::vector<Outcome> outcomes = {Valid("a", 2, "add"), Valid("b", 3, "add"),
                                   Valid("c", 2, "sub"), executor};
  auto divergences = CompareDecodes(TestCase{Mode::kLong64, {0x01, 0xc0}}, outcomes);
  ASSERT_EQ(divergences.size(), 3u);  // a-b length, a-c mnemonic, b-c length
  EXPECT_EQ(divergences[0].kind, DivergenceKind::kLength);
  EXPECT_EQ(divergences[1].kind, DivergenceKind::kMnemonic);
  EXPECT_EQ(divergences[2].kind, DivergenceKind::kLength);
  EXPECT_EQ(divergences[2].fields, "b>c");
}

}  // namespace
}  // namespace x86diff

#include "fuzz/decoder_diff_core.h"

#include <stdlib.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "fuzz/hit_stats.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "harness/atomic_file.h"
#include "harness/comparator.h"
#include "harness/finding.h"
#include "harness/instruction_shape.h"
#include "harness/mnemonic_spelling.h"
#include "harness/test_case.h"
#include "harness/test_case_codec.h"
#include "tests/test_support/temp_dir.h"

// The extra-counter section that decoder_diff_core.cc defines; the linker provides its bounds.
extern "C" uint8_t __start___libfuzzer_extra_counters[];
extern "C" uint8_t __stop___libfuzzer_extra_counters[];

namespace x86diff {
namespace {

using ::testing::SizeIs;

// Divergences between Capstone 4.0.2 and Zydis 4.0.0 (found by decoder_diff), pinned here because
// both library versions are pinned by Debian 12:
//  - 0F FF in 64-bit mode: Capstone decodes UD0 without a ModRM byte, Zydis wants one (truncated);
//  - 99 in 16-bit protected mode: Capstone says cdq, Zydis cwd (16-bit operand size: cwd).
const TestCase kUd0 = {Mode::kLong64, {0x0f, 0xff}};
const TestCase kCwd = {Mode::kProt16, {0x99}};
// Both agree: add rax, rbx.
const TestCase kAdd = {Mode::kLong64, {0x48, 0x01, 0xd8}};

std::vector<uint8_t> Encode(const TestCase& test_case) { return SerializeTestCase(test_case); }

using test_support::TempDir;

// A decoder with a fixed answer, for divergences that do not depend on a library.
class FixedDecoder final : public Decoder {
 public:
  FixedDecoder(std::string name, DecodeResult result)
      : name_(std::move(name)), result_(std::move(result)) {}
  absl::string_view name() const override { return name_; }
  std::string version() const override { return "fixed"; }
  // Operand text only with full detail, as the real adapters do.
  absl::Status DecodeBytes(Mode, absl::Span<const uint8_t>, DecodeDetail detail,
                           DecodeResult& result) const override {
    if (fail_) return absl::InternalError("broken");
    result = result_;
    if (detail == DecodeDetail::kFull) result.operands = "eax, ebx";
    return absl::OkStatus();
  }
  bool fail_ = false;

 private:
  std::string name_;
  DecodeResult result_;
};

DecodeResult Valid(uint8_t length, std::string mnemonic) {
  DecodeResult result;
  result.valid = true;
  result.length = length;
  result.mnemonic = std::move(mnemonic);
  return result;
}

TEST(DecoderDiffCoreTest, WritesOneFindingPerNewSignature) {
  TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  auto core = DecoderDiffCore::Create({.findings_dir = dir.path()});
  ASSERT_TRUE(core.ok()) << core.status();

  DecoderDiffCore::Result first = (*core)->RunOne(Encode(kUd0));
  EXPECT_TRUE(first.parsed);
  EXPECT_FALSE(first.decoder_failed) << first.error;
  ASSERT_EQ(first.divergences, 1);
  EXPECT_EQ(first.new_signatures, 1);
  const std::vector<std::string> files = dir.Files();
  ASSERT_THAT(files, SizeIs(1));

  // The file is a finding for this very case, named by its signature.
  absl::StatusOr<std::string> text = ReadFileToString(dir.path() + "/" + files[0]);
  ASSERT_TRUE(text.ok()) << text.status();
  absl::StatusOr<Finding> finding = FindingFromJson(*text);
  ASSERT_TRUE(finding.ok()) << finding.status();
  EXPECT_EQ(finding->test_case, kUd0);
  ASSERT_THAT(finding->divergences, SizeIs(1));
  EXPECT_EQ(finding->divergences[0].kind, DivergenceKind::kValidity);
  EXPECT_EQ(files[0], finding->divergences[0].signature.HexId() + ".json");
  ASSERT_THAT(finding->outcomes, SizeIs(2));
  EXPECT_EQ(finding->outcomes[0].target, "capstone");
  EXPECT_EQ(finding->outcomes[1].target, "zydis");

  // The same signature again (other bytes, same bucket): nothing new, nothing written.
  DecoderDiffCore::Result again = (*core)->RunOne(Encode({Mode::kLong64, {0x0f, 0xff}}));
  EXPECT_EQ(again.divergences, 1);
  EXPECT_EQ(again.new_signatures, 0);
  EXPECT_THAT(dir.Files(), SizeIs(1));

  // A second signature adds a second file; agreement adds none.
  DecoderDiffCore::Result cwd = (*core)->RunOne(Encode(kCwd));
  EXPECT_EQ(cwd.new_signatures, 1);
  EXPECT_EQ((*core)->RunOne(Encode(kAdd)).divergences, 0);
  EXPECT_THAT(dir.Files(), SizeIs(2));
  EXPECT_EQ((*core)->distinct_signatures(), 2u);
  EXPECT_EQ((*core)->findings_written(), 2u);
}

TEST(DecoderDiffCoreTest, AnotherProcessesFileIsNotRewritten) {
  TempDir dir;
  auto first = DecoderDiffCore::Create({.findings_dir = dir.path()});
  auto second = DecoderDiffCore::Create({.findings_dir = dir.path()});
  ASSERT_TRUE(first.ok() && second.ok());
  (*first)->RunOne(Encode(kUd0));
  // New to the second object (so new coverage for its fuzzer), but the file exists already.
  DecoderDiffCore::Result result = (*second)->RunOne(Encode(kUd0));
  EXPECT_EQ(result.new_signatures, 1);
  EXPECT_EQ((*second)->findings_written(), 0u);
  EXPECT_THAT(dir.Files(), SizeIs(1));
}

TEST(DecoderDiffCoreTest, MalformedInputIsNotParsedAndWritesNothing) {
  TempDir dir;
  auto core = DecoderDiffCore::Create({.findings_dir = dir.path()});
  ASSERT_TRUE(core.ok());
  for (const std::vector<uint8_t>& input :
       {std::vector<uint8_t>{}, std::vector<uint8_t>{0x7f, 0x04, 0x01, 0x90},
        std::vector<uint8_t>{0x01, 0x09, 0x01, 0x90}, std::vector<uint8_t>{0x01, 0x04, 0x05, 0x90},
        std::vector<uint8_t>{0x01, 0x04, 0x02, 0x0f, 0xff, 0x00}}) {
    DecoderDiffCore::Result result = (*core)->RunOne(input);
    EXPECT_FALSE(result.parsed);
    EXPECT_EQ(result.divergences, 0);
  }
  EXPECT_THAT(dir.Files(), SizeIs(0));
}

TEST(DecoderDiffCoreTest, EmptyFindingsDirWritesNothing) {
  auto core = DecoderDiffCore::Create({.findings_dir = ""});
  ASSERT_TRUE(core.ok());
  DecoderDiffCore::Result result = (*core)->RunOne(Encode(kUd0));
  EXPECT_EQ(result.new_signatures, 1);
  EXPECT_EQ((*core)->findings_written(), 0u);
}

TEST(DecoderDiffCoreTest, CreatesTheFindingsDirectory) {
  TempDir dir;
  const std::string nested = dir.path() + "/a/b";
  auto core = DecoderDiffCore::Create({.findings_dir = nested});
  ASSERT_TRUE(core.ok()) << core.status();
  (*core)->RunOne(Encode(kCwd));
  EXPECT_EQ((*core)->findings_written(), 1u);
  EXPECT_TRUE(std::filesystem::is_directory(nested));
}

TEST(DecoderDiffCoreTest, UncreatableFindingsDirectoryIsAnError) {
  TempDir dir;
  ASSERT_TRUE(WriteFileAtomically(dir.path() + "/file", "x").ok());
  EXPECT_FALSE(DecoderDiffCore::Create({.findings_dir = dir.path() + "/file/sub"}).ok());
}

TEST(DecoderDiffCoreTest, FixedDecodersGiveOneFilePerSignature) {
  TempDir dir;
  std::vector<std::unique_ptr<Decoder>> decoders;
  decoders.push_back(std::make_unique<FixedDecoder>("alpha", Valid(2, "nop")));
  decoders.push_back(std::make_unique<FixedDecoder>("beta", Valid(3, "nop")));
  decoders.push_back(std::make_unique<FixedDecoder>("gamma", Valid(2, "xchg")));
  auto core = DecoderDiffCore::Create({.findings_dir = dir.path()}, std::move(decoders));
  ASSERT_TRUE(core.ok());
  // Pairs: alpha/beta length, alpha/gamma mnemonic, beta/gamma length: three signatures.
  DecoderDiffCore::Result result = (*core)->RunOne(Encode(kAdd));
  EXPECT_EQ(result.divergences, 3);
  EXPECT_EQ(result.new_signatures, 3);
  EXPECT_THAT(dir.Files(), SizeIs(3));
  EXPECT_EQ((*core)->RunOne(Encode(kAdd)).new_signatures, 0);
  EXPECT_THAT(dir.Files(), SizeIs(3));

  // The hot path decodes without operand text; findings carry the full decode.
  absl::StatusOr<std::string> text = ReadFileToString(dir.path() + "/" + dir.Files()[0]);
  ASSERT_TRUE(text.ok());
  absl::StatusOr<Finding> finding = FindingFromJson(*text);
  ASSERT_TRUE(finding.ok()) << finding.status();
  ASSERT_THAT(finding->outcomes, SizeIs(3));
  EXPECT_EQ(finding->outcomes[0].decode.operands, "eax, ebx");
}

TEST(DecoderDiffCoreTest, DecoderFailureIsReported) {
  std::vector<std::unique_ptr<Decoder>> decoders;
  auto broken = std::make_unique<FixedDecoder>("broken", Valid(1, "nop"));
  broken->fail_ = true;
  decoders.push_back(std::move(broken));
  auto core = DecoderDiffCore::Create({}, std::move(decoders));
  ASSERT_TRUE(core.ok());
  DecoderDiffCore::Result result = (*core)->RunOne(Encode(kAdd));
  EXPECT_TRUE(result.parsed);
  EXPECT_TRUE(result.decoder_failed);
  EXPECT_THAT(result.error, ::testing::HasSubstr("broken"));
}

TEST(DecoderDiffCoreTest, HitStatsCountEveryDivergence) {
  TempDir dir;
  HitStats stats("decoder_diff", dir.path());
  auto core = DecoderDiffCore::Create({.hit_stats = &stats});
  ASSERT_TRUE(core.ok());
  (*core)->RunOne(Encode(kAdd));  // agreement: nothing to count
  EXPECT_EQ(stats.distinct_signatures(), 0u);
  (*core)->RunOne(Encode(kUd0));
  (*core)->RunOne(Encode(kUd0));  // seen before: still counted
  (*core)->RunOne(Encode(kCwd));
  EXPECT_EQ(stats.distinct_signatures(), 2u);
  ASSERT_TRUE(stats.Flush().ok());
  absl::StatusOr<std::string> text = ReadFileToString(stats.path());
  ASSERT_TRUE(text.ok()) << text.status();
  EXPECT_THAT(*text, ::testing::HasSubstr("\"hits\":2"));
}

// Three fixed decoders take the general path, two the pair path: both must count the divergences
// CompareDecodes() finds and give them the same signature hashes.
TEST(DecoderDiffCoreTest, PairAndGeneralPathsAgreeWithCompareDecodes) {
  const std::vector<DecodeResult> answers = {Valid(2, "nop"), Valid(3, "nop"), Valid(2, "xchg"),
                                             Valid(2, "jae"), Valid(2, "jnb"), DecodeResult{}};
  // (first, second) answer pairs: length, mnemonic, spelling alias, validity, both invalid,
  // agreement; the third decoder (general path only) answers (first + second) % 6.
  const std::pair<size_t, size_t> cases[] = {{0, 1}, {0, 2}, {3, 4}, {0, 5},
                                             {5, 5}, {2, 3}, {1, 1}};
  for (size_t count : {size_t{2}, size_t{3}}) {
    for (const auto& [first, second] : cases) {
      std::vector<std::unique_ptr<Decoder>> decoders;
      std::vector<Outcome> outcomes;
      const size_t picks[] = {first, second, (first + second) % answers.size()};
      const char* const names[] = {"zeta", "alpha", "mu"};
      for (size_t i = 0; i < count; ++i) {
        decoders.push_back(std::make_unique<FixedDecoder>(names[i], answers[picks[i]]));
        outcomes.push_back(Outcome{names[i], Provenance::kDecoder, answers[picks[i]]});
      }
      TempDir dir;
      auto core = DecoderDiffCore::Create({.findings_dir = dir.path()}, std::move(decoders));
      ASSERT_TRUE(core.ok());
      const std::vector<Divergence> expected = CompareDecodes(kAdd, outcomes);
      DecoderDiffCore::Result result = (*core)->RunOne(Encode(kAdd));
      EXPECT_EQ(result.divergences, static_cast<int>(expected.size()));
      std::vector<std::string> names_expected;
      for (const Divergence& divergence : expected) {
        names_expected.push_back(divergence.signature.HexId() + ".json");
      }
      std::sort(names_expected.begin(), names_expected.end());
      names_expected.erase(std::unique(names_expected.begin(), names_expected.end()),
                           names_expected.end());
      std::vector<std::string> files = dir.Files();
      std::sort(files.begin(), files.end());
      EXPECT_EQ(files, names_expected) << count << " " << first << " " << second;
    }
  }
}

TEST(MnemonicSpellingCacheTest, GivesWhatNormalizeMnemonicGives) {
  MnemonicSpellingCache cache;
  const std::vector<std::string> texts = {
      "",     "nop",     "jae", "jnb", "cmpltps", "vpcmpequb",     "vpcmpeqb",
      "xchg", "jmp far", "sal", "shl", "retf",    "vcvtneps2bf16", "averyveryverylongmnemonic"};
  for (int round = 0; round < 3; ++round) {  // misses first, then hits
    for (const std::string& text : texts) {
      // A fresh copy each time: a result that is the argument itself must point into it.
      const std::string copy = text;
      const absl::string_view got = cache.Normalize(copy);
      EXPECT_EQ(got, NormalizeMnemonic(copy)) << text;
      if (NormalizeMnemonic(copy) == copy && !copy.empty()) {
        EXPECT_EQ(got.data(), copy.data()) << text;
      }
    }
  }
}

TEST(DecodeSignatureCacheTest, FindGivesTheSignatureHashAndKeepsTheMark) {
  DecodeSignatureCache cache;
  const DecodeVerdict a{true, 2, DecodeFailure::kNone, 1, "xchg"};
  const DecodeVerdict b{true, 2, DecodeFailure::kNone, 2, "nop"};
  DecodeDivergenceView view;
  view.kind = DivergenceKind::kMnemonic;
  view.first_target = "capstone";
  view.second_target = "zydis";
  view.first = &a;
  view.second = &b;
  view.first_mnemonic = "xchg";
  view.second_mnemonic = "nop";
  const InstructionShape shape = ReadInstructionShape(kAdd.mode, kAdd.code);
  const uint64_t expected = DecodeDivergenceSignatureHash(view, kAdd.mode, OpcodeClass(shape));
  DecodeSignatureCache::Found found = cache.Find(view, kAdd.mode, shape);
  EXPECT_EQ(found.hash, expected);
  ASSERT_NE(found.marked, nullptr);
  EXPECT_FALSE(*found.marked);
  *found.marked = true;
  found = cache.Find(view, kAdd.mode, shape);
  EXPECT_EQ(found.hash, expected);
  ASSERT_NE(found.marked, nullptr);
  EXPECT_TRUE(*found.marked);
  EXPECT_EQ(cache.size(), 1u);
}

TEST(DecoderDiffCoreTest, FeedsExtraCountersOnlyWhenAsked) {
  const size_t size = __stop___libfuzzer_extra_counters - __start___libfuzzer_extra_counters;
  ASSERT_EQ(size, kFeatureCounterSlots);
  auto count_set = [&](size_t begin, size_t end) {
    size_t set = 0;
    for (size_t i = begin; i < end; ++i) set += __start___libfuzzer_extra_counters[i] != 0;
    return set;
  };
  auto clear = [&] { std::fill_n(__start___libfuzzer_extra_counters, size, 0); };

  auto quiet = DecoderDiffCore::Create({.feed_features = false});
  ASSERT_TRUE(quiet.ok());
  clear();
  (*quiet)->RunOne(Encode(kUd0));
  EXPECT_EQ(count_set(0, size), 0u);

  auto core = DecoderDiffCore::Create({});
  ASSERT_TRUE(core.ok());
  clear();
  (*core)->RunOne(Encode(kAdd));  // agreement: two decoder views, no signature
  EXPECT_EQ(count_set(0, kSignatureFeatureSlots), 0u);
  EXPECT_GE(count_set(kSignatureFeatureSlots, size), 1u);
  clear();
  (*core)->RunOne(Encode(kUd0));  // a divergence sets its signature slot
  EXPECT_EQ(count_set(0, kSignatureFeatureSlots), 1u);
  clear();
}

}  // namespace
}  // namespace x86diff

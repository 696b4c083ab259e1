// One table of instruction bytes run through every decoder adapter (in the manner of SiliFuzz's
// disassembler_test.cc). Where a library is known to differ from the architecture, the row says
// so with a Deviation for that decoder and a reason: known imprecision is declared, never skipped.
#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "adapters/registry.h"
#include "gtest/gtest.h"
#include "harness/decode_result.h"
#include "harness/decoder.h"
#include "harness/hex.h"
#include "harness/mnemonic_spelling.h"
#include "harness/mode.h"

namespace x86diff {
namespace {

using M = Mode;

struct Expect {
  bool valid;
  int length;                  // 0 when invalid
  absl::string_view mnemonic;  // after NormalizeMnemonic; empty when invalid
};

// What one decoder says instead of the architectural answer, and why.
struct Deviation {
  absl::string_view decoder;  // empty: no deviation
  Expect expect;
  absl::string_view why;
};

struct DecoderCase {
  absl::string_view bytes;
  Mode mode;
  Expect expect;  // the architectural answer (Intel SDM), as hardware would give it
  Deviation deviation = {};
};

constexpr Expect kInvalid = {false, 0, ""};

// Reasons shared by several rows.
constexpr absl::string_view kAmdNearBranch =
    "in 64-bit mode Intel ignores 66 on near branches (rel32); Capstone follows AMD (rel16)";
constexpr absl::string_view kOne16BitMode =
    "Capstone has one 16-bit mode with protected-mode rules (VEX/EVEX exist, ARPL is valid)";

const DecoderCase kCases[] = {
    // E8: rel16 in 16-bit code, rel32 in 32/64-bit code; 66 swaps the two outside 64-bit mode.
    {"e8 00 00" /* call rel16 */, M::kReal16, {true, 3, "call"}},
    {"e8 00 00" /* call rel16 */, M::kProt16, {true, 3, "call"}},
    {"66 e8 00 00 00 00" /* call rel32 */, M::kReal16, {true, 6, "call"}},
    {"66 e8 00 00 00 00" /* call rel32 */, M::kProt16, {true, 6, "call"}},
    {"e8 00 00 00 00" /* call rel32 */, M::kProt32, {true, 5, "call"}},
    {"66 e8 00 00" /* call rel16 */, M::kProt32, {true, 4, "call"}},
    {"66 e8 00 00" /* call rel16 */, M::kCompat32, {true, 4, "call"}},
    {"e8 00 00" /* call rel32, cut short */, M::kProt32, kInvalid},
    {"e8 00 00 00 00" /* call rel32 */, M::kLong64, {true, 5, "call"}},
    {"66 e8 00 00 00 00" /* call rel32 (Intel) */,
     M::kLong64,
     {true, 6, "call"},
     {"capstone", {true, 4, "call"}, kAmdNearBranch}},
    {"66 e9 00 00 00 00" /* jmp rel32 (Intel) */,
     M::kLong64,
     {true, 6, "jmp"},
     {"capstone", {true, 4, "jmp"}, kAmdNearBranch}},

    // UD2 is valid (and raises #UD) everywhere.
    {"0f 0b" /* ud2 */, M::kReal16, {true, 2, "ud2"}},
    {"0f 0b" /* ud2 */, M::kProt16, {true, 2, "ud2"}},
    {"0f 0b" /* ud2 */, M::kProt32, {true, 2, "ud2"}},
    {"0f 0b" /* ud2 */, M::kCompat32, {true, 2, "ud2"}},
    {"0f 0b" /* ud2 */, M::kLong64, {true, 2, "ud2"}},
    {"0f b9 00" /* ud1 eax, [eax] */,
     M::kProt32,
     {true, 3, "ud1"},
     {"capstone", {true, 2, "ud1"}, "Capstone 4 decodes UD1 (ud2b) without its ModRM byte"}},

    // 40-4F: INC/DEC outside 64-bit mode, REX prefixes in it.
    {"40" /* inc ax */, M::kReal16, {true, 1, "inc"}},
    {"40" /* inc ax */, M::kProt16, {true, 1, "inc"}},
    {"40" /* inc eax */, M::kProt32, {true, 1, "inc"}},
    {"40" /* inc eax */, M::kCompat32, {true, 1, "inc"}},
    {"40 90" /* inc eax */, M::kProt32, {true, 1, "inc"}},
    {"40" /* rex, then nothing */, M::kLong64, kInvalid},
    {"40 90" /* rex nop */, M::kLong64, {true, 2, "nop"}},
    {"40 01 c0" /* rex add eax, eax */, M::kLong64, {true, 3, "add"}},
    {"48 01 c0" /* add rax, rax */, M::kLong64, {true, 3, "add"}},

    // C4/C5/62 with ModRM.mod != 11 are LES/LDS/BOUND outside 64-bit mode (SDM Vol. 2 2.3.5).
    {"c4 00" /* les ax, [bx+si] */, M::kReal16, {true, 2, "les"}},
    {"c5 00" /* lds ax, [bx+si] */, M::kReal16, {true, 2, "lds"}},
    {"62 00" /* bound ax, [bx+si] */, M::kReal16, {true, 2, "bound"}},
    {"c4 00" /* les ax, [bx+si] */, M::kProt16, {true, 2, "les"}},
    {"c5 00" /* lds ax, [bx+si] */, M::kProt16, {true, 2, "lds"}},
    {"62 00" /* bound ax, [bx+si] */, M::kProt16, {true, 2, "bound"}},
    {"c4 00" /* les eax, [eax] */, M::kProt32, {true, 2, "les"}},
    {"c5 00" /* lds eax, [eax] */, M::kProt32, {true, 2, "lds"}},
    {"62 00" /* bound eax, [eax] */, M::kProt32, {true, 2, "bound"}},
    {"c5 00" /* lds eax, [eax] */, M::kCompat32, {true, 2, "lds"}},
    // In 64-bit mode they are always VEX/EVEX: two bytes are not enough.
    {"c5 00" /* vex, cut short */, M::kLong64, kInvalid},
    {"62 00" /* evex, cut short */, M::kLong64, kInvalid},
    // With mod == 11 they are VEX/EVEX in every protected mode ...
    {"c5 f8 77" /* vzeroupper */, M::kProt16, {true, 3, "vzeroupper"}},
    {"c5 f8 77" /* vzeroupper */, M::kProt32, {true, 3, "vzeroupper"}},
    {"c5 f8 77" /* vzeroupper */, M::kCompat32, {true, 3, "vzeroupper"}},
    {"c5 f8 77" /* vzeroupper */, M::kLong64, {true, 3, "vzeroupper"}},
    {"62 f1 7c 48 10 c1" /* vmovups zmm0, zmm1 */, M::kProt32, {true, 6, "vmovups"}},
    // ... but not in real mode, where C5 /r with a register operand is an invalid LDS (#UD).
    {"c5 f8 77" /* lds with mod == 11: #UD */,
     M::kReal16,
     kInvalid,
     {"capstone", {true, 3, "vzeroupper"}, kOne16BitMode}},
    {"62 f1 7c 48 10 c1" /* bound with mod == 11: #UD */,
     M::kReal16,
     kInvalid,
     {"capstone", {true, 6, "vmovups"}, kOne16BitMode}},
    // 66/F2/F3/REX in front of VEX are #UD (SDM Vol. 2 2.3.2).
    {"66 c5 f8 77" /* 66 before VEX: #UD */,
     M::kProt32,
     kInvalid,
     {"capstone", {true, 4, "vzeroupper"}, "Capstone 4 accepts legacy prefixes before VEX"}},
    // ARPL is not recognised in real mode (SDM ARPL, "Real-Address Mode Exceptions").
    {"63 c0" /* arpl ax, ax */, M::kProt16, {true, 2, "arpl"}},
    {"63 c0" /* arpl: #UD */, M::kReal16, kInvalid, {"capstone", {true, 2, "arpl"}, kOne16BitMode}},

    // Address size: 67 switches between 16-bit ModRM (no SIB, disp16) and 32-bit ModRM.
    {"8b 00" /* mov eax, [eax] */, M::kProt32, {true, 2, "mov"}},
    {"67 8b 00" /* mov eax, [bx+si] */, M::kProt32, {true, 3, "mov"}},
    {"67 8b 00" /* mov eax, [eax] */, M::kLong64, {true, 3, "mov"}},
    {"8b 04 24" /* mov eax, [esp] (SIB) */, M::kProt32, {true, 3, "mov"}},
    {"8b 04 24" /* mov ax, [si] */, M::kReal16, {true, 2, "mov"}},
    {"67 8b 04 24" /* mov ax, [esp] (SIB) */, M::kReal16, {true, 4, "mov"}},
    {"8b 06 34 12" /* mov ax, [0x1234] (disp16) */, M::kReal16, {true, 4, "mov"}},
    {"8b 06 34 12" /* mov eax, [esi] */, M::kProt32, {true, 2, "mov"}},
    {"67 8b 06 34 12" /* mov eax, [0x1234] */, M::kProt32, {true, 5, "mov"}},

    // The 15-byte limit (SDM Vol. 2 2.3.11).
    {"26 3e 64 f0 81 84 88 44 33 22 11 78 56 34 12"
     /* lock add dword ptr fs:[eax+ecx*4+0x11223344], 0x12345678 */,
     M::kProt32,
     {true, 15, "add"}},
    {"2e 64 f0 48 81 84 88 44 33 22 11 78 56 34 12"
     /* lock add qword ptr fs:[rax+rcx*4+0x11223344], 0x12345678 */,
     M::kLong64,
     {true, 15, "add"}},
    {"66 66 66 66 66 66 66 66 66 66 66 66 66 66 90" /* 14 x 66, nop */,
     M::kLong64,
     {true, 15, "nop"}},
    {"26 26 3e 64 f0 81 84 88 44 33 22 11 78 56 34 12" /* 16 bytes */, M::kProt32, kInvalid},
    {"66 66 66 66 66 66 66 66 66 66 66 66 66 66 66 90" /* 16 bytes */, M::kLong64, kInvalid},
    {"66 66 66 66 66 66 66 66 66 66 66 2e 0f 1f 84 00 00 00 00 00" /* 20 bytes */, M::kProt32,
     kInvalid},

    // Truncation and LOCK.
    {"0f" /* escape, then nothing */, M::kProt32, kInvalid},
    {"f0 90" /* lock nop: #UD */, M::kProt32, kInvalid},
    {"f0 01 00" /* lock add [eax], eax */, M::kProt32, {true, 3, "add"}},
    {"0f 22 e8" /* mov cr5, eax: reserved control register, #UD */,
     M::kProt32,
     kInvalid,
     {"capstone", {true, 3, "mov"}, "Capstone 4 accepts CR1 and CR5-CR7"}},
    {"f0 02 00" /* lock add al, [eax]: register destination, #UD */,
     M::kProt32,
     kInvalid,
     {"capstone", {true, 3, "add"}, "Capstone 4 accepts LOCK whatever the destination"}},

    // Spellings that differ between the libraries and normalise to one name.
    {"0f 84 00 00 00 00" /* je / jz */, M::kProt32, {true, 6, "je"}},
    {"0f 43 c0" /* cmovae / cmovnb */, M::kProt32, {true, 3, "cmovae"}},
    {"ea 00 00 00 00 00 00" /* ljmp / jmp far */, M::kProt32, {true, 7, "jmp far"}},
    {"cb" /* retf / ret far */, M::kProt32, {true, 1, "ret far"}},
    {"48 b8 00 00 00 00 00 00 00 00" /* movabs rax, imm64 */, M::kLong64, {true, 10, "mov"}},
    {"98" /* cbw */,
     M::kReal16,
     {true, 1, "cbw"},
     {"capstone", {true, 1, "cwde"}, "Capstone 4 ignores the 16-bit default operand size here"}},
    {"f3 90" /* pause */,
     M::kProt16,
     {true, 2, "pause"},
     {"capstone", {true, 2, "nop"}, "Capstone 4 reads F3 90 as pause only in 32/64-bit modes"}},
};

const std::vector<std::unique_ptr<Decoder>>& Decoders() {
  // Built once for the whole binary; intentionally never destroyed.
  static const auto* decoders = new std::vector<std::unique_ptr<Decoder>>(MakeDecoders().value());
  return *decoders;
}

std::vector<std::string> DecoderNames() { return AvailableDecoderNames(); }

const Decoder& DecoderNamed(absl::string_view name) {
  for (const auto& decoder : Decoders()) {
    if (decoder->name() == name) return *decoder;
  }
  ADD_FAILURE() << "no decoder " << name;
  return *Decoders().front();
}

class DecoderTableTest
    : public testing::TestWithParam<std::tuple<std::string, size_t /* case index */>> {};

TEST_P(DecoderTableTest, MatchesTable) {
  const auto& [decoder_name, index] = GetParam();
  const DecoderCase& test_case = kCases[index];
  const Decoder& decoder = DecoderNamed(decoder_name);
  const std::vector<uint8_t> bytes = ParseHex(test_case.bytes).value();
  const bool deviates = test_case.deviation.decoder == decoder_name;
  const Expect& expect = deviates ? test_case.deviation.expect : test_case.expect;
  SCOPED_TRACE(absl::StrCat(
      decoder_name, " ", ModeName(test_case.mode), " ", test_case.bytes,
      deviates ? absl::StrCat(" (known deviation: ", test_case.deviation.why, ")") : ""));

  absl::StatusOr<DecodeResult> result = decoder.Decode(test_case.mode, bytes);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->valid, expect.valid) << "mnemonic " << result->mnemonic;
  EXPECT_EQ(result->length, expect.length);
  EXPECT_EQ(NormalizeMnemonic(result->mnemonic), expect.mnemonic);
  if (result->valid) {
    EXPECT_EQ(result->failure, DecodeFailure::kNone);
    EXPECT_NE(result->instruction_id, 0u);
  } else {
    EXPECT_NE(result->failure, DecodeFailure::kNone);
  }
}

std::vector<size_t> CaseIndices() {
  std::vector<size_t> indices;
  for (size_t i = 0; i < std::size(kCases); ++i) indices.push_back(i);
  return indices;
}

INSTANTIATE_TEST_SUITE_P(AllDecoders, DecoderTableTest,
                         testing::Combine(testing::ValuesIn(DecoderNames()),
                                          testing::ValuesIn(CaseIndices())),
                         [](const testing::TestParamInfo<DecoderTableTest::ParamType>& info) {
                           const size_t index = std::get<1>(info.param);
                           return absl::StrCat(std::get<0>(info.param), "_", index, "_",
                                               ModeName(kCases[index].mode));
                         });

// A deviation must name a real decoder and actually differ from the architectural answer;
// otherwise it silently weakens the table.
TEST(DecoderTableSanityTest, DeviationsAreMeaningful) {
  const std::vector<std::string> names = AvailableDecoderNames();
  for (const DecoderCase& test_case : kCases) {
    const Deviation& deviation = test_case.deviation;
    if (deviation.decoder.empty()) continue;
    SCOPED_TRACE(test_case.bytes);
    EXPECT_NE(std::find(names.begin(), names.end(), deviation.decoder), names.end());
    EXPECT_FALSE(deviation.why.empty());
    EXPECT_TRUE(deviation.expect.valid != test_case.expect.valid ||
                deviation.expect.length != test_case.expect.length ||
                deviation.expect.mnemonic != test_case.expect.mnemonic);
  }
}

// Failure reasons: Zydis says why; Capstone never does (kOther), except for empty input, which
// the adapter itself recognises.
struct FailureCase {
  absl::string_view bytes;
  Mode mode;
  DecodeFailure zydis;
  bool capstone_accepts = false;  // a Capstone deviation, declared with its reason in kCases
};

const FailureCase kFailureCases[] = {
    {"0f", M::kProt32, DecodeFailure::kTruncated},
    {"40", M::kLong64, DecodeFailure::kTruncated},
    {"66 66 66 66 66 66 66 66 66 66 66 66 66 66 66 90", M::kLong64, DecodeFailure::kTooLong},
    {"f0 90", M::kProt32, DecodeFailure::kIllegalLock},
    {"f0 02 00", M::kProt32, DecodeFailure::kIllegalLock, /*capstone_accepts=*/true},
    {"66 c5 f8 77", M::kProt32, DecodeFailure::kIllegalPrefix, /*capstone_accepts=*/true},
    {"0f 22 e8", M::kProt32, DecodeFailure::kInvalidEncoding, /*capstone_accepts=*/true},
    {"63 c0", M::kReal16, DecodeFailure::kInvalidEncoding, /*capstone_accepts=*/true},  // arpl
};

TEST(DecoderFailureTest, ZydisGivesPreciseReasons) {
  for (const FailureCase& test_case : kFailureCases) {
    SCOPED_TRACE(absl::StrCat(ModeName(test_case.mode), " ", test_case.bytes));
    const DecodeResult result =
        DecoderNamed("zydis").Decode(test_case.mode, ParseHex(test_case.bytes).value()).value();
    EXPECT_FALSE(result.valid);
    EXPECT_EQ(DecodeFailureName(result.failure), DecodeFailureName(test_case.zydis));
  }
}

TEST(DecoderFailureTest, CapstoneGivesNoReason) {
  for (const FailureCase& test_case : kFailureCases) {
    SCOPED_TRACE(absl::StrCat(ModeName(test_case.mode), " ", test_case.bytes));
    const DecodeResult result =
        DecoderNamed("capstone").Decode(test_case.mode, ParseHex(test_case.bytes).value()).value();
    EXPECT_EQ(result.valid, test_case.capstone_accepts);
    EXPECT_EQ(result.failure,
              test_case.capstone_accepts ? DecodeFailure::kNone : DecodeFailure::kOther);
  }
}

TEST(DecoderFailureTest, EmptyInputIsTruncatedEverywhere) {
  for (const auto& decoder : Decoders()) {
    for (Mode mode : kAllModes) {
      const DecodeResult result = decoder->Decode(mode, {}).value();
      EXPECT_FALSE(result.valid) << decoder->name();
      EXPECT_EQ(result.failure, DecodeFailure::kTruncated) << decoder->name();
    }
  }
}

TEST(DecoderFailureTest, OutOfRangeModeIsAnError) {
  const uint8_t nop[] = {0x90};
  for (const auto& decoder : Decoders()) {
    absl::StatusOr<DecodeResult> result =
        decoder->Decode(static_cast<Mode>(kModeMaxValue + 1), nop);
    EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument) << decoder->name();
  }
}

}  // namespace
}  // namespace x86diff

// Prefix bits, prefix-free mnemonics and flag metadata of the decoder adapters.
#include <cstdint>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
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

const std::vector<std::unique_ptr<Decoder>>& Decoders() {
  // Built once for the whole binary; intentionally never destroyed.
  static const auto* decoders = new std::vector<std::unique_ptr<Decoder>>(MakeDecoders().value());
  return *decoders;
}

DecodeResult DecodeOrDie(const Decoder& decoder, Mode mode, absl::string_view hex) {
  absl::StatusOr<DecodeResult> result = decoder.Decode(mode, ParseHex(hex).value());
  EXPECT_TRUE(result.ok()) << result.status();
  return result.ok() ? *result : DecodeResult{};
}

// Capstone prints prefixes inside its mnemonic ("lock add", "xacquire lock add", "bnd call");
// both adapters must report the bare mnemonic with the prefixes as bits.
struct PrefixCase {
  absl::string_view bytes;
  Mode mode;
  absl::string_view mnemonic;  // exact, before normalisation
  uint32_t present;            // PrefixBit set that must be reported
  uint32_t absent;             // PrefixBit set that must not be reported
};

const PrefixCase kPrefixCases[] = {
    {"f3 a4" /* rep movsb */, M::kProt32, "movsb", kPrefixRep, kPrefixRepne | kPrefixLock},
    {"f2 ae" /* repne scasb */, M::kProt32, "scasb", kPrefixRepne, kPrefixRep},
    {"f0 01 00" /* lock add [eax], eax */, M::kProt32, "add", kPrefixLock, kPrefixRep},
    {"f2 f0 01 00" /* xacquire lock add */, M::kProt32, "add", kPrefixLock | kPrefixRepne, 0},
    {"f3 f0 01 00" /* xrelease lock add */, M::kProt32, "add", kPrefixLock | kPrefixRep, 0},
    {"f2 e8 00 00 00 00" /* bnd call */, M::kProt32, "call", kPrefixRepne, 0},
    {"f3 48 a5" /* rep movsq */, M::kLong64, "movsq", kPrefixRep | kPrefixRex | kPrefixRexW, 0},
    {"66 01 c0" /* add ax, ax */, M::kProt32, "add", kPrefixOperandSize, kPrefixAddressSize},
    {"67 8b 00" /* mov eax, [bx+si] */, M::kProt32, "mov", kPrefixAddressSize, kPrefixOperandSize},
    {"2e 8b 00" /* mov eax, cs:[eax] */, M::kProt32, "mov", kPrefixSegment, 0},
    {"40 01 c0" /* rex add */, M::kLong64, "add", kPrefixRex, kPrefixRexW},
    // F3 0F B8 is POPCNT: F3 is part of the opcode here, not a REP prefix.
    {"f3 0f b8 c0" /* popcnt eax, eax */, M::kLong64, "popcnt", 0, kPrefixRep},
    // VEX/EVEX/XOP are encodings, not REX, even where Capstone fills cs_x86::rex from them.
    {"c4 e2 7d 18 c0" /* vbroadcastss ymm0, xmm0 */, M::kLong64, "vbroadcastss", kPrefixVex,
     kPrefixRex | kPrefixEvex},
    {"62 f1 7c 48 10 c1" /* vmovups zmm0, zmm1 */, M::kLong64, "vmovups", kPrefixEvex,
     kPrefixRex | kPrefixVex},
    {"8f e9 78 c1 c0" /* vphaddbw xmm0, xmm0 */, M::kLong64, "vphaddbw", kPrefixXop, kPrefixRex},
    // The same lead bytes as LES/LDS/POP are not encodings.
    {"c5 00" /* lds eax, [eax] */, M::kProt32, "lds", 0, kPrefixVex},
    {"8f 00" /* pop dword ptr [eax] */, M::kProt32, "pop", 0, kPrefixXop},
};

TEST(DecoderPrefixTest, MnemonicIsBareAndPrefixesAreBits) {
  for (const auto& decoder : Decoders()) {
    for (const PrefixCase& test_case : kPrefixCases) {
      SCOPED_TRACE(
          absl::StrCat(decoder->name(), " ", ModeName(test_case.mode), " ", test_case.bytes));
      const DecodeResult result = DecodeOrDie(*decoder, test_case.mode, test_case.bytes);
      ASSERT_TRUE(result.valid);
      EXPECT_EQ(result.mnemonic, test_case.mnemonic);
      EXPECT_EQ(result.prefixes & test_case.present, test_case.present)
          << "got " << PrefixNames(result.prefixes);
      EXPECT_EQ(result.prefixes & test_case.absent, 0u) << "got " << PrefixNames(result.prefixes);
    }
  }
}

// Flag metadata. `decoder` empty means every decoder; a row naming one decoder records what
// that library says where the libraries differ.
struct FlagCase {
  absl::string_view decoder;
  absl::string_view bytes;
  Mode mode;
  uint32_t tested;     // must be a subset of flags_tested
  uint32_t modified;   // must be a subset of flags_modified
  uint32_t undefined;  // must equal flags_undefined
};

constexpr uint32_t kArithmetic = kFlagCF | kFlagPF | kFlagAF | kFlagZF | kFlagSF | kFlagOF;

const FlagCase kFlagCases[] = {
    // SDM IMUL: "SF, ZF, AF and PF are undefined".
    {"zydis", "0f af c0" /* imul eax, eax */, M::kProt32, 0, kArithmetic,
     kFlagSF | kFlagZF | kFlagAF | kFlagPF},
    // Capstone 4 lists SF as modified rather than undefined.
    {"capstone", "0f af c0" /* imul eax, eax */, M::kProt32, 0, kArithmetic,
     kFlagZF | kFlagAF | kFlagPF},
    // SDM BSF: ZF is set from the source; "CF, OF, SF, AF and PF are undefined".
    {"", "48 0f bc c0" /* bsf rax, rax */, M::kLong64, 0, kArithmetic,
     kFlagCF | kFlagOF | kFlagSF | kFlagAF | kFlagPF},
    // XOR clears CF and OF, leaves AF undefined: all six are written.
    {"", "31 c0" /* xor eax, eax */, M::kProt32, 0, kArithmetic, kFlagAF},
    {"", "72 00" /* jb */, M::kProt32, kFlagCF, 0, 0},
    {"", "fc" /* cld */, M::kProt32, 0, kFlagDF, 0},
    {"", "f3 a4" /* rep movsb */, M::kProt32, kFlagDF, 0, 0},
};

TEST(DecoderFlagTest, FlagMetadata) {
  for (const auto& decoder : Decoders()) {
    for (const FlagCase& test_case : kFlagCases) {
      if (!test_case.decoder.empty() && test_case.decoder != decoder->name()) continue;
      SCOPED_TRACE(absl::StrCat(decoder->name(), " ", test_case.bytes));
      const DecodeResult result = DecodeOrDie(*decoder, test_case.mode, test_case.bytes);
      ASSERT_TRUE(result.valid);
      ASSERT_TRUE(result.has_flag_info);
      EXPECT_EQ(result.flags_tested & test_case.tested, test_case.tested);
      EXPECT_EQ(result.flags_modified & test_case.modified, test_case.modified);
      EXPECT_EQ(result.flags_undefined, test_case.undefined);
      // Undefined flags are written too (with an unpredictable value).
      EXPECT_EQ(result.flags_modified & result.flags_undefined, result.flags_undefined);
    }
  }
}

TEST(DecoderFlagTest, NoFlagsWrittenByMov) {
  for (const auto& decoder : Decoders()) {
    const DecodeResult result = DecodeOrDie(*decoder, M::kProt32, "8b 00");
    EXPECT_TRUE(result.has_flag_info) << decoder->name();
    EXPECT_EQ(result.flags_modified, 0u) << decoder->name();
  }
}

// Capstone 4 stores FPU flags, not EFLAGS, in cs_x86::eflags for x87 instructions, so the adapter
// reports no flag information for them rather than a wrong one.
TEST(DecoderFlagTest, CapstoneHasNoFlagInfoForX87) {
  for (const auto& decoder : Decoders()) {
    const DecodeResult result = DecodeOrDie(*decoder, M::kProt32, "db f0" /* fcomi st0, st0 */);
    ASSERT_TRUE(result.valid);
    if (decoder->name() == "capstone") {
      EXPECT_FALSE(result.has_flag_info);
      EXPECT_EQ(result.flags_modified, 0u);
    } else {
      EXPECT_TRUE(result.has_flag_info);
      EXPECT_EQ(result.flags_modified & (kFlagZF | kFlagPF | kFlagCF), kFlagZF | kFlagPF | kFlagCF);
    }
  }
}

TEST(DecoderOperandTest, OperandTextHasNoMnemonic) {
  for (const auto& decoder : Decoders()) {
    const DecodeResult add = DecodeOrDie(*decoder, M::kProt32, "f0 01 00" /* lock add */);
    EXPECT_EQ(add.operands.find("add"), std::string::npos) << add.operands;
    EXPECT_EQ(add.operands.find("lock"), std::string::npos) << add.operands;
    EXPECT_NE(add.operands.find("eax"), std::string::npos) << add.operands;
    EXPECT_EQ(DecodeOrDie(*decoder, M::kProt32, "90").operands, "") << decoder->name();
  }
}

// DecodeVerdictInto() is the decoder differential's hot path; it must say exactly what
// DecodeInto(kComparable) says about validity, length, failure, id and mnemonic.
void ExpectVerdictMatches(const Decoder& decoder, Mode mode, const std::vector<uint8_t>& code) {
  DecodeResult comparable;
  ASSERT_TRUE(decoder.DecodeInto(mode, code, DecodeDetail::kComparable, &comparable).ok());
  DecodeVerdict verdict;
  verdict.mnemonic = "stale";
  ASSERT_TRUE(decoder.DecodeVerdictInto(mode, code, &verdict).ok());
  const DecodeVerdict expected = VerdictOf(comparable);
  const std::string where =
      absl::StrCat(decoder.name(), " ", ModeName(mode), " ",
                   absl::BytesToHexString(
                       absl::string_view(reinterpret_cast<const char*>(code.data()), code.size())));
  EXPECT_EQ(verdict.valid, expected.valid) << where;
  EXPECT_EQ(verdict.length, expected.length) << where;
  EXPECT_EQ(verdict.failure, expected.failure) << where;
  EXPECT_EQ(verdict.instruction_id, expected.instruction_id) << where;
  EXPECT_EQ(verdict.mnemonic, expected.mnemonic) << where;
}

TEST(DecoderVerdictTest, VerdictIsTheComparableDecode) {
  std::vector<std::vector<uint8_t>> inputs = {
      {},                                          // empty: truncated
      {0x0f},                                      // truncated
      {0x90},                                      // nop
      {0xf0, 0x90},                                // illegal lock
      {0xf2, 0xf0, 0x01, 0x00},                    // xacquire lock add: prefix words in Capstone
      {0xf3, 0xf0, 0x01, 0x00},                    // xrelease lock add
      {0xf2, 0xe8, 0x00, 0x00, 0x00, 0x00},        // bnd call
      {0xf3, 0x48, 0xa5},                          // rep movsq
      {0x66, 0xf2, 0xae},                          // repne scasb with 66
      {0xea, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00},  // jmp far ptr16:32 (" far" in Zydis)
      {0x9a, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00},  // call far
      {0xff, 0x18},                                // call far [eax]
      {0xcb},                                      // retf
      {0x0f, 0xc2, 0xc1, 0x01},                    // cmpltps: predicate pseudo-op
      {0x62, 0xf3, 0x7d, 0x48, 0x3e, 0xc1, 0x01},  // vpcmpltub: EVEX predicate
      {0xc4, 0xe2, 0x79, 0x18, 0x00},              // vbroadcastss
      {0x0f, 0xff},                                // ud0
      {0x26, 0x2e, 0x36, 0x3e, 0x64, 0x65, 0x66, 0x67, 0xf0, 0xf2, 0xf3, 0x26, 0x2e, 0x36, 0x90},
  };
  // And x86-shaped noise: prefixes, escapes and random bytes from a fixed seed.
  uint64_t state = 0x9e3779b97f4a7c15ull;
  auto next = [&] {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return static_cast<uint8_t>(state);
  };
  constexpr uint8_t kLeads[] = {0x66, 0xf2, 0xf3, 0xf0, 0x48, 0x0f, 0xc4, 0xc5, 0x62, 0x8f, 0xd9};
  for (int i = 0; i < 3000; ++i) {
    std::vector<uint8_t> code;
    const size_t leads = next() % 4;
    for (size_t k = 0; k < leads; ++k) code.push_back(kLeads[next() % std::size(kLeads)]);
    const size_t tail = 1 + next() % 14;
    for (size_t k = 0; k < tail; ++k) code.push_back(next());
    inputs.push_back(std::move(code));
  }
  for (const auto& decoder : Decoders()) {
    for (Mode mode : kAllModes) {
      for (const std::vector<uint8_t>& code : inputs) ExpectVerdictMatches(*decoder, mode, code);
    }
  }
}

TEST(DecoderVerdictTest, InvalidModeIsAnError) {
  for (const auto& decoder : Decoders()) {
    DecodeVerdict verdict;
    const std::vector<uint8_t> code = {0x90};
    EXPECT_EQ(
        decoder->DecodeVerdictInto(static_cast<Mode>(kModeMaxValue + 1), code, &verdict).code(),
        absl::StatusCode::kInvalidArgument);
  }
}

}  // namespace
}  // namespace x86diff

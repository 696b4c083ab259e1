// Prefix bits, prefix-free mnemonics and flag metadata of the decoder adapters.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

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

}  // namespace
}  // namespace x86diff

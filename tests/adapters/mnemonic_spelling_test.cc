#include "harness/mnemonic_spelling.h"

#include "absl/strings/string_view.h"
#include "gtest/gtest.h"

namespace x86diff {
namespace {

struct Spelling {
  absl::string_view alias;
  absl::string_view canonical;
};

// Every alias in harness/mnemonic_spelling.cc, written out independently: a table entry that is
// removed or changed there makes this test fail.
constexpr Spelling kExpectedAliases[] = {
    {"jnb", "jae"},
    {"jnbe", "ja"},
    {"jnl", "jge"},
    {"jnle", "jg"},
    {"jnz", "jne"},
    {"jz", "je"},
    {"setnb", "setae"},
    {"setnbe", "seta"},
    {"setnl", "setge"},
    {"setnle", "setg"},
    {"setnz", "setne"},
    {"setz", "sete"},
    {"cmovnb", "cmovae"},
    {"cmovnbe", "cmova"},
    {"cmovnl", "cmovge"},
    {"cmovnle", "cmovg"},
    {"cmovnz", "cmovne"},
    {"cmovz", "cmove"},
    {"lcall", "call far"},
    {"ljmp", "jmp far"},
    {"retf", "ret far"},
    {"retfq", "ret far"},
    {"pushaw", "pusha"},
    {"pushal", "pushad"},
    {"popaw", "popa"},
    {"popal", "popad"},
    {"movabs", "mov"},
    {"sal", "shl"},
    {"fwait", "wait"},
    {"xlatb", "xlat"},
    {"fsetpm287_nop", "fsetpm"},
    {"vcvtpd2dqx", "vcvtpd2dq"},
    {"vcvtpd2psx", "vcvtpd2ps"},
    {"vcvttpd2dqx", "vcvttpd2dq"},
    {"pfcpit1", "pfrcpit1"},
    {"pfsqrt", "pfrsqrt"},
    {"ud2b", "ud1"},
    {"xstorerng", "xstore"},
};

TEST(MnemonicSpellingTest, AliasesMapToCanonical) {
  for (const Spelling& spelling : kExpectedAliases) {
    EXPECT_EQ(NormalizeMnemonic(spelling.alias), spelling.canonical) << spelling.alias;
  }
}

TEST(MnemonicSpellingTest, CanonicalNamesMapToThemselves) {
  for (const Spelling& spelling : kExpectedAliases) {
    EXPECT_EQ(NormalizeMnemonic(spelling.canonical), spelling.canonical) << spelling.canonical;
  }
}

TEST(MnemonicSpellingTest, UnknownAndUnaliasedNamesMapToThemselves) {
  for (absl::string_view name : {"", "add", "jb", "jbe", "setb", "cmovs", "nop", "frobnicate",
                                 "jmp", "call", "ret", "shr", "sar", "mov", "ud2", "zz"}) {
    EXPECT_EQ(NormalizeMnemonic(name), name);
  }
}

// Real disagreements that must stay visible: these look like spellings but are different
// operand sizes or different instructions.
TEST(MnemonicSpellingTest, RealDisagreementsAreNotAliased) {
  for (absl::string_view name : {"cwde", "cbw", "cdq", "cwd", "jecxz", "jcxz", "jrcxz", "movd",
                                 "movq", "pause", "pushfd", "pushf", "pushfq", "lodsd", "lodsw"}) {
    EXPECT_EQ(NormalizeMnemonic(name), name);
  }
}

TEST(MnemonicSpellingTest, ComparisonPseudoOpsMapToBase) {
  constexpr Spelling kPseudoOps[] = {
      {"cmpeqps", "cmpps"},        {"cmpltpd", "cmppd"},       {"cmpunordss", "cmpss"},
      {"cmpnlesd", "cmpsd"},       {"vcmpeq_osps", "vcmpps"},  {"vcmpnge_uqsd", "vcmpsd"},
      {"vcmptrue_usss", "vcmpss"}, {"vcmpfalsepd", "vcmppd"},  {"vpcomltq", "vpcomq"},
      {"vpcomgeub", "vpcomub"},    {"vpcomtrueuw", "vpcomuw"}, {"vpcmpequd", "vpcmpud"},
      {"vpcmpnltq", "vpcmpq"},     {"vpcmpleub", "vpcmpub"},
  };
  for (const Spelling& spelling : kPseudoOps) {
    EXPECT_EQ(NormalizeMnemonic(spelling.alias), spelling.canonical) << spelling.alias;
  }
}

TEST(MnemonicSpellingTest, LookalikesOfPseudoOpsAreLeftAlone) {
  // PCMPEQ*/PCMPGT* are their own opcodes; CMPSD/CMPSS/CMPXCHG have no predicate.
  for (absl::string_view name :
       {"vpcmpeqd", "vpcmpeqb", "vpcmpgtq", "vpcmpgtw", "cmpsd", "cmpss", "cmpps", "vcmppd",
        "cmpxchg", "cmpxchg16b", "vpcompressd", "vpcmpestri", "vpcmpb", "cmp", "vcmp"}) {
    EXPECT_EQ(NormalizeMnemonic(name), name);
  }
}

TEST(MnemonicSpellingTest, Idempotent) {
  for (const Spelling& spelling : kExpectedAliases) {
    const absl::string_view once = NormalizeMnemonic(spelling.alias);
    EXPECT_EQ(NormalizeMnemonic(once), once);
  }
}

}  // namespace
}  // namespace x86diff

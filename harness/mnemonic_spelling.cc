#include "harness/mnemonic_spelling.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <iterator>

#include "absl/strings/match.h"
#include "absl/types/span.h"

namespace x86diff {
namespace {

// Every pair below was found by decoding a few million random and x86-shaped byte strings in all
// five modes with the Capstone 4.0.2 and Zydis 4.0.0 adapters, keeping the cases where both
// accept the bytes with the same length but name them differently, and checking the operands of
// several examples per pair by hand. Pairs that differ because one library reads a prefix
// differently (cwde/cbw in 16-bit code, movups/movsd, jecxz/jcxz with 67, nop/bndldx, ...) are
// real disagreements and are deliberately NOT here.
//
// Which side is canonical does not matter for comparison; we pick the name a reader expects: for
// condition codes and for the two-name opcodes WAIT/FWAIT and XLAT/XLATB the SDM's first
// opcode-table name (JAE, SETA, CMOVE, WAIT, XLAT), everywhere else Zydis' Intel spelling (jmp
// far, mov, shl, ud1, popa). The canonical side is never itself an alias (checked below).
struct Alias {
  absl::string_view alias;
  absl::string_view canonical;
};
constexpr Alias kAliasesByGroup[] = {
    // Jcc/SETcc/CMOVcc: the SDM lists two names per condition (77 = JA = JNBE); Capstone prints
    // the first, Zydis the second for these six conditions (the other ten agree).
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
    // Far branches (EA, 9A, FF /3, FF /5, CA, CB): Capstone spells them with an AT&T-style "l"
    // or "f", Zydis' Intel formatter (and so our Zydis adapter) as "<mnemonic> far". RETFQ is
    // REX.W RETF in 64-bit mode; Zydis shows that operand size nowhere in the mnemonic.
    {"lcall", "call far"},
    {"ljmp", "jmp far"},
    {"retf", "ret far"},
    {"retfq", "ret far"},
    // 60/61: Capstone marks the operand size with an AT&T suffix (w = 16, l = 32 bits); the SDM
    // names them PUSHA/PUSHAD and POPA/POPAD. Each keeps its size, so a decoder that gets the
    // operand size wrong still disagrees.
    {"pushaw", "pusha"},
    {"pushal", "pushad"},
    {"popaw", "popa"},
    {"popal", "popad"},
    // A0-A3 and B8+r with a 64-bit moffs/imm64: AT&T's "movabs" is Intel's MOV.
    {"movabs", "mov"},
    // D0-D3/C0-C1 /6 is an undocumented encoding of SAL, which the SDM and APM define as the
    // same operation as SHL (/4); Capstone names /6 "sal", Zydis "shl".
    {"sal", "shl"},
    // Two names for one opcode in the SDM: 9B is WAIT and FWAIT; D7 is XLAT and XLATB.
    {"fwait", "wait"},
    {"xlatb", "xlat"},
    // DB E4 is the 287's FSETPM (a no-op since the 387); Zydis names it by that effect.
    {"fsetpm287_nop", "fsetpm"},
    // VEX conversions from a 256-bit source to xmm: Capstone keeps the AT&T "x" suffix that
    // gives the memory operand's size; Intel syntax puts the size in the operand instead.
    {"vcvtpd2dqx", "vcvtpd2dq"},
    {"vcvtpd2psx", "vcvtpd2ps"},
    {"vcvttpd2dqx", "vcvttpd2dq"},
    // 3DNow! suffixes A6 (PFRCPIT1) and 97 (PFRSQRT) in AMD's 3DNow! manual: Zydis 4 drops the
    // "r" from both names.
    {"pfcpit1", "pfrcpit1"},
    {"pfsqrt", "pfrsqrt"},
    // 0F B9 is UD1, formerly documented as UD2B (the two also disagree on its length: Intel now
    // gives it a ModRM byte, Capstone does not).
    {"ud2b", "ud1"},
    // VIA PadLock 0F A7 C0: "XSTORE (XSTORE-RNG)" in VIA's manual.
    {"xstorerng", "xstore"},
};

// The lookup table: kAliasesByGroup sorted by alias at compile time, for binary search.
constexpr auto kAliases = [] {
  std::array<Alias, std::size(kAliasesByGroup)> sorted{};
  std::copy(std::begin(kAliasesByGroup), std::end(kAliasesByGroup), sorted.begin());
  std::sort(sorted.begin(), sorted.end(),
            [](const Alias& a, const Alias& b) { return a.alias < b.alias; });
  return sorted;
}();

constexpr bool AliasesUnique() {
  for (size_t i = 1; i < kAliases.size(); ++i) {
    if (kAliases[i - 1].alias == kAliases[i].alias) return false;
  }
  return true;
}
static_assert(AliasesUnique(), "an alias must have exactly one canonical spelling");

constexpr bool CanonicalNamesAreNotAliases() {
  for (const Alias& entry : kAliases) {
    for (const Alias& other : kAliases) {
      if (entry.canonical == other.alias) return false;
    }
  }
  return true;
}
static_assert(CanonicalNamesAreNotAliases(), "normalisation must be idempotent");

// Comparison pseudo-ops: Capstone folds the predicate immediate into the mnemonic (CMPPS with
// imm8 0 prints "cmpeqps", XOP VPCOMB with 1 "vpcomleb", EVEX VPCMPUD with 0 "vpcmpequd"), while
// Zydis prints the base mnemonic and the immediate. The SDM defines these pseudo-ops as the same
// instruction, so they map to their base by rule (32 FP predicates x 4 types x 2 would not fit a
// small table). The predicate itself is an operand; operands are not compared.
struct PredicateFamily {
  absl::string_view head;
  const absl::string_view* predicates;
  size_t predicate_count;
  const absl::string_view* types;
  size_t type_count;
};

// SDM Vol. 2 CMPPS, Table 3-1 and VCMPPS, Table 3-2 (imm8 0-31).
constexpr absl::string_view kFpPredicates[] = {
    "eq",    "lt",     "le",     "unord",    "neq",    "nlt",    "nle",    "ord",
    "eq_uq", "nge",    "ngt",    "false",    "neq_oq", "ge",     "gt",     "true",
    "eq_os", "lt_oq",  "le_oq",  "unord_s",  "neq_us", "nlt_uq", "nle_uq", "ord_s",
    "eq_us", "nge_uq", "ngt_uq", "false_os", "neq_os", "ge_oq",  "gt_oq",  "true_us"};
constexpr absl::string_view kFpTypes[] = {"ps", "pd", "ss", "sd"};
// AMD APM VPCOM* (imm8 0-7) and SDM VPCMP* (imm8 0-7).
constexpr absl::string_view kIntPredicates[] = {"eq", "neq", "lt",  "le",    "gt",
                                                "ge", "nlt", "nle", "false", "true"};
constexpr absl::string_view kIntTypes[] = {"b", "w", "d", "q", "ub", "uw", "ud", "uq"};

constexpr PredicateFamily kPredicateFamilies[] = {
    {"cmp", kFpPredicates, std::size(kFpPredicates), kFpTypes, std::size(kFpTypes)},
    {"vcmp", kFpPredicates, std::size(kFpPredicates), kFpTypes, std::size(kFpTypes)},
    {"vpcmp", kIntPredicates, std::size(kIntPredicates), kIntTypes, std::size(kIntTypes)},
    {"vpcom", kIntPredicates, std::size(kIntPredicates), kIntTypes, std::size(kIntTypes)},
};

// The base mnemonics the rule produces; NormalizeMnemonic returns views into this table.
constexpr absl::string_view kPredicateBases[] = {
    "cmppd",  "cmpps",  "cmpsd",  "cmpss",   "vcmppd",  "vcmpps",  "vcmpsd",  "vcmpss",
    "vpcmpb", "vpcmpd", "vpcmpq", "vpcmpub", "vpcmpud", "vpcmpuq", "vpcmpuw", "vpcmpw",
    "vpcomb", "vpcomd", "vpcomq", "vpcomub", "vpcomud", "vpcomuq", "vpcomuw", "vpcomw"};

// Real instructions that the rule would otherwise take for pseudo-ops: PCMPEQ*/PCMPGT* (VEX/EVEX
// 0F 74-76, 0F 64-66, 0F38 29/37) are their own opcodes, not VPCMP with a predicate.
constexpr absl::string_view kRealPredicateLookalikes[] = {
    "vpcmpeqb", "vpcmpeqd", "vpcmpeqq", "vpcmpeqw", "vpcmpgtb", "vpcmpgtd", "vpcmpgtq", "vpcmpgtw"};

bool Contains(absl::Span<const absl::string_view> list, absl::string_view value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

// Returns the base mnemonic of a comparison pseudo-op, or an empty view when `mnemonic` is none.
absl::string_view PredicateBase(absl::string_view mnemonic) {
  for (const PredicateFamily& family : kPredicateFamilies) {
    if (!absl::StartsWith(mnemonic, family.head)) continue;
    const absl::string_view rest = mnemonic.substr(family.head.size());
    for (size_t t = 0; t < family.type_count; ++t) {
      const absl::string_view type = family.types[t];
      if (rest.size() <= type.size() || !absl::EndsWith(rest, type)) continue;
      const absl::string_view predicate = rest.substr(0, rest.size() - type.size());
      if (!Contains({family.predicates, family.predicate_count}, predicate)) continue;
      if (Contains(kRealPredicateLookalikes, mnemonic)) return {};
      for (absl::string_view base : kPredicateBases) {
        if (base.size() == family.head.size() + type.size() &&
            absl::StartsWith(base, family.head) && absl::EndsWith(base, type)) {
          return base;
        }
      }
    }
  }
  return {};
}

// Bit (first letter - 'a') of kAliasFirstLetters[length] is set when some alias has that length
// and first letter; every alias is lower case and shorter than kMaxFilteredLength (checked below).
constexpr size_t kMaxFilteredLength = 32;
constexpr std::array<uint32_t, kMaxFilteredLength> kAliasFirstLetters = [] {
  std::array<uint32_t, kMaxFilteredLength> letters{};
  for (const Alias& entry : kAliases) {
    letters[entry.alias.size()] |= uint32_t{1} << (entry.alias[0] - 'a');
  }
  return letters;
}();

constexpr bool AliasesFitFilter() {
  for (const Alias& entry : kAliases) {
    if (entry.alias.empty() || entry.alias.size() >= kMaxFilteredLength) return false;
    if (entry.alias[0] < 'a' || entry.alias[0] > 'z') return false;
  }
  return true;
}
static_assert(AliasesFitFilter(), "the alias filter needs short lower-case aliases");

// False only when `mnemonic` is certainly not in kAliases.
bool MayBeAlias(absl::string_view mnemonic) {
  if (mnemonic.empty() || mnemonic.size() >= kMaxFilteredLength) return false;
  const unsigned letter = static_cast<unsigned char>(mnemonic[0]) - unsigned{'a'};
  if (letter >= 26) return false;
  return (kAliasFirstLetters[mnemonic.size()] >> letter) & 1;
}

}  // namespace

absl::string_view NormalizeMnemonic(absl::string_view mnemonic) {
  // Most mnemonics are no alias; the (length, first letter) filter rules them out without the
  // binary search (a handful of string comparisons).
  if (!MayBeAlias(mnemonic)) {
    if (!mnemonic.empty() && (mnemonic[0] == 'c' || mnemonic[0] == 'v')) {
      const absl::string_view base = PredicateBase(mnemonic);
      if (!base.empty()) return base;
    }
    return mnemonic;
  }
  const auto end = kAliases.end();
  const auto found =
      std::lower_bound(kAliases.begin(), end, mnemonic,
                       [](const Alias& entry, absl::string_view key) { return entry.alias < key; });
  if (found != end && found->alias == mnemonic) return found->canonical;
  // Only mnemonics starting with "cmp", "vcmp", "vpcmp" or "vpcom" can be pseudo-ops; the first
  // character test keeps the common case to one comparison.
  if (!mnemonic.empty() && (mnemonic[0] == 'c' || mnemonic[0] == 'v')) {
    const absl::string_view base = PredicateBase(mnemonic);
    if (!base.empty()) return base;
  }
  return mnemonic;
}

}  // namespace x86diff

#include "harness/instruction_shape.h"

#include <vector>

#include "gtest/gtest.h"
#include "harness/hex.h"

namespace x86diff {
namespace {

struct ShapeRow {
  const char* hex;  // with the disassembly in the comment
  Mode mode;
  const char* opcode_class;
};

class InstructionShapeTest : public ::testing::TestWithParam<ShapeRow> {};

TEST_P(InstructionShapeTest, ClassMatches) {
  const ShapeRow& row = GetParam();
  auto bytes = ParseHex(row.hex);
  ASSERT_TRUE(bytes.ok());
  EXPECT_EQ(OpcodeClass(ReadInstructionShape(row.mode, *bytes)), row.opcode_class)
      << row.hex << " in " << ModeName(row.mode);
}

INSTANTIATE_TEST_SUITE_P(
    Table, InstructionShapeTest,
    ::testing::Values(
        ShapeRow{"48 01 d8", Mode::kLong64, "rex:1b:01"},             // add rax, rbx
        ShapeRow{"48 01 d8", Mode::kProt32, "legacy:1b:48"},          // dec eax
        ShapeRow{"40 90", Mode::kCompat32, "legacy:1b:40"},           // inc eax
        ShapeRow{"66 0f 6f c1", Mode::kLong64, "legacy:0f:6f:66"},       // movdqa
        ShapeRow{"f3 0f b8 c0", Mode::kProt32, "legacy:0f:b8:f3"},       // popcnt
        ShapeRow{"66 f2 0f 38 f1 c0", Mode::kLong64, "legacy:0f38:f1:f2"},  // crc32
        ShapeRow{"66 0f 3a 0f c1 08", Mode::kLong64, "legacy:0f3a:0f:66"},  // palignr
        ShapeRow{"f0 01 00", Mode::kProt32, "legacy:1b:01:lock"},     // lock add
        ShapeRow{"41 66 01 c0", Mode::kLong64, "legacy:1b:01"},       // REX then 66: REX ignored
        ShapeRow{"c5 f8 77", Mode::kLong64, "vex2:0f:77:np"},            // vzeroupper
        ShapeRow{"c5 f8 77", Mode::kProt32, "vex2:0f:77:np"},            // mod == 11: VEX
        ShapeRow{"c5 00", Mode::kProt32, "legacy:1b:c5"},             // lds eax, [eax]
        ShapeRow{"c5 f8 77", Mode::kReal16, "legacy:1b:c5"},          // no VEX in real mode
        ShapeRow{"c4 e2 79 18 00", Mode::kLong64, "vex3:0f38:18:66"},    // vbroadcastss
        ShapeRow{"c4 00", Mode::kProt16, "legacy:1b:c4"},             // les ax, [bx+si]
        ShapeRow{"62 f1 7c 48 58 c1", Mode::kLong64, "evex:0f:58:np"},   // vaddps zmm
        ShapeRow{"62 f5 7c 48 58 c1", Mode::kLong64, "evex:map5:58:np"},  // vaddph zmm
        ShapeRow{"62 00", Mode::kProt32, "legacy:1b:62"},             // bound
        ShapeRow{"8f e9 78 e1 c1", Mode::kLong64, "xop:xop9:e1:np"},     // vphsubbw
        ShapeRow{"8f c0", Mode::kLong64, "legacy:1b:8f"},             // pop rax
        ShapeRow{"0f 0f c1 9e", Mode::kProt32, "3dnow:0f:0f:np"},        // pfadd
        ShapeRow{"0f", Mode::kLong64, "truncated"},
        ShapeRow{"66 66", Mode::kLong64, "truncated"},
        ShapeRow{"", Mode::kLong64, "truncated"}));

TEST(InstructionShapeTest, RecordsPrefixDetails) {
  auto bytes = ParseHex("2e 66 f0 48 0f c7 0f");  // lock cmpxchg16b with extra prefixes
  ASSERT_TRUE(bytes.ok());
  InstructionShape shape = ReadInstructionShape(Mode::kLong64, *bytes);
  EXPECT_EQ(shape.legacy_prefix_count, 3);
  EXPECT_TRUE(shape.lock);
  EXPECT_TRUE(shape.rex_w);
  EXPECT_EQ(shape.encoding, Encoding::kRex);
  EXPECT_EQ(shape.opcode_offset, 5);
  EXPECT_EQ(shape.opcode, 0xc7);
}

TEST(InstructionShapeTest, NeverReadsPastFifteenPrefixBytes) {
  std::vector<uint8_t> prefixes(40, 0x66);
  InstructionShape shape = ReadInstructionShape(Mode::kLong64, prefixes);
  EXPECT_FALSE(shape.has_opcode);
  EXPECT_EQ(shape.legacy_prefix_count, kMaxInstructionScan);
}

}  // namespace
}  // namespace x86diff

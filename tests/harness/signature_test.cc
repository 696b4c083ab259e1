#include "gtest/gtest.h"
#include "harness/divergence.h"

namespace x86diff {
namespace {

TEST(SignatureTest, TextIsCanonical) {
  Signature signature = MakeSignature(DivergenceKind::kLength, {"capstone", "zydis"},
                                      Mode::kLong64, "legacy:1b:e8:66", "capstone>zydis");
  EXPECT_EQ(signature.text, "length|capstone,zydis|long64|legacy:1b:e8:66|capstone>zydis");
}

TEST(SignatureTest, HashIsStableAcrossBuilds) {
  // Pinned values: bucket files and waivers are named by these ids, so they must never change.
  EXPECT_EQ(MakeSignature(DivergenceKind::kLength, {"capstone", "zydis"}, Mode::kLong64,
                          "legacy:1b:e8:66", "capstone>zydis")
                .HexId(),
            "17fac0eafe6896ac");
  EXPECT_EQ(MakeSignature(DivergenceKind::kValidity, {"capstone", "zydis"}, Mode::kReal16,
                          "legacy:1b:c5:np", "capstone=other,zydis=valid")
                .HexId(),
            "d600c390138de136");
}

TEST(SignatureTest, EveryPartChangesTheHash) {
  const Signature base = MakeSignature(DivergenceKind::kLength, {"capstone", "zydis"},
                                       Mode::kLong64, "legacy:1b:e8:66", "capstone>zydis");
  EXPECT_NE(base.hash, MakeSignature(DivergenceKind::kMnemonic, {"capstone", "zydis"},
                                     Mode::kLong64, "legacy:1b:e8:66", "capstone>zydis")
                           .hash);
  EXPECT_NE(base.hash, MakeSignature(DivergenceKind::kLength, {"capstone", "llvm"},
                                     Mode::kLong64, "legacy:1b:e8:66", "capstone>zydis")
                           .hash);
  EXPECT_NE(base.hash, MakeSignature(DivergenceKind::kLength, {"capstone", "zydis"},
                                     Mode::kProt32, "legacy:1b:e8:66", "capstone>zydis")
                           .hash);
  EXPECT_NE(base.hash, MakeSignature(DivergenceKind::kLength, {"capstone", "zydis"},
                                     Mode::kLong64, "legacy:1b:e9:66", "capstone>zydis")
                           .hash);
  EXPECT_NE(base.hash, MakeSignature(DivergenceKind::kLength, {"capstone", "zydis"},
                                     Mode::kLong64, "legacy:1b:e8:66", "capstone<zydis")
                           .hash);
  EXPECT_EQ(base.HexId().size(), 16u);
}

}  // namespace
}  // namespace x86diff

#include "adapters/registry.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "harness/decoder.h"

namespace x86diff {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

std::vector<std::string> NamesOf(const std::vector<std::unique_ptr<Decoder>>& decoders) {
  std::vector<std::string> names;
  for (const auto& decoder : decoders) names.emplace_back(decoder->name());
  return names;
}

TEST(RegistryTest, AvailableNamesInCanonicalOrder) {
  EXPECT_THAT(AvailableDecoderNames(), ElementsAre("capstone", "zydis"));
}

TEST(RegistryTest, EmptyListMakesEveryDecoder) {
  absl::StatusOr<std::vector<std::unique_ptr<Decoder>>> decoders = MakeDecoders();
  ASSERT_TRUE(decoders.ok()) << decoders.status();
  EXPECT_EQ(NamesOf(*decoders), AvailableDecoderNames());
}

TEST(RegistryTest, NamedDecodersInRequestedOrder) {
  const std::vector<std::string> names = {"zydis", "capstone"};
  absl::StatusOr<std::vector<std::unique_ptr<Decoder>>> decoders = MakeDecoders(names);
  ASSERT_TRUE(decoders.ok()) << decoders.status();
  EXPECT_THAT(NamesOf(*decoders), ElementsAre("zydis", "capstone"));
}

TEST(RegistryTest, VersionsNameTheLibraries) {
  absl::StatusOr<std::vector<std::unique_ptr<Decoder>>> decoders = MakeDecoders();
  ASSERT_TRUE(decoders.ok()) << decoders.status();
  EXPECT_THAT((*decoders)[0]->version(), StartsWith("Capstone 4."));
  EXPECT_THAT((*decoders)[1]->version(), StartsWith("Zydis 4."));
}

TEST(RegistryTest, UnknownNameListsKnownNames) {
  const std::vector<std::string> names = {"capstone", "llvm-mc"};
  absl::StatusOr<std::vector<std::unique_ptr<Decoder>>> decoders = MakeDecoders(names);
  EXPECT_EQ(decoders.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(decoders.status().message(), HasSubstr("llvm-mc"));
  EXPECT_THAT(decoders.status().message(), HasSubstr("capstone, zydis"));
}

TEST(RegistryTest, RepeatedNameIsRejected) {
  const std::vector<std::string> names = {"zydis", "zydis"};
  EXPECT_EQ(MakeDecoders(names).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace x86diff

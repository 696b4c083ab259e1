#include <sstream>
#include <string>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tools/x86diff/modes.h"

namespace x86diff::cli {
namespace {

using ::testing::HasSubstr;

TEST(ModesCommandTest, ShowsEveryModeAndWhereTheAnswerChanges) {
  // 40 is `inc eax`/`inc ax` outside 64-bit mode and a lone REX prefix (truncated) in it.
  ModesOptions options;
  options.hex = "40";
  options.executors = {"unicorn"};
  std::ostringstream out;
  const absl::Status status = RunModesCommand(options, out);
  ASSERT_TRUE(status.ok()) << status;
  const std::string text = out.str();
  for (const char* mode : {"real16", "prot16", "prot32", "compat32", "long64"}) {
    EXPECT_THAT(text, HasSubstr(mode));
  }
  EXPECT_THAT(text, HasSubstr("inc len 1"));
  EXPECT_THAT(text, HasSubstr("Where the mode changes the answer"));
  EXPECT_THAT(text, HasSubstr("!! zydis  real16,prot16,prot32,compat32: inc len 1  |  long64: "
                              "invalid: truncated"))
      << text;
  EXPECT_THAT(text, HasSubstr("unicorn"));
}

TEST(ModesCommandTest, SameAnswerEverywhereIsSaid) {
  ModesOptions options;
  options.hex = "90";
  options.executors = {"unicorn"};
  options.decoders = {"zydis"};
  std::ostringstream out;
  ASSERT_TRUE(RunModesCommand(options, out).ok());
  EXPECT_THAT(out.str(), HasSubstr("Every target gives the same answer in every mode it runs."))
      << out.str();
}

TEST(ModesCommandTest, BadInputIsInvalidArgument) {
  ModesOptions options;
  options.hex = "4";
  std::ostringstream out;
  EXPECT_EQ(RunModesCommand(options, out).code(), absl::StatusCode::kInvalidArgument);
  options.hex = "90";
  options.executors = {"bochs"};
  EXPECT_EQ(RunModesCommand(options, out).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(out.str(), "");
}

}  // namespace
}  // namespace x86diff::cli

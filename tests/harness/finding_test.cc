#include "harness/finding.h"

#include <unistd.h>

#include <cstdlib>
#include <string>

#include "gtest/gtest.h"
#include "harness/atomic_file.h"
#include "harness/comparator.h"
#include "harness/test_case_codec.h"
#include "harness/test_case_json.h"
#include "tests/test_support/temp_dir.h"

namespace x86diff {
namespace {

Finding SampleFinding() {
  Finding finding;
  finding.test_case = TestCase{Mode::kLong64, {0x66, 0xe8, 0x00, 0x00}};
  Outcome capstone{"capstone", Provenance::kDecoder, {}};
  capstone.decode.valid = true;
  capstone.decode.length = 6;
  capstone.decode.mnemonic = "call";
  capstone.decode.operands = "0x6";
  capstone.decode.prefixes = kPrefixOperandSize;
  Outcome zydis{"zydis", Provenance::kDecoder, {}};
  zydis.decode.valid = true;
  zydis.decode.length = 4;
  zydis.decode.mnemonic = "call";
  zydis.decode.has_flag_info = true;
  finding.outcomes = {capstone, zydis};
  finding.divergences = CompareDecodes(finding.test_case, finding.outcomes);
  return finding;
}

using test_support::TempDir;

TEST(FindingTest, RoundTrips) {
  const Finding finding = SampleFinding();
  ASSERT_EQ(finding.divergences.size(), 1u);
  auto parsed = FindingFromJson(FindingToJson(finding));
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->test_case, finding.test_case);
  ASSERT_EQ(parsed->outcomes.size(), 2u);
  EXPECT_EQ(parsed->outcomes[0].decode.length, 6);
  EXPECT_EQ(parsed->outcomes[0].decode.prefixes, kPrefixOperandSize);
  EXPECT_EQ(parsed->outcomes[1].target, "zydis");
  ASSERT_EQ(parsed->divergences.size(), 1u);
  EXPECT_EQ(parsed->divergences[0].signature.text, finding.divergences[0].signature.text);
  EXPECT_EQ(parsed->divergences[0].signature.hash, finding.divergences[0].signature.hash);
}

TEST(FindingTest, ExecResultsRoundTrip) {
  Finding finding = SampleFinding();
  ExecResult exec;
  exec.status = ExecStatus::kFault;
  exec.vector = kVectorPF;
  exec.has_error_code = true;
  exec.error_code = 0x14;
  exec.has_fault_address = true;
  exec.fault_address = 0x10001000;
  exec.length = 3;
  exec.final_state.gpr[3] = 0xffffffffffffffffull;
  exec.final_state.rip = 0x10000000;
  exec.final_state.rflags = 0x246;
  exec.memory_changes = {{0x10010010, {1, 2}, {3, 4}}};
  exec.imprecise = kImpreciseVector;
  exec.detail = "SIGSEGV";
  finding.outcomes.push_back(Outcome{"native", Provenance::kHardware, {}, exec});
  auto parsed = FindingFromJson(FindingToJson(finding));
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  ASSERT_EQ(parsed->outcomes.size(), 3u);
  ASSERT_TRUE(parsed->outcomes[2].exec.has_value());
  const ExecResult& back = *parsed->outcomes[2].exec;
  EXPECT_EQ(back.status, exec.status);
  EXPECT_EQ(back.vector, exec.vector);
  EXPECT_EQ(back.error_code, exec.error_code);
  EXPECT_EQ(back.fault_address, exec.fault_address);
  EXPECT_EQ(back.final_state, exec.final_state);
  EXPECT_EQ(back.memory_changes, exec.memory_changes);
  EXPECT_EQ(back.imprecise, exec.imprecise);
  EXPECT_EQ(back.detail, exec.detail);
  EXPECT_FALSE(parsed->outcomes[0].exec.has_value());
}

TEST(FindingTest, MalformedFindingsNameTheField) {
  struct Row {
    const char* text;
    const char* message_part;
  };
  for (const Row& row : {
           Row{"nope", "not a JSON object"},
           Row{R"({"format": "other", "version": 1})", "expected \"x86diff-finding\""},
           Row{R"({"format": "x86diff-finding", "version": 9})", "unknown version 9"},
           Row{R"({"format": "x86diff-finding", "version": 1})", "\"testcase\""},
           Row{R"({"format": "x86diff-finding", "version": 1,
                   "testcase": {"version": 1, "mode": "long64", "code": "90"}})",
               "\"outcomes\""},
           Row{R"({"format": "x86diff-finding", "version": 1,
                   "testcase": {"version": 1, "mode": "long64", "code": "90"},
                   "outcomes": [{"target": "x", "provenance": "psychic"}], "divergences": []})",
               "\"provenance\""},
       }) {
    auto parsed = FindingFromJson(row.text);
    ASSERT_FALSE(parsed.ok()) << row.text;
    EXPECT_NE(parsed.status().message().find(row.message_part), absl::string_view::npos)
        << parsed.status();
  }
}

TEST(FindingTest, LoadTestCaseFileDetectsEachFormat) {
  TempDir dir;
  const TestCase expected{Mode::kCompat32, {0x40}};
  const std::vector<uint8_t> binary = SerializeTestCase(expected);
  ASSERT_TRUE(WriteFileAtomically(dir.File("bin"),
                                  std::string(binary.begin(), binary.end()))
                  .ok());
  ASSERT_TRUE(WriteFileAtomically(dir.File("case.json"), TestCaseToJson(expected)).ok());
  Finding finding = SampleFinding();
  finding.test_case = expected;
  ASSERT_TRUE(WriteFileAtomically(dir.File("finding.json"), FindingToJson(finding)).ok());
  for (const char* name : {"bin", "case.json", "finding.json"}) {
    auto loaded = LoadTestCaseFile(dir.File(name));
    ASSERT_TRUE(loaded.ok()) << name << ": " << loaded.status();
    EXPECT_EQ(*loaded, expected) << name;
  }
}

TEST(FindingTest, LoadTestCaseFileErrorsNameThePath) {
  TempDir dir;
  ASSERT_TRUE(WriteFileAtomically(dir.File("truncated"), std::string("\x01\x04\x05\x90", 4)).ok());
  auto loaded = LoadTestCaseFile(dir.File("truncated"));
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.status().message().find(dir.File("truncated")), absl::string_view::npos);
  EXPECT_NE(loaded.status().message().find("truncated test case"), absl::string_view::npos);
  EXPECT_FALSE(LoadTestCaseFile(dir.File("missing")).ok());
}

}  // namespace
}  // namespace x86diff

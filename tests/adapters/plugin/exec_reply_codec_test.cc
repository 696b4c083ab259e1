// adapters/common/exec_reply_codec.h and memory_diff.h (kept with the plugin tests).
#include "adapters/common/exec_reply_codec.h"

#include <vector>

#include "absl/status/status.h"
#include "harness/memory_diff.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace x86diff {
namespace {

using ::testing::HasSubstr;

ExecResult SampleResult() {
  ExecResult result;
  result.status = ExecStatus::kFault;
  result.vector = kVectorPF;
  result.has_error_code = true;
  result.error_code = 0x6;
  result.has_fault_address = true;
  result.fault_address = 0x10020000;
  result.length = 3;
  for (int i = 0; i < kGprCount; ++i) result.final_state.gpr[i] = 0x1111111111111111ull * i;
  result.final_state.rflags = 0x8d7;
  result.final_state.rip = 0x10000003;
  result.imprecise = kImpreciseMemory;
  result.detail = "partial write";
  result.memory_changes = {{0x10010000, {1, 2}, {3, 4}}, {0x10010010, {5}, {6}}};
  return result;
}

void ExpectSame(const ExecResult& got, const ExecResult& want) {
  EXPECT_EQ(got.status, want.status);
  EXPECT_EQ(got.vector, want.vector);
  EXPECT_EQ(got.has_error_code, want.has_error_code);
  EXPECT_EQ(got.error_code, want.error_code);
  EXPECT_EQ(got.has_fault_address, want.has_fault_address);
  EXPECT_EQ(got.fault_address, want.fault_address);
  EXPECT_EQ(got.length, want.length);
  EXPECT_EQ(got.final_state, want.final_state);
  EXPECT_EQ(got.memory_changes, want.memory_changes);
  EXPECT_EQ(got.imprecise, want.imprecise);
  EXPECT_EQ(got.detail, want.detail);
}

TEST(ExecReplyCodecTest, ResultRoundTrips) {
  std::vector<uint8_t> bytes;
  SerializeExecReply(SampleResult(), bytes);
  absl::StatusOr<ExecResult> parsed = ParseExecReply(bytes);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  ExpectSame(*parsed, SampleResult());
}

TEST(ExecReplyCodecTest, ErrorStatusRoundTrips) {
  std::vector<uint8_t> bytes;
  SerializeExecReply(absl::FailedPreconditionError("mode not supported"), bytes);
  absl::StatusOr<ExecResult> parsed = ParseExecReply(bytes);
  EXPECT_EQ(parsed.status(), absl::FailedPreconditionError("mode not supported"));
}

TEST(ExecReplyCodecTest, EveryTruncationIsAnInternalError) {
  std::vector<uint8_t> bytes;
  SerializeExecReply(SampleResult(), bytes);
  for (size_t size = 0; size < bytes.size(); ++size) {
    absl::StatusOr<ExecResult> parsed = ParseExecReply(absl::MakeConstSpan(bytes).subspan(0, size));
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInternal) << size;
  }
}

TEST(ExecReplyCodecTest, RejectsTrailingBytesAndUnknownValues) {
  std::vector<uint8_t> bytes;
  SerializeExecReply(SampleResult(), bytes);
  std::vector<uint8_t> trailing = bytes;
  trailing.push_back(0);
  EXPECT_THAT(ParseExecReply(trailing).status().message(), HasSubstr("trailing"));
  std::vector<uint8_t> version = bytes;
  version[0] = 99;
  EXPECT_THAT(ParseExecReply(version).status().message(), HasSubstr("version 99"));
  std::vector<uint8_t> status = bytes;
  status[2] = kExecStatusMaxValue + 1;
  EXPECT_THAT(ParseExecReply(status).status().message(), HasSubstr("unknown ExecStatus"));
}

TEST(MemoryDiffTest, MaximalRunsOfChangedBytes) {
  const std::vector<uint8_t> before = {0, 1, 2, 3, 4, 5, 6, 7};
  const std::vector<uint8_t> after = {0, 9, 9, 3, 4, 5, 9, 9};
  EXPECT_EQ(DiffMemory(0x100, before, after),
            (std::vector<MemoryChange>{{0x101, {1, 2}, {9, 9}}, {0x106, {6, 7}, {9, 9}}}));
  EXPECT_TRUE(DiffMemory(0x100, before, before).empty());
}

TEST(MemoryDiffTest, ApplyIsTheInverseAndClips) {
  const std::vector<uint8_t> before = {0, 1, 2, 3};
  const std::vector<uint8_t> after = {7, 1, 8, 8};
  std::vector<uint8_t> memory = before;
  EXPECT_TRUE(ApplyMemoryChanges(0x10, DiffMemory(0x10, before, after), absl::MakeSpan(memory)));
  EXPECT_EQ(memory, after);
  EXPECT_FALSE(ApplyMemoryChanges(0x10, {{0x13, {0, 0}, {5, 5}}}, absl::MakeSpan(memory)));
  EXPECT_EQ(memory[3], 5);
}

}  // namespace
}  // namespace x86diff

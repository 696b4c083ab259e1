// adapters/common/worker_process.h (kept with the plugin tests: plugins are its main user).
#include "adapters/common/worker_process.h"

#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace x86diff {
namespace {

using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

// Echoes requests reversed; "abort" aborts after a line on stderr, "hang" never answers.
class TestService final : public WorkerService {
 public:
  void Handle(absl::Span<const uint8_t> request, std::vector<uint8_t>& reply) override {
    const std::string text(request.begin(), request.end());
    if (text == "abort") {
      std::fprintf(stderr, "test service: giving up\n");
      std::abort();
    }
    if (text == "hang") pause();
    reply.assign(request.rbegin(), request.rend());
  }
};

WorkerBoot TestBoot() {
  return []() -> absl::StatusOr<WorkerStart> {
    WorkerStart start;
    start.service = std::make_unique<TestService>();
    start.greeting = {'h', 'i'};
    return start;
  };
}

std::vector<uint8_t> Bytes(const std::string& text) { return {text.begin(), text.end()}; }

std::unique_ptr<WorkerProcess> StartTestWorker(absl::Duration reply_timeout = absl::Seconds(5)) {
  absl::StatusOr<std::unique_ptr<WorkerProcess>> worker =
      WorkerProcess::Start(TestBoot(), {.label = "test worker", .reply_timeout = reply_timeout});
  EXPECT_TRUE(worker.ok()) << worker.status();
  return worker.ok() ? std::move(worker).value() : nullptr;
}

std::string ReplyText(WorkerProcess& worker, const std::string& request) {
  absl::StatusOr<WorkerReply> reply = worker.Call(Bytes(request));
  EXPECT_TRUE(reply.ok()) << reply.status();
  if (!reply.ok() || reply->outcome != WorkerOutcome::kReplied) return "<no reply>";
  return std::string(reply->payload.begin(), reply->payload.end());
}

TEST(WorkerProcessTest, ServesManyRequestsInOneChild) {
  std::unique_ptr<WorkerProcess> worker = StartTestWorker();
  ASSERT_NE(worker, nullptr);
  EXPECT_THAT(worker->greeting(), ElementsAre('h', 'i'));
  const pid_t pid = worker->pid();
  EXPECT_NE(pid, getpid());
  for (int i = 0; i < 100; ++i) EXPECT_EQ(ReplyText(*worker, "abc"), "cba");
  EXPECT_EQ(ReplyText(*worker, ""), "");
  EXPECT_EQ(worker->pid(), pid);
  EXPECT_EQ(worker->starts(), 1);
}

TEST(WorkerProcessTest, DeathIsReportedWithSignalAndOutputThenRestarts) {
  std::unique_ptr<WorkerProcess> worker = StartTestWorker();
  ASSERT_NE(worker, nullptr);
  absl::StatusOr<WorkerReply> reply = worker->Call(Bytes("abort"));
  ASSERT_TRUE(reply.ok()) << reply.status();
  EXPECT_EQ(reply->outcome, WorkerOutcome::kDied);
  EXPECT_EQ(reply->signal, SIGABRT);
  EXPECT_THAT(reply->detail,
              AllOf(HasSubstr("killed by signal 6"), HasSubstr("test service: giving up")));
  EXPECT_EQ(ReplyText(*worker, "xyz"), "zyx");
  EXPECT_EQ(worker->starts(), 2);
}

TEST(WorkerProcessTest, SilentChildIsKilledAfterTheReplyTimeout) {
  std::unique_ptr<WorkerProcess> worker = StartTestWorker(absl::Milliseconds(100));
  ASSERT_NE(worker, nullptr);
  absl::StatusOr<WorkerReply> reply = worker->Call(Bytes("hang"));
  ASSERT_TRUE(reply.ok()) << reply.status();
  EXPECT_EQ(reply->outcome, WorkerOutcome::kTimedOut);
  EXPECT_THAT(reply->detail, HasSubstr("no reply within 100ms"));
  EXPECT_EQ(worker->pid(), -1);
  EXPECT_EQ(ReplyText(*worker, "ok"), "ko");
}

// A child that died between calls never saw the request: it is resent to a fresh child instead
// of being reported as the request's crash.
TEST(WorkerProcessTest, ChildKilledBetweenCallsIsReplacedTransparently) {
  std::unique_ptr<WorkerProcess> worker = StartTestWorker();
  ASSERT_NE(worker, nullptr);
  const pid_t pid = worker->pid();
  ASSERT_EQ(kill(pid, SIGKILL), 0);
  usleep(50 * 1000);  // let the kernel close the child's socket
  EXPECT_EQ(ReplyText(*worker, "abc"), "cba");
  EXPECT_NE(worker->pid(), pid);
}

TEST(WorkerProcessTest, BootErrorIsReturnedAsIs) {
  absl::StatusOr<std::unique_ptr<WorkerProcess>> worker = WorkerProcess::Start(
      []() -> absl::StatusOr<WorkerStart> { return absl::NotFoundError("no such thing"); },
      {.label = "failing worker"});
  EXPECT_EQ(worker.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(worker.status().message(), "no such thing");
}

TEST(WorkerProcessTest, CrashWhileBootingNamesTheWorker) {
  absl::StatusOr<std::unique_ptr<WorkerProcess>> worker = WorkerProcess::Start(
      []() -> absl::StatusOr<WorkerStart> { std::abort(); }, {.label = "doomed worker"});
  EXPECT_EQ(worker.status().code(), absl::StatusCode::kInternal);
  EXPECT_THAT(worker.status().message(),
              AllOf(HasSubstr("doomed worker died while starting"), HasSubstr("signal 6")));
}

TEST(WorkerProcessTest, OversizedRequestIsRejected) {
  std::unique_ptr<WorkerProcess> worker = StartTestWorker();
  ASSERT_NE(worker, nullptr);
  const std::vector<uint8_t> request(kMaxWorkerMessageBytes + 1);
  EXPECT_EQ(worker->Call(request).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ReplyText(*worker, "still fine"), "enif llits");
}

}  // namespace
}  // namespace x86diff

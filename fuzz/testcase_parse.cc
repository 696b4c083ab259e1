// libFuzzer target for the test case readers: arbitrary bytes go to ParseTestCase,
// TestCaseFromJson, FindingFromJson and LoadTestCaseFile (through an in-memory file, so its
// content-based detection runs as on disk). None may crash, and whatever one accepts must survive
// a round trip through its writer unchanged; a mismatch aborts with both sides printed.
#include <sys/mman.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "absl/strings/string_view.h"
#include "harness/finding.h"
#include "harness/test_case.h"
#include "harness/test_case_codec.h"
#include "harness/test_case_json.h"

namespace {

using x86diff::TestCase;

// `source`: the reader that accepted the input; `writer`: the round trip that failed.
[[noreturn]] void Mismatch(const char* source, const char* writer, const TestCase& want,
                           const TestCase& got) {
  const std::string want_json = x86diff::TestCaseToJson(want);
  const std::string got_json = x86diff::TestCaseToJson(got);
  std::fprintf(stderr,
               "testcase_parse: a test case read by the %s reader changed in the %s round trip\n"
               "  want %s\n  got  %s\n%s",
               source, writer, want_json.c_str(), got_json.c_str(),
               want_json == got_json ? "  (they differ in a field the JSON form does not show, "
                                       "such as initial_state->rip)\n"
                                     : "");
  std::abort();
}

[[noreturn]] void Rejected(const char* source, const char* writer, const absl::Status& status) {
  std::fprintf(stderr, "testcase_parse: the %s reader rejects the %s writer's output: %s\n", writer,
               writer, status.ToString().c_str());
  std::fprintf(stderr, "  (the test case came from the %s reader)\n", source);
  std::abort();
}

// Binary and JSON writers must both reproduce a test case that some reader accepted.
void CheckWriters(const char* source, const TestCase& test_case) {
  if (test_case.code.size() <= x86diff::kMaxCodeBytes) {
    absl::StatusOr<TestCase> binary = x86diff::ParseTestCase(x86diff::SerializeTestCase(test_case));
    if (!binary.ok()) Rejected(source, "binary", binary.status());
    if (*binary != test_case) Mismatch(source, "binary", test_case, *binary);
  }
  absl::StatusOr<TestCase> json = x86diff::TestCaseFromJson(x86diff::TestCaseToJson(test_case));
  if (!json.ok()) Rejected(source, "json", json.status());
  if (*json != test_case) Mismatch(source, "json", test_case, *json);
}

// An anonymous in-memory file whose /proc path LoadTestCaseFile can open; -1 if unavailable.
int memory_file = -1;
std::string memory_file_path;

}  // namespace

extern "C" int LLVMFuzzerInitialize(int* /*argc*/, char*** /*argv*/) {
  memory_file = memfd_create("testcase_parse", MFD_CLOEXEC);
  if (memory_file >= 0) memory_file_path = "/proc/self/fd/" + std::to_string(memory_file);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  absl::StatusOr<TestCase> binary = x86diff::ParseTestCase({data, size});
  if (binary.ok()) CheckWriters("binary", *binary);

  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  absl::StatusOr<TestCase> json = x86diff::TestCaseFromJson(text);
  if (json.ok()) CheckWriters("json", *json);

  absl::StatusOr<x86diff::Finding> finding = x86diff::FindingFromJson(text);
  if (finding.ok()) {
    CheckWriters("finding", finding->test_case);
    absl::StatusOr<x86diff::Finding> again =
        x86diff::FindingFromJson(x86diff::FindingToJson(*finding));
    if (!again.ok()) Rejected("finding", "finding", again.status());
    if (again->test_case != finding->test_case) {
      Mismatch("finding", "finding", finding->test_case, again->test_case);
    }
  }

  if (memory_file >= 0 && ftruncate(memory_file, 0) == 0 &&
      pwrite(memory_file, data, size, 0) == static_cast<ssize_t>(size)) {
    absl::StatusOr<TestCase> loaded = x86diff::LoadTestCaseFile(memory_file_path);
    if (loaded.ok()) {
      CheckWriters("file", *loaded);
      // Whatever the detection chose, one of the direct readers must agree with it.
      const bool agrees = (binary.ok() && *binary == *loaded) || (json.ok() && *json == *loaded) ||
                          (finding.ok() && finding->test_case == *loaded);
      if (!agrees) {
        std::fprintf(stderr, "testcase_parse: LoadTestCaseFile accepted what no reader does\n");
        std::abort();
      }
    }
  }
  return 0;
}

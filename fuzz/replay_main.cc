// A plain main for fuzz targets (linked instead of libFuzzer when X86DIFF_FUZZ_REPLAY is defined,
// see x86diff_fuzzer() in cmake/X86diffHelpers.cmake): runs LLVMFuzzerTestOneInput once on every
// file named on the command line or found (recursively) under a named directory, in sorted order.
// Used as the CTest corpus regression test and to reproduce a crash without libFuzzer.
//
//   <target>_replay [-libfuzzer-flag ...] PATH...
//
// Arguments starting with '-' are ignored so that a libFuzzer command line can be reused. Exit
// status: 0 when every path was read (an empty directory is fine), 1 when a path was missing or
// unreadable, 2 without paths. A crash in the target aborts as it would under libFuzzer.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

extern "C" int LLVMFuzzerInitialize(int* argc, char*** argv) __attribute__((weak));
extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

// libFuzzer's default -max_len is far below this; larger files are not test cases.
constexpr size_t kMaxInputBytes = 1 << 20;

// Reads `path` into `out`; prints the reason and returns false on failure.
bool ReadInput(const std::string& path, std::vector<uint8_t>* out) {
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    std::fprintf(stderr, "replay: cannot open %s: %s\n", path.c_str(), std::strerror(errno));
    return false;
  }
  out->clear();
  uint8_t buffer[4096];
  bool ok = true;
  while (true) {
    const ssize_t n = read(fd, buffer, sizeof(buffer));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      std::fprintf(stderr, "replay: cannot read %s: %s\n", path.c_str(), std::strerror(errno));
      ok = false;
      break;
    }
    if (n == 0) break;
    out->insert(out->end(), buffer, buffer + n);
    if (out->size() > kMaxInputBytes) {
      std::fprintf(stderr, "replay: %s is larger than %zu bytes\n", path.c_str(), kMaxInputBytes);
      ok = false;
      break;
    }
  }
  close(fd);
  return ok;
}

// Appends the regular files under `path` (or `path` itself); false when it cannot be listed.
bool CollectInputs(const std::string& path, std::vector<std::string>* inputs) {
  std::error_code error;
  const std::filesystem::file_status status = std::filesystem::status(path, error);
  if (error) {
    std::fprintf(stderr, "replay: cannot access %s: %s\n", path.c_str(), error.message().c_str());
    return false;
  }
  if (!std::filesystem::is_directory(status)) {
    inputs->push_back(path);
    return true;
  }
  std::filesystem::recursive_directory_iterator it(
      path, std::filesystem::directory_options::follow_directory_symlink, error);
  for (; !error && it != std::filesystem::recursive_directory_iterator(); it.increment(error)) {
    if (it->is_regular_file(error)) inputs->push_back(it->path().string());
  }
  if (error) {
    std::fprintf(stderr, "replay: cannot list %s: %s\n", path.c_str(), error.message().c_str());
    return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (LLVMFuzzerInitialize != nullptr) LLVMFuzzerInitialize(&argc, &argv);
  std::vector<std::string> paths;
  for (int i = 1; i < argc; ++i) {
    if (argv[i][0] != '-') paths.push_back(argv[i]);
  }
  if (paths.empty()) {
    std::fprintf(stderr, "usage: %s [-ignored-libfuzzer-flags] FILE_OR_DIR...\n", argv[0]);
    return 2;
  }
  bool ok = true;
  std::vector<std::string> inputs;
  for (const std::string& path : paths) ok &= CollectInputs(path, &inputs);
  std::sort(inputs.begin(), inputs.end());

  size_t ran = 0;
  std::vector<uint8_t> data;
  for (const std::string& input : inputs) {
    if (!ReadInput(input, &data)) {
      ok = false;
      continue;
    }
    // An exactly-sized heap copy, as libFuzzer passes it, so ASan sees reads past the end.
    std::unique_ptr<uint8_t[]> copy(new uint8_t[data.size()]);
    std::copy(data.begin(), data.end(), copy.get());
    LLVMFuzzerTestOneInput(copy.get(), data.size());
    ++ran;
  }
  std::printf("replay: ran %zu input%s from %zu path%s%s\n", ran, ran == 1 ? "" : "s", paths.size(),
              paths.size() == 1 ? "" : "s", ok ? "" : " (some unreadable)");
  return ok ? 0 : 1;
}

#include "adapters/native/address_space.h"

#include <fcntl.h>
#include <linux/rseq.h>
#include <sys/syscall.h>

#include <cerrno>
#include <cstddef>
#include <cstdint>

#include "adapters/native/native_abi.h"

#if __has_include(<sys/rseq.h>)
#include <sys/rseq.h>  // glibc 2.35+: __rseq_offset, __rseq_size, RSEQ_SIG
#define X86DIFF_HAVE_GLIBC_RSEQ 1
#endif

namespace x86diff::native {

namespace {

constexpr uint64_t kKernelHalf = uint64_t{1} << 47;

struct Mapping {
  uint64_t start = 0;
  uint64_t end = 0;
  uint64_t device = 0;  // major << 32 | minor
  uint64_t inode = 0;
  bool anonymous = false;  // no inode and no name ([heap], [stack], [vdso] have names)
};

// Read buffer for /proc/self/maps; a line is at most a few hundred bytes.
constexpr size_t kBufferBytes = 64 * 1024;
char g_buffer[kBufferBytes];

constexpr size_t kMaxKeptFiles = 16;
uint64_t g_kept_device[kMaxKeptFiles];
uint64_t g_kept_inode[kMaxKeptFiles];
size_t g_kept_files = 0;

constexpr size_t kMaxUnmaps = 1024;
uint64_t g_unmap_start[kMaxUnmaps];
uint64_t g_unmap_end[kMaxUnmaps];

long Syscall(long nr, long a1 = 0, long a2 = 0, long a3 = 0, long a4 = 0) {
  return x86diff_native_syscall(nr, a1, a2, a3, a4, 0, 0);
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Parses digits in `base` at *p, advancing it.
uint64_t ParseNumber(const char*& p, const char* end, uint64_t base) {
  uint64_t value = 0;
  for (; p < end; ++p) {
    const int digit = HexDigit(*p);
    if (digit < 0 || static_cast<uint64_t>(digit) >= base) break;
    value = value * base + static_cast<uint64_t>(digit);
  }
  return value;
}

void SkipSpaces(const char*& p, const char* end) {
  while (p < end && *p == ' ') ++p;
}

void SkipField(const char*& p, const char* end) {
  while (p < end && *p != ' ') ++p;
  SkipSpaces(p, end);
}

// "start-end perms offset major:minor inode [name]" (proc(5)).
Mapping ParseLine(const char* p, const char* end) {
  Mapping mapping;
  mapping.start = ParseNumber(p, end, 16);
  if (p < end && *p == '-') ++p;
  mapping.end = ParseNumber(p, end, 16);
  SkipSpaces(p, end);
  SkipField(p, end);  // perms
  SkipField(p, end);  // offset
  const uint64_t major = ParseNumber(p, end, 16);
  if (p < end && *p == ':') ++p;
  const uint64_t minor = ParseNumber(p, end, 16);
  mapping.device = (major << 32) | minor;
  SkipSpaces(p, end);
  mapping.inode = ParseNumber(p, end, 10);
  SkipSpaces(p, end);
  mapping.anonymous = mapping.inode == 0 && p == end;
  return mapping;
}

// Streams /proc/self/maps, calling visit(mapping) per line in address order. Returns 0 or -errno.
template <typename Visit>
int ForEachMapping(Visit&& visit) {
  const long fd = Syscall(__NR_openat, AT_FDCWD, reinterpret_cast<long>("/proc/self/maps"),
                          O_RDONLY | O_CLOEXEC);
  if (fd < 0) return static_cast<int>(fd);
  size_t have = 0;
  int result = 0;
  for (;;) {
    const long got = Syscall(__NR_read, fd, reinterpret_cast<long>(g_buffer + have),
                             static_cast<long>(kBufferBytes - have));
    if (got == -EINTR) continue;
    if (got < 0) {
      result = static_cast<int>(got);
      break;
    }
    have += static_cast<size_t>(got);
    size_t line = 0;
    for (size_t i = 0; i < have; ++i) {
      if (g_buffer[i] != '\n') continue;
      visit(ParseLine(g_buffer + line, g_buffer + i));
      line = i + 1;
    }
    if (got == 0) {
      if (line < have) visit(ParseLine(g_buffer + line, g_buffer + have));
      break;
    }
    if (line == 0 && have == kBufferBytes) {  // one line fills the buffer: not /proc/self/maps
      result = -E2BIG;
      break;
    }
    for (size_t i = line; i < have; ++i) g_buffer[i - line] = g_buffer[i];
    have -= line;
  }
  Syscall(__NR_close, fd);
  return result;
}

bool ContainsAny(const Mapping& mapping, const uint64_t* keep, size_t keep_count) {
  for (size_t i = 0; i < keep_count; ++i) {
    if (keep[i] >= mapping.start && keep[i] < mapping.end) return true;
  }
  return false;
}

bool IsKeptFile(const Mapping& mapping) {
  if (mapping.inode == 0) return false;
  for (size_t i = 0; i < g_kept_files; ++i) {
    if (g_kept_device[i] == mapping.device && g_kept_inode[i] == mapping.inode) return true;
  }
  return false;
}

}  // namespace

int UnmapAllBut(const uint64_t* keep, size_t keep_count) {
  g_kept_files = 0;
  int rc = ForEachMapping([&](const Mapping& mapping) {
    if (mapping.inode != 0 && ContainsAny(mapping, keep, keep_count) && !IsKeptFile(mapping) &&
        g_kept_files < kMaxKeptFiles) {
      g_kept_device[g_kept_files] = mapping.device;
      g_kept_inode[g_kept_files] = mapping.inode;
      ++g_kept_files;
    }
  });
  if (rc != 0) return rc;

  // Collect, then unmap after closing the file (unmapping while reading could skip lines). More
  // mappings than kMaxUnmaps take further passes.
  for (int pass = 0; pass < 16; ++pass) {
    size_t count = 0;
    bool overflow = false;
    bool after_kept_file = false;  // the previous mapping was (the .bss after) a kept file
    uint64_t previous_end = 0;
    rc = ForEachMapping([&](const Mapping& mapping) {
      const bool kept_file = IsKeptFile(mapping);
      const bool bss = mapping.anonymous && after_kept_file && mapping.start == previous_end;
      const bool kept = kept_file || bss || mapping.start >= kKernelHalf ||
                        ContainsAny(mapping, keep, keep_count);
      after_kept_file = kept_file || bss;
      previous_end = mapping.end;
      if (kept) return;
      if (count == kMaxUnmaps) {
        overflow = true;
        return;
      }
      g_unmap_start[count] = mapping.start;
      g_unmap_end[count] = mapping.end;
      ++count;
    });
    if (rc != 0) return rc;
    for (size_t i = 0; i < count; ++i) {
      // Failures (a special mapping the kernel refuses to drop) leave that mapping in place.
      Syscall(__NR_munmap, static_cast<long>(g_unmap_start[i]),
              static_cast<long>(g_unmap_end[i] - g_unmap_start[i]));
    }
    if (!overflow) return 0;
  }
  return -E2BIG;
}

int UnregisterRseq(uint64_t thread_pointer) {
#ifdef X86DIFF_HAVE_GLIBC_RSEQ
  if (__rseq_size == 0) return 0;  // glibc did not register one (tunable, old kernel)
  const uint64_t area = thread_pointer + static_cast<uint64_t>(__rseq_offset);
  // The length must equal the registered one: glibc 2.35/2.36 export it as __rseq_size, later
  // versions export the feature size and register at least 32 bytes.
  const long lengths[] = {static_cast<long>(__rseq_size), 32, 64, 128, 256};
  long rc = -EINVAL;
  for (long length : lengths) {
    rc = Syscall(__NR_rseq, static_cast<long>(area), length, RSEQ_FLAG_UNREGISTER, RSEQ_SIG);
    if (rc != -EINVAL) break;
  }
  return rc == -ENOSYS ? 0 : static_cast<int>(rc);
#else
  (void)thread_pointer;
  return 0;
#endif
}

}  // namespace x86diff::native

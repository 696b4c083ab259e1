// CHECK for broken invariants (Debian's abseil 20220623 predates absl/log/check.h).
#ifndef X86DIFF_HARNESS_CHECK_H_
#define X86DIFF_HARNESS_CHECK_H_

#include <cstdio>
#include <cstdlib>

// Aborts with file, line and the condition text when `condition` is false. Only for programming
// errors: input problems are absl::Status, target misbehaviour is data.
#define X86DIFF_CHECK(condition)                                                   \
  do {                                                                             \
    if (!(condition)) {                                                            \
      std::fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #condition); \
      std::abort();                                                                \
    }                                                                              \
  } while (0)

#endif  // X86DIFF_HARNESS_CHECK_H_

// The one place for status-propagation macros.
#ifndef X86DIFF_HARNESS_STATUS_MACROS_H_
#define X86DIFF_HARNESS_STATUS_MACROS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"

#define X86DIFF_CONCAT_INNER_(a, b) a##b
#define X86DIFF_CONCAT_(a, b) X86DIFF_CONCAT_INNER_(a, b)

// Returns the status from the enclosing function if `expr` is not OK.
#define RETURN_IF_ERROR(expr)                    \
  do {                                           \
    ::absl::Status x86diff_status_ = (expr);     \
    if (!x86diff_status_.ok()) return x86diff_status_; \
  } while (0)

// ASSIGN_OR_RETURN(lhs, expr): evaluates a StatusOr, returns its status on error, else assigns.
#define ASSIGN_OR_RETURN(lhs, expr) \
  ASSIGN_OR_RETURN_IMPL_(X86DIFF_CONCAT_(x86diff_statusor_, __LINE__), lhs, expr)
#define ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                           \
  if (!tmp.ok()) return tmp.status();          \
  lhs = std::move(tmp).value()

#endif  // X86DIFF_HARNESS_STATUS_MACROS_H_

#include "tools/x86diff/exit_code.h"

namespace x86diff::cli {

int ExitCodeForStatus(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kOk:
      return kExitOk;
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kNotFound:
      return kExitUsage;
    default:
      return kExitProblem;
  }
}

}  // namespace x86diff::cli

#include "adapters/executor_registry.h"

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "adapters/plugin/plugin_executor.h"
#include "kvm/kvm_executor.h"

#ifdef X86DIFF_HAVE_NATIVE
#include "adapters/native/native_executor.h"
#endif
#ifdef X86DIFF_HAVE_UNICORN
#include "adapters/unicorn/unicorn_executor.h"
#endif

namespace x86diff {
namespace {

// Upcasts the concrete executor a Create() returned.
template <typename T>
absl::StatusOr<std::unique_ptr<Executor>> Upcast(absl::StatusOr<std::unique_ptr<T>> created) {
  if (!created.ok()) return created.status();
  return std::unique_ptr<Executor>(*std::move(created));
}

absl::StatusOr<std::unique_ptr<Executor>> CreateBuiltIn(const std::string& name) {
#ifdef X86DIFF_HAVE_NATIVE
  if (name == "native") return Upcast(NativeExecutor::Create());
#endif
#ifdef X86DIFF_HAVE_UNICORN
  // The contained form: an input that makes Unicorn abort() is a kCrash result, not our death.
  if (name == "unicorn") return Upcast(UnicornExecutor::Create());
#endif
  if (name == "kvm") return Upcast(kvm::KvmExecutor::Create());
  return absl::InvalidArgumentError(absl::StrCat(
      "unknown executor \"", name, "\"; known: ", absl::StrJoin(AvailableExecutorNames(), ", ")));
}

}  // namespace

std::vector<std::string> AvailableExecutorNames() {
  std::vector<std::string> names;
#ifdef X86DIFF_HAVE_NATIVE
  names.push_back("native");
#endif
#ifdef X86DIFF_HAVE_UNICORN
  names.push_back("unicorn");
#endif
  names.push_back("kvm");
  return names;
}

absl::StatusOr<std::vector<std::unique_ptr<Executor>>> MakeExecutors(
    const ExecutorSelection& selection, std::vector<std::string>* notes) {
  const bool defaults = selection.names.empty();
  const std::vector<std::string> names = defaults ? AvailableExecutorNames() : selection.names;
  const std::vector<std::string> known = AvailableExecutorNames();
  absl::flat_hash_set<std::string> seen;
  // Validate every name before starting anything (executors start processes and VMs).
  for (const std::string& name : names) {
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown executor \"", name, "\"; known: ", absl::StrJoin(known, ", ")));
    }
    if (!seen.insert(name).second) {
      return absl::InvalidArgumentError(absl::StrCat("executor \"", name, "\" named twice"));
    }
  }

  std::vector<std::unique_ptr<Executor>> executors;
  for (const std::string& name : names) {
    absl::StatusOr<std::unique_ptr<Executor>> created = CreateBuiltIn(name);
    if (!created.ok()) {
      if (defaults && name == "kvm") {
        if (notes != nullptr) {
          notes->push_back(absl::StrCat("kvm skipped: ", created.status().message()));
        }
        continue;
      }
      return absl::Status(created.status().code(),
                          absl::StrCat(name, ": ", created.status().message()));
    }
    executors.push_back(*std::move(created));
  }
  for (const std::string& path : selection.plugin_paths) {
    absl::StatusOr<std::unique_ptr<Executor>> created = Upcast(PluginExecutor::Create(path));
    if (!created.ok()) {
      return absl::Status(created.status().code(),
                          absl::StrCat("plugin ", path, ": ", created.status().message()));
    }
    executors.push_back(*std::move(created));
  }
  return executors;
}

}  // namespace x86diff

// The composition root for execution oracles: the one place that knows every executor this build
// can create (native CPU, Unicorn, KVM, plugins) and which of them this machine can run.
#ifndef X86DIFF_ADAPTERS_EXECUTOR_REGISTRY_H_
#define X86DIFF_ADAPTERS_EXECUTOR_REGISTRY_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "harness/executor.h"

namespace x86diff {

struct ExecutorSelection {
  // Built-in executors by name ("native", "unicorn", "kvm"), created in the order given. Empty:
  // the default set, every built-in executor this build has and this machine can run, in the
  // order of AvailableExecutorNames(); KVM is left out (with a note) when /dev/kvm cannot be used.
  std::vector<std::string> names;
  // Plugin shared objects (adapters/plugin), created after the built-in executors, in order.
  std::vector<std::string> plugin_paths;
};

// Names of the built-in executors compiled into this build, in canonical order (a subset of
// "native", "unicorn", "kvm"). Whether they run on this machine is only known at creation.
std::vector<std::string> AvailableExecutorNames();

// Creates the selected executors; the caller owns them. Errors:
//  - InvalidArgument for an unknown or repeated name (the message lists the known names);
//  - an explicitly named executor that cannot be created passes its status on, prefixed with the
//    name (e.g. "kvm: Unavailable: cannot open /dev/kvm ..."); so does a plugin (prefixed with
//    its path);
//  - in the default set, native and Unicorn failing to start is an error too (they need nothing
//    but this process), while KVM being unavailable is not: it is skipped and, if `notes` is not
//    null, a one-line note saying why is appended to it.
// May return an empty list (e.g. only plugins asked for and none given); callers decide whether
// that is enough.
absl::StatusOr<std::vector<std::unique_ptr<Executor>>> MakeExecutors(
    const ExecutorSelection& selection, std::vector<std::string>* notes = nullptr);

}  // namespace x86diff

#endif  // X86DIFF_ADAPTERS_EXECUTOR_REGISTRY_H_

#include "adapters/plugin/plugin_executor.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "adapters/plugin/loaded_plugin.h"
#include "harness/status_macros.h"

namespace x86diff {

absl::StatusOr<std::unique_ptr<PluginExecutor>> PluginExecutor::Create(
    const std::string& path, const PluginExecutorOptions& options) {
  WorkerOptions worker_options = options.worker;
  if (worker_options.label.empty()) worker_options.label = absl::StrCat("plugin ", path);
  ASSIGN_OR_RETURN(std::unique_ptr<WorkerExecutor> worker,
                   WorkerExecutor::Start(
                       [path]() -> absl::StatusOr<std::unique_ptr<Executor>> {
                         ASSIGN_OR_RETURN(std::unique_ptr<LoadedPlugin> plugin,
                                          LoadedPlugin::Load(path));
                         return std::unique_ptr<Executor>(std::move(plugin));
                       },
                       std::move(worker_options)));
  return std::unique_ptr<PluginExecutor>(new PluginExecutor(std::move(worker)));
}

}  // namespace x86diff

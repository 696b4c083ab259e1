// LoadedPlugin: an x86diff plugin (x86diff_plugin.h) loaded into the calling process with
// dlopen(), one instance per supported mode, usable as an Executor. PluginExecutor runs it in a
// worker process; load it in-process only where a crashing plugin may take the process down.
#ifndef X86DIFF_ADAPTERS_PLUGIN_LOADED_PLUGIN_H_
#define X86DIFF_ADAPTERS_PLUGIN_LOADED_PLUGIN_H_

#include <array>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "adapters/common/scratch_contents_cache.h"
#include "adapters/plugin/plugin_abi.h"
#include "adapters/plugin/x86diff_plugin.h"
#include "harness/executor.h"

namespace x86diff {

// name() is the plugin's name, provenance kSoftwareEmulator, SupportsMode() the modes whose
// create() succeeded. Execute() calls run(); its non-zero return is Internal with the plugin's
// detail text; an unsupported mode is FailedPrecondition. Not thread-safe.
class LoadedPlugin final : public Executor {
 public:
  // Loads `path` (a path without '/' is taken relative to the working directory, not searched
  // in the library path) and creates an instance for every mode. Errors name the path and the
  // problem: NotFound for a missing file or a missing x86diff_plugin_v1_entry symbol,
  // InvalidArgument for a file dlopen() rejects or an incomplete entry table,
  // FailedPrecondition for an ABI version mismatch or when create() fails for every mode
  // (with each mode's reason).
  static absl::StatusOr<std::unique_ptr<LoadedPlugin>> Load(const std::string& path);
  ~LoadedPlugin() override;  // destroys the instances, then dlclose()

  absl::string_view name() const override { return name_; }
  Provenance provenance() const override { return Provenance::kSoftwareEmulator; }
  bool SupportsMode(Mode mode) const override;
  absl::StatusOr<ExecResult> Execute(const TestCase& test_case) override;

 private:
  LoadedPlugin(std::string path, void* handle, const x86diff_plugin_v1* entry);
  absl::Status CreateInstances();

  const std::string path_;
  void* const handle_;
  const x86diff_plugin_v1* const entry_;
  const std::string name_;
  std::array<void*, kAllModes.size()> instances_{};  // by Mode value; null = unsupported
  ScratchContentsCache scratch_cache_;
  PluginCallBuffers buffers_;
};

}  // namespace x86diff

#endif  // X86DIFF_ADAPTERS_PLUGIN_LOADED_PLUGIN_H_

#include "adapters/plugin/loaded_plugin.h"

#include <dlfcn.h>
#include <sys/stat.h>

#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "harness/status_macros.h"

namespace x86diff {

namespace {

constexpr size_t kCreateErrorBytes = 512;

std::string DlError() {
  const char* error = dlerror();
  return error != nullptr ? error : "unknown error";
}

}  // namespace

absl::StatusOr<std::unique_ptr<LoadedPlugin>> LoadedPlugin::Load(const std::string& path) {
  struct stat info;
  if (stat(path.c_str(), &info) != 0) {
    return absl::NotFoundError(absl::StrCat("plugin ", path, ": no such file"));
  }
  // dlopen() searches the library path for names without a slash; a plugin is a file.
  const std::string load_path = path.find('/') == std::string::npos ? "./" + path : path;
  // RTLD_LOCAL: the plugin's symbols must not interpose on x86diff's or another plugin's.
  void* handle = dlopen(load_path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (handle == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("plugin ", path, ": cannot be loaded: ", DlError()));
  }
  dlerror();
  auto entry_function =
      reinterpret_cast<x86diff_plugin_v1_entry_fn>(dlsym(handle, X86DIFF_PLUGIN_ENTRY_SYMBOL));
  if (entry_function == nullptr) {
    dlclose(handle);
    return absl::NotFoundError(absl::StrCat("plugin ", path, ": does not export ",
                                            X86DIFF_PLUGIN_ENTRY_SYMBOL,
                                            " (not an x86diff plugin, or the symbol is hidden)"));
  }
  const x86diff_plugin_v1* entry = entry_function();
  absl::Status problem;
  if (entry == nullptr) {
    problem = absl::InvalidArgumentError(
        absl::StrCat("plugin ", path, ": ", X86DIFF_PLUGIN_ENTRY_SYMBOL, "() returned NULL"));
  } else if (entry->abi_version != X86DIFF_PLUGIN_ABI_VERSION) {
    problem = absl::FailedPreconditionError(absl::StrCat(
        "plugin ", path, ": ABI version mismatch: the plugin was built for version ",
        entry->abi_version, ", this x86diff supports version ", X86DIFF_PLUGIN_ABI_VERSION,
        "; rebuild it against this x86diff's x86diff_plugin.h"));
  } else if (entry->name == nullptr || entry->name[0] == '\0' || entry->create == nullptr ||
             entry->destroy == nullptr || entry->run == nullptr) {
    problem = absl::InvalidArgumentError(absl::StrCat(
        "plugin ", path, ": incomplete entry table (name, create, destroy and run are required)"));
  }
  if (!problem.ok()) {
    dlclose(handle);
    return problem;
  }
  std::unique_ptr<LoadedPlugin> plugin(new LoadedPlugin(path, handle, entry));
  RETURN_IF_ERROR(plugin->CreateInstances());
  return plugin;
}

LoadedPlugin::LoadedPlugin(std::string path, void* handle, const x86diff_plugin_v1* entry)
    : path_(std::move(path)), handle_(handle), entry_(entry), name_(entry->name) {}

LoadedPlugin::~LoadedPlugin() {
  for (void* instance : instances_) {
    if (instance != nullptr) entry_->destroy(instance);
  }
  dlclose(handle_);
}

absl::Status LoadedPlugin::CreateInstances() {
  std::vector<std::string> failures;
  for (Mode mode : kAllModes) {
    char error[kCreateErrorBytes] = {};
    void* instance = entry_->create(static_cast<uint32_t>(mode), error, sizeof(error));
    if (instance == nullptr) {
      error[sizeof(error) - 1] = '\0';
      failures.push_back(
          absl::StrCat(ModeName(mode), ": ", error[0] != '\0' ? error : "no reason given"));
      continue;
    }
    instances_[static_cast<int>(mode)] = instance;
  }
  if (failures.size() < kAllModes.size()) return absl::OkStatus();
  return absl::FailedPreconditionError(
      absl::StrCat("plugin ", path_, " (", name_,
                   "): create() failed for every mode: ", absl::StrJoin(failures, "; ")));
}

bool LoadedPlugin::SupportsMode(Mode mode) const {
  return instances_[static_cast<int>(mode)] != nullptr;
}

absl::StatusOr<ExecResult> LoadedPlugin::Execute(const TestCase& test_case) {
  void* instance = instances_[static_cast<int>(test_case.mode)];
  if (instance == nullptr) {
    return absl::FailedPreconditionError(
        absl::StrCat("plugin ", name_, " does not support mode ", ModeName(test_case.mode)));
  }
  const absl::Span<const uint8_t> scratch = scratch_cache_.For(test_case);
  buffers_.initial_scratch.assign(scratch.begin(), scratch.end());
  x86diff_plugin_case plugin_case;
  x86diff_plugin_result result;
  PreparePluginCall(test_case.mode, test_case.code, InitialState(test_case), buffers_, plugin_case,
                    result);
  const int rc = entry_->run(instance, &plugin_case, &result);
  // Read back only through x86diff's own buffers, whatever the plugin did to the pointers.
  result.scratch = buffers_.final_scratch.data();
  result.scratch_size = buffers_.final_scratch.size();
  buffers_.detail.back() = '\0';
  result.detail = buffers_.detail.data();
  result.detail_size = buffers_.detail.size();
  if (rc != 0) {
    return absl::InternalError(absl::StrCat("plugin ", name_, ": run() failed (", rc,
                                            "): ", absl::string_view(buffers_.detail.data())));
  }
  return ExecResultFromPlugin(plugin_case, result);
}

}  // namespace x86diff

// The Unicorn engine behind the x86diff plugin ABI: x86diff_unicorn_plugin.so. It reports exactly
// what UnicornExecutor reports (tests/adapters/plugin pins that), so it exercises the plugin path
// end to end with a real emulator, and it shows how a C++ emulator wraps itself as a plugin.
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "adapters/plugin/plugin_abi.h"
#include "adapters/plugin/x86diff_plugin.h"
#include "adapters/unicorn/unicorn_engine.h"
#include "harness/memory_layout.h"

namespace x86diff {
namespace {

void* CreateInstance(uint32_t mode, char* error, size_t error_size) {
  if (mode > static_cast<uint32_t>(kModeMaxValue)) {
    CopyPluginText(absl::StrCat("unknown mode ", mode), error, error_size);
    return nullptr;
  }
  absl::StatusOr<std::unique_ptr<UnicornEngine>> engine =
      UnicornEngine::Create(static_cast<Mode>(mode));
  if (!engine.ok()) {
    CopyPluginText(engine.status().ToString(), error, error_size);
    return nullptr;
  }
  return engine->release();
}

void DestroyInstance(void* instance) { delete static_cast<UnicornEngine*>(instance); }

int RunCase(void* instance, const x86diff_plugin_case* plugin_case, x86diff_plugin_result* result) {
  auto* engine = static_cast<UnicornEngine*>(instance);
  const MemoryLayout& layout = LayoutFor(engine->mode());
  // The engine maps memory once, at the layout's addresses: a host with another layout is a
  // set-up error, not a guest outcome.
  if (plugin_case->mode != static_cast<uint32_t>(engine->mode()) ||
      plugin_case->code_address != layout.code_address ||
      plugin_case->scratch_address != layout.scratch_address) {
    CopyPluginText(absl::StrCat("case for mode ", plugin_case->mode, " at code 0x",
                                absl::Hex(plugin_case->code_address), " scratch 0x",
                                absl::Hex(plugin_case->scratch_address),
                                " does not match this instance's layout"),
                   result->detail, result->detail_size);
    return 1;
  }
  absl::StatusOr<ExecResult> exec =
      engine->Run(absl::MakeConstSpan(plugin_case->code, plugin_case->code_size),
                  InitialStateFromPluginCase(*plugin_case),
                  absl::MakeConstSpan(plugin_case->scratch, plugin_case->scratch_size));
  if (!exec.ok()) {
    CopyPluginText(exec.status().ToString(), result->detail, result->detail_size);
    return 1;
  }
  FillPluginResult(*exec, *plugin_case, *result);
  return 0;
}

// Not "unicorn": a run may use this plugin next to UnicornExecutor, and names identify targets.
constexpr x86diff_plugin_v1 kEntry = {
    X86DIFF_PLUGIN_ABI_VERSION, "unicorn-plugin", &CreateInstance, &DestroyInstance, &RunCase,
};

}  // namespace
}  // namespace x86diff

extern "C" X86DIFF_PLUGIN_EXPORT const x86diff_plugin_v1* x86diff_plugin_v1_entry(void) {
  return &x86diff::kEntry;
}

/* Test plugin: create() fails for every mode, with a reason. */
#include <stdio.h>

#include "x86diff_plugin.h"

static void* failing_create(uint32_t mode, char* error, size_t error_size) {
  snprintf(error, error_size, "licence file missing (mode %u)", (unsigned)mode);
  return NULL;
}
static void failing_destroy(void* instance) { (void)instance; }
static int failing_run(void* instance, const x86diff_plugin_case* test_case,
                       x86diff_plugin_result* result) {
  (void)instance;
  (void)test_case;
  (void)result;
  return 1;
}

static const x86diff_plugin_v1 kFailingPlugin = {
    X86DIFF_PLUGIN_ABI_VERSION, "failing", failing_create, failing_destroy, failing_run,
};

X86DIFF_PLUGIN_EXPORT const x86diff_plugin_v1* x86diff_plugin_v1_entry(void) {
  return &kFailingPlugin;
}

/* Test plugin: claims an ABI version this x86diff does not support. */
#include <stddef.h>

#include "x86diff_plugin.h"

static void* never_create(uint32_t mode, char* error, size_t error_size) {
  (void)mode;
  (void)error;
  (void)error_size;
  return NULL;
}
static void never_destroy(void* instance) { (void)instance; }
static int never_run(void* instance, const x86diff_plugin_case* test_case,
                     x86diff_plugin_result* result) {
  (void)instance;
  (void)test_case;
  (void)result;
  return 1;
}

static const x86diff_plugin_v1 kFuturePlugin = {
    X86DIFF_PLUGIN_ABI_VERSION + 1, "future", never_create, never_destroy, never_run,
};

X86DIFF_PLUGIN_EXPORT const x86diff_plugin_v1* x86diff_plugin_v1_entry(void) {
  return &kFuturePlugin;
}

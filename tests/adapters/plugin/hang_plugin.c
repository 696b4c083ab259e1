/* Test plugin: runs `90` (nop) and never returns from run() on anything else. */
#include <stdlib.h>

#include "x86diff_plugin.h"

static void* hang_create(uint32_t mode, char* error, size_t error_size) {
  (void)mode;
  (void)error;
  (void)error_size;
  return malloc(1);
}

static void hang_destroy(void* instance) { free(instance); }

static int hang_run(void* instance, const x86diff_plugin_case* test_case,
                    x86diff_plugin_result* result) {
  volatile int forever = 1;
  (void)instance;
  if (test_case->code_size == 1 && test_case->code[0] == 0x90) {
    result->rip = test_case->code_address + 1;
    result->length = 1;
    return 0;
  }
  while (forever) {
  }
  return 0;
}

static const x86diff_plugin_v1 kHangPlugin = {
    X86DIFF_PLUGIN_ABI_VERSION, "hang", hang_create, hang_destroy, hang_run,
};

X86DIFF_PLUGIN_EXPORT const x86diff_plugin_v1* x86diff_plugin_v1_entry(void) {
  return &kHangPlugin;
}

/* Test plugin: runs `90` (nop) like a real emulator and crashes (null dereference) on anything
 * else, after writing a line to stderr that x86diff should show in the crash detail. */
#include <stdio.h>
#include <stdlib.h>

#include "x86diff_plugin.h"

static void* crash_create(uint32_t mode, char* error, size_t error_size) {
  (void)mode;
  (void)error;
  (void)error_size;
  return malloc(1);
}

static void crash_destroy(void* instance) { free(instance); }

static int crash_run(void* instance, const x86diff_plugin_case* test_case,
                     x86diff_plugin_result* result) {
  (void)instance;
  if (test_case->code_size == 1 && test_case->code[0] == 0x90) {
    result->rip = test_case->code_address + 1;
    result->length = 1;
    return 0;
  }
  fprintf(stderr, "crash plugin: dereferencing NULL now\n");
  fflush(stderr);
  return *(volatile int*)NULL;
}

static const x86diff_plugin_v1 kCrashPlugin = {
    X86DIFF_PLUGIN_ABI_VERSION, "crash", crash_create, crash_destroy, crash_run,
};

X86DIFF_PLUGIN_EXPORT const x86diff_plugin_v1* x86diff_plugin_v1_entry(void) {
  return &kCrashPlugin;
}

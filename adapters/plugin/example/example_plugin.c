/*
 * A minimal x86diff plugin: a toy emulator that understands three instructions in 64-bit mode,
 *   90        nop
 *   48 01 d8  add rax, rbx   (with CF, PF, AF, ZF, SF, OF)
 *   cc        int3           (#BP, a trap: rip points after it)
 * and reports every other instruction as unsupported. Copy this file to start your own plugin:
 * keep the entry table and replace run() with calls into your emulator.
 *
 * Build:  cc -std=c99 -O2 -shared -fPIC -I<x86diff>/adapters/plugin example_plugin.c \
 *             -o example_plugin.so
 * Run:    x86diff run --plugin=./example_plugin.so ...
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "x86diff_plugin.h"

/* One instance per mode; this toy keeps no state, a real emulator keeps its CPU here. */
typedef struct example_instance {
  uint32_t mode;
} example_instance;

static void* example_create(uint32_t mode, char* error, size_t error_size) {
  example_instance* instance;
  if (mode != X86DIFF_PLUGIN_MODE_LONG64) {
    /* x86diff skips modes whose create() fails: a plugin may support only some. */
    snprintf(error, error_size, "the example plugin emulates 64-bit mode only");
    return NULL;
  }
  instance = (example_instance*)malloc(sizeof(*instance));
  if (instance == NULL) {
    snprintf(error, error_size, "out of memory");
    return NULL;
  }
  instance->mode = mode;
  return instance;
}

static void example_destroy(void* instance) { free(instance); }

static int parity_even(uint64_t value) {
  unsigned bits = (unsigned)(value & 0xff);
  int ones = 0;
  while (bits != 0) {
    ones += (int)(bits & 1);
    bits >>= 1;
  }
  return (ones & 1) == 0;
}

/* add rax, rbx: SDM Vol. 2 ADD sets OF, SF, ZF, AF, CF and PF according to the result. */
static void add_rax_rbx(x86diff_plugin_result* result) {
  const uint64_t a = result->gpr[X86DIFF_PLUGIN_RAX];
  const uint64_t b = result->gpr[X86DIFF_PLUGIN_RBX];
  const uint64_t sum = a + b;
  uint64_t flags =
      result->rflags &
      ~(uint64_t)(X86DIFF_PLUGIN_RFLAGS_CF | X86DIFF_PLUGIN_RFLAGS_PF | X86DIFF_PLUGIN_RFLAGS_AF |
                  X86DIFF_PLUGIN_RFLAGS_ZF | X86DIFF_PLUGIN_RFLAGS_SF | X86DIFF_PLUGIN_RFLAGS_OF);
  if (sum < a) flags |= X86DIFF_PLUGIN_RFLAGS_CF;
  if (parity_even(sum)) flags |= X86DIFF_PLUGIN_RFLAGS_PF;
  if (((a ^ b ^ sum) & 0x10) != 0) flags |= X86DIFF_PLUGIN_RFLAGS_AF;
  if (sum == 0) flags |= X86DIFF_PLUGIN_RFLAGS_ZF;
  if ((sum >> 63) != 0) flags |= X86DIFF_PLUGIN_RFLAGS_SF;
  if ((((a ^ sum) & (b ^ sum)) >> 63) != 0) flags |= X86DIFF_PLUGIN_RFLAGS_OF;
  result->gpr[X86DIFF_PLUGIN_RAX] = sum;
  result->rflags = flags;
}

/* x86diff prefilled *result with the initial registers (rip = code address) and status
 * COMPLETED: the emulator only updates what the code changes. */
static int example_run(void* instance, const x86diff_plugin_case* test_case,
                       x86diff_plugin_result* result) {
  static const uint8_t kAddRaxRbx[] = {0x48, 0x01, 0xd8};
  uint32_t offset = 0;
  (void)instance;
  while (offset < test_case->code_size) {
    const uint8_t* bytes = test_case->code + offset;
    const uint32_t left = test_case->code_size - offset;
    if (bytes[0] == 0x90) {
      offset += 1;
    } else if (left >= sizeof(kAddRaxRbx) && memcmp(bytes, kAddRaxRbx, sizeof(kAddRaxRbx)) == 0) {
      add_rax_rbx(result);
      offset += (uint32_t)sizeof(kAddRaxRbx);
    } else if (bytes[0] == 0xcc) {
      result->status = X86DIFF_PLUGIN_STATUS_FAULT;
      result->vector = X86DIFF_PLUGIN_VECTOR_BP;
      result->rip = test_case->code_address + offset + 1; /* a trap reports the next insn */
      if (offset == 0) result->length = 1;
      return 0;
    } else {
      result->status = X86DIFF_PLUGIN_STATUS_UNSUPPORTED;
      result->rip = test_case->code_address + offset;
      snprintf(result->detail, result->detail_size,
               "example plugin: unknown instruction byte 0x%02x at offset %u", bytes[0],
               (unsigned)offset);
      return 0;
    }
    result->rip = test_case->code_address + offset;
  }
  result->length = test_case->code_size;
  return 0;
}

static const x86diff_plugin_v1 kExamplePlugin = {
    X86DIFF_PLUGIN_ABI_VERSION, "example", example_create, example_destroy, example_run,
};

X86DIFF_PLUGIN_EXPORT const x86diff_plugin_v1* x86diff_plugin_v1_entry(void) {
  return &kExamplePlugin;
}

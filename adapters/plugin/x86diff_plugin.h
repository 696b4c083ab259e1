/*
 * x86diff plugin ABI, version 1: plug your own x86 emulator into x86diff as an execution oracle.
 *
 * A plugin is a shared object that exports one function, x86diff_plugin_v1_entry(), returning a
 * static table (x86diff_plugin_v1) with a name and three functions: create an emulator instance
 * for a processor mode, run one test case on it, destroy it. Everything crosses the boundary as
 * the plain C structs below; this header is self-contained, compiles as C99 and C++, and is the
 * only thing a plugin needs from x86diff. Copy adapters/plugin/example/example_plugin.c to start.
 *
 * How x86diff uses a plugin:
 *  - It dlopen()s the plugin in a separate worker process, never in the harness itself: a plugin
 *    that crashes (any signal) or hangs in run() is reported as a "crash" / "timeout" outcome of
 *    that test case, and the worker is restarted (dlopen and create() run again).
 *  - It calls create() once per mode it wants to use, at startup, and keeps the instance for many
 *    cases: make run() cheap and keep set-up work in create().
 *  - All calls come from one thread, one at a time; an instance is never used concurrently.
 *  - The plugin's stdout and stderr go to a private buffer; their last lines are shown when the
 *    plugin crashes.
 *
 * The test case model (the same for every x86diff executor):
 *  - The code is placed at code_address, at the start of a code page (4 KiB) that is readable and
 *    executable; the page after it is never mapped. The code ends at code_address + code_size;
 *    reaching that address is normal completion.
 *  - Scratch memory (scratch_size bytes at scratch_address) is readable and writable; the stack
 *    lives at its top. Nothing else is mapped.
 *  - 16-bit modes live below 64 KiB with all segment bases 0; 32/64-bit modes use flat segments.
 *  - Code runs as user-mode (CPL 3) code would under Linux: privileged instructions fault.
 *  - Report what your emulator does. Where it cannot tell something exactly (e.g. it does not
 *    model error codes), set the matching X86DIFF_PLUGIN_IMPRECISE_* bit instead of guessing:
 *    x86diff then does not count differences in that field against you.
 */
#ifndef X86DIFF_PLUGIN_H_
#define X86DIFF_PLUGIN_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The ABI version this header describes. x86diff refuses plugins built for another version. */
#define X86DIFF_PLUGIN_ABI_VERSION 1
/* The one symbol a plugin exports. */
#define X86DIFF_PLUGIN_ENTRY_SYMBOL "x86diff_plugin_v1_entry"

/* Processor modes (x86diff_plugin_case.mode, create()'s mode). */
#define X86DIFF_PLUGIN_MODE_REAL16 0u   /* real mode, 16-bit code */
#define X86DIFF_PLUGIN_MODE_PROT16 1u   /* 16-bit protected mode */
#define X86DIFF_PLUGIN_MODE_PROT32 2u   /* 32-bit protected mode */
#define X86DIFF_PLUGIN_MODE_COMPAT32 3u /* 32-bit code under a 64-bit kernel */
#define X86DIFF_PLUGIN_MODE_LONG64 4u   /* 64-bit mode */

/* Outcomes (x86diff_plugin_result.status). */
#define X86DIFF_PLUGIN_STATUS_COMPLETED 0u /* ran to code_address + code_size */
#define X86DIFF_PLUGIN_STATUS_FAULT 1u     /* raised an exception: fill vector etc. */
#define X86DIFF_PLUGIN_STATUS_SYSCALL 2u   /* reached syscall/sysenter/int 0x80: stop there */
#define X86DIFF_PLUGIN_STATUS_TIMEOUT 3u   /* gave up: instruction or time budget exhausted */
#define X86DIFF_PLUGIN_STATUS_CRASH 4u     /* the emulator failed internally on this case */
/* The emulator does not model this (instruction, feature); the case says nothing about it. */
#define X86DIFF_PLUGIN_STATUS_UNSUPPORTED 5u

/* Exception vectors commonly reported (SDM Vol. 3 Table 6-1); any 0..255 is valid. */
#define X86DIFF_PLUGIN_VECTOR_DE 0u  /* divide error */
#define X86DIFF_PLUGIN_VECTOR_DB 1u  /* debug */
#define X86DIFF_PLUGIN_VECTOR_BP 3u  /* breakpoint (int3) */
#define X86DIFF_PLUGIN_VECTOR_UD 6u  /* invalid opcode */
#define X86DIFF_PLUGIN_VECTOR_GP 13u /* general protection */
#define X86DIFF_PLUGIN_VECTOR_PF 14u /* page fault */

/* Fields the emulator could not determine exactly (x86diff_plugin_result.imprecise). */
#define X86DIFF_PLUGIN_IMPRECISE_VECTOR (1u << 0)
#define X86DIFF_PLUGIN_IMPRECISE_ERROR_CODE (1u << 1)
#define X86DIFF_PLUGIN_IMPRECISE_FAULT_ADDRESS (1u << 2)
#define X86DIFF_PLUGIN_IMPRECISE_LENGTH (1u << 3)
#define X86DIFF_PLUGIN_IMPRECISE_REGISTERS (1u << 4)
#define X86DIFF_PLUGIN_IMPRECISE_MEMORY (1u << 5)

/* Indices into the gpr arrays: x86 register numbers. Outside 64-bit mode only RAX..RDI exist
 * (as EAX..EDI / AX..DI); R8..R15 are passed in and should be returned unchanged. */
enum {
  X86DIFF_PLUGIN_RAX = 0,
  X86DIFF_PLUGIN_RCX = 1,
  X86DIFF_PLUGIN_RDX = 2,
  X86DIFF_PLUGIN_RBX = 3,
  X86DIFF_PLUGIN_RSP = 4,
  X86DIFF_PLUGIN_RBP = 5,
  X86DIFF_PLUGIN_RSI = 6,
  X86DIFF_PLUGIN_RDI = 7,
  X86DIFF_PLUGIN_R8 = 8,
  X86DIFF_PLUGIN_R15 = 15,
  X86DIFF_PLUGIN_GPR_COUNT = 16
};

/* RFLAGS bits that cases set and results report: CF, PF, AF, ZF, SF, OF and DF, plus bit 1, which
 * always reads as 1. Other bits are ignored on input and masked on output. */
#define X86DIFF_PLUGIN_RFLAGS_CF (1u << 0)
#define X86DIFF_PLUGIN_RFLAGS_FIXED1 (1u << 1)
#define X86DIFF_PLUGIN_RFLAGS_PF (1u << 2)
#define X86DIFF_PLUGIN_RFLAGS_AF (1u << 4)
#define X86DIFF_PLUGIN_RFLAGS_ZF (1u << 6)
#define X86DIFF_PLUGIN_RFLAGS_SF (1u << 7)
#define X86DIFF_PLUGIN_RFLAGS_DF (1u << 10)
#define X86DIFF_PLUGIN_RFLAGS_OF (1u << 11)

/* One test case. Read-only for the plugin; every pointer is owned by x86diff and valid only
 * during the run() call that receives it. */
typedef struct x86diff_plugin_case {
  uint32_t mode;      /* X86DIFF_PLUGIN_MODE_*, always the mode the instance was created for */
  uint32_t code_size; /* bytes at `code`: 0..64 (one instruction or a short sequence) */
  const uint8_t* code;
  uint64_t code_address;   /* guest address of code[0]: the start of the code page */
  uint64_t code_page_size; /* bytes in the code page (4096); the next page is never mapped */
  uint64_t gpr[X86DIFF_PLUGIN_GPR_COUNT]; /* initial registers, zero-extended to 64 bits */
  uint64_t rflags;                        /* initial RFLAGS (see X86DIFF_PLUGIN_RFLAGS_*) */
  uint64_t scratch_address;               /* guest address of scratch[0] */
  uint64_t scratch_size;                  /* bytes at `scratch` (8192 today) */
  const uint8_t* scratch;                 /* initial scratch contents */
} x86diff_plugin_case;

/* What happened. x86diff fills the struct before calling run(): status COMPLETED, every number
 * 0, gpr/rflags/rip with the initial values (rip = code_address), and `scratch` with a copy of
 * the initial scratch contents; so a plugin only writes what changed. */
typedef struct x86diff_plugin_result {
  uint32_t status; /* X86DIFF_PLUGIN_STATUS_* */
  /* FAULT only (ignored otherwise): */
  uint32_t vector;            /* exception vector 0..255 */
  uint32_t has_error_code;    /* 1 if error_code is known */
  uint32_t has_fault_address; /* 1 if fault_address is known (#PF: the linear address, CR2) */
  uint64_t error_code;
  uint64_t fault_address;
  /* Length in bytes of the first instruction as executed, 0 if unknown. For COMPLETED the
   * length of the whole code is expected. */
  uint32_t length;
  uint32_t imprecise; /* X86DIFF_PLUGIN_IMPRECISE_* bits */
  /* Registers at the end (COMPLETED), at the exception (FAULT: rip = the faulting instruction,
   * or the next one for traps such as int3, as the CPU would push it), or where the emulator
   * stopped. Zero-extended to 64 bits outside 64-bit mode. */
  uint64_t gpr[X86DIFF_PLUGIN_GPR_COUNT];
  uint64_t rflags;
  uint64_t rip;
  /* Caller-owned buffer of scratch_size bytes (same as the case's), prefilled with the initial
   * contents: write the final scratch contents here. x86diff derives the memory writes from it. */
  uint8_t* scratch;
  uint64_t scratch_size;
  /* Caller-owned text buffer of detail_size bytes, prefilled with an empty string: optional
   * human-readable explanation (why UNSUPPORTED, what crashed). Write a NUL-terminated string of
   * at most detail_size - 1 characters; x86diff shows it but never compares it. */
  char* detail;
  size_t detail_size;
} x86diff_plugin_result;

/* The plugin's entry table. Static storage, owned by the plugin, valid until dlclose(). */
typedef struct x86diff_plugin_v1 {
  /* Must be X86DIFF_PLUGIN_ABI_VERSION as the plugin was compiled against. */
  uint32_t abi_version;
  /* Target name: short, lower-case, stable ("myemu"); used in reports and divergence
   * signatures. Static storage. */
  const char* name;
  /* Creates an emulator instance for `mode` (X86DIFF_PLUGIN_MODE_*). On failure (including "mode
   * not supported") returns NULL and writes a NUL-terminated reason of at most error_size - 1
   * characters into `error` (caller-owned). x86diff skips the modes whose create() fails and
   * rejects the plugin if every mode fails. */
  void* (*create)(uint32_t mode, char* error, size_t error_size);
  /* Destroys an instance returned by create(). */
  void (*destroy)(void* instance);
  /* Runs one case on an instance (created for case->mode) and fills *result (see above). Returns
   * 0 when *result describes the case, whatever the guest code did (faults, timeouts and
   * unsupported instructions are results). Returns non-zero only when the plugin itself failed to
   * work (e.g. out of memory), with an explanation in result->detail; x86diff then reports an
   * infrastructure error. Must return: a plugin that crashes or does not return within x86diff's
   * time limit is reported as CRASH / TIMEOUT by x86diff. */
  int (*run)(void* instance, const x86diff_plugin_case* test_case, x86diff_plugin_result* result);
} x86diff_plugin_v1;

/* The one exported function: returns the plugin's static table (never NULL for a working
 * plugin). Declare it with default visibility, e.g. with X86DIFF_PLUGIN_EXPORT. */
#if defined(__GNUC__) || defined(__clang__)
#define X86DIFF_PLUGIN_EXPORT __attribute__((visibility("default")))
#else
#define X86DIFF_PLUGIN_EXPORT
#endif
X86DIFF_PLUGIN_EXPORT const x86diff_plugin_v1* x86diff_plugin_v1_entry(void);
/* Its type, for hosts that look it up with dlsym(). */
typedef const x86diff_plugin_v1* (*x86diff_plugin_v1_entry_fn)(void);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* X86DIFF_PLUGIN_H_ */

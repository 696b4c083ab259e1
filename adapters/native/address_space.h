// A clean address space for the native executor's child.
//
// The child is a fork of the parent, so it starts with everything the parent had mapped: its heap,
// its libraries and, in sanitizer builds, AddressSanitizer's shadow memory (about an eighth of the
// user address space, readable). A case that loads from a random address would then succeed or
// fault depending on how the parent was built and what it had allocated, not on the instruction.
// So after setup the child unmaps everything except what it still runs on: the binary that holds
// its own code and data (all mappings of that file plus the anonymous .bss right after them), its
// stack, and a few explicitly named addresses (the shared region). After that the child must not
// call into any other library, libc included.
//
// Child-side: raw syscalls only, no allocation, no TLS, no libc.
#ifndef X86DIFF_ADAPTERS_NATIVE_ADDRESS_SPACE_H_
#define X86DIFF_ADAPTERS_NATIVE_ADDRESS_SPACE_H_

#include <cstddef>
#include <cstdint>

namespace x86diff::native {

// Unmaps every mapping of the calling process that
//   - contains none of the `keep` addresses,
//   - is not backed by the same file (device and inode) as a mapping that contains one,
//   - is not an anonymous mapping directly after such a file mapping (its .bss continuation),
//   - is not in the kernel half ([vsyscall]).
// Reads /proc/self/maps (which needs a free file descriptor). Returns 0 or -errno.
int UnmapAllBut(const uint64_t* keep, size_t keep_count);

// Unregisters the calling thread's rseq area (registered by glibc 2.35+, inherited by fork). The
// kernel writes to that area on preemption; once the TLS block holding it is unmapped, the write
// would fail and the kernel would kill the process with SIGSEGV. `thread_pointer` is the FS base
// before the child zeroed it. Returns 0 (also when nothing was registered) or -errno.
int UnregisterRseq(uint64_t thread_pointer);

}  // namespace x86diff::native

#endif  // X86DIFF_ADAPTERS_NATIVE_ADDRESS_SPACE_H_

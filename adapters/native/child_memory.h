// Byte copy/fill/compare for the sandboxed child. Between cases the child runs with FS base = 0
// (see native_child.cc), so it must not call anything that may touch TLS; libc's mem* functions do
// not, but sanitizer and libFuzzer interceptors of them do. These helpers compile to string
// instructions and a plain loop (the files that use them are built with -fno-builtin, so the
// compiler cannot turn the loop back into a libc call), always inlined (see shared_region.h).
#ifndef X86DIFF_ADAPTERS_NATIVE_CHILD_MEMORY_H_
#define X86DIFF_ADAPTERS_NATIVE_CHILD_MEMORY_H_

#include <cstddef>
#include <cstdint>

namespace x86diff::native {

// Requires RFLAGS.DF = 0 (the SysV ABI state, which the child keeps).
__attribute__((always_inline)) inline void CopyBytes(void* destination, const void* source,
                                                     size_t count) {
  asm volatile("rep movsb" : "+D"(destination), "+S"(source), "+c"(count) : : "memory");
}

__attribute__((always_inline)) inline void FillBytes(void* destination, uint8_t value,
                                                     size_t count) {
  asm volatile("rep stosb" : "+D"(destination), "+c"(count) : "a"(value) : "memory");
}

// Word-wise OR of differences per 256-byte block (vectorisable, no early exit inside a block).
__attribute__((always_inline)) inline bool BytesEqual(const void* first, const void* second,
                                                      size_t count) {
  const uint8_t* a = static_cast<const uint8_t*>(first);
  const uint8_t* b = static_cast<const uint8_t*>(second);
  constexpr size_t kBlock = 256;
  size_t i = 0;
  for (; i + kBlock <= count; i += kBlock) {
    uint64_t difference = 0;
    for (size_t j = 0; j < kBlock; j += 8) {
      uint64_t x;
      uint64_t y;
      __builtin_memcpy(&x, a + i + j, 8);  // explicit builtin: always an inline load
      __builtin_memcpy(&y, b + i + j, 8);
      difference |= x ^ y;
    }
    if (difference != 0) return false;
  }
  for (; i < count; ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

}  // namespace x86diff::native

#endif  // X86DIFF_ADAPTERS_NATIVE_CHILD_MEMORY_H_

// Page-boundary length probing for instructions that do not complete (DESIGN.md, "KVM executor"):
// the first k code bytes are placed so that they end exactly where the never-mapped page begins.
// While k is shorter than the instruction, the CPU needs a byte from that page and takes an
// instruction-fetch #PF with RIP still at the instruction (SDM Vol. 3 6.5: faults are reported
// before the instruction executes; 4.7: error code bit 4, I/D, marks an instruction fetch). The
// smallest k without that fault is the length of the first instruction as this CPU fetches it.
//
// Notes: a k-byte prefix can only be a complete instruction when the instruction is at most k
// bytes long (decoding is left to right), so the predicate is monotonic in k. Other effects of a
// run (a different fault, RIP-relative operands that now point elsewhere, a jump) only mean "the
// instruction was fetched completely"; just the boundary fetch fault matters. For an instruction
// that raises #UD the CPU may stop fetching before a decoder's length (FACTS.md).
//
// Everything here runs in the sandboxed child between cases: no allocation, no TLS.
#ifndef X86DIFF_ADAPTERS_NATIVE_LENGTH_PROBE_H_
#define X86DIFF_ADAPTERS_NATIVE_LENGTH_PROBE_H_

#include <cstddef>
#include <cstdint>

namespace x86diff::native {

// What one placement run ended with. Trivial on purpose (no constructor the linker could take
// from an instrumented translation unit): value-initialise it, `ProbeObservation{}`.
struct ProbeObservation {
  bool signaled;  // false: reached the end, or was stopped by the timeout
  uint64_t trapno;
  uint64_t error_code;
  uint64_t fault_address;  // si_addr
  uint64_t rip;
};

// True when the run faulted fetching the instruction at `start` across `boundary` (#PF, I/D set,
// RIP == start, fault address in the page at `boundary`).
bool IsBoundaryFetchFault(const ProbeObservation& observation, uint64_t start, uint64_t boundary);

// Fills the code page [page, page + page_size) with 0xCC (int3) and copies the first k bytes of
// `code` to its end. Returns the offset of the first byte within the page.
size_t PlaceProbeBytes(uint8_t* page, size_t page_size, const uint8_t* code, size_t k);

// The smallest k in [1, max_k] for which fetch_faults(k) is false; 0 when every k faulted (the
// instruction continues beyond the bytes available). fetch_faults(k) runs the first k bytes placed
// against the boundary and reports IsBoundaryFetchFault().
template <typename FetchFaults>
size_t ProbeLength(size_t max_k, FetchFaults&& fetch_faults) {
  // Linear from 1: most instructions are short, and each run that faults costs a signal.
  for (size_t k = 1; k <= max_k; ++k) {
    if (!fetch_faults(k)) return k;
  }
  return 0;
}

}  // namespace x86diff::native

#endif  // X86DIFF_ADAPTERS_NATIVE_LENGTH_PROBE_H_

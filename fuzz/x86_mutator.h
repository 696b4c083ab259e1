// A structure-aware mutator for the binary TestCase encoding (harness/test_case_codec.h), used as
// libFuzzer's LLVMFuzzerCustomMutator / LLVMFuzzerCustomCrossOver by fuzz/decoder_diff.cc.
//
// It knows the parts of an x86 instruction: legacy prefixes, REX, VEX2/VEX3/EVEX/XOP prefixes,
// escape bytes (opcode maps), opcode, ModRM/SIB, displacement and immediate. Each call applies one
// mutation from a table of named mutations (libFuzzer's {fn, "Name"} style, see MutationNames()).
// Unparsable input is first repaired into a valid test case, so that every output is a valid
// version-1 encoding whose code is at most kMaxInstructionBytes long. Every output's mode is one
// of the allowed modes (X86DIFF_MODES, fuzz/allowed_modes.h): input in another mode is moved to
// an allowed one, and mutations that pick a mode pick among them.
//
// Thread-safety: the functions keep no state; they are safe to call concurrently on different
// buffers.
#ifndef X86DIFF_FUZZ_X86_MUTATOR_H_
#define X86DIFF_FUZZ_X86_MUTATOR_H_

#include <cstddef>
#include <cstdint>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "fuzz/allowed_modes.h"

namespace x86diff {

// libFuzzer's LLVMFuzzerMutate signature: mutates data[0, size) in place within max_size bytes
// and returns the new size.
using ByteMutator = size_t (*)(uint8_t* data, size_t size, size_t max_size);

// Encoded size of a test case without code: version, mode and code length bytes.
inline constexpr size_t kEncodedHeaderBytes = 3;

// Names of the mutations in table order (e.g. "ChangeMode", "SynthesizeEvex", "ByteMutate").
absl::Span<const absl::string_view> MutationNames();

struct MutationResult {
  size_t size = 0;        // new size of the encoded test case in `data`
  int mutation = -1;      // index into MutationNames() of the mutation applied; -1 if none fit
  bool repaired = false;  // the input did not parse and was rebuilt before mutating
};

// Mutates the encoded test case in data[0, size) in place and returns the details.
//
// Contract:
//  - `data` has room for `max_size` bytes. If max_size >= kEncodedHeaderBytes, the output is a
//    valid encoding (ParseTestCase succeeds) of at most max_size bytes whose code has at most
//    min(kMaxInstructionBytes, max_size - kEncodedHeaderBytes) bytes. If max_size is smaller,
//    nothing valid fits: data is left as is and size is min(size, max_size), mutation -1.
//  - Output is the compact version-1 form, except that a parsed input with execution state
//    (version-2 sections) keeps its sections when the result still fits max_size and parses.
//  - Input that does not parse is repaired: a known version byte keeps its mode byte (modulo the
//    number of allowed modes, as an index into them) and its code; anything else becomes code
//    bytes with a seed-chosen allowed mode.
//  - The output's mode is in `allowed_modes` (which must not be empty). A parsed input in another
//    mode is moved to the allowed mode at index (mode value % allowed_modes.size()); mutations
//    that change the mode choose among the allowed ones, and those that need a mode outside them
//    (AddOrFlipRex needs long64) do not apply. With every mode allowed the behaviour is exactly
//    that of an unrestricted run.
//  - Deterministic: the same (data, size, max_size, seed, allowed_modes) and a deterministic
//    `byte_mutate` give the same output. `byte_mutate` may be null; then a built-in byte mutation
//    is used.
MutationResult MutateTestCaseDetailed(uint8_t* data, size_t size, size_t max_size,
                                      unsigned int seed, ByteMutator byte_mutate,
                                      ModeSet allowed_modes = ModeSet::All());

// The LLVMFuzzerCustomMutator-shaped entry point: MutateTestCaseDetailed(...).size.
size_t MutateTestCase(uint8_t* data, size_t size, size_t max_size, unsigned int seed,
                      ByteMutator byte_mutate, ModeSet allowed_modes = ModeSet::All());

// The LLVMFuzzerCustomCrossOver-shaped entry point: splices the prefix part (legacy prefixes and
// REX/VEX/EVEX/XOP/escape bytes) of one parent with the opcode and operand bytes of the other,
// in a seed-chosen parent's mode. Parents that do not parse, or whose mode is not allowed, are
// repaired as above; execution-state sections are not inherited. Writes a valid version-1
// encoding of at most kMaxInstructionBytes code bytes, in an allowed mode, into
// out[0, max_out_size) and returns its size (0 if max_out_size is too small).
size_t CrossOverTestCases(const uint8_t* data1, size_t size1, const uint8_t* data2, size_t size2,
                          uint8_t* out, size_t max_out_size, unsigned int seed,
                          ModeSet allowed_modes = ModeSet::All());

}  // namespace x86diff

#endif  // X86DIFF_FUZZ_X86_MUTATOR_H_

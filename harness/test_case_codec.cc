#include "harness/test_case_codec.h"

#include "absl/strings/str_cat.h"
#include "harness/check.h"
#include "harness/memory_layout.h"
#include "harness/status_macros.h"

namespace x86diff {

namespace {

constexpr size_t kHeaderBytes = 3;
constexpr size_t kStateSectionBytes = 8 * (kGprCount + 1);

void PutU16(std::vector<uint8_t>& out, uint16_t value) {
  out.push_back(static_cast<uint8_t>(value));
  out.push_back(static_cast<uint8_t>(value >> 8));
}

void PutU64(std::vector<uint8_t>& out, uint64_t value) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<uint8_t>(value >> (8 * i)));
}

uint16_t GetU16(const uint8_t* p) { return static_cast<uint16_t>(p[0] | p[1] << 8); }

uint64_t GetU64(const uint8_t* p) {
  uint64_t value = 0;
  for (int i = 7; i >= 0; --i) value = value << 8 | p[i];
  return value;
}

absl::Status ParseSection(uint8_t tag, absl::Span<const uint8_t> payload, size_t offset,
                          TestCase& test_case) {
  switch (tag) {
    case kTestCaseSectionState: {
      if (test_case.initial_state.has_value()) {
        return absl::InvalidArgumentError(
            absl::StrCat("second state section at offset ", offset));
      }
      if (payload.size() != kStateSectionBytes) {
        return absl::InvalidArgumentError(absl::StrCat("state section at offset ", offset, " is ",
                                                       payload.size(), " bytes, expected ",
                                                       kStateSectionBytes));
      }
      CpuState state;
      for (int i = 0; i < kGprCount; ++i) state.gpr[i] = GetU64(payload.data() + 8 * i);
      state.rflags = GetU64(payload.data() + 8 * kGprCount);
      test_case.initial_state = state;
      return absl::OkStatus();
    }
    case kTestCaseSectionScratchPatch: {
      if (payload.size() < 2) {
        return absl::InvalidArgumentError(
            absl::StrCat("scratch patch at offset ", offset, " has no 2-byte offset"));
      }
      MemoryPatch patch;
      patch.offset = GetU16(payload.data());
      patch.bytes.assign(payload.begin() + 2, payload.end());
      const uint64_t scratch_size = LayoutFor(test_case.mode).scratch_size;
      if (patch.offset + patch.bytes.size() > scratch_size) {
        return absl::InvalidArgumentError(absl::StrCat(
            "scratch patch at offset ", offset, " covers bytes ", patch.offset, "..",
            patch.offset + patch.bytes.size(), " but scratch is ", scratch_size, " bytes"));
      }
      test_case.scratch_patches.push_back(std::move(patch));
      return absl::OkStatus();
    }
    default:
      return absl::InvalidArgumentError(
          absl::StrCat("unknown section tag ", tag, " at offset ", offset));
  }
}

// A well-formed version 1 case: header and code, no sections. ParseTestCase() accepts exactly
// these bytes, with mode bytes[1] and the code after the header.
bool IsPlainVersion1(absl::Span<const uint8_t> bytes) {
  return bytes.size() >= kHeaderBytes && bytes[0] == 1 && bytes[1] <= kModeMaxValue &&
         bytes[2] <= kMaxCodeBytes && bytes.size() == kHeaderBytes + bytes[2];
}

}  // namespace

std::vector<uint8_t> SerializeTestCase(const TestCase& test_case) {
  X86DIFF_CHECK(test_case.code.size() <= kMaxCodeBytes);
  const bool has_sections =
      test_case.initial_state.has_value() || !test_case.scratch_patches.empty();
  std::vector<uint8_t> out;
  out.reserve(kHeaderBytes + test_case.code.size());
  out.push_back(has_sections ? 2 : 1);
  out.push_back(static_cast<uint8_t>(test_case.mode));
  out.push_back(static_cast<uint8_t>(test_case.code.size()));
  out.insert(out.end(), test_case.code.begin(), test_case.code.end());
  if (test_case.initial_state.has_value()) {
    out.push_back(kTestCaseSectionState);
    PutU16(out, kStateSectionBytes);
    for (uint64_t value : test_case.initial_state->gpr) PutU64(out, value);
    PutU64(out, test_case.initial_state->rflags);
  }
  for (const MemoryPatch& patch : test_case.scratch_patches) {
    X86DIFF_CHECK(patch.bytes.size() + 2 <= 0xffff);
    out.push_back(kTestCaseSectionScratchPatch);
    PutU16(out, static_cast<uint16_t>(patch.bytes.size() + 2));
    PutU16(out, patch.offset);
    out.insert(out.end(), patch.bytes.begin(), patch.bytes.end());
  }
  return out;
}

absl::StatusOr<TestCase> ParseTestCase(absl::Span<const uint8_t> bytes) {
  TestCase test_case;
  RETURN_IF_ERROR(ParseTestCaseInto(bytes, &test_case));
  return test_case;
}

absl::StatusOr<DecodeInput> ParseDecodeInput(absl::Span<const uint8_t> bytes, TestCase* scratch) {
  if (IsPlainVersion1(bytes)) {
    return DecodeInput{static_cast<Mode>(bytes[1]), bytes.subspan(kHeaderBytes)};
  }
  RETURN_IF_ERROR(ParseTestCaseInto(bytes, scratch));
  return DecodeInput{scratch->mode, scratch->code};
}

absl::Status ParseTestCaseInto(absl::Span<const uint8_t> bytes, TestCase* out) {
  // Fast path for what decoder corpora hold; anything else takes the checks below, which also
  // produce the error messages.
  if (IsPlainVersion1(bytes)) {
    out->mode = static_cast<Mode>(bytes[1]);
    out->code.assign(bytes.begin() + kHeaderBytes, bytes.end());
    out->initial_state.reset();
    out->scratch_patches.clear();
    return absl::OkStatus();
  }
  if (bytes.size() > kMaxEncodedTestCaseBytes) {
    return absl::InvalidArgumentError(absl::StrCat("test case is ", bytes.size(),
                                                   " bytes; the limit is ",
                                                   kMaxEncodedTestCaseBytes));
  }
  if (bytes.size() < kHeaderBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "truncated test case: ", bytes.size(), " bytes, the header alone needs 3"));
  }
  const uint8_t version = bytes[0];
  if (version == 0 || version > kTestCaseFormatVersion) {
    return absl::InvalidArgumentError(absl::StrCat("unknown test case format version ", version,
                                                   " at offset 0 (this build reads versions 1..",
                                                   kTestCaseFormatVersion, ")"));
  }
  TestCase& test_case = *out;
  test_case.initial_state.reset();
  test_case.scratch_patches.clear();
  auto mode = ModeFromByte(bytes[1]);
  if (!mode.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("at offset 1: ", mode.status().message()));
  }
  test_case.mode = *mode;
  const size_t code_length = bytes[2];
  if (code_length > kMaxCodeBytes) {
    return absl::InvalidArgumentError(absl::StrCat("code length ", code_length,
                                                   " at offset 2 exceeds the limit of ",
                                                   kMaxCodeBytes));
  }
  if (bytes.size() < kHeaderBytes + code_length) {
    return absl::InvalidArgumentError(absl::StrCat("truncated test case: code length says ",
                                                   code_length, " bytes but only ",
                                                   bytes.size() - kHeaderBytes, " follow"));
  }
  test_case.code.assign(bytes.begin() + kHeaderBytes, bytes.begin() + kHeaderBytes + code_length);
  size_t offset = kHeaderBytes + code_length;
  if (version == 1 && offset != bytes.size()) {
    return absl::InvalidArgumentError(absl::StrCat("unknown section tag ", bytes[offset],
                                                   " at offset ", offset,
                                                   " (format version 1 has no sections)"));
  }
  while (offset < bytes.size()) {
    if (bytes.size() - offset < 3) {
      return absl::InvalidArgumentError(
          absl::StrCat("truncated section header at offset ", offset));
    }
    const uint8_t tag = bytes[offset];
    const size_t length = GetU16(bytes.data() + offset + 1);
    if (bytes.size() - offset - 3 < length) {
      return absl::InvalidArgumentError(absl::StrCat("truncated section at offset ", offset,
                                                     ": length says ", length, " bytes but only ",
                                                     bytes.size() - offset - 3, " follow"));
    }
    RETURN_IF_ERROR(ParseSection(tag, bytes.subspan(offset + 3, length), offset, test_case));
    offset += 3 + length;
  }
  return absl::OkStatus();
}

}  // namespace x86diff

#include "kvm/guest_state.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "harness/exec_result.h"
#include "harness/memory_layout.h"
#include "harness/status_macros.h"

namespace x86diff::kvm {

namespace {

// ---- Control register and paging bits (SDM Vol. 3 2.5, 4.5) ----
constexpr uint64_t kCr0PE = 1u << 0;
constexpr uint64_t kCr0MP = 1u << 1;
constexpr uint64_t kCr0ET = 1u << 4;
constexpr uint64_t kCr0NE = 1u << 5;
constexpr uint64_t kCr0WP = 1u << 16;
constexpr uint64_t kCr0AM = 1u << 18;  // as Linux: user code controls #AC through EFLAGS.AC
constexpr uint64_t kCr0PG = 1u << 31;
constexpr uint64_t kCr4PAE = 1u << 5;
constexpr uint64_t kCr4OSFXSR = 1u << 9;
constexpr uint64_t kCr4OSXMMEXCPT = 1u << 10;
constexpr uint64_t kCr4OSXSAVE = 1u << 18;
constexpr uint64_t kEferLME = 1u << 8;
constexpr uint64_t kEferLMA = 1u << 10;
constexpr uint64_t kEferNXE = 1u << 11;

constexpr uint64_t kPagePresent = 1u << 0;
constexpr uint64_t kPageWritable = 1u << 1;
constexpr uint64_t kPageUser = 1u << 2;
constexpr uint64_t kPageLarge = 1u << 7;
constexpr uint64_t kPageNoExecute = uint64_t{1} << 63;

constexpr uint32_t kFlatLimit = 0xfffff;  // with granularity: 4 GiB
constexpr uint32_t kTssLimit = 103;       // 32-bit and 64-bit TSS are both 104 bytes
constexpr uint16_t kTssIoMapBase = 104;   // no I/O bitmap: IOPL 0 user I/O is #GP

constexpr SegmentDescriptor kKernelCode64 = {.limit = kFlatLimit,
                                             .type = kTypeCodeExecuteReadAccessed,
                                             .long_mode = true,
                                             .granularity = true};
constexpr SegmentDescriptor kKernelCode32 = {.limit = kFlatLimit,
                                             .type = kTypeCodeExecuteReadAccessed,
                                             .default_big = true,
                                             .granularity = true};
constexpr SegmentDescriptor kKernelData = {.limit = kFlatLimit,
                                           .type = kTypeDataReadWriteAccessed,
                                           .default_big = true,
                                           .granularity = true};
constexpr SegmentDescriptor kUserCode32 = {.limit = kFlatLimit,
                                           .type = kTypeCodeExecuteReadAccessed,
                                           .dpl = 3,
                                           .default_big = true,
                                           .granularity = true};
constexpr SegmentDescriptor kUserData = {.limit = kFlatLimit,
                                         .type = kTypeDataReadWriteAccessed,
                                         .dpl = 3,
                                         .default_big = true,
                                         .granularity = true};
constexpr SegmentDescriptor kUserCode64 = {.limit = kFlatLimit,
                                           .type = kTypeCodeExecuteReadAccessed,
                                           .dpl = 3,
                                           .long_mode = true,
                                           .granularity = true};
constexpr SegmentDescriptor kUserCode16 = {
    .limit = 0xffff, .type = kTypeCodeExecuteReadAccessed, .dpl = 3};
constexpr SegmentDescriptor kUserData16 = {
    .limit = 0xffff, .type = kTypeDataReadWriteAccessed, .dpl = 3};
constexpr SegmentDescriptor kTss = {.base = static_cast<uint32_t>(kTssAddress),
                                    .limit = kTssLimit,
                                    .type = kTypeTssBusy,
                                    .code_or_data = false};
// Real mode: what loading a segment register with selector 0 gives (SDM Vol. 3 20.1.1).
constexpr SegmentDescriptor kRealCode = {.limit = 0xffff, .type = kTypeCodeExecuteReadAccessed};
constexpr SegmentDescriptor kRealData = {.limit = 0xffff, .type = kTypeDataReadWriteAccessed};

bool IsLongMode(Mode mode) { return mode == Mode::kCompat32 || mode == Mode::kLong64; }

template <typename T>
void Store(uint8_t* at, T value) {
  std::memcpy(at, &value, sizeof(T));
}

// The page-table entries that map the mode's layout: code page read-only, scratch writable
// and (with NX) not executable. Everything else in the 4 KiB tables stays not present, in
// particular the page after the code page and the layout's unmapped address.
void MapLayout(Mode mode, const GuestFeatures& features, uint8_t* low_pt, uint8_t* flat_pt) {
  const MemoryLayout& layout = LayoutFor(mode);
  uint8_t* pt = layout.code_address < kLowMemorySize ? low_pt : flat_pt;
  const uint64_t pt_base = layout.code_address < kLowMemorySize ? 0 : kFlatBase;
  auto map = [&](uint64_t address, uint64_t flags) {
    Store<uint64_t>(pt + ((address - pt_base) / kPageSize) * 8, address | flags);
  };
  for (uint64_t a = layout.code_address; a < layout.code_address + layout.code_size;
       a += kPageSize) {
    map(a, kPagePresent | kPageUser);
  }
  const uint64_t data_flags =
      kPagePresent | kPageWritable | kPageUser | (features.nx ? kPageNoExecute : 0);
  for (uint64_t a = layout.scratch_address; a < layout.scratch_address + layout.scratch_size;
       a += kPageSize) {
    map(a, data_flags);
  }
}

}  // namespace

uint64_t EncodeDescriptor(const SegmentDescriptor& d) {
  uint64_t value = 0;
  value |= d.limit & 0xffff;
  value |= uint64_t{d.base & 0xffffff} << 16;
  value |= static_cast<uint64_t>(d.type & 0xf) << 40;
  value |= uint64_t{d.code_or_data} << 44;
  value |= uint64_t{d.dpl & 3u} << 45;
  value |= uint64_t{1} << 47;  // present
  value |= uint64_t{(d.limit >> 16) & 0xf} << 48;
  value |= uint64_t{d.long_mode} << 53;
  value |= uint64_t{d.default_big} << 54;
  value |= uint64_t{d.granularity} << 55;
  value |= uint64_t{d.base >> 24} << 56;
  return value;
}

kvm_segment ToKvmSegment(uint16_t selector, const SegmentDescriptor& d) {
  kvm_segment segment = {};
  segment.base = d.base;
  segment.limit = d.granularity ? (d.limit << 12) | 0xfff : d.limit;
  segment.selector = selector;
  segment.type = d.type;
  segment.present = 1;
  segment.dpl = d.dpl;
  segment.db = d.default_big;
  segment.s = d.code_or_data;
  segment.l = d.long_mode;
  segment.g = d.granularity;
  return segment;
}

absl::Status AddGuestMemory(Vm& vm, bool log_dirty_low) {
  // The low slots leave out the 16-bit layout's page after the code page and its unmapped page.
  const MemoryLayout& layout16 = LayoutFor(Mode::kReal16);
  std::vector<uint64_t> holes = {layout16.code_address + layout16.code_size,
                                 layout16.unmapped_address & ~(kPageSize - 1)};
  std::sort(holes.begin(), holes.end());
  uint64_t start = 0;
  for (uint64_t hole : holes) {
    if (hole > start) RETURN_IF_ERROR(vm.AddMemory(start, hole - start, log_dirty_low));
    start = hole + kPageSize;
  }
  RETURN_IF_ERROR(vm.AddMemory(start, kLowMemorySize - start, log_dirty_low));
  RETURN_IF_ERROR(vm.AddMemory(kSystemBase, kSystemSize, /*log_dirty=*/false));
  return vm.AddMemory(kFlatBase, kFlatSize, /*log_dirty=*/false);
}

absl::Status WriteSystemTables(Mode mode, const GuestFeatures& features, Vm& vm) {
  if (mode == Mode::kReal16) {
    // SDM Vol. 3 20.1.4: the IVT holds 4-byte far pointers (offset, segment).
    uint8_t* ivt = vm.Host(kRealModeIvtAddress, kVectorCount * 4);
    uint8_t* stubs = vm.Host(kRealModeStubsAddress, kVectorCount);
    if (ivt == nullptr || stubs == nullptr) return absl::InternalError("real-mode IVT unbacked");
    for (int v = 0; v < kVectorCount; ++v) {
      Store<uint16_t>(ivt + 4 * v, static_cast<uint16_t>(kRealModeStubsAddress + v));
      Store<uint16_t>(ivt + 4 * v + 2, 0);
      stubs[v] = kHltOpcode;
    }
    return absl::OkStatus();
  }

  uint8_t* system = vm.Host(kSystemBase, kSystemSize);
  if (system == nullptr) return absl::InternalError("system area unbacked");
  auto at = [&](uint64_t gpa) { return system + (gpa - kSystemBase); };

  // GDT.
  const std::pair<uint16_t, SegmentDescriptor> gdt[] = {
      {kSelectorKernelCode64, kKernelCode64},
      {kSelectorKernelCode32, kKernelCode32},
      {kSelectorKernelData, kKernelData},
      {kSelectorUserCode32, kUserCode32},
      {kSelectorUserData, kUserData},
      {kSelectorUserCode64, kUserCode64},
      {kSelectorUserCode16, kUserCode16},
      {kSelectorUserData16, kUserData16},
      {kSelectorTss, kTss},
      {kSelectorRunnerStack, kKernelData},
  };
  std::memset(at(kGdtAddress), 0, kGdtEntries * 8);
  for (const auto& [selector, descriptor] : gdt) {
    Store<uint64_t>(at(kGdtAddress) + (selector & ~7u), EncodeDescriptor(descriptor));
  }

  // TSS: only the ring-0 stack matters (SDM Vol. 3 Figures 7-2 and 8-11).
  std::memset(at(kTssAddress), 0, kTssLimit + 1);
  if (IsLongMode(mode)) {
    Store<uint64_t>(at(kTssAddress) + 4, kKernelStackTop);  // RSP0
  } else {
    Store<uint32_t>(at(kTssAddress) + 4, static_cast<uint32_t>(kKernelStackTop));  // ESP0
    Store<uint16_t>(at(kTssAddress) + 8, kSelectorKernelData);                     // SS0
  }
  Store<uint16_t>(at(kTssAddress) + 102, kTssIoMapBase);

  // IDT: every vector is an interrupt gate to its own `hlt`.
  WriteIdt(mode, kStubsAddress, 1, at(kIdtAddress));
  for (int v = 0; v < kVectorCount; ++v) *at(kStubsAddress + v) = kHltOpcode;

  // Page tables: only backed memory is mapped. [0, 2 MiB) and the flat area use 4 KiB tables
  // holding just the mode's layout pages; the system area is one supervisor 2 MiB page.
  std::memset(at(kPml4Address), 0, 5 * kPageSize);
  if (IsLongMode(mode)) {
    Store<uint64_t>(at(kPml4Address), kPdptAddress | kPagePresent | kPageWritable | kPageUser);
    Store<uint64_t>(at(kPdptAddress), kPdAddress | kPagePresent | kPageWritable | kPageUser);
  } else {
    // PAE PDPTEs have no R/W or U/S bits (SDM Vol. 3 Table 4-8).
    Store<uint64_t>(at(kPdptAddress), kPdAddress | kPagePresent);
  }
  const uint64_t table_flags = kPagePresent | kPageWritable | kPageUser;
  Store<uint64_t>(at(kPdAddress), kLowPtAddress | table_flags);
  Store<uint64_t>(at(kPdAddress) + (kSystemBase >> 21) * 8,
                  kSystemBase | kPagePresent | kPageWritable | kPageLarge);
  Store<uint64_t>(at(kPdAddress) + (kFlatBase >> 21) * 8, kFlatPtAddress | table_flags);
  MapLayout(mode, features, at(kLowPtAddress), at(kFlatPtAddress));
  return absl::OkStatus();
}

void ApplyModeSregs(Mode mode, const GuestFeatures& features, kvm_sregs& sregs) {
  const uint64_t cr4_sse = kCr4OSFXSR | kCr4OSXMMEXCPT | (features.xsave ? kCr4OSXSAVE : 0);
  if (mode == Mode::kReal16) {
    sregs.cs = ToKvmSegment(0, kRealCode);
    sregs.ds = sregs.es = sregs.fs = sregs.gs = sregs.ss = ToKvmSegment(0, kRealData);
    sregs.idt.base = kRealModeIvtAddress;
    sregs.idt.limit = kVectorCount * 4 - 1;
    sregs.cr0 = kCr0MP | kCr0ET | kCr0NE;
    sregs.cr3 = 0;
    sregs.cr4 = cr4_sse;
    sregs.efer = 0;
    return;
  }
  switch (mode) {
    case Mode::kProt16:
      sregs.cs = ToKvmSegment(kSelectorUserCode16, kUserCode16);
      sregs.ss = ToKvmSegment(kSelectorUserData16, kUserData16);
      break;
    case Mode::kProt32:
    case Mode::kCompat32:
      sregs.cs = ToKvmSegment(kSelectorUserCode32, kUserCode32);
      sregs.ss = ToKvmSegment(kSelectorUserData, kUserData);
      break;
    default:
      sregs.cs = ToKvmSegment(kSelectorUserCode64, kUserCode64);
      sregs.ss = ToKvmSegment(kSelectorUserData, kUserData);
      break;
  }
  sregs.ds = sregs.es = sregs.fs = sregs.gs = sregs.ss;
  sregs.tr = ToKvmSegment(kSelectorTss, kTss);
  if (!IsLongMode(mode) && features.qemu_tcg_host) sregs.tr.type = kTypeTssAvailable;
  sregs.ldt = {};
  sregs.ldt.type = 2;  // LDT, unusable
  sregs.ldt.unusable = 1;
  sregs.gdt.base = kGdtAddress;
  sregs.gdt.limit = kGdtEntries * 8 - 1;
  sregs.idt.base = kIdtAddress;
  sregs.idt.limit = kVectorCount * (IsLongMode(mode) ? 16 : 8) - 1;
  sregs.cr0 = kCr0PE | kCr0MP | kCr0ET | kCr0NE | kCr0WP | kCr0AM | kCr0PG;
  sregs.cr4 = kCr4PAE | cr4_sse;
  sregs.cr3 = IsLongMode(mode) ? kPml4Address : kPdptAddress;
  sregs.efer = (IsLongMode(mode) ? kEferLME | kEferLMA : 0) | (features.nx ? kEferNXE : 0);
}

void WriteIdt(Mode mode, uint64_t stubs, uint64_t stride, uint8_t* idt) {
  // #BP and #OF gates have DPL 3 so that int3/into from user code raise them (as under Linux);
  // other `int n` from CPL 3 are #GP.
  for (int v = 0; v < kVectorCount; ++v) {
    const uint64_t handler = stubs + stride * v;
    const uint8_t dpl = (v == kVectorBP || v == kVectorOF) ? 3 : 0;
    const uint8_t attributes = 0x80 | (dpl << 5) | kTypeInterruptGate;
    if (IsLongMode(mode)) {  // SDM Vol. 3 Figure 6-8: 16-byte gates
      uint8_t* gate = idt + 16 * v;
      Store<uint16_t>(gate, handler & 0xffff);
      Store<uint16_t>(gate + 2, kSelectorKernelCode64);
      Store<uint8_t>(gate + 4, 0);  // no IST
      Store<uint8_t>(gate + 5, attributes);
      Store<uint16_t>(gate + 6, (handler >> 16) & 0xffff);
      Store<uint32_t>(gate + 8, static_cast<uint32_t>(handler >> 32));
      Store<uint32_t>(gate + 12, 0);
    } else {  // SDM Vol. 3 Figure 6-2: 8-byte 32-bit gates
      uint8_t* gate = idt + 8 * v;
      Store<uint16_t>(gate, handler & 0xffff);
      Store<uint16_t>(gate + 2, kSelectorKernelCode32);
      Store<uint8_t>(gate + 4, 0);
      Store<uint8_t>(gate + 5, attributes);
      Store<uint16_t>(gate + 6, (handler >> 16) & 0xffff);
    }
  }
}

void ApplyRunnerSregs(Mode mode, kvm_sregs& sregs) {
  sregs.cs = IsLongMode(mode) ? ToKvmSegment(kSelectorKernelCode64, kKernelCode64)
                              : ToKvmSegment(kSelectorKernelCode32, kKernelCode32);
  sregs.ss = ToKvmSegment(kSelectorKernelData, kKernelData);
  sregs.ds = sregs.es = sregs.fs = sregs.gs = sregs.ss;
  // The runner writes each case's code into the read-only code page (CR0.WP only affects
  // supervisor writes, so the case at CPL 3 sees no difference).
  sregs.cr0 &= ~kCr0WP;
}

uint64_t PteAddress(uint64_t linear) {
  return linear < kLowMemorySize ? kLowPtAddress + linear / kPageSize * 8
                                 : kFlatPtAddress + (linear - kFlatBase) / kPageSize * 8;
}

uint64_t StubsAddress(Mode mode) {
  return mode == Mode::kReal16 ? kRealModeStubsAddress : kStubsAddress;
}

}  // namespace x86diff::kvm

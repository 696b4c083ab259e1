#include "tests/adapters/unicorn/unicorn_case_table.h"

#include <initializer_list>

#include "absl/strings/str_cat.h"
#include "harness/memory_layout.h"

namespace x86diff {

namespace {

constexpr std::initializer_list<Mode> k16 = {Mode::kReal16, Mode::kProt16};
constexpr std::initializer_list<Mode> k32 = {Mode::kProt32, Mode::kCompat32};
constexpr std::initializer_list<Mode> k64 = {Mode::kLong64};
constexpr std::initializer_list<Mode> kAll = {Mode::kReal16, Mode::kProt16, Mode::kProt32,
                                              Mode::kCompat32, Mode::kLong64};

// #PF error code bits (SDM Vol. 3 4.7): present, write, user, instruction fetch.
constexpr uint64_t kPfP = 1, kPfW = 2, kPfU = 4, kPfI = 0x10;

std::vector<uint8_t> LittleEndian(uint64_t value, int bytes) {
  std::vector<uint8_t> out;
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<uint8_t>(value >> (8 * i)));
  return out;
}

class Table {
 public:
  // Adds `row` once per mode in `modes`; `tweak` adapts it to the mode's layout.
  template <typename Tweak>
  void Add(std::initializer_list<Mode> modes, UnicornRow row, Tweak tweak) {
    for (Mode mode : modes) {
      UnicornRow copy = row;
      copy.mode = mode;
      copy.name = absl::StrCat(row.name, "/", ModeName(mode));
      tweak(copy, LayoutFor(mode));
      rows_.push_back(std::move(copy));
    }
  }
  void Add(std::initializer_list<Mode> modes, UnicornRow row) {
    Add(modes, std::move(row), [](UnicornRow&, const MemoryLayout&) {});
  }
  std::vector<UnicornRow> Take() { return std::move(rows_); }

 private:
  std::vector<UnicornRow> rows_;
};

void AddArithmetic(Table& table) {
  const uint64_t kCfPfAfZf = kRflagsCF | kRflagsPF | kRflagsAF | kRflagsZF;
  table.Add(k64, {.name = "add rax, rbx (wraps to 0)",
                  .code = {0x48, 0x01, 0xd8},
                  .registers = {{Gpr::kRax, ~0ull}, {Gpr::kRbx, 1}},
                  .status = ExecStatus::kCompleted,
                  .rip_offset = 3,
                  .final_registers = {{Gpr::kRax, 0}, {Gpr::kRbx, 1}},
                  .arithmetic_flags = kCfPfAfZf});
  table.Add(k64, {.name = "add rax, rbx (signed overflow)",
                  .code = {0x48, 0x01, 0xd8},
                  .registers = {{Gpr::kRax, 0x7fffffffffffffff}, {Gpr::kRbx, 1}},
                  .status = ExecStatus::kCompleted,
                  .final_registers = {{Gpr::kRax, 0x8000000000000000}},
                  .arithmetic_flags = kRflagsOF | kRflagsSF | kRflagsAF | kRflagsPF});
  table.Add(k32, {.name = "add eax, ebx (wraps to 0)",
                  .code = {0x01, 0xd8},
                  .registers = {{Gpr::kRax, 0xffffffff}, {Gpr::kRbx, 1}},
                  .status = ExecStatus::kCompleted,
                  .rip_offset = 2,
                  .final_registers = {{Gpr::kRax, 0}},
                  .arithmetic_flags = kCfPfAfZf});
  table.Add(k16, {.name = "add ax, bx (upper half of eax kept)",
                  .code = {0x01, 0xd8},
                  .registers = {{Gpr::kRax, 0x1234ffff}, {Gpr::kRbx, 1}},
                  .status = ExecStatus::kCompleted,
                  .rip_offset = 2,
                  .final_registers = {{Gpr::kRax, 0x12340000}},
                  .arithmetic_flags = kCfPfAfZf});
  table.Add(k64, {.name = "xor eax, eax (zero-extends)",
                  .code = {0x31, 0xc0},
                  .registers = {{Gpr::kRax, 0xffffffff00001234}},
                  .status = ExecStatus::kCompleted,
                  .final_registers = {{Gpr::kRax, 0}},
                  .arithmetic_flags = kRflagsZF | kRflagsPF});
  table.Add(k32, {.name = "xor eax, eax",
                  .code = {0x31, 0xc0},
                  .registers = {{Gpr::kRax, 0x1234}},
                  .status = ExecStatus::kCompleted,
                  .final_registers = {{Gpr::kRax, 0}},
                  .arithmetic_flags = kRflagsZF | kRflagsPF});
  table.Add(k16, {.name = "xor ax, ax",
                  .code = {0x31, 0xc0},
                  .registers = {{Gpr::kRax, 0x12345678}},
                  .status = ExecStatus::kCompleted,
                  .final_registers = {{Gpr::kRax, 0x12340000}},
                  .arithmetic_flags = kRflagsZF | kRflagsPF});
  table.Add(k64, {.name = "adc rax, rbx (CF in)",
                  .code = {0x48, 0x11, 0xd8},
                  .registers = {{Gpr::kRax, 1}, {Gpr::kRbx, 2}},
                  .rflags = kRflagsReserved1 | kRflagsCF,
                  .status = ExecStatus::kCompleted,
                  .final_registers = {{Gpr::kRax, 4}},
                  .arithmetic_flags = 0});
  table.Add(k32, {.name = "adc eax, ebx (CF in)",
                  .code = {0x11, 0xd8},
                  .registers = {{Gpr::kRax, 1}, {Gpr::kRbx, 2}},
                  .rflags = kRflagsReserved1 | kRflagsCF,
                  .status = ExecStatus::kCompleted,
                  .final_registers = {{Gpr::kRax, 4}},
                  .arithmetic_flags = 0});
  table.Add(k16, {.name = "adc ax, bx (CF in, carry out)",
                  .code = {0x11, 0xd8},
                  .registers = {{Gpr::kRax, 0xffff}, {Gpr::kRbx, 0}},
                  .rflags = kRflagsReserved1 | kRflagsCF,
                  .status = ExecStatus::kCompleted,
                  .final_registers = {{Gpr::kRax, 0}},
                  .arithmetic_flags = kCfPfAfZf});
  // Outside long mode R8..R15 do not exist: they come back as they went in; the 32-bit
  // registers come back zero-extended.
  table.Add(k32,
            {.name = "mov eax, 1 (r8 and ebx's upper half kept, eax zero-extended)",
             .code = {0xb8, 0x01, 0x00, 0x00, 0x00},
             .registers = {{Gpr::kRax, 0xffffffff00000005},
                           {Gpr::kRbx, 0xabcdef0000000002},
                           {Gpr::kR8, 0xdeadbeefcafebabe}},
             .status = ExecStatus::kCompleted,
             .final_registers = {
                 {Gpr::kRax, 1}, {Gpr::kRbx, 0xabcdef0000000002}, {Gpr::kR8, 0xdeadbeefcafebabe}}});
}

// Segment selectors as Linux sets them for user processes (unicorn_cpu_setup.h).
void AddSelectors(Table& table) {
  table.Add(k64, {.name = "mov eax, cs",
                  .code = {0x8c, 0xc8},
                  .status = ExecStatus::kCompleted,
                  .final_registers = {{Gpr::kRax, 0x33}}});
  table.Add(k64, {.name = "mov eax, ss",
                  .code = {0x8c, 0xd0},
                  .status = ExecStatus::kCompleted,
                  .final_registers = {{Gpr::kRax, 0x2b}}});
  table.Add(k32, {.name = "mov eax, cs",
                  .code = {0x8c, 0xc8},
                  .status = ExecStatus::kCompleted,
                  .final_registers = {{Gpr::kRax, 0x23}}});
  table.Add(k32, {.name = "mov eax, ds",
                  .code = {0x8c, 0xd8},
                  .status = ExecStatus::kCompleted,
                  .final_registers = {{Gpr::kRax, 0x2b}}});
  table.Add(k16, {.name = "mov ax, cs",
                  .code = {0x8c, 0xc8},
                  .registers = {{Gpr::kRax, 0xffff}},
                  .status = ExecStatus::kCompleted,
                  .final_registers = {{Gpr::kRax, 0}}});
}

void AddExceptions(Table& table) {
  table.Add(k64, {.name = "div rcx (rcx = 0)",
                  .code = {0x48, 0xf7, 0xf1},
                  .registers = {{Gpr::kRcx, 0}},
                  .status = ExecStatus::kFault,
                  .vector = kVectorDE,
                  .rip_offset = 0});
  table.Add(k16, {.name = "div cx (cx = 0)",
                  .code = {0xf7, 0xf1},
                  .registers = {{Gpr::kRcx, 0}},
                  .status = ExecStatus::kFault,
                  .vector = kVectorDE,
                  .rip_offset = 0});
  table.Add(k32, {.name = "div ecx (ecx = 0)",
                  .code = {0xf7, 0xf1},
                  .registers = {{Gpr::kRcx, 0}},
                  .status = ExecStatus::kFault,
                  .vector = kVectorDE,
                  .rip_offset = 0});
  // After a nop: the fault is reported at the div, and the nop's effects stay.
  table.Add(k64, {.name = "nop; div rcx (rcx = 0)",
                  .code = {0x90, 0x48, 0xf7, 0xf1},
                  .registers = {{Gpr::kRcx, 0}},
                  .status = ExecStatus::kFault,
                  .vector = kVectorDE,
                  .rip_offset = 1});
  table.Add(kAll, {.name = "ud2",
                   .code = {0x0f, 0x0b},
                   .status = ExecStatus::kFault,
                   .vector = kVectorUD,
                   .rip_offset = 0});
  // int3 is a trap: the reported rip is past it.
  table.Add(kAll, {.name = "int3",
                   .code = {0xcc},
                   .status = ExecStatus::kFault,
                   .vector = kVectorBP,
                   .rip_offset = 1});
  // LOCK on a register-operand cmp is #UD here; with a memory operand (f0 38 00) Unicorn aborts.
  table.Add(k64, {.name = "lock cmp al, al",
                  .code = {0xf0, 0x38, 0xc0},
                  .status = ExecStatus::kFault,
                  .vector = kVectorUD,
                  .rip_offset = 0});
  // CPL 3: privileged instructions fault as on hardware (Unicorn gives no error code).
  table.Add({Mode::kProt32, Mode::kCompat32, Mode::kLong64}, {.name = "hlt",
                                                              .code = {0xf4},
                                                              .status = ExecStatus::kFault,
                                                              .vector = kVectorGP,
                                                              .imprecise = kImpreciseErrorCode,
                                                              .rip_offset = 0});
  table.Add({Mode::kProt32, Mode::kLong64}, {.name = "cli",
                                             .code = {0xfa},
                                             .status = ExecStatus::kFault,
                                             .vector = kVectorGP,
                                             .imprecise = kImpreciseErrorCode,
                                             .rip_offset = 0});
  table.Add(k32, {.name = "mov ds, ax (bad selector)",
                  .code = {0x8e, 0xd8},
                  .registers = {{Gpr::kRax, 0x1234}},
                  .status = ExecStatus::kFault,
                  .vector = kVectorGP,
                  .imprecise = kImpreciseErrorCode,
                  .rip_offset = 0});
  // A software interrupt reaches Unicorn's hook without IDT checks: vector claimed, imprecise.
  table.Add(k64, {.name = "int 0x0e",
                  .code = {0xcd, 0x0e},
                  .status = ExecStatus::kFault,
                  .vector = kVectorPF,
                  .imprecise = kImpreciseVector | kImpreciseErrorCode,
                  .rip_offset = 2});
}

void AddMemory(Table& table) {
  table.Add(k64,
            {.name = "mov rax, [rax] (unmapped)",
             .code = {0x48, 0x8b, 0x00},
             .status = ExecStatus::kFault,
             .vector = kVectorPF,
             .error_code = kPfU,
             .rip_offset = 0},
            [](UnicornRow& row, const MemoryLayout& layout) {
              row.registers = {{Gpr::kRax, layout.unmapped_address}};
              row.fault_address = layout.unmapped_address;
            });
  table.Add(k32,
            {.name = "mov eax, [eax] (unmapped)",
             .code = {0x8b, 0x00},
             .status = ExecStatus::kFault,
             .vector = kVectorPF,
             .error_code = kPfU,
             .rip_offset = 0},
            [](UnicornRow& row, const MemoryLayout& layout) {
              row.registers = {{Gpr::kRax, layout.unmapped_address}};
              row.fault_address = layout.unmapped_address;
            });
  // 8b 00 is mov ax, [bx+si] with 16-bit addressing. No paging: no error code.
  table.Add(k16,
            {.name = "mov ax, [bx+si] (unmapped)",
             .code = {0x8b, 0x00},
             .status = ExecStatus::kFault,
             .vector = kVectorPF,
             .imprecise = kImpreciseErrorCode,
             .rip_offset = 0},
            [](UnicornRow& row, const MemoryLayout& layout) {
              row.registers = {{Gpr::kRbx, layout.unmapped_address}, {Gpr::kRsi, 0}};
              row.fault_address = layout.unmapped_address;
            });
  // Across the end of scratch: both fault at the first unmapped byte, but Unicorn splits the
  // write and commits the part below the boundary.
  table.Add(k64,
            {.name = "mov rax, [rax] (across the end of scratch)",
             .code = {0x48, 0x8b, 0x00},
             .status = ExecStatus::kFault,
             .vector = kVectorPF,
             .error_code = kPfU,
             .rip_offset = 0},
            [](UnicornRow& row, const MemoryLayout& layout) {
              const uint64_t end = layout.scratch_address + layout.scratch_size;
              row.registers = {{Gpr::kRax, end - 4}};
              row.fault_address = end;
            });
  table.Add(k64,
            {.name = "mov [rax], rbx (across the end of scratch)",
             .code = {0x48, 0x89, 0x18},
             .status = ExecStatus::kFault,
             .vector = kVectorPF,
             .error_code = kPfW | kPfU,
             .imprecise = kImpreciseMemory,
             .rip_offset = 0},
            [](UnicornRow& row, const MemoryLayout& layout) {
              const uint64_t end = layout.scratch_address + layout.scratch_size;
              row.registers = {{Gpr::kRax, end - 4}, {Gpr::kRbx, 0x1122334455667788}};
              row.fault_address = end;
              row.writes = {{end - 4, LittleEndian(0x55667788, 4)}};
            });
  table.Add(k64,
            {.name = "mov [rax], rbx (write to the code page)",
             .code = {0x48, 0x89, 0x18},
             .status = ExecStatus::kFault,
             .vector = kVectorPF,
             .error_code = kPfP | kPfW | kPfU,
             .rip_offset = 0},
            [](UnicornRow& row, const MemoryLayout& layout) {
              row.registers = {{Gpr::kRax, layout.code_address}};
              row.fault_address = layout.code_address;
            });
  table.Add({Mode::kProt32, Mode::kLong64},
            {.name = "jmp rax (into scratch, not executable)",
             .code = {0xff, 0xe0},
             .status = ExecStatus::kFault,
             .vector = kVectorPF,
             .error_code = kPfP | kPfU | kPfI},
            [](UnicornRow& row, const MemoryLayout& layout) {
              row.registers = {{Gpr::kRax, layout.scratch_address}};
              row.fault_address = layout.scratch_address;
              row.rip_offset = layout.scratch_address - layout.code_address;
            });
  table.Add(k64,
            {.name = "mov [rax], rbx (scratch)",
             .code = {0x48, 0x89, 0x18},
             .status = ExecStatus::kCompleted},
            [](UnicornRow& row, const MemoryLayout& layout) {
              row.registers = {{Gpr::kRax, layout.scratch_address + 0x100},
                               {Gpr::kRbx, 0x1122334455667788}};
              row.writes = {{layout.scratch_address + 0x100, LittleEndian(0x1122334455667788, 8)}};
            });
  table.Add(
      k32,
      {.name = "mov [eax], ebx (scratch)", .code = {0x89, 0x18}, .status = ExecStatus::kCompleted},
      [](UnicornRow& row, const MemoryLayout& layout) {
        row.registers = {{Gpr::kRax, layout.scratch_address + 0x100}, {Gpr::kRbx, 0x11223344}};
        row.writes = {{layout.scratch_address + 0x100, LittleEndian(0x11223344, 4)}};
      });
  table.Add(
      k16,
      {.name = "mov [bx], ax (scratch)", .code = {0x89, 0x07}, .status = ExecStatus::kCompleted},
      [](UnicornRow& row, const MemoryLayout& layout) {
        row.registers = {{Gpr::kRbx, layout.scratch_address + 0x100}, {Gpr::kRax, 0x1122}};
        row.writes = {{layout.scratch_address + 0x100, LittleEndian(0x1122, 2)}};
      });
  // The stack is in scratch; in the 32-bit modes this also pins that pushes use ESP, not SP.
  table.Add(kAll,
            {.name = "push rax", .code = {0x50}, .status = ExecStatus::kCompleted, .rip_offset = 1},
            [](UnicornRow& row, const MemoryLayout& layout) {
              const int width = row.mode == Mode::kLong64 ? 8 : DefaultOperandBits(row.mode) / 8;
              row.registers = {{Gpr::kRax, 0x1122334455667788 & (~0ull >> (64 - 8 * width))}};
              row.final_registers = {{Gpr::kRsp, layout.stack_top - width}};
              row.writes = {{layout.stack_top - width, LittleEndian(0x1122334455667788, width)}};
            });
  // pushf pushes IF = 1, as in a Linux process.
  table.Add(k64,
            {.name = "pushf",
             .code = {0x9c},
             .rflags = kRflagsReserved1 | kRflagsCF,
             .status = ExecStatus::kCompleted},
            [](UnicornRow& row, const MemoryLayout& layout) {
              row.writes = {{layout.stack_top - 8, LittleEndian(0x203, 8)}};
            });
}

void AddStops(Table& table) {
  table.Add(k64,
            {.name = "syscall (rcx, r11 written)",
             .code = {0x0f, 0x05},
             .rflags = kRflagsReserved1 | kRflagsCF,
             .status = ExecStatus::kSyscall,
             .rip_offset = 2},
            [](UnicornRow& row, const MemoryLayout& layout) {
              row.final_registers = {{Gpr::kRcx, layout.code_address + 2}, {Gpr::kR11, 0x203}};
            });
  table.Add(k32, {.name = "int 0x80", .code = {0xcd, 0x80}, .status = ExecStatus::kSyscall});
  table.Add(kAll, {.name = "jmp $ (eb fe)",
                   .code = {0xeb, 0xfe},
                   .status = ExecStatus::kTimeout,
                   .rip_offset = 0});
  table.Add(kAll, {.name = "in al, dx", .code = {0xec}, .status = ExecStatus::kUnsupported});
  table.Add(k64, {.name = "out dx, al", .code = {0xee}, .status = ExecStatus::kUnsupported});
}

}  // namespace

TestCase RowTestCase(const UnicornRow& row) {
  TestCase test_case;
  test_case.mode = row.mode;
  test_case.code = row.code;
  CpuState state = DefaultInitialState(row.mode);
  for (const auto& [gpr, value] : row.registers) state[gpr] = value;
  state.rflags = row.rflags;
  test_case.initial_state = state;
  return test_case;
}

std::vector<UnicornRow> UnicornRows() {
  Table table;
  AddArithmetic(table);
  AddSelectors(table);
  AddExceptions(table);
  AddMemory(table);
  AddStops(table);
  return table.Take();
}

}  // namespace x86diff

// The table of execution cases that the Unicorn tests run: one row per behaviour, per mode where
// it is meaningful, with what Unicorn (through UnicornEngine's contract) must report.
#ifndef X86DIFF_TESTS_ADAPTERS_UNICORN_UNICORN_CASE_TABLE_H_
#define X86DIFF_TESTS_ADAPTERS_UNICORN_UNICORN_CASE_TABLE_H_

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "harness/cpu_state.h"
#include "harness/exec_result.h"
#include "harness/mode.h"
#include "harness/test_case.h"

namespace x86diff {

using RegisterValues = std::vector<std::pair<Gpr, uint64_t>>;

struct UnicornRow {
  std::string name;  // also the disassembly
  Mode mode;
  std::vector<uint8_t> code;
  RegisterValues registers;  // over DefaultInitialState(mode)
  uint64_t rflags = kRflagsReserved1;
  // Expected.
  ExecStatus status;
  uint8_t vector = 0;                        // kFault
  std::optional<uint64_t> error_code;        // set: has_error_code with this value
  std::optional<uint64_t> fault_address;     // set: has_fault_address with this value
  uint32_t imprecise = 0;                    // exactly these bits
  std::optional<uint64_t> rip_offset;        // final rip - code address
  RegisterValues final_registers;            // checked registers
  std::optional<uint64_t> arithmetic_flags;  // final rflags & kRflagsArithmetic
  // Bytes written at a scratch address: the expected memory_changes are the maximal runs where
  // the scratch contents with these writes differ from the initial ones.
  std::vector<std::pair<uint64_t, std::vector<uint8_t>>> writes;
};

// gtest prints a row by its name.
inline void PrintTo(const UnicornRow& row, std::ostream* os) { *os << row.name; }

// The test case for a row.
TestCase RowTestCase(const UnicornRow& row);

// Every row; 16/32/64-bit variants carry the mode in their name ("add/long64").
std::vector<UnicornRow> UnicornRows();

}  // namespace x86diff

#endif  // X86DIFF_TESTS_ADAPTERS_UNICORN_UNICORN_CASE_TABLE_H_

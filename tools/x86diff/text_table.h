// A plain-text table with aligned columns, for command output read by people.
#ifndef X86DIFF_TOOLS_X86DIFF_TEXT_TABLE_H_
#define X86DIFF_TOOLS_X86DIFF_TEXT_TABLE_H_

#include <ostream>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace x86diff::cli {

class TextTable {
 public:
  enum class Align { kLeft, kRight };
  struct Column {
    std::string title;
    Align align = Align::kLeft;
  };

  explicit TextTable(std::vector<Column> columns);

  // Adds a row; missing cells are empty, extra cells are a caller bug (CHECK).
  void AddRow(std::vector<std::string> cells);

  // Writes the title row and the rows, each line prefixed with `indent`, columns separated by
  // two spaces, trailing blanks trimmed. The title row is bold when `bold_titles`.
  void Write(absl::string_view indent, bool bold_titles, std::ostream& out) const;

 private:
  std::vector<Column> columns_;
  std::vector<std::vector<std::string>> rows_;
};

}  // namespace x86diff::cli

#endif  // X86DIFF_TOOLS_X86DIFF_TEXT_TABLE_H_

#include "tools/x86diff/text_table.h"

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "harness/check.h"

namespace x86diff::cli {

TextTable::TextTable(std::vector<Column> columns) : columns_(std::move(columns)) {}

void TextTable::AddRow(std::vector<std::string> cells) {
  X86DIFF_CHECK(cells.size() <= columns_.size());
  cells.resize(columns_.size());
  rows_.push_back(std::move(cells));
}

void TextTable::Write(absl::string_view indent, bool bold_titles, std::ostream& out) const {
  std::vector<size_t> widths;
  for (const Column& column : columns_) widths.push_back(column.title.size());
  for (const auto& row : rows_) {
    for (size_t c = 0; c < row.size(); ++c) widths[c] = std::max(widths[c], row[c].size());
  }
  auto format = [&](const std::vector<std::string>& cells) {
    std::string line(indent);
    for (size_t c = 0; c < cells.size(); ++c) {
      if (c > 0) line += "  ";
      const std::string padding(widths[c] - cells[c].size(), ' ');
      if (columns_[c].align == Align::kRight) {
        absl::StrAppend(&line, padding, cells[c]);
      } else {
        absl::StrAppend(&line, cells[c], padding);
      }
    }
    return std::string(absl::StripTrailingAsciiWhitespace(line));
  };
  std::vector<std::string> titles;
  for (const Column& column : columns_) titles.push_back(column.title);
  const std::string title_line = format(titles);
  if (bold_titles) {
    out << absl::StrCat(indent, "\x1b[1m", absl::StripPrefix(title_line, indent), "\x1b[0m")
        << "\n";
  } else {
    out << title_line << "\n";
  }
  for (const auto& row : rows_) out << format(row) << "\n";
}

}  // namespace x86diff::cli

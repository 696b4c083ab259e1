// Markdown rendering of the report document (GitHub-flavoured: pipe tables).
#include <algorithm>
#include <string>
#include <string_view>

#include "absl/strings/str_cat.h"
#include "tools/x86diff/report_document.h"

namespace x86diff::cli {

namespace {

std::string OneLine(const std::string& text) {
  std::string line = text;
  std::replace(line.begin(), line.end(), '\n', ' ');
  std::replace(line.begin(), line.end(), '\r', ' ');
  return line;
}

// A code span: the fence is one backtick longer than the longest run of backticks inside, and a
// space pads text that starts or ends with a backtick (CommonMark 6.1). Inside a table '|' still
// ends the cell unless escaped (GFM 4.10), also within code spans.
std::string CodeSpan(const std::string& raw, bool in_table) {
  std::string text = OneLine(raw);
  if (in_table) {
    std::string escaped;
    for (char c : text) {
      if (c == '|') escaped += '\\';
      escaped += c;
    }
    text = escaped;
  }
  if (text.empty()) return "";
  size_t longest = 0, run = 0;
  for (char c : text) {
    run = c == '`' ? run + 1 : 0;
    longest = std::max(longest, run);
  }
  const std::string fence(longest + 1, '`');
  const bool pad = text.front() == '`' || text.back() == '`' || text.front() == ' ';
  return absl::StrCat(fence, pad ? " " : "", text, pad ? " " : "", fence);
}

std::string Line(const DocLine& line, bool in_table) {
  std::string text;
  for (const DocText& run : line) {
    if (run.code) {
      text += CodeSpan(run.text, in_table);
    } else if (run.strong && !run.text.empty()) {
      absl::StrAppend(&text, "**", EscapeMarkdown(OneLine(run.text)), "**");
    } else {
      text += EscapeMarkdown(OneLine(run.text));
    }
  }
  return text;
}

void AppendTable(const DocTable& table, std::string& out) {
  const size_t columns = table.header.size();
  out += "|";
  for (const std::string& title : table.header)
    absl::StrAppend(&out, " ", EscapeMarkdown(title), " |");
  out += "\n|";
  for (size_t c = 0; c < columns; ++c) {
    const bool numeric = c < table.numeric.size() && table.numeric[c];
    out += numeric ? " ---: |" : " --- |";
  }
  out += "\n";
  for (const DocTable::Row& row : table.rows) {
    out += "|";
    for (size_t c = 0; c < columns; ++c) {
      std::string cell = c < row.cells.size() ? Line(row.cells[c], true) : "";
      // The first cell of a marked row says so in text as well: Markdown has no row colour.
      if (c == 0 && row.marked) cell = absl::StrCat("**!!** ", cell);
      absl::StrAppend(&out, " ", cell, " |");
    }
    out += "\n";
  }
  out += "\n";
}

}  // namespace

std::string EscapeMarkdown(const std::string& text) {
  std::string escaped;
  escaped.reserve(text.size());
  for (char c : text) {
    // Punctuation that Markdown (emphasis, links, code, tables, inline HTML, entities) could
    // interpret mid-line; CommonMark allows a backslash before any ASCII punctuation. Lines
    // never start with user text, so '-', '+' and digits need no escape.
    if (std::string_view("\\`*_[]<>|#~&").find(c) != std::string_view::npos) {
      escaped += '\\';
    }
    escaped += c;
  }
  return escaped;
}

std::string RenderMarkdown(const ReportDocument& document) {
  std::string out = absl::StrCat("# ", EscapeMarkdown(OneLine(document.title)), "\n\n");
  for (const DocBlock& block : document.blocks) {
    switch (block.kind) {
      case DocBlock::Kind::kHeading:
        absl::StrAppend(&out, std::string(std::clamp(block.level, 1, 6), '#'), " ",
                        Line(block.line, false), "\n\n");
        break;
      case DocBlock::Kind::kParagraph:
        absl::StrAppend(&out, Line(block.line, false), "\n\n");
        break;
      case DocBlock::Kind::kList:
        for (const DocLine& item : block.items)
          absl::StrAppend(&out, "- ", Line(item, false), "\n");
        out += "\n";
        break;
      case DocBlock::Kind::kTable:
        AppendTable(block.table, out);
        break;
    }
  }
  return out;
}

}  // namespace x86diff::cli

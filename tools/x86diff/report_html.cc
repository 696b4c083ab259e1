// HTML rendering of the report document: one self-contained page (inline CSS, no scripts, no
// external resources) that can be mailed or attached to a bug.
#include <algorithm>
#include <string>

#include "absl/strings/str_cat.h"
#include "tools/x86diff/report_document.h"

namespace x86diff::cli {

namespace {

constexpr char kStyle[] = R"css(
body { font-family: system-ui, sans-serif; margin: 2em; color: #1b1b1b; max-width: 110em; }
h1, h2, h3 { font-weight: 600; }
h2 { border-bottom: 1px solid #ccc; padding-bottom: .2em; margin-top: 2em; }
h3 { margin-top: 1.6em; }
code { font-family: ui-monospace, monospace; font-size: 90%; background: #f3f3f3;
       padding: 0 .25em; border-radius: 3px; }
table { border-collapse: collapse; margin: .5em 0 1em; }
th, td { border: 1px solid #d0d0d0; padding: .2em .5em; text-align: left; vertical-align: top; }
th { background: #f0f0f0; }
td.num, th.num { text-align: right; }
tr.marked td { background: #fde2e2; }
tr.marked td:first-child::before { content: "!! "; color: #b00000; font-weight: 600; }
)css";

// Anchors come from signature ids and fixed words; anything else is dropped rather than escaped.
std::string SafeId(const std::string& id) {
  std::string safe;
  for (char c : id) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-') {
      safe += c;
    }
  }
  return safe;
}

std::string Line(const DocLine& line) {
  std::string html;
  for (const DocText& run : line) {
    const std::string link = SafeId(run.link);
    if (!link.empty()) absl::StrAppend(&html, "<a href=\"#", link, "\">");
    if (run.code) {
      absl::StrAppend(&html, "<code>", EscapeHtml(run.text), "</code>");
    } else if (run.strong) {
      absl::StrAppend(&html, "<strong>", EscapeHtml(run.text), "</strong>");
    } else {
      html += EscapeHtml(run.text);
    }
    if (!link.empty()) html += "</a>";
  }
  return html;
}

void AppendTable(const DocTable& table, std::string& out) {
  auto numeric = [&table](size_t c) { return c < table.numeric.size() && table.numeric[c]; };
  out += "<table>\n<thead><tr>";
  for (size_t c = 0; c < table.header.size(); ++c) {
    absl::StrAppend(&out, numeric(c) ? "<th class=\"num\">" : "<th>", EscapeHtml(table.header[c]),
                    "</th>");
  }
  out += "</tr></thead>\n<tbody>\n";
  for (const DocTable::Row& row : table.rows) {
    out += row.marked ? "<tr class=\"marked\">" : "<tr>";
    for (size_t c = 0; c < table.header.size(); ++c) {
      absl::StrAppend(&out, numeric(c) ? "<td class=\"num\">" : "<td>",
                      c < row.cells.size() ? Line(row.cells[c]) : "", "</td>");
    }
    out += "</tr>\n";
  }
  out += "</tbody>\n</table>\n";
}

}  // namespace

std::string EscapeHtml(const std::string& text) {
  std::string escaped;
  escaped.reserve(text.size() + text.size() / 8);
  for (char c : text) {
    switch (c) {
      case '&':
        escaped += "&amp;";
        break;
      case '<':
        escaped += "&lt;";
        break;
      case '>':
        escaped += "&gt;";
        break;
      case '"':
        escaped += "&quot;";
        break;
      case '\'':
        escaped += "&#39;";
        break;
      default:
        escaped += c;
    }
  }
  return escaped;
}

std::string RenderHtml(const ReportDocument& document) {
  std::string out =
      absl::StrCat("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>",
                   EscapeHtml(document.title), "</title>\n<style>", kStyle,
                   "</style>\n</head>\n<body>\n<h1>", EscapeHtml(document.title), "</h1>\n");
  for (const DocBlock& block : document.blocks) {
    switch (block.kind) {
      case DocBlock::Kind::kHeading: {
        const int level = std::clamp(block.level, 1, 6);
        const std::string id = SafeId(block.id);
        absl::StrAppend(&out, "<h", level, id.empty() ? "" : absl::StrCat(" id=\"", id, "\""), ">",
                        Line(block.line), "</h", level, ">\n");
        break;
      }
      case DocBlock::Kind::kParagraph:
        absl::StrAppend(&out, "<p>", Line(block.line), "</p>\n");
        break;
      case DocBlock::Kind::kList:
        out += "<ul>\n";
        for (const DocLine& item : block.items)
          absl::StrAppend(&out, "<li>", Line(item), "</li>\n");
        out += "</ul>\n";
        break;
      case DocBlock::Kind::kTable:
        AppendTable(block.table, out);
        break;
    }
  }
  out += "</body>\n</html>\n";
  return out;
}

}  // namespace x86diff::cli

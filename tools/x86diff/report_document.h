// The report as a small format-neutral document (headings, paragraphs, lists, tables of text
// runs), rendered to Markdown (report_markdown.cc) and to self-contained HTML (report_html.cc).
// Building the content once keeps the two formats in step; each renderer owns its escaping, so
// content never carries markup: every string here is plain text.
#ifndef X86DIFF_TOOLS_X86DIFF_REPORT_DOCUMENT_H_
#define X86DIFF_TOOLS_X86DIFF_REPORT_DOCUMENT_H_

#include <string>
#include <vector>

namespace x86diff::cli {

// A run of plain text; `code` renders it in a monospace code span (bytes, signatures, paths,
// instructions).
struct DocText {
  std::string text;
  bool code = false;
  bool strong = false;
  // When set, the text links to the heading with this id (HTML only: Markdown renderers make
  // their own heading ids).
  std::string link = "";
};
using DocLine = std::vector<DocText>;

inline DocText Code(std::string text) { return {std::move(text), true, false}; }
inline DocText Plain(std::string text) { return {std::move(text), false, false}; }
inline DocText Strong(std::string text) { return {std::move(text), false, true}; }
inline DocText CodeLink(std::string text, std::string link) {
  return {std::move(text), true, false, std::move(link)};
}

struct DocTable {
  struct Row {
    std::vector<DocLine> cells;
    bool marked = false;  // a row a divergence is about: highlighted
  };
  std::vector<std::string> header;
  std::vector<bool> numeric;  // per column: right-aligned (missing entries: false)
  std::vector<Row> rows;
};

struct DocBlock {
  enum class Kind { kHeading, kParagraph, kList, kTable };
  Kind kind = Kind::kParagraph;
  int level = 2;               // kHeading: 1..4
  std::string id;              // kHeading: anchor (letters, digits, '-'), may be empty
  DocLine line;                // kHeading, kParagraph
  std::vector<DocLine> items;  // kList
  DocTable table;              // kTable
};

struct ReportDocument {
  std::string title;
  std::vector<DocBlock> blocks;

  void Heading(int level, DocLine line, std::string id = "") {
    DocBlock& block = blocks.emplace_back();
    block.kind = DocBlock::Kind::kHeading;
    block.level = level;
    block.line = std::move(line);
    block.id = std::move(id);
  }
  void Paragraph(DocLine line) {
    DocBlock& block = blocks.emplace_back();
    block.kind = DocBlock::Kind::kParagraph;
    block.line = std::move(line);
  }
  void List(std::vector<DocLine> items) {
    DocBlock& block = blocks.emplace_back();
    block.kind = DocBlock::Kind::kList;
    block.items = std::move(items);
  }
  void Table(DocTable table) {
    DocBlock& block = blocks.emplace_back();
    block.kind = DocBlock::Kind::kTable;
    block.table = std::move(table);
  }
};

// GitHub-flavoured Markdown. Plain text has Markdown punctuation backslash-escaped; code spans
// use a backtick fence longer than any run inside; '|' is escaped in table cells; newlines in
// text become spaces.
std::string RenderMarkdown(const ReportDocument& document);

// One HTML5 page with inline CSS and no external resources or scripts; every text is escaped
// (& < > " ').
std::string RenderHtml(const ReportDocument& document);

// The escaping the renderers use, for tests.
std::string EscapeHtml(const std::string& text);
std::string EscapeMarkdown(const std::string& text);

}  // namespace x86diff::cli

#endif  // X86DIFF_TOOLS_X86DIFF_REPORT_DOCUMENT_H_

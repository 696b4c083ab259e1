#include "tools/x86diff/report.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <optional>
#include <system_error>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "harness/atomic_file.h"
#include "harness/hex.h"
#include "harness/status_macros.h"
#include "tools/x86diff/outcome_view.h"
#include "tools/x86diff/report_document.h"

namespace x86diff::cli {

namespace {

std::string Hex64(uint64_t value) { return absl::StrCat("0x", absl::Hex(value)); }

std::string FlagsText(uint64_t rflags) {
  static constexpr std::pair<uint64_t, const char*> kNames[] = {
      {kRflagsCF, "cf"}, {kRflagsPF, "pf"}, {kRflagsAF, "af"}, {kRflagsZF, "zf"},
      {kRflagsSF, "sf"}, {kRflagsDF, "df"}, {kRflagsOF, "of"},
  };
  std::vector<const char*> names;
  for (const auto& [bit, name] : kNames) {
    if (rflags & bit) names.push_back(name);
  }
  return absl::StrCat(Hex64(rflags), names.empty() ? "" : " ", absl::StrJoin(names, " "));
}

std::string MemoryText(const ExecResult& result) {
  if (result.memory_changes.empty()) return "-";
  std::vector<std::string> changes;
  for (const MemoryChange& change : result.memory_changes) {
    changes.push_back(absl::StrCat(Hex64(change.address), ": ", FormatHex(change.before), " -> ",
                                   FormatHex(change.after)));
  }
  return absl::StrJoin(changes, "; ");
}

DocTable::Row TextRow(const std::string& label, std::vector<std::string> cells, bool marked) {
  DocTable::Row row;
  row.marked = marked;
  row.cells.push_back({Plain(label)});
  for (std::string& cell : cells) row.cells.push_back({Code(std::move(cell))});
  return row;
}

// Decoders side by side; the rows and cells are outcome_view's, so the report shows what
// `decode` and `summary` show.
DocTable DecoderTable(absl::Span<const Outcome> decoders, const TestCase& test_case,
                      absl::Span<const Divergence> marking) {
  DocTable table;
  table.header.push_back("decoder");
  for (const Outcome& outcome : decoders) table.header.push_back(outcome.target);
  for (OutcomeRowCells& row :
       OutcomeRows(decoders, test_case.code, marking,
                   kRowValid | kRowLength | kRowBytes | kRowInstruction | kRowFailure)) {
    table.rows.push_back(TextRow(row.label, std::move(row.cells), row.marked));
  }
  return table;
}

// Executors side by side: status and fault, then the registers that changed from the initial
// state in any executor, RIP, RFLAGS, memory, declared imprecision and detail.
DocTable ExecutorTable(absl::Span<const Outcome> executors, const TestCase& test_case,
                       absl::Span<const Divergence> marking) {
  bool fault = false, status = false, flags = false, memory = false;
  std::vector<std::string> registers;  // named in register divergences
  for (const Divergence& d : marking) {
    switch (d.kind) {
      case DivergenceKind::kFault:
        fault = status = true;
        break;
      case DivergenceKind::kCrash:
      case DivergenceKind::kTimeout:
        status = true;
        break;
      case DivergenceKind::kFlags:
        flags = true;
        break;
      case DivergenceKind::kMemory:
        memory = true;
        break;
      case DivergenceKind::kRegister:
        for (absl::string_view name : absl::StrSplit(d.fields, ',')) registers.emplace_back(name);
        break;
      default:
        break;
    }
  }
  auto marked_register = [&registers](absl::string_view name) {
    return std::find(registers.begin(), registers.end(), name) != registers.end();
  };
  DocTable table;
  table.header.push_back("executor");
  for (const Outcome& outcome : executors) table.header.push_back(outcome.target);
  auto row = [&](const std::string& label, bool marked, auto cell) {
    std::vector<std::string> cells;
    for (const Outcome& outcome : executors) cells.push_back(cell(*outcome.exec));
    table.rows.push_back(TextRow(label, std::move(cells), marked));
  };
  std::vector<std::string> provenance;
  for (const Outcome& outcome : executors) {
    provenance.emplace_back(ProvenanceName(outcome.provenance));
  }
  table.rows.push_back(TextRow("provenance", std::move(provenance), false));
  row("status", status, [](const ExecResult& r) { return std::string(ExecStatusName(r.status)); });
  row("vector", fault, [](const ExecResult& r) -> std::string {
    return r.status == ExecStatus::kFault ? VectorName(r.vector) : "-";
  });
  row("error code", fault, [](const ExecResult& r) -> std::string {
    return r.has_error_code ? Hex64(r.error_code) : "-";
  });
  row("fault address", fault, [](const ExecResult& r) -> std::string {
    return r.has_fault_address ? Hex64(r.fault_address) : "-";
  });
  row("length", false, [](const ExecResult& r) -> std::string {
    return r.length == 0 ? "-" : absl::StrCat(r.length);
  });
  const CpuState initial = InitialState(test_case);
  for (int i = 0; i < kGprCount; ++i) {
    const bool changed = std::any_of(executors.begin(), executors.end(), [&](const Outcome& o) {
      return o.exec->final_state.gpr[i] != initial.gpr[i];
    });
    if (!changed && !marked_register(kGprNames[i])) continue;
    row(std::string(kGprNames[i]), marked_register(kGprNames[i]),
        [i](const ExecResult& r) { return Hex64(r.final_state.gpr[i]); });
  }
  row("rip", marked_register("rip"), [](const ExecResult& r) { return Hex64(r.final_state.rip); });
  row("rflags", flags, [](const ExecResult& r) { return FlagsText(r.final_state.rflags); });
  row("memory", memory, [](const ExecResult& r) { return MemoryText(r); });
  row("imprecise", false, [](const ExecResult& r) -> std::string {
    return r.imprecise == 0 ? "-" : ImpreciseFieldNames(r.imprecise);
  });
  row("detail", false,
      [](const ExecResult& r) -> std::string { return r.detail.empty() ? "-" : r.detail; });
  return table;
}

std::string CountText(const TriageBucket& bucket) {
  return bucket.hits.has_value() ? absl::StrCat(*bucket.hits) : "n/a";
}

DocLine SignatureLine(const Divergence& d) {
  return {Code(d.signature.HexId()), Plain(" "), Code(d.signature.text)};
}

std::string ExampleId(const Divergence& d) { return absl::StrCat("bucket-", d.signature.HexId()); }

// `linked`: how many of the buckets have an example section to link to.
DocTable BucketTable(absl::Span<const TriageBucket> buckets, bool with_waiver, size_t linked) {
  DocTable table;
  table.header = {"#",    "hits",    "findings",     "first seen", "last seen", "kind",
                  "mode", "targets", "opcode class", "fields",     "signature"};
  table.numeric = {true, true, true};
  if (with_waiver) {
    table.header.insert(table.header.end(), {"waiver", "expires", "reason"});
  }
  for (size_t i = 0; i < buckets.size(); ++i) {
    const TriageBucket& bucket = buckets[i];
    const Divergence& d = bucket.divergence;
    DocTable::Row row;
    row.cells = {
        {Plain(absl::StrCat(i + 1))},
        {Plain(CountText(bucket))},
        {Plain(absl::StrCat(bucket.findings))},
        {Plain(FormatUnixTime(bucket.first_seen))},
        {Plain(FormatUnixTime(bucket.last_seen))},
        {Plain(std::string(DivergenceKindName(d.kind)))},
        {Plain(std::string(ModeName(d.mode)))},
        {Plain(absl::StrJoin(d.targets, ", "))},
        {Code(d.opcode_class)},
        {Code(d.fields)},
        {i < linked ? CodeLink(d.signature.HexId(), ExampleId(d)) : Code(d.signature.HexId())}};
    if (with_waiver && bucket.waiver.has_value()) {
      row.cells.push_back({Code(absl::StrCat(bucket.waiver->file, ":", bucket.waiver->line))});
      row.cells.push_back({Plain(bucket.waiver->expiry)});
      row.cells.push_back({Plain(bucket.waiver->reason)});
    }
    table.rows.push_back(std::move(row));
  }
  return table;
}

void AddExample(size_t rank, const TriageBucket& bucket, const TriageResult& triage,
                std::vector<FileProblem>* problems, ReportDocument& doc) {
  const Divergence& d = bucket.divergence;
  doc.Heading(
      3,
      {Plain(absl::StrCat("#", rank, " ", DivergenceKindName(d.kind), " ", ModeName(d.mode), " ")),
       Code(d.opcode_class), Plain(" "), Code(d.fields)},
      ExampleId(d));
  doc.Paragraph(
      {Plain(absl::StrCat("Hits: ", CountText(bucket), ", findings: ", bucket.findings,
                          ", first seen ", FormatUnixTime(bucket.first_seen), ", last seen ",
                          FormatUnixTime(bucket.last_seen), " (UTC). Signature ")),
       Code(d.signature.HexId()), Plain(" "), Code(d.signature.text)});
  // The minimized example when it can be read, else the shortest finding.
  std::optional<LoadedFinding> minimized;
  if (!bucket.minimized_path.empty()) {
    absl::StatusOr<LoadedFinding> loaded = LoadFindingFile(bucket.minimized_path);
    if (loaded.ok()) {
      minimized = *std::move(loaded);
    } else {
      problems->push_back({bucket.minimized_path, std::string(loaded.status().message())});
    }
  }
  const LoadedFinding& example =
      minimized.has_value() ? *minimized : triage.findings[bucket.example];
  const Finding& finding = example.finding;
  doc.Paragraph(
      {Plain(minimized.has_value() ? "Minimized example " : "Example (shortest finding) "),
       Code(example.path), Plain(": mode "), Code(std::string(ModeName(finding.test_case.mode))),
       Plain(", bytes "), Code(FormatHex(finding.test_case.code))});
  // Mark what this bucket is about (its divergence as the example records it).
  std::vector<Divergence> marking;
  for (const Divergence& divergence : finding.divergences) {
    if (divergence.signature.hash == d.signature.hash) marking.push_back(divergence);
  }
  if (marking.empty()) {
    marking.push_back(d);
    doc.Paragraph({Plain("Note: this example does not record the bucket's signature.")});
  }
  std::vector<Outcome> decoders, executors;
  for (const Outcome& outcome : finding.outcomes) {
    (outcome.exec.has_value() ? executors : decoders).push_back(outcome);
  }
  if (!decoders.empty()) doc.Table(DecoderTable(decoders, finding.test_case, marking));
  if (!executors.empty()) doc.Table(ExecutorTable(executors, finding.test_case, marking));
  if (decoders.empty() && executors.empty())
    doc.Paragraph({Plain("The finding records no outcome.")});
  std::vector<DocLine> items;
  for (const Divergence& divergence : finding.divergences) {
    DocLine item = {divergence.signature.hash == d.signature.hash
                        ? Strong(std::string(DivergenceKindName(divergence.kind)))
                        : Plain(std::string(DivergenceKindName(divergence.kind))),
                    Plain(" "), Code(divergence.fields), Plain(" signature ")};
    for (DocText& text : SignatureLine(divergence)) item.push_back(std::move(text));
    items.push_back(std::move(item));
  }
  if (!items.empty()) {
    doc.Paragraph({Plain("Divergences of this example (this bucket's in bold):")});
    doc.List(std::move(items));
  }
}

size_t ExamplesShown(const TriageResult& triage, int max_examples) {
  return max_examples > 0 ? std::min(triage.buckets.size(), static_cast<size_t>(max_examples))
                          : triage.buckets.size();
}

struct Tally {
  size_t buckets = 0;
  int64_t hits = 0;
  size_t findings = 0;
};

DocTable TallyTable(const std::string& title, const std::map<std::string, Tally>& tallies) {
  std::vector<std::pair<std::string, Tally>> rows(tallies.begin(), tallies.end());
  std::stable_sort(rows.begin(), rows.end(),
                   [](const auto& a, const auto& b) { return a.second.hits > b.second.hits; });
  DocTable table;
  table.header = {title, "buckets", "hits", "findings"};
  table.numeric = {false, true, true, true};
  for (const auto& [name, tally] : rows) {
    DocTable::Row row;
    row.cells = {{Plain(name)},
                 {Plain(absl::StrCat(tally.buckets))},
                 {Plain(absl::StrCat(tally.hits))},
                 {Plain(absl::StrCat(tally.findings))}};
    table.rows.push_back(std::move(row));
  }
  return table;
}

void AddStatistics(const TriageResult& triage, ReportDocument& doc) {
  std::map<std::string, Tally> targets, pairs, modes, kinds;
  for (const TriageBucket& bucket : triage.buckets) {
    const Divergence& d = bucket.divergence;
    auto add = [&bucket](Tally& tally) {
      ++tally.buckets;
      tally.hits += bucket.count();
      tally.findings += bucket.findings;
    };
    for (const std::string& target : d.targets) add(targets[target]);
    add(pairs[absl::StrJoin(d.targets, " vs ")]);
    add(modes[std::string(ModeName(d.mode))]);
    add(kinds[std::string(DivergenceKindName(d.kind))]);
  }
  doc.Heading(2, {Plain("Statistics")}, "statistics");
  doc.Paragraph(
      {Plain("Unwaived buckets only; hits are counts (finding files where no hit "
             "statistics cover a bucket).")});
  doc.Heading(3, {Plain("Per target")});
  doc.Table(TallyTable("target", targets));
  doc.Heading(3, {Plain("Per target pair")});
  doc.Table(TallyTable("targets", pairs));
  doc.Heading(3, {Plain("Per mode")});
  doc.Table(TallyTable("mode", modes));
  doc.Heading(3, {Plain("Per divergence kind")});
  doc.Table(TallyTable("kind", kinds));
}

}  // namespace

ReportDocument BuildReport(const TriageResult& triage, int max_examples,
                           std::vector<FileProblem>* problems) {
  ReportDocument doc;
  doc.title = absl::StrCat("x86diff report: ", triage.paths.input);
  int64_t hits = 0, waived_hits = 0;
  size_t minimized = 0;
  for (const TriageBucket& bucket : triage.buckets) {
    hits += bucket.count();
    if (!bucket.minimized_path.empty()) ++minimized;
  }
  for (const TriageBucket& bucket : triage.waived) waived_hits += bucket.count();
  doc.Paragraph({Plain(absl::StrCat("Triage of ", triage.paths.stats_dir.empty()
                                                      ? "the findings directory "
                                                      : "the campaign directory ")),
                 Code(triage.paths.input),
                 Plain(absl::StrCat(" on ", triage.today, ". Times are UTC."))});
  doc.Heading(2, {Plain("Totals")}, "totals");
  std::vector<DocLine> totals = {
      {Strong(absl::StrCat(triage.buckets.size())), Plain(" buckets to look at, "),
       Strong(absl::StrCat(hits)), Plain(" hits")},
      {Plain(absl::StrCat(triage.waived.size(), " waived buckets (", waived_hits, " hits)"))},
      {Plain(absl::StrCat(triage.findings.size(), " findings with ", triage.divergences,
                          " divergences"))},
      {Plain(triage.stats_files == 0
                 ? std::string("no hit statistics: counts are finding files (hits: n/a)")
                 : absl::StrCat(triage.stats_files, " hit statistics files"))},
      {Plain(absl::StrCat(minimized, " of ", triage.buckets.size(),
                          " buckets have a minimized example"))},
  };
  if (!triage.waivers_file.empty()) {
    totals.push_back({Plain("waivers from "), Code(triage.waivers_file)});
  }
  if (!triage.unreadable.empty()) {
    totals.push_back({Plain(
        absl::StrCat(triage.unreadable.size(), " files could not be read (listed at the end)"))});
  }
  doc.List(std::move(totals));

  doc.Heading(2, {Plain("Buckets")}, "buckets");
  if (triage.buckets.empty()) {
    doc.Paragraph({Plain("No unwaived divergences.")});
  } else {
    doc.Paragraph({Plain("One bucket per divergence signature, most hits first.")});
    doc.Table(BucketTable(triage.buckets, false, ExamplesShown(triage, max_examples)));
  }

  if (!triage.buckets.empty()) {
    doc.Heading(2, {Plain("Examples")}, "examples");
    const size_t shown = ExamplesShown(triage, max_examples);
    if (shown < triage.buckets.size()) {
      doc.Paragraph({Plain(absl::StrCat("The ", shown, " buckets with the most hits; ",
                                        triage.buckets.size() - shown,
                                        " more without an example "
                                        "here (--max_examples=0 shows all)."))});
    }
    for (size_t i = 0; i < shown; ++i) AddExample(i + 1, triage.buckets[i], triage, problems, doc);
  }

  AddStatistics(triage, doc);

  doc.Heading(2, {Plain("Waived buckets")}, "waived");
  if (triage.waived.empty()) {
    doc.Paragraph({Plain("None.")});
  } else {
    doc.Table(BucketTable(triage.waived, true, 0));
  }
  if (!triage.stale_waivers.empty()) {
    doc.Heading(3, {Plain("Stale waivers (match no bucket)")});
    std::vector<DocLine> items;
    for (const Waiver& waiver : triage.stale_waivers) {
      items.push_back({Code(absl::StrCat(waiver.file, ":", waiver.line)), Plain(" "),
                       Code(waiver.pattern),
                       Plain(absl::StrCat(" until ", waiver.expiry, ": ", waiver.reason))});
    }
    doc.List(std::move(items));
  }
  if (!triage.unmatched_hits.empty()) {
    doc.Heading(2, {Plain("Hit statistics without a finding file")}, "unmatched");
    std::vector<DocLine> items;
    for (const SignatureHits& entry : triage.unmatched_hits) {
      items.push_back(
          {Code(absl::StrFormat("%016x", entry.id)),
           Plain(absl::StrCat(": ", entry.hits, " hits, ", FormatUnixTime(entry.first_seen), " to ",
                              FormatUnixTime(entry.last_seen)))});
    }
    doc.List(std::move(items));
  }
  std::vector<FileProblem> all_problems = triage.unreadable;
  all_problems.insert(all_problems.end(), problems->begin(), problems->end());
  if (!all_problems.empty()) {
    doc.Heading(2, {Plain("Unreadable files")}, "unreadable");
    std::vector<DocLine> items;
    for (const FileProblem& problem : all_problems) {
      items.push_back({Code(problem.path), Plain(absl::StrCat(": ", problem.reason))});
    }
    doc.List(std::move(items));
  }
  return doc;
}

absl::Status RunReportCommand(const ReportOptions& options, std::ostream& out, std::ostream& err) {
  const bool named = !options.markdown_file.empty() || !options.html_file.empty();
  if (named && !options.out_dir.empty()) {
    return absl::InvalidArgumentError(
        "report: give either --out=DIR or --markdown=FILE/--html=FILE, not both");
  }
  ASSIGN_OR_RETURN(const TriageResult triage,
                   ComputeTriage(options.input, options.waivers_file, options.today));
  std::string markdown_path = options.markdown_file;
  std::string html_path = options.html_file;
  if (!named) {
    std::string dir = options.out_dir;
    if (dir.empty()) {
      if (triage.paths.stats_dir.empty()) {
        return absl::InvalidArgumentError(absl::StrCat(
            "report: ", options.input,
            " is a findings directory, not a campaign directory: say where the report goes "
            "(--out=DIR, or --markdown=FILE and/or --html=FILE)"));
      }
      dir = options.input;  // a campaign directory: report.md and report.html next to findings/
    }
    std::error_code error;
    std::filesystem::create_directories(dir, error);
    if (error) {
      return absl::PermissionDeniedError(
          absl::StrCat("report: cannot create ", dir, ": ", error.message()));
    }
    markdown_path = absl::StrCat(dir, "/report.md");
    html_path = absl::StrCat(dir, "/report.html");
  }

  std::vector<FileProblem> problems;
  const ReportDocument doc = BuildReport(triage, options.max_examples, &problems);
  for (const FileProblem& problem : triage.unreadable) problems.push_back(problem);
  for (const FileProblem& problem : problems) {
    err << "error: " << problem.path << ": " << problem.reason
        << (options.keep_going ? " (skipped)" : "") << "\n";
  }
  if (!markdown_path.empty()) {
    RETURN_IF_ERROR(WriteFileAtomically(markdown_path, RenderMarkdown(doc)));
    out << "wrote " << markdown_path << "\n";
  }
  if (!html_path.empty()) {
    RETURN_IF_ERROR(WriteFileAtomically(html_path, RenderHtml(doc)));
    out << "wrote " << html_path << "\n";
  }
  out << Plural(triage.buckets.size(), "bucket", "buckets") << " (" << triage.waived.size()
      << " waived) from " << Plural(triage.findings.size(), "finding", "findings") << "\n";
  if (!options.keep_going && !problems.empty()) {
    return absl::DataLossError(absl::StrCat(Plural(problems.size(), "file", "files"), " under ",
                                            options.input,
                                            " could not be read (see above; --keep_going skips "
                                            "them)"));
  }
  return absl::OkStatus();
}

}  // namespace x86diff::cli

#include "tools/x86diff/summary.h"

#include <algorithm>
#include <map>
#include <set>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "harness/finding.h"
#include "harness/hex.h"
#include "harness/status_macros.h"
#include "tools/x86diff/buckets.h"
#include "tools/x86diff/outcome_view.h"
#include "tools/x86diff/text_table.h"

namespace x86diff::cli {

namespace {

// How many of `total` rows a table shows under a --max_rows limit (0: all).
size_t RowsShown(size_t total, int max_rows) {
  return max_rows > 0 ? std::min<size_t>(total, static_cast<size_t>(max_rows)) : total;
}

void WriteRowsLeftOut(size_t total, size_t shown, std::ostream& out) {
  if (shown < total) {
    out << "  ... " << Plural(total - shown, "more row", "more rows")
        << " (--max_rows=0 shows all)\n";
  }
}

void WriteOverview(absl::Span<const Bucket* const> buckets, int max_rows, const ViewStyle& style,
                   std::ostream& out) {
  TextTable table({{"#", TextTable::Align::kRight},
                   {"findings", TextTable::Align::kRight},
                   {"kind"},
                   {"mode"},
                   {"opcode class"},
                   {"fields"},
                   {"signature"}});
  const size_t shown = RowsShown(buckets.size(), max_rows);
  for (size_t i = 0; i < shown; ++i) {
    const Divergence& d = buckets[i]->divergence;
    table.AddRow({absl::StrCat(i + 1), absl::StrCat(buckets[i]->findings.size()),
                  std::string(DivergenceKindName(d.kind)), std::string(ModeName(d.mode)),
                  d.opcode_class, d.fields, d.signature.HexId()});
  }
  table.Write("  ", style.color, out);
  WriteRowsLeftOut(buckets.size(), shown, out);
}

// Disagreement patterns: buckets that share kind and fields across opcode classes and modes,
// the shortest way to see what kinds of disagreement a campaign found.
void WritePatterns(absl::Span<const Bucket* const> buckets, int max_rows, const ViewStyle& style,
                   std::ostream& out) {
  struct Pattern {
    size_t buckets = 0;
    size_t findings = 0;
    std::set<Mode> modes;
  };
  std::map<std::pair<DivergenceKind, std::string>, Pattern> patterns;
  for (const Bucket* bucket : buckets) {
    Pattern& pattern = patterns[{bucket->divergence.kind, bucket->divergence.fields}];
    ++pattern.buckets;
    pattern.findings += bucket->findings.size();
    pattern.modes.insert(bucket->divergence.mode);
  }
  std::vector<const std::pair<const std::pair<DivergenceKind, std::string>, Pattern>*> order;
  for (const auto& entry : patterns) order.push_back(&entry);
  std::stable_sort(order.begin(), order.end(), [](const auto* a, const auto* b) {
    return std::make_pair(a->second.findings, a->second.buckets) >
           std::make_pair(b->second.findings, b->second.buckets);
  });
  TextTable table({{"kind"},
                   {"fields"},
                   {"buckets", TextTable::Align::kRight},
                   {"findings", TextTable::Align::kRight},
                   {"modes"}});
  const size_t shown = RowsShown(order.size(), max_rows);
  for (size_t i = 0; i < shown; ++i) {
    const auto* entry = order[i];
    std::vector<absl::string_view> modes;
    for (Mode mode : entry->second.modes) modes.push_back(ModeName(mode));
    table.AddRow({std::string(DivergenceKindName(entry->first.first)), entry->first.second,
                  absl::StrCat(entry->second.buckets), absl::StrCat(entry->second.findings),
                  absl::StrJoin(modes, " ")});
  }
  table.Write("  ", style.color, out);
  WriteRowsLeftOut(order.size(), shown, out);
}

// Which buckets get an example. Without a limit, all in overview order. With one, the examples
// are spread over the disagreement patterns (one bucket of each pattern in turn, the pattern with
// the most buckets first), so a short report shows different kinds of disagreement instead of the
// first buckets of one pattern.
std::vector<size_t> ExampleOrder(absl::Span<const Bucket* const> buckets, size_t limit) {
  std::vector<size_t> order;
  if (limit == 0 || limit >= buckets.size()) {
    for (size_t i = 0; i < buckets.size(); ++i) order.push_back(i);
    return order;
  }
  std::map<std::pair<DivergenceKind, std::string>, std::vector<size_t>> by_pattern;
  for (size_t i = 0; i < buckets.size(); ++i) {
    by_pattern[{buckets[i]->divergence.kind, buckets[i]->divergence.fields}].push_back(i);
  }
  std::vector<const std::vector<size_t>*> patterns;
  for (const auto& [key, members] : by_pattern) patterns.push_back(&members);
  std::stable_sort(patterns.begin(), patterns.end(),
                   [](const auto* a, const auto* b) { return a->size() > b->size(); });
  for (size_t round = 0; order.size() < limit; ++round) {
    bool picked_any = false;
    for (const std::vector<size_t>* members : patterns) {
      if (round >= members->size() || order.size() == limit) continue;
      order.push_back((*members)[round]);
      picked_any = true;
    }
    if (!picked_any) break;
  }
  return order;
}

void WriteExample(size_t index, const Bucket& bucket, const ViewStyle& style, std::ostream& out) {
  const Divergence& d = bucket.divergence;
  out << Colored(style, "1",
                 absl::StrCat("#", index + 1, "  ", DivergenceKindName(d.kind), "  ",
                              ModeName(d.mode), "  ", d.opcode_class, "  ", d.fields, "  (",
                              Plural(bucket.findings.size(), "finding", "findings"), ")"))
      << "\n";
  const LoadedFinding& example = *bucket.example;
  out << "    signature " << d.signature.HexId() << "  example "
      << FormatHex(example.finding.test_case.code) << "  " << example.path << "\n";
  // The views of the targets this bucket is about, in the recorded order.
  std::vector<Outcome> outcomes;
  for (const Outcome& outcome : example.finding.outcomes) {
    if (std::find(d.targets.begin(), d.targets.end(), outcome.target) != d.targets.end()) {
      outcomes.push_back(outcome);
    }
  }
  if (outcomes.empty()) {
    out << "    (the finding records no outcome of " << absl::StrJoin(d.targets, ", ") << ")\n";
  } else {
    WriteOutcomeTable(outcomes, example.finding.test_case.code, {&d, 1}, kExampleRows, style,
                      "    ", out);
  }
  out << "\n";
}

// Per divergence kind (or mode): findings and buckets.
template <typename Key>
void WriteTotals(absl::string_view title, absl::Span<const Bucket* const> buckets,
                 Key (*key_of)(const Divergence&), absl::string_view (*name_of)(Key),
                 const ViewStyle& style, std::ostream& out) {
  std::map<Key, std::pair<size_t, size_t>> totals;  // key -> (findings, buckets)
  for (const Bucket* bucket : buckets) {
    auto& [findings, bucket_count] = totals[key_of(bucket->divergence)];
    findings += bucket->findings.size();
    ++bucket_count;
  }
  TextTable table({{std::string(title)},
                   {"findings", TextTable::Align::kRight},
                   {"buckets", TextTable::Align::kRight}});
  for (const auto& [key, counts] : totals) {
    table.AddRow(
        {std::string(name_of(key)), absl::StrCat(counts.first), absl::StrCat(counts.second)});
  }
  table.Write("  ", style.color, out);
}

}  // namespace

absl::Status RunSummaryCommand(const SummaryOptions& options, std::ostream& out,
                               std::ostream& err) {
  ASSIGN_OR_RETURN(const FindingSet set, LoadFindingDir(options.findings_dir));
  std::vector<std::string> unreadable;
  for (const FileProblem& problem : set.unreadable) {
    unreadable.push_back(absl::StrCat(problem.path, ": ", problem.reason));
  }
  for (const std::string& problem : unreadable) err << "error: " << problem << "\n";
  const std::vector<LoadedFinding>& findings = set.findings;
  const size_t divergences = CountDivergences(findings);
  const std::vector<Bucket> grouped = GroupIntoBuckets(findings);
  std::vector<const Bucket*> buckets;
  for (const Bucket& bucket : grouped) buckets.push_back(&bucket);

  const ViewStyle style{options.color};
  out << Colored(style, "1",
                 absl::StrCat("x86diff summary of ", options.findings_dir, ": ",
                              Plural(findings.size(), "finding", "findings"), ", ",
                              Plural(divergences, "divergence", "divergences"), " in ",
                              Plural(buckets.size(), "bucket", "buckets")))
      << "\n";
  if (!unreadable.empty()) {
    out << "  " << Plural(unreadable.size(), "file", "files")
        << " could not be read (named on stderr)\n";
  }
  if (!set.skipped.empty()) {
    // libFuzzer crash-* files, editor backups, a README: not findings, but say they are there.
    out << "  " << Plural(set.skipped.size(), "other file", "other files")
        << " (not *.json, or hidden) ignored\n";
  }
  if (buckets.empty()) {
    out << "  no divergences recorded\n";
  } else {
    out << "\nDisagreement patterns (buckets with the same kind and fields):\n";
    WritePatterns(buckets, options.max_rows, style, out);
    out << "\nBuckets (one per signature), most findings first:\n";
    WriteOverview(buckets, options.max_rows, style, out);
    const std::vector<size_t> examples =
        ExampleOrder(buckets, static_cast<size_t>(std::max(options.max_examples, 0)));
    out << (examples.size() < buckets.size()
                ? "\nExamples, one bucket of each disagreement pattern in turn:\n\n"
                : "\nOne example per bucket:\n\n");
    for (size_t index : examples) WriteExample(index, *buckets[index], style, out);
    if (examples.size() < buckets.size()) {
      out << "  ... " << Plural(buckets.size() - examples.size(), "more bucket", "more buckets")
          << " without an example here (--max_examples=0 shows all)\n\n";
    }
    out << "Totals by divergence kind:\n";
    WriteTotals<DivergenceKind>(
        "kind", buckets, [](const Divergence& d) { return d.kind; }, &DivergenceKindName, style,
        out);
    out << "\nTotals by mode:\n";
    WriteTotals<Mode>(
        "mode", buckets, [](const Divergence& d) { return d.mode; }, &ModeName, style, out);
  }

  if (!options.keep_going && !unreadable.empty()) {
    return absl::DataLossError(
        absl::StrCat(Plural(unreadable.size(), "file", "files"), " under ", options.findings_dir,
                     " could not be read (see above; --keep_going ignores them)"));
  }
  return absl::OkStatus();
}

}  // namespace x86diff::cli

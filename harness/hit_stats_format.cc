#include "harness/hit_stats_format.h"

#include <algorithm>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "nlohmann/json.hpp"

namespace x86diff {

namespace {

using nlohmann::json;

absl::Status Invalid(absl::string_view where, absl::string_view problem) {
  return absl::InvalidArgumentError(absl::StrCat(where, ": ", problem));
}

// An integer field of `object`; `where` names it in errors.
absl::StatusOr<int64_t> IntegerField(const json& object, const char* name,
                                     absl::string_view where) {
  auto it = object.find(name);
  if (it == object.end()) return Invalid(absl::StrCat(where, name), "missing");
  if (!it->is_number_integer()) return Invalid(absl::StrCat(where, name), "not an integer");
  return it->get<int64_t>();
}

absl::StatusOr<uint64_t> ParseSignatureId(const json& value, absl::string_view where) {
  if (!value.is_string()) return Invalid(where, "not a string");
  const std::string& text = value.get_ref<const std::string&>();
  uint64_t id = 0;
  if (text.size() != 16 || !std::all_of(text.begin(), text.end(), absl::ascii_isxdigit) ||
      !absl::SimpleHexAtoi(text, &id)) {
    return Invalid(where, absl::StrCat("\"", text, "\" is not a signature id (16 hex digits)"));
  }
  return id;
}

}  // namespace

absl::StatusOr<HitStatsFile> HitStatsFromJson(absl::string_view text) {
  const json root = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (root.is_discarded()) return absl::InvalidArgumentError("not valid JSON");
  if (!root.is_object()) return absl::InvalidArgumentError("not a JSON object");
  auto format = root.find("format");
  if (format == root.end() || *format != "x86diff-hits") {
    return Invalid("format", "missing or not \"x86diff-hits\"");
  }
  HitStatsFile file;
  auto version = IntegerField(root, "version", "");
  if (!version.ok()) return version.status();
  if (*version != 1) return Invalid("version", absl::StrCat(*version, " is not supported (1 is)"));
  auto target = root.find("target");
  if (target == root.end() || !target->is_string())
    return Invalid("target", "missing or not a string");
  file.target = target->get<std::string>();
  auto pid = IntegerField(root, "pid", "");
  if (!pid.ok()) return pid.status();
  file.pid = *pid;
  auto written_at = IntegerField(root, "written_at", "");
  if (!written_at.ok()) return written_at.status();
  file.written_at = *written_at;
  auto signatures = root.find("signatures");
  if (signatures == root.end() || !signatures->is_array()) {
    return Invalid("signatures", "missing or not an array");
  }
  for (size_t i = 0; i < signatures->size(); ++i) {
    const json& entry = (*signatures)[i];
    const std::string where = absl::StrCat("signatures[", i, "].");
    if (!entry.is_object()) return Invalid(absl::StrCat("signatures[", i, "]"), "not an object");
    SignatureHits hits;
    auto id = entry.find("id");
    if (id == entry.end()) return Invalid(absl::StrCat(where, "id"), "missing");
    auto parsed_id = ParseSignatureId(*id, absl::StrCat(where, "id"));
    if (!parsed_id.ok()) return parsed_id.status();
    hits.id = *parsed_id;
    auto count = IntegerField(entry, "hits", where);
    if (!count.ok()) return count.status();
    if (*count < 0) return Invalid(absl::StrCat(where, "hits"), "negative");
    hits.hits = *count;
    auto first = IntegerField(entry, "first_seen", where);
    if (!first.ok()) return first.status();
    auto last = IntegerField(entry, "last_seen", where);
    if (!last.ok()) return last.status();
    if (*first > *last) {
      return Invalid(absl::StrCat(where, "first_seen"),
                     absl::StrCat(*first, " is after last_seen ", *last));
    }
    hits.first_seen = *first;
    hits.last_seen = *last;
    file.signatures.push_back(hits);
  }
  return file;
}

std::string HitStatsToJson(const HitStatsFile& file) {
  json signatures = json::array();
  for (const SignatureHits& hits : file.signatures) {
    signatures.push_back({{"id", absl::StrFormat("%016x", hits.id)},
                          {"hits", hits.hits},
                          {"first_seen", hits.first_seen},
                          {"last_seen", hits.last_seen}});
  }
  json root = {{"format", "x86diff-hits"},      {"version", 1},
               {"target", file.target},         {"pid", file.pid},
               {"written_at", file.written_at}, {"signatures", std::move(signatures)}};
  return root.dump() + "\n";
}

}  // namespace x86diff

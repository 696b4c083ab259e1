#include "tools/x86diff/waivers.h"

#include <algorithm>
#include <ctime>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "harness/atomic_file.h"
#include "harness/mode.h"

namespace x86diff::cli {

namespace {

constexpr int kSignatureParts = 5;  // kind|targets|mode|opcode class|fields

bool IsBlank(char c) { return c == ' ' || c == '\t'; }

// Splits off the first blank-separated word of `rest`.
absl::string_view NextWord(absl::string_view& rest) {
  rest = absl::StripLeadingAsciiWhitespace(rest);
  size_t end = 0;
  while (end < rest.size() && !IsBlank(rest[end])) ++end;
  absl::string_view word = rest.substr(0, end);
  rest.remove_prefix(end);
  return word;
}

bool HasWildcard(absl::string_view text) {
  return text.find_first_of("*?") != absl::string_view::npos;
}

bool IsKindName(absl::string_view name) {
  for (int kind = 0; kind <= static_cast<int>(DivergenceKind::kTimeout); ++kind) {
    if (DivergenceKindName(static_cast<DivergenceKind>(kind)) == name) return true;
  }
  return false;
}

// '*' any run, '?' any one character; iterative with one backtrack point (linear enough for
// signature-sized texts).
bool GlobMatch(absl::string_view pattern, absl::string_view text) {
  size_t p = 0, t = 0, star = absl::string_view::npos, star_text = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      star_text = t;
    } else if (star != absl::string_view::npos) {
      p = star + 1;
      t = ++star_text;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

// Why `pattern` is not usable, or "" when it is. Sets *id for a signature id.
std::string CheckPattern(absl::string_view pattern, std::optional<uint64_t>* id) {
  if (pattern.find('|') == absl::string_view::npos) {
    uint64_t value = 0;
    if (pattern.size() == 16 && std::all_of(pattern.begin(), pattern.end(), absl::ascii_isxdigit) &&
        absl::SimpleHexAtoi(pattern, &value)) {
      *id = value;
      return "";
    }
    return absl::StrCat("pattern \"", pattern,
                        "\" is neither a signature id (16 hex digits) nor a glob over "
                        "kind|targets|mode|opcode class|fields");
  }
  std::vector<absl::string_view> parts = absl::StrSplit(pattern, '|');
  if (parts.size() != kSignatureParts) {
    return absl::StrCat("pattern \"", pattern, "\" has ", parts.size(),
                        " '|'-separated parts; a signature glob has 5: "
                        "kind|targets|mode|opcode class|fields");
  }
  if (!HasWildcard(parts[0]) && !IsKindName(parts[0])) {
    return absl::StrCat("pattern \"", pattern, "\": \"", parts[0],
                        "\" is not a divergence kind (length, validity, mnemonic, fault, "
                        "register, flags, memory, crash, timeout)");
  }
  if (!HasWildcard(parts[2]) && !ParseMode(parts[2]).ok()) {
    return absl::StrCat("pattern \"", pattern, "\": \"", parts[2],
                        "\" is not a mode (real16, prot16, prot32, compat32, long64)");
  }
  return "";
}

int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

}  // namespace

bool IsValidDate(absl::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
    if (!absl::ascii_isdigit(text[i])) return false;
  }
  int year = 0, month = 0, day = 0;
  if (!absl::SimpleAtoi(text.substr(0, 4), &year) || !absl::SimpleAtoi(text.substr(5, 2), &month) ||
      !absl::SimpleAtoi(text.substr(8, 2), &day)) {
    return false;
  }
  return month >= 1 && month <= 12 && day >= 1 && day <= DaysInMonth(year, month);
}

std::string TodayUtc() {
  const std::time_t now = std::time(nullptr);
  std::tm utc;
  gmtime_r(&now, &utc);
  return absl::StrFormat("%04d-%02d-%02d", utc.tm_year + 1900, utc.tm_mon + 1, utc.tm_mday);
}

absl::StatusOr<std::vector<Waiver>> ParseWaivers(absl::string_view text, absl::string_view file,
                                                 absl::string_view today) {
  if (!IsValidDate(today)) {
    return absl::InvalidArgumentError(
        absl::StrCat("today's date \"", today, "\" is not YYYY-MM-DD"));
  }
  std::vector<Waiver> waivers;
  std::vector<std::string> problems;
  int number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++number;
    line = absl::StripTrailingAsciiWhitespace(line);  // also a '\r' of CRLF files
    absl::string_view rest = absl::StripLeadingAsciiWhitespace(line);
    if (rest.empty() || rest[0] == '#') continue;
    auto problem = [&](absl::string_view what) {
      problems.push_back(absl::StrCat(file, ":", number, ": ", what));
    };
    Waiver waiver;
    waiver.file = std::string(file);
    waiver.line = number;
    waiver.pattern = std::string(NextWord(rest));
    const absl::string_view expiry = NextWord(rest);
    waiver.reason = std::string(absl::StripAsciiWhitespace(rest));
    if (expiry.empty()) {
      problem("expected \"<signature id or glob> <expiry YYYY-MM-DD> <reason>\"");
      continue;
    }
    if (std::string why = CheckPattern(waiver.pattern, &waiver.id); !why.empty()) {
      problem(why);
      continue;
    }
    if (!IsValidDate(expiry)) {
      problem(absl::StrCat("expiry \"", expiry, "\" is not a date (YYYY-MM-DD)"));
      continue;
    }
    waiver.expiry = std::string(expiry);
    if (waiver.reason.empty()) {
      problem("the reason is missing (the rest of the line after the expiry date)");
      continue;
    }
    // YYYY-MM-DD compares as text in date order.
    if (waiver.expiry < today) {
      problem(absl::StrCat("waiver for ", waiver.pattern, " expired on ", waiver.expiry,
                           " (today is ", today, "): review it, then renew or remove it"));
      continue;
    }
    waivers.push_back(std::move(waiver));
  }
  if (!problems.empty()) {
    return absl::InvalidArgumentError(absl::StrJoin(problems, "\n"));
  }
  return waivers;
}

absl::StatusOr<std::vector<Waiver>> LoadWaivers(const std::string& path, absl::string_view today) {
  absl::StatusOr<std::string> text = ReadFileToString(path, 4 << 20);
  if (!text.ok()) {
    if (text.status().code() == absl::StatusCode::kNotFound) return text.status();
    return absl::Status(text.status().code(),
                        absl::StrCat("waivers file: ", text.status().message()));
  }
  return ParseWaivers(*text, path, today);
}

bool WaiverMatches(const Waiver& waiver, const Signature& signature) {
  if (waiver.id.has_value()) return *waiver.id == signature.hash;
  std::vector<absl::string_view> patterns = absl::StrSplit(waiver.pattern, '|');
  // The fields part may itself contain '|' in principle: split the text into at most five parts.
  std::vector<absl::string_view> parts = absl::StrSplit(signature.text, absl::MaxSplits('|', 4));
  if (patterns.size() != parts.size()) return false;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (!GlobMatch(patterns[i], parts[i])) return false;
  }
  return true;
}

const Waiver* FindWaiver(absl::Span<const Waiver> waivers, const Signature& signature) {
  for (const Waiver& waiver : waivers) {
    if (WaiverMatches(waiver, signature)) return &waiver;
  }
  return nullptr;
}

}  // namespace x86diff::cli

#include "tools/x86diff/campaign_state.h"

#include <filesystem>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "harness/atomic_file.h"
#include "harness/status_macros.h"
#include "nlohmann/json.hpp"

namespace x86diff::cli {
namespace {

constexpr const char* kFormat = "x86diff-campaign";
constexpr int kVersion = 1;

absl::Status Malformed(const std::string& path, absl::string_view problem) {
  return absl::DataLossError(absl::StrCat(path, ": not a readable campaign state (", problem,
                                          "); move it away to start a new campaign there"));
}

}  // namespace

absl::StatusOr<std::optional<CampaignState>> LoadCampaignState(const std::string& path) {
  std::error_code error;
  if (!std::filesystem::exists(path, error)) return std::optional<CampaignState>();
  ASSIGN_OR_RETURN(std::string text, ReadFileToString(path, 1 << 20));
  const nlohmann::json json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded() || !json.is_object()) return Malformed(path, "not a JSON object");
  if (json.value("format", "") != kFormat) return Malformed(path, "format is not x86diff-campaign");
  if (!json.contains("version") || json["version"] != kVersion) {
    return Malformed(path, absl::StrCat("version is not ", kVersion));
  }
  CampaignState state;
  auto strings = [&](const char* key, std::vector<std::string>* out) -> bool {
    if (!json.contains(key) || !json[key].is_array()) return false;
    for (const nlohmann::json& item : json[key]) {
      if (!item.is_string()) return false;
      out->push_back(item.get<std::string>());
    }
    return true;
  };
  auto number = [&](const char* key, double* out) -> bool {
    if (!json.contains(key) || !json[key].is_number() || json[key].get<double>() < 0) return false;
    *out = json[key].get<double>();
    return true;
  };
  if (!strings("targets", &state.targets)) return Malformed(path, "bad \"targets\"");
  if (!strings("modes", &state.modes)) return Malformed(path, "bad \"modes\"");
  if (!number("duration_seconds", &state.duration_seconds)) {
    return Malformed(path, "bad \"duration_seconds\"");
  }
  if (!number("elapsed_seconds", &state.elapsed_seconds)) {
    return Malformed(path, "bad \"elapsed_seconds\"");
  }
  double runs = 0;
  if (!number("runs", &runs)) return Malformed(path, "bad \"runs\"");
  state.runs = static_cast<int>(runs);
  if (json.contains("process_groups")) {
    if (!json["process_groups"].is_array()) return Malformed(path, "bad \"process_groups\"");
    for (const nlohmann::json& item : json["process_groups"]) {
      if (!item.is_number_integer() || item.get<int64_t>() <= 1) {
        return Malformed(path, "bad \"process_groups\"");
      }
      state.process_groups.push_back(item.get<pid_t>());
    }
  }
  return std::optional<CampaignState>(std::move(state));
}

absl::Status SaveCampaignState(const std::string& path, const CampaignState& state) {
  nlohmann::json json = {{"format", kFormat},
                         {"version", kVersion},
                         {"targets", state.targets},
                         {"modes", state.modes},
                         {"duration_seconds", state.duration_seconds},
                         {"elapsed_seconds", state.elapsed_seconds},
                         {"runs", state.runs},
                         {"process_groups", state.process_groups}};
  return WriteFileAtomically(path, json.dump(2) + "\n");
}

}  // namespace x86diff::cli

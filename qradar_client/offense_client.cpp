#include "qradar_client/offense_client.h"

#include <nlohmann/json.hpp>

namespace aihunt::qradar {

core::Result<std::vector<OffenseSummary>> OffenseClient::list(const std::string& filter,
                                                              std::uint64_t limit) {
  ApiCall call;
  call.path = "/api/siem/offenses?fields=" +
              urlEncode("id,description,offense_source,status,magnitude,start_time");
  if (!filter.empty()) call.path += "&filter=" + urlEncode(filter);
  if (limit == 0) return std::vector<OffenseSummary>();
  call.headers.emplace_back("Range", "items=0-" + std::to_string(limit - 1));
  auto response = api_.callOk(call);
  if (!response) return response.error().withContext("listing offenses");
  const nlohmann::json parsed = nlohmann::json::parse(response->body, nullptr, false);
  if (!parsed.is_array()) {
    return core::makeError(core::ErrorCode::kParse, "listing offenses: expected a JSON array");
  }
  std::vector<OffenseSummary> offenses;
  for (const auto& entry : parsed) {
    if (!entry.is_object()) continue;
    OffenseSummary offense;
    offense.id = entry.value("id", std::int64_t{0});
    offense.description = entry.value("description", "");
    offense.offense_source = entry.value("offense_source", "");
    offense.status = entry.value("status", "");
    offense.magnitude = entry.value("magnitude", 0);
    offense.start_time = entry.value("start_time", std::int64_t{0});
    offenses.push_back(std::move(offense));
  }
  return offenses;
}

core::Status OffenseClient::addNote(std::int64_t offense_id, const std::string& text) {
  ApiCall call;
  call.method = "POST";
  call.path =
      "/api/siem/offenses/" + std::to_string(offense_id) + "/notes?note_text=" + urlEncode(text);
  auto response = api_.callOk(call);
  if (!response) return response.error().withContext("adding an offense note");
  return {};
}

}  // namespace aihunt::qradar

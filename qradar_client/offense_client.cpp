#include "qradar_client/offense_client.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "qradar_client/range_pages.h"

namespace aihunt::qradar {
namespace {

std::int64_t integerOrZero(const nlohmann::json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_number_integer() ? it->get<std::int64_t>() : 0;
}

std::string stringOrEmpty(const nlohmann::json& object, const char* key) {
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

core::Result<std::vector<OffenseSummary>> OffenseClient::list(const std::string& filter,
                                                              std::uint64_t limit,
                                                              const std::string& sort) {
  ApiCall call;
  call.path = "/api/siem/offenses?fields=" +
              urlEncode("id,description,offense_source,status,magnitude,start_time,rules");
  if (!filter.empty()) call.path += "&filter=" + urlEncode(filter);
  if (!sort.empty()) call.path += "&sort=" + urlEncode(sort);
  if (limit == 0) return std::vector<OffenseSummary>();
  call.headers.emplace_back("Range", "items=0-" + std::to_string(limit - 1));
  auto response = api_.call(call);
  if (!response) return response.error().withContext("listing offenses");
  if (response->status < 200 || response->status >= 300) {
    core::Error error = api_.coreErrorOf(*response);
    if (response->status == 422) error.code = core::ErrorCode::kInvalidArgument;
    if (response->status == 403) {
      // Named as `aihunt check` names it (a trial: "HTTP 403 (code 1009)" alone).
      error.message +=
          " (the token's role lacks the Offenses capability, which "
          "outputs.offense_notes needs to read offenses and add notes)";
    }
    return error.withContext("listing offenses");
  }
  const nlohmann::json parsed = nlohmann::json::parse(response->body, nullptr, false);
  if (!parsed.is_array()) {
    return core::makeError(core::ErrorCode::kParse, "listing offenses: expected a JSON array");
  }
  std::vector<OffenseSummary> offenses;
  for (const auto& entry : parsed) {
    if (!entry.is_object()) continue;
    OffenseSummary offense;
    // Server data: a field of another type (or null) reads as absent, never throws.
    offense.id = integerOrZero(entry, "id");
    offense.description = stringOrEmpty(entry, "description");
    offense.offense_source = stringOrEmpty(entry, "offense_source");
    offense.status = stringOrEmpty(entry, "status");
    offense.magnitude =
        static_cast<int>(std::clamp<std::int64_t>(integerOrZero(entry, "magnitude"), 0, 10));
    offense.start_time = integerOrZero(entry, "start_time");
    if (const auto rules = entry.find("rules"); rules != entry.end() && rules->is_array()) {
      for (const auto& rule : *rules) {
        if (offense.rule_ids.size() >= kMaxRulesPerOffense) break;
        if (!rule.is_object()) continue;
        const std::int64_t rule_id = integerOrZero(rule, "id");
        if (rule_id > 0 && std::find(offense.rule_ids.begin(), offense.rule_ids.end(), rule_id) ==
                               offense.rule_ids.end()) {
          offense.rule_ids.push_back(rule_id);
        }
      }
    }
    offenses.push_back(std::move(offense));
  }
  return offenses;
}

core::Status OffenseClient::addNote(std::int64_t offense_id, const std::string& text) {
  ApiCall call;
  call.method = "POST";
  call.path =
      "/api/siem/offenses/" + std::to_string(offense_id) + "/notes?note_text=" + urlEncode(text);
  // A note whose answer is lost may have been made: the sink's next try reads the offense's
  // notes and finds its marker, where a blind resend would add it twice (a trial saw two).
  call.repeatable = false;
  auto response = api_.callOk(call);
  if (!response) return response.error().withContext("adding an offense note");
  return {};
}

core::Result<std::vector<OffenseNote>> OffenseClient::listNotes(std::int64_t offense_id,
                                                                std::size_t limit,
                                                                std::size_t page_size) {
  auto entries = readRangePages(api_,
                                "/api/siem/offenses/" + std::to_string(offense_id) +
                                    "/notes?fields=" + urlEncode("id,note_text"),
                                limit, page_size, "listing the notes of an offense");
  if (!entries) return entries.error();
  std::vector<OffenseNote> notes;
  for (const auto& entry : *entries) {
    if (!entry.is_object()) continue;
    notes.push_back({integerOrZero(entry, "id"), stringOrEmpty(entry, "note_text")});
  }
  return notes;
}

}  // namespace aihunt::qradar

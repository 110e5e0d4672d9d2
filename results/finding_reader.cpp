#include "results/finding_reader.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <string>

#include "core/text.h"
#include "detection/finding_json.h"

namespace aihunt::results {
namespace {

using nlohmann::json;

core::Error bad(const std::string& what) { return core::makeError(core::ErrorCode::kParse, what); }

// A string member, or empty for null or absent (the writer writes empty text as null).
core::Result<std::string> text(const json& row, const char* key) {
  const auto it = row.find(key);
  if (it == row.end() || it->is_null()) return std::string();
  if (!it->is_string()) return bad(std::string("'") + key + "' is not text");
  return it->get<std::string>();
}

core::Result<std::optional<std::int64_t>> integerOrNull(const json& row, const char* key) {
  const auto it = row.find(key);
  if (it == row.end() || it->is_null()) return std::optional<std::int64_t>();
  if (!it->is_number_integer()) return bad(std::string("'") + key + "' is not a whole number");
  return std::optional<std::int64_t>(it->get<std::int64_t>());
}

template <typename Value, typename FromName>
core::Result<Value> named(const json& row, const char* key, FromName from_name) {
  const auto it = row.find(key);
  if (it == row.end() || !it->is_string()) return bad(std::string("'") + key + "' is not text");
  const auto value = from_name(it->get<std::string>());
  if (!value) {
    return bad(std::string("'") + key + "' holds a value this aihunt does not know: '" +
               core::printableExcerpt(it->get<std::string>()) + "'");
  }
  return *value;
}

std::optional<detection::Severity> severityFromName(std::string_view name) {
  using detection::Severity;
  for (const Severity severity :
       {Severity::kLow, Severity::kMedium, Severity::kHigh, Severity::kCritical}) {
    if (detection::severityName(severity) == name) return severity;
  }
  return std::nullopt;
}

bool isFindingId(const std::string& id) {
  return id.size() == detection::kFindingIdHexChars &&
         std::all_of(id.begin(), id.end(),
                     [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// What a row that is not a finding looks like, so that the error says where it belongs.
std::string notAFinding(const json& row) {
  if (row.contains("events") || row.contains("flows") || row.contains("starttime")) {
    return "not one of aihunt's findings (it looks like Ariel results: 'aihunt triage --view "
           "incidents' reads those)";
  }
  if (row.contains("incident_id")) {
    return "not one of aihunt's findings (it is an incident: incidents are read from the "
           "findings they fold)";
  }
  if (row.contains("complete") && row.contains("hunts")) {
    return "not one of aihunt's findings (it is a JSON document, --format json: give the "
           "findings as JSON Lines, --format jsonl, or its \"findings\" array)";
  }
  return "not one of aihunt's findings (no finding_id and schema_version)";
}

core::Status fill(const json& row, detection::Finding& finding) {
  auto take = [](core::Result<std::string> value, std::string& into) -> core::Status {
    if (!value) return value.error();
    into = std::move(*value);
    return {};
  };
  for (const auto& [key, into] : std::initializer_list<std::pair<const char*, std::string*>>{
           {"hunt", &finding.hunt},
           {"event_time", &finding.event_time},
           {"source_ip", &finding.source_ip},
           {"username", &finding.username},
           {"host", &finding.host},
           {"destination_ip", &finding.destination_ip},
           {"url", &finding.url},
           {"domain", &finding.domain},
           {"provider", &finding.provider},
           {"application", &finding.application},
           {"process_name", &finding.process_name},
           {"exception", &finding.exception},
           {"log_source", &finding.log_source},
           {"event_category", &finding.event_category},
           {"evidence", &finding.evidence}}) {
    if (auto status = take(text(row, key), *into); !status) return status;
  }
  if (finding.hunt.empty()) return bad("'hunt' is missing");
  auto port = integerOrNull(row, "destination_port");
  if (!port) return port.error();
  finding.destination_port = *port;
  auto sent = integerOrNull(row, "bytes_sent");
  if (!sent) return sent.error();
  finding.bytes_sent = *sent;
  auto category = named<detection::ProcessCategory>(row, "process_category",
                                                    detection::processCategoryFromName);
  if (!category) return category.error();
  finding.process_category = *category;
  auto severity = named<detection::Severity>(row, "severity", severityFromName);
  if (!severity) return severity.error();
  finding.severity = *severity;
  const auto score = row.find("risk_score");
  if (score == row.end() || !score->is_number_integer() || score->get<std::int64_t>() < 0 ||
      score->get<std::int64_t>() > 100) {
    return bad("'risk_score' is not a whole number from 0 to 100");
  }
  finding.risk_score = score->get<int>();
  const auto suppressed = row.find("suppressed");
  if (suppressed == row.end() || !suppressed->is_boolean()) {
    return bad("'suppressed' is not true or false");
  }
  finding.suppressed = suppressed->get<bool>();
  const auto signals = row.find("signals");
  if (signals == row.end() || !signals->is_array()) return bad("'signals' is not a list");
  for (const json& name : *signals) {
    const auto signal =
        name.is_string() ? detection::signalFromName(name.get<std::string>()) : std::nullopt;
    if (!signal) {
      return bad("'signals' holds a signal this aihunt does not know: '" +
                 core::printableExcerpt(name.is_string() ? name.get<std::string>() : name.dump()) +
                 "'");
    }
    finding.signals.add(*signal);
  }
  return {};
}

}  // namespace

core::Result<detection::Finding> parseFinding(std::string_view text_json) {
  const json row = json::parse(text_json, nullptr, /*allow_exceptions=*/false);
  if (row.is_discarded()) return bad("not valid JSON");
  if (!row.is_object()) return bad("not a JSON object (a finding is one)");
  const auto version = row.find("schema_version");
  const auto id = row.find("finding_id");
  if (version == row.end() || id == row.end()) return bad(notAFinding(row));
  if (!version->is_number_integer()) return bad("'schema_version' is not a whole number");
  if (version->get<std::int64_t>() != detection::kOutputSchemaVersion) {
    return bad("written with schema_version " + std::to_string(version->get<std::int64_t>()) +
               "; this aihunt reads version " + std::to_string(detection::kOutputSchemaVersion) +
               " (docs/output.md)");
  }
  detection::Finding finding;
  if (!id->is_string() || !isFindingId(id->get<std::string>())) {
    return bad("'finding_id' is not 32 lower-case hex digits");
  }
  finding.finding_id = id->get<std::string>();
  if (auto status = fill(row, finding); !status) return status.error();
  return finding;
}

}  // namespace aihunt::results

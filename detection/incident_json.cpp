#include "detection/incident_json.h"

#include "core/json_text.h"

namespace aihunt::detection {
namespace {

// Unknown values are null, as in a finding's JSON.
void stringOrNull(std::string& out, std::string_view key, std::string_view value) {
  out.append(key);
  if (value.empty()) {
    out.append("null");
  } else {
    core::appendJsonString(out, value);
  }
}

template <typename Range, typename Name>
void stringArray(std::string& out, std::string_view key, const Range& values, Name name) {
  out.append(key);
  out.push_back('[');
  bool first = true;
  for (const auto& value : values) {
    if (!first) out.push_back(',');
    first = false;
    core::appendJsonString(out, name(value));
  }
  out.push_back(']');
}

std::string_view same(const std::string& value) { return value; }

}  // namespace

void appendIncidentJson(std::string& out, const Incident& incident) {
  out.append(R"({"schema_version":)");
  out.append(std::to_string(kIncidentSchemaVersion));
  stringOrNull(out, R"(,"incident_id":)", incident.incident_id);
  stringOrNull(out, R"(,"actor":{"user":)", incident.actor.user);
  stringOrNull(out, R"(,"user_display":)", incident.actor.user_display);
  stringOrNull(out, R"(,"host":)", incident.actor.host);
  stringOrNull(out, R"(,"source_ip":)", incident.actor.source_ip);
  out.push_back('}');
  stringOrNull(out, R"(,"provider":)", incident.provider);
  stringOrNull(out, R"(,"domain":)", incident.domain);
  stringOrNull(out, R"(,"process":)", incident.process);
  stringArray(out, R"(,"sources":)", incident.sources, same);
  stringArray(out, R"(,"signals":)", incident.signals.list(), signalName);
  out.append(R"(,"risk_score":)");
  out.append(std::to_string(incident.risk_score));
  stringOrNull(out, R"(,"severity":)", severityName(incident.severity));
  stringOrNull(out, R"(,"first_seen":)", incident.first_seen);
  stringOrNull(out, R"(,"last_seen":)", incident.last_seen);
  stringArray(out, R"(,"finding_ids":)", incident.finding_ids, same);
  out.append(R"(,"events":)");
  out.append(std::to_string(incident.events));
  stringOrNull(out, R"(,"evidence":)", incident.evidence);
  stringArray(out, R"(,"hunts":)", incident.hunts, same);
  out.append(incident.suppressed ? R"(,"suppressed":true)" : R"(,"suppressed":false)");
  stringArray(out, R"(,"exceptions":)", incident.exceptions, same);
  out.push_back('}');
}

}  // namespace aihunt::detection

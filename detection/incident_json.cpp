#include "detection/incident_json.h"

#include "core/json_text.h"

namespace aihunt::detection {
namespace {

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
  core::appendJsonStringOrNull(out, R"(,"incident_id":)", incident.incident_id);
  core::appendJsonStringOrNull(out, R"(,"actor":{"user":)", incident.actor.user);
  core::appendJsonStringOrNull(out, R"(,"user_display":)", incident.actor.user_display);
  core::appendJsonStringOrNull(out, R"(,"host":)", incident.actor.host);
  core::appendJsonStringOrNull(out, R"(,"source_ip":)", incident.actor.source_ip);
  out.push_back('}');
  core::appendJsonStringOrNull(out, R"(,"provider":)", incident.provider);
  core::appendJsonStringOrNull(out, R"(,"domain":)", incident.domain);
  core::appendJsonStringOrNull(out, R"(,"process":)", incident.process);
  stringArray(out, R"(,"sources":)", incident.sources, same);
  stringArray(out, R"(,"signals":)", incident.signals.list(), signalName);
  out.append(R"(,"risk_score":)");
  out.append(std::to_string(incident.risk_score));
  core::appendJsonStringOrNull(out, R"(,"severity":)", severityName(incident.severity));
  core::appendJsonStringOrNull(out, R"(,"first_seen":)", incident.first_seen);
  core::appendJsonStringOrNull(out, R"(,"last_seen":)", incident.last_seen);
  stringArray(out, R"(,"finding_ids":)", incident.finding_ids, same);
  out.append(R"(,"events":)");
  out.append(std::to_string(incident.events));
  core::appendJsonStringOrNull(out, R"(,"evidence":)", incident.evidence);
  stringArray(out, R"(,"hunts":)", incident.hunts, same);
  out.append(incident.suppressed ? R"(,"suppressed":true)" : R"(,"suppressed":false)");
  stringArray(out, R"(,"exceptions":)", incident.exceptions, same);
  out.push_back('}');
}

}  // namespace aihunt::detection

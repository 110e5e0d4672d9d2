#include "detection/telemetry_source.h"

#include <array>

#include "core/text.h"

namespace aihunt::detection {
namespace {

bool has(std::string_view text, std::string_view lower_needle) {
  return core::icontainsLower(text, lower_needle);
}

// Sysmon's event ids by the category QRadar's Sysmon DSM files them under.
std::string sysmonLabel(std::string_view category) {
  struct Id {
    std::string_view category;
    std::string_view label;
  };
  static constexpr std::array<Id, 4> kIds = {{{"process creat", "Sysmon 1"},
                                              {"network connection", "Sysmon 3"},
                                              {"file creat", "Sysmon 11"},
                                              {"dns", "Sysmon 22"}}};
  for (const auto& id : kIds) {
    if (has(category, id.category)) return std::string(id.label);
  }
  return "Sysmon";
}

// The family of a hunt, for findings whose log source says nothing (offline hunts without
// lookups: LOGSOURCENAME() has no names to give).
TelemetrySource fromHunt(std::string_view hunt) {
  if (has(hunt, "proxy")) return {"proxy", TelemetryFamily::kNetwork};
  if (has(hunt, "sni") || has(hunt, "dns") || has(hunt, "network-")) {
    return {"network", TelemetryFamily::kNetwork};
  }
  if (has(hunt, "audit")) return {"auditd", TelemetryFamily::kEndpoint};
  if (has(hunt, "endpoint")) return {"endpoint", TelemetryFamily::kEndpoint};
  return {hunt.empty() ? "unknown" : std::string(hunt), TelemetryFamily::kOther};
}

}  // namespace

std::string_view telemetryFamilyName(TelemetryFamily family) {
  switch (family) {
    case TelemetryFamily::kEndpoint:
      return "endpoint";
    case TelemetryFamily::kNetwork:
      return "network";
    case TelemetryFamily::kOther:
      break;
  }
  return "other";
}

TelemetrySource telemetrySource(const Finding& finding) {
  const std::string_view source = finding.log_source;
  const std::string_view category = finding.event_category;
  using F = TelemetryFamily;
  if (has(source, "sysmon")) return {sysmonLabel(category), F::kEndpoint};
  if (has(source, "powershell") || has(category, "script block")) return {"4104", F::kEndpoint};
  if (has(source, "security event log") || has(source, "windows security")) {
    return {has(category, "process creat") ? "4688" : "Security", F::kEndpoint};
  }
  if (has(source, "linux os") || has(source, "auditd")) return {"auditd", F::kEndpoint};
  if (has(source, "zeek")) return {"Zeek", F::kNetwork};
  if (has(source, "suricata")) return {"Suricata", F::kNetwork};
  if (has(source, "proxy") || has(source, "blue coat") || has(source, "bluecoat") ||
      has(source, "squid") || has(source, "zscaler")) {
    return {"proxy", F::kNetwork};
  }
  if (has(source, "firewall") || has(source, "palo alto") || has(source, "fortigate")) {
    return {"NGFW", F::kNetwork};
  }
  // A proxy's own log source name is the customer's choice; QRadar's category says what it is.
  if (has(category, "web access")) return {"proxy", F::kNetwork};
  if (!core::trim(source).empty()) {
    std::string_view name = source;
    if (const auto at = name.find(" @ "); at != std::string_view::npos) name = name.substr(0, at);
    TelemetrySource fallback = fromHunt(finding.hunt);
    return {std::string(core::trim(name)), fallback.family};
  }
  return fromHunt(finding.hunt);
}

}  // namespace aihunt::detection

#pragma once
// Which telemetry saw a finding, as a short label an analyst knows ("Sysmon 1", "4688", "4104",
// "proxy", "Zeek"), and the family it belongs to. Two families (what ran on the machine, what
// crossed the wire) are independent witnesses: an incident seen by both is corroborated
// (detection/incidents.h).
#include <string>
#include <string_view>

#include "detection/finding.h"

namespace aihunt::detection {

enum class TelemetryFamily { kEndpoint, kNetwork, kOther };
std::string_view telemetryFamilyName(TelemetryFamily family);

struct TelemetrySource {
  std::string label;
  TelemetryFamily family = TelemetryFamily::kOther;
};

// From the finding's log source name (QRadar's LOGSOURCENAME, "Sysmon @ WS-FIN-0193") and event
// category (CATEGORYNAME, "Process Creation"); when neither says, from the hunt's name (the
// built-in hunts cover one family each). An unknown log source keeps its own name, without the
// " @ host" that QRadar appends.
TelemetrySource telemetrySource(const Finding& finding);

}  // namespace aihunt::detection

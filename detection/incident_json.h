#pragma once
// An incident as one JSON object (docs/schema/incident.schema.json), for --view incidents with
// --format json and jsonl.
#include <string>

#include "detection/incidents.h"

namespace aihunt::detection {

inline constexpr int kIncidentSchemaVersion = 1;

void appendIncidentJson(std::string& out, const Incident& incident);

}  // namespace aihunt::detection

#pragma once
// A finding as one JSON object (README, "Findings"), the JSONL output contract. Written by hand
// rather than through a DOM: this runs once per finding on the hot path.
#include <string>
#include <string_view>

#include "detection/finding.h"

namespace aihunt::detection {

inline constexpr std::string_view kMitreTechnique = "T1588.007";
// The version of the finding record and of the documents around it (docs/output.md,
// docs/schema/finding.schema.json). Raised only when a field changes meaning or disappears;
// new fields do not raise it.
inline constexpr int kOutputSchemaVersion = 1;

// Appends {"schema_version":1,"finding_id":...,...} without a trailing newline.
// `window` (aihunt run and backfill: "<from>/<to>") is written last, when given; otherwise the
// finding's own window, when it has one.
void appendFindingJson(std::string& out, const Finding& finding, std::string_view window = {});

}  // namespace aihunt::detection

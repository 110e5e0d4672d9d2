#pragma once
// A finding as one JSON object (README, "Findings"), the JSONL output contract. Written by hand
// rather than through a DOM: this runs once per finding on the hot path.
#include <string>

#include "detection/finding.h"

namespace aihunt::detection {

inline constexpr std::string_view kMitreTechnique = "T1588.007";

// Appends {"finding_id":...,...} without a trailing newline.
void appendFindingJson(std::string& out, const Finding& finding);

}  // namespace aihunt::detection

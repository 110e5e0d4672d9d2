#pragma once
// What a command prints: every finding, or the incidents they fold into (detection/incidents.h).
#include <string_view>

#include "core/result.h"
#include "service/output_format.h"

namespace aihunt::service {

enum class OutputView { kFindings, kIncidents };

core::Result<OutputView> parseOutputView(std::string_view name);
std::string_view outputViewName(OutputView view);

// A person reading a table wants incidents; a program reading JSON, JSONL or CSV gets every
// finding unless it asks for incidents.
OutputView defaultOutputView(OutputFormat format);

}  // namespace aihunt::service

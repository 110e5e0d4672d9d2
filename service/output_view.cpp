#include "service/output_view.h"

#include <string>

#include "core/text.h"

namespace aihunt::service {

core::Result<OutputView> parseOutputView(std::string_view name) {
  if (name == "incidents") return OutputView::kIncidents;
  if (name == "findings") return OutputView::kFindings;
  return core::makeError(
      core::ErrorCode::kInvalidArgument,
      "unknown view '" + core::printableExcerpt(name) + "' (expected incidents or findings)");
}

std::string_view outputViewName(OutputView view) {
  return view == OutputView::kIncidents ? "incidents" : "findings";
}

OutputView defaultOutputView(OutputFormat format) {
  return format == OutputFormat::kTable ? OutputView::kIncidents : OutputView::kFindings;
}

}  // namespace aihunt::service

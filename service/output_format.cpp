#include "service/output_format.h"

#include "core/text.h"

namespace aihunt::service {

core::Result<OutputFormat> parseOutputFormat(std::string_view name) {
  if (name == "table") return OutputFormat::kTable;
  if (name == "json") return OutputFormat::kJson;
  if (name == "jsonl") return OutputFormat::kJsonl;
  if (name == "csv") return OutputFormat::kCsv;
  return core::makeError(
      core::ErrorCode::kInvalidArgument,
      "'" + core::printableExcerpt(name) + "' is not an output format (table, json, jsonl, csv)");
}

}  // namespace aihunt::service

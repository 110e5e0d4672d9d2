#pragma once
#include <string_view>

#include "core/result.h"

namespace aihunt::service {

enum class OutputFormat { kTable, kJson, kJsonl, kCsv };

core::Result<OutputFormat> parseOutputFormat(std::string_view name);

}  // namespace aihunt::service

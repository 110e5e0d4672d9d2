#include "qradar_client/http_transport.h"

#include "core/text.h"

namespace aihunt::qradar {

std::optional<std::string> findHeader(const Headers& headers, std::string_view name) {
  for (const auto& [key, value] : headers) {
    if (core::iequals(key, name)) return value;
  }
  return std::nullopt;
}

}  // namespace aihunt::qradar

#include "config/environment.h"

#include <cstdlib>

namespace aihunt::config {

std::optional<std::string> ProcessEnvironment::get(std::string_view name) const {
  const std::string key(name);  // getenv needs a terminated string
  const char* value = std::getenv(key.c_str());
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

std::optional<std::string> MapEnvironment::get(std::string_view name) const {
  const auto it = values_.find(name);
  if (it == values_.end()) return std::nullopt;
  return it->second;
}

}  // namespace aihunt::config

#include "aql/value.h"

#include <charconv>

namespace aihunt::aql {

std::string Value::toString() const {
  switch (kind()) {
    case Kind::kNull:
      return "null";
    case Kind::kBool:
      return asBool() ? "true" : "false";
    case Kind::kInt:
      return std::to_string(asInt());
    case Kind::kDouble: {
      char buffer[64];
      const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, asDouble());
      return std::string(buffer, ec == std::errc() ? end : buffer);
    }
    case Kind::kString:
      return asString();
  }
  return "";
}

}  // namespace aihunt::aql

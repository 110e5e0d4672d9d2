#include "emulator/reference_values.h"

#include <boost/asio/ip/address.hpp>
#include <charconv>
#include <sstream>

#include "core/text.h"

namespace aihunt::emulator {
namespace {

core::Error invalid(std::string message) {
  return core::makeError(core::ErrorCode::kInvalidArgument, std::move(message));
}

std::optional<std::int64_t> parseInteger(std::string_view text) {
  text = core::trim(text);
  if (text.empty()) return std::nullopt;
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

}  // namespace

std::optional<ElementType> parseElementType(std::string_view text) {
  for (const ElementType type : {ElementType::kAln, ElementType::kAlnic, ElementType::kIp,
                                 ElementType::kNum, ElementType::kPort, ElementType::kDate}) {
    if (core::iequals(text, elementTypeName(type))) return type;
  }
  return std::nullopt;
}

std::string_view elementTypeName(ElementType type) {
  switch (type) {
    case ElementType::kAln:
      return "ALN";
    case ElementType::kAlnic:
      return "ALNIC";
    case ElementType::kIp:
      return "IP";
    case ElementType::kNum:
      return "NUM";
    case ElementType::kPort:
      return "PORT";
    case ElementType::kDate:
      return "DATE";
  }
  return "ALN";
}

std::optional<TimeoutType> parseTimeoutType(std::string_view text) {
  if (core::iequals(text, "FIRST_SEEN")) return TimeoutType::kFirstSeen;
  if (core::iequals(text, "LAST_SEEN")) return TimeoutType::kLastSeen;
  if (core::iequals(text, "UNKNOWN")) return TimeoutType::kUnknown;
  return std::nullopt;
}

std::string_view timeoutTypeName(TimeoutType type) {
  switch (type) {
    case TimeoutType::kFirstSeen:
      return "FIRST_SEEN";
    case TimeoutType::kLastSeen:
      return "LAST_SEEN";
    case TimeoutType::kUnknown:
      break;
  }
  return "UNKNOWN";
}

core::Result<std::string> elementKey(ElementType type, std::string_view value) {
  if (value.empty()) return invalid("value must not be empty");
  if (value.size() > 4096) return invalid("value longer than 4096 bytes");
  switch (type) {
    case ElementType::kAln:
      return std::string(value);
    case ElementType::kAlnic:
      return core::asciiLowered(value);
    case ElementType::kIp: {
      boost::system::error_code ec;
      const auto address = boost::asio::ip::make_address(std::string(value), ec);
      if (ec) return invalid("'" + core::printableExcerpt(value) + "' is not an IP address");
      return address.to_string();
    }
    case ElementType::kNum:
    case ElementType::kDate: {
      const auto number = parseInteger(value);
      if (!number) {
        // NUM also takes decimals.
        if (type == ElementType::kNum) {
          std::istringstream in{std::string(value)};
          double real = 0;
          if (in >> real && in.eof()) return std::string(value);
        }
        return invalid("'" + core::printableExcerpt(value) + "' is not a number");
      }
      return std::to_string(*number);
    }
    case ElementType::kPort: {
      const auto number = parseInteger(value);
      if (!number || *number < 0 || *number > 65535) {
        return invalid("'" + core::printableExcerpt(value) + "' is not a port");
      }
      return std::to_string(*number);
    }
  }
  return std::string(value);
}

core::Result<std::int64_t> parseTimeToLive(std::string_view text) {
  std::istringstream in{std::string(text)};
  std::string amount_text;
  std::string unit;
  std::int64_t total = 0;
  bool any = false;
  while (in >> amount_text) {
    if (!(in >> unit)) return invalid("time_to_live: '" + amount_text + "' has no unit");
    const auto amount = parseInteger(amount_text);
    if (!amount || *amount < 0 || *amount > 100000) {
      return invalid("time_to_live: '" + core::printableExcerpt(amount_text) + "' is not a count");
    }
    const std::string u = core::asciiLowered(unit);
    std::int64_t unit_ms = 0;
    if (u == "second" || u == "seconds" || u == "sec" || u == "secs") unit_ms = 1000;
    if (u == "minute" || u == "minutes" || u == "min" || u == "mins") unit_ms = 60'000;
    if (u == "hour" || u == "hours") unit_ms = 3'600'000;
    if (u == "day" || u == "days") unit_ms = 86'400'000;
    if (u == "week" || u == "weeks") unit_ms = 7 * 86'400'000LL;
    if (u == "mon" || u == "mons" || u == "month" || u == "months") unit_ms = 30 * 86'400'000LL;
    if (u == "year" || u == "years") unit_ms = 365 * 86'400'000LL;
    if (unit_ms == 0)
      return invalid("time_to_live: unknown unit '" + core::printableExcerpt(unit) + "'");
    total += *amount * unit_ms;
    any = true;
  }
  if (!any) return invalid("time_to_live is empty");
  return total;
}

}  // namespace aihunt::emulator

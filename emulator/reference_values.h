#pragma once
// Pure rules for reference-data values: element types (ALN, ALNIC, IP, NUM, PORT, DATE), value
// validation and the comparison key (ALNIC folds case), timeout types and QRadar's
// time_to_live text ("7 days", "1 hour 30 minutes", "2 mons").
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace aihunt::emulator {

enum class ElementType { kAln, kAlnic, kIp, kNum, kPort, kDate };
enum class TimeoutType { kUnknown, kFirstSeen, kLastSeen };

std::optional<ElementType> parseElementType(std::string_view text);
std::string_view elementTypeName(ElementType type);
std::optional<TimeoutType> parseTimeoutType(std::string_view text);
std::string_view timeoutTypeName(TimeoutType type);

// Checks `value` against the type and returns the key it is stored and compared under.
core::Result<std::string> elementKey(ElementType type, std::string_view value);

// "7 days" -> 604800000 ms. Units: second(s), minute(s)/min(s), hour(s), day(s), week(s),
// mon(s)/month(s) (30 days), year(s) (365 days); several "<n> <unit>" parts add up.
core::Result<std::int64_t> parseTimeToLive(std::string_view text);

}  // namespace aihunt::emulator

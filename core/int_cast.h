#pragma once
// A double from an event (a JSON number, an AQL result) as an integer. A cast of a value outside
// int64's range, or of NaN, is undefined behaviour, and event data is hostile: 1e300 for a
// starttime came out as the year -292275055 (a trial).
#include <cstdint>
#include <optional>

namespace aihunt::core {

// `value` truncated toward zero, or nothing when it is NaN or outside int64's range. 2^63 is
// exact as a double, so the bounds compare exactly.
inline std::optional<std::int64_t> truncatedInt64(double value) {
  constexpr double kLimit = 9223372036854775808.0;
  if (value >= -kLimit && value < kLimit) return static_cast<std::int64_t>(value);
  return std::nullopt;
}

}  // namespace aihunt::core

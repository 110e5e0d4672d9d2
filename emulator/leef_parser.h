#pragma once
// LEEF 1.0 and 2.0 (IBM's Log Event Extended Format), as QRadar's DSM reads it:
//   LEEF:1.0|Vendor|Product|Version|EventID|key=value<TAB>key=value
//   LEEF:2.0|Vendor|Product|Version|EventID|^|key=value^key=value   (delimiter: a character or
//   hex such as x09 / 0x09; empty means tab)
// LEEF defines no escaping: a pair is split at its first '='. Pure and bounded, for fuzzing.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"

namespace aihunt::emulator {

inline constexpr std::size_t kMaxLeefAttributes = 512;
inline constexpr std::size_t kMaxLeefEventIdBytes = 255;

struct LeefEvent {
  std::string version;  // "1.0" or "2.0"
  std::string vendor;
  std::string product;
  std::string product_version;
  std::string event_id;
  char delimiter = '\t';
  std::vector<std::pair<std::string, std::string>> attributes;  // in order
};

// `message` starts with "LEEF:". Errors name what is wrong with the header.
core::Result<LeefEvent> parseLeef(std::string_view message);

}  // namespace aihunt::emulator

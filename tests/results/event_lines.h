#pragma once
// Generated raw-event lines for the event decoder and scan tests: QRadar-shaped properties in a
// mostly stable key order, with the things that make decoding hard mixed in (keys differing only
// in case, repeated keys, nesting, escapes, numbers of every JSON form, CRLF, blank lines) and
// few distinct start times, so that ORDER BY meets ties.
#include <random>
#include <string>
#include <vector>

namespace aihunt::testing {

inline std::string oneOf(std::mt19937& random, const std::vector<std::string>& choices) {
  return choices[random() % choices.size()];
}

inline std::string eventValue(std::mt19937& random, const std::string& key) {
  if (random() % 23 == 0) {
    return oneOf(random, {"null", "true", "[1,\"a\"]", "{\"k\":{\"n\":1}}", "\"a\\u00e9\"", "1e400",
                          "-0", "18446744073709551615", "99999999999999999999", "2.5e3"});
  }
  if (key == "starttime") return std::to_string(1'000'000 + (random() % 6) * 1000);
  if (key == "Bytes Sent") {
    return oneOf(random, {"800", "\"1200\"", "15.5", "0", "-3", "\"n/a\"", "123456789012"});
  }
  if (key == "ratio") return oneOf(random, {"0.1", "0.2", "0.30000000000000004", "1e-3", "7"});
  if (key == "Application") {
    return oneOf(random, {"\"C:\\\\Python311\\\\python.exe\"", "\"/usr/bin/curl\"",
                          "\"chrome.exe\"", "\"PwSh.exe\"", "\"node\"", "\"\""});
  }
  if (key == "sourceip") return oneOf(random, {"\"10.0.0.1\"", "\"10.0.0.2\"", "\"10.0.0.3\""});
  return oneOf(random, {"\"alice\"", "\"CORP\\\\bob\"", "\"caf\xC3\xA9\"", "\"tab\\there\""});
}

inline std::string eventLine(std::mt19937& random) {
  static const std::vector<std::string> keys = {"starttime",   "sourceip",   "username",
                                                "Application", "Bytes Sent", "ratio"};
  switch (random() % 40) {
    case 0:
      return "";
    case 1:
      return "  \r";
    default:
      break;
  }
  std::string line = "{";
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (random() % 9 == 0) continue;  // a property this event lacks
    std::string key = keys[random() % 15 == 0 ? random() % keys.size() : i];
    if (random() % 31 == 0) key = "USERNAME";  // the same property as "username"
    if (line.size() > 1) line += random() % 10 == 0 ? " , " : ",";
    line += "\"" + key + "\":" + eventValue(random, key);
  }
  if (random() % 7 == 0) {  // a property no query reads, sometimes one that makes the line bad
    line +=
        std::string(line.size() > 1 ? "," : "") + "\"other\":" +
        oneOf(random, {"\"x\"", "1e400", "-1e-400", "[1]", "2E+2", "1" + std::string(320, '0')});
  }
  line += "}";
  if (random() % 19 == 0) line += "\r";
  return line;
}

inline std::string eventLines(std::mt19937& random, std::size_t count) {
  std::string text;
  for (std::size_t i = 0; i < count; ++i) text += eventLine(random) + "\n";
  return text;
}

}  // namespace aihunt::testing

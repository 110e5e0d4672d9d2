#include "core/json_log_line.h"

#include "core/json_text.h"

namespace aihunt::core {

std::string jsonLogLine(std::string_view when, std::string_view level, std::string_view logger,
                        std::string_view message) {
  std::string line = "{\"ts\":";
  appendJsonStringEscapingHidden(line, when);
  line += ",\"level\":";
  appendJsonStringEscapingHidden(line, level);
  line += ",\"logger\":";
  appendJsonStringEscapingHidden(line, logger);
  line += ",\"msg\":";
  appendJsonStringEscapingHidden(line, message);
  line += "}\n";
  return line;
}

}  // namespace aihunt::core

#include "cli/terminal.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <charconv>
#include <string>
#include <system_error>

namespace aihunt::cli {
namespace {

bool isTerminal(std::FILE* stream) { return isatty(fileno(stream)) == 1; }

}  // namespace

std::size_t terminalWidth(std::FILE* stream, const config::Environment& environment) {
  if (isTerminal(stream)) {
    winsize size{};
    if (ioctl(fileno(stream), TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
  }
  if (const auto columns = environment.get("COLUMNS")) {
    std::size_t value = 0;
    const char* end = columns->data() + columns->size();
    const auto parsed = std::from_chars(columns->data(), end, value);
    if (parsed.ec == std::errc() && parsed.ptr == end && value > 0) return value;
  }
  return kDefaultTableWidth;
}

bool colorWanted(std::FILE* stream, const config::Environment& environment, bool no_color_flag) {
  if (no_color_flag || !isTerminal(stream)) return false;
  if (const auto no_color = environment.get("NO_COLOR"); no_color && !no_color->empty()) {
    return false;
  }
  const auto term = environment.get("TERM");
  return !(term && *term == "dumb");
}

}  // namespace aihunt::cli

#include "cli/print.h"

#include <algorithm>
#include <chrono>
#include <cstdarg>
#include <string>

#include "core/display_text.h"
#include "core/json_log_line.h"
#include "core/time.h"

namespace aihunt::cli {

void printText(const core::Redactor& redactor, std::FILE* stream, std::string_view text) {
  const std::string shown =
      core::displayText(redactor.redact(text), core::DisplayOptions{.keep_newline = true});
  std::fwrite(shown.data(), 1, shown.size(), stream);
  std::fflush(stream);
}

void printFormatted(const core::Redactor& redactor, std::FILE* stream, const char* format, ...) {
  std::va_list args;
  va_start(args, format);
  std::va_list again;
  va_copy(again, args);
  const int length = std::vsnprintf(nullptr, 0, format, args);
  va_end(args);
  std::string text;
  if (length > 0) {
    text.resize(static_cast<std::size_t>(length) + 1);
    std::vsnprintf(text.data(), text.size(), format, again);
    text.pop_back();
  }
  va_end(again);
  printText(redactor, stream, text);
}

void printDiagnostic(const Streams& streams, const core::Redactor& redactor, Diagnostic kind,
                     std::string_view message) {
  if (streams.quiet && kind != Diagnostic::kError && kind != Diagnostic::kCaveat) return;
  if (streams.json_diagnostics) {
    const char* level = kind == Diagnostic::kError  ? "error"
                        : kind == Diagnostic::kNote ? "info"
                                                    : "warning";
    const std::string when = core::formatIso8601(core::toEpochMs(std::chrono::system_clock::now()));
    const std::string line = core::jsonLogLine(when, level, "aihunt", redactor.redact(message));
    std::fwrite(line.data(), 1, line.size(), streams.err);
    std::fflush(streams.err);
    return;
  }
  const char* prefix = kind == Diagnostic::kError  ? "aihunt: error: "
                       : kind == Diagnostic::kNote ? "aihunt: "
                                                   : "aihunt: warning: ";
  // A message's later lines are indented under its first: ours are (a list of config errors);
  // a file name or a value of the user's that holds a line feed would otherwise print a line
  // that reads as a diagnostic of its own ("FAKE: ok").
  std::string text(prefix);
  for (std::size_t at = 0; at <= message.size();) {
    const std::size_t end = std::min(message.find('\n', at), message.size());
    const std::string_view line = message.substr(at, end - at);
    if (at > 0 && end == message.size() && line.empty()) break;  // the message's own last LF
    if (at > 0 && line.substr(0, 2) != "  ") text += "  ";
    text += line;
    text += '\n';
    at = end + 1;
  }
  printText(redactor, streams.err, text);
}

const core::Redactor& shapeRedactor() {
  static const core::Redactor kNoSecrets;
  return kNoSecrets;
}

}  // namespace aihunt::cli

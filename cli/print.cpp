#include "cli/print.h"

#include <cstdarg>
#include <string>

#include "core/display_text.h"

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

const core::Redactor& shapeRedactor() {
  static const core::Redactor kNoSecrets;
  return kNoSecrets;
}

}  // namespace aihunt::cli

#pragma once
// The one path for everything aihunt prints on stdout and stderr outside the logger and the
// findings writers: redacted (a token cannot leak through a forgotten printf, even in the AQL
// that `aihunt aql` prints), then made safe for a terminal (core/display_text.h: server text
// cannot move the cursor, retitle the window or reorder what is read). Newlines and tabs stay:
// they are ours.
#include <cstdio>
#include <string_view>

#include "core/logging.h"

namespace aihunt::cli {

void printText(const core::Redactor& redactor, std::FILE* stream, std::string_view text);

// printf-style formatting, then printText.
[[gnu::format(printf, 3, 4)]] void printFormatted(const core::Redactor& redactor, std::FILE* stream,
                                                  const char* format, ...);

// A redactor that knows no secret: it still removes credential-shaped text (core/secret_scan.h).
// For output written before a command knows its token.
const core::Redactor& shapeRedactor();

}  // namespace aihunt::cli

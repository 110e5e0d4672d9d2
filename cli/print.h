#pragma once
// The one path for everything aihunt prints on stdout and stderr outside the logger and the
// findings writers: redacted (a token cannot leak through a forgotten printf, even in the AQL
// that `aihunt aql` prints), then made safe for a terminal (core/display_text.h: server text
// cannot move the cursor, retitle the window or reorder what is read). Newlines and tabs stay:
// they are ours.
#include <cstdio>
#include <string_view>

#include "cli/cli.h"
#include "core/logging.h"

namespace aihunt::cli {

void printText(const core::Redactor& redactor, std::FILE* stream, std::string_view text);

// printf-style formatting, then printText.
[[gnu::format(printf, 3, 4)]] void printFormatted(const core::Redactor& redactor, std::FILE* stream,
                                                  const char* format, ...);

// aihunt's own diagnostic lines on stderr: "aihunt: error: ...", "aihunt: warning: ...", or a
// note ("aihunt: ..."); with --log-format json one JSON object per line in the logger's format
// (level error, warn or info), so hostile text inside cannot break the line. Redacted either
// way; --quiet drops warnings and notes.
// kCaveat: a warning without which the result on stdout would mislead ("No findings." over an
// empty export, or over a window that misses every event): --quiet keeps it, as it keeps errors,
// since scripts run with --quiet are where such a result is taken at its word.
enum class Diagnostic { kError, kWarning, kCaveat, kNote };
void printDiagnostic(const Streams& streams, const core::Redactor& redactor, Diagnostic kind,
                     std::string_view message);

// A redactor that knows no secret: it still removes credential-shaped text (core/secret_scan.h).
// For output written before a command knows its token.
const core::Redactor& shapeRedactor();

}  // namespace aihunt::cli

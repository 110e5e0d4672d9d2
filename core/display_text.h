#pragma once
// The one sanitiser for text a person reads: the terminal, text logs, error messages, the table,
// CSV cells and the progress bar. Server data (search ids, error messages, row fields, HTTP error
// bodies) is hostile: an ESC or OSC sequence can clear a screen, retitle a window or forge a log
// line; a C1 control (U+009B is CSI to some terminals) or a bidi override (U+202E) can make text
// read differently from what it is. Every human-facing path passes text through displayText;
// JSON output is escaped exactly instead (core/json_text.h) and never goes through here.
#include <cstddef>
#include <string>
#include <string_view>

namespace aihunt::core {

struct DisplayOptions {
  bool keep_tab = true;       // a tab moves the cursor but cannot rewrite what is shown
  bool keep_newline = false;  // for multi-line output we produce ourselves (the AQL, usage)
};

// Whether a code point must not reach a person as it is: C0 controls, DEL, C1 controls, bidi
// overrides and isolates, and the invisible format characters (zero-width space and joiners,
// LRM/RLM, ALM, word joiner, line/paragraph separators, BOM, tag characters...). Tab and LF are
// reported too; DisplayOptions decides whether they stay.
bool isHiddenOrControl(char32_t code_point);

// `text` with every such code point, and every byte that is not part of valid UTF-8, replaced by
// '?', except tab, CR and LF, which become a space (unless kept). More than four combining marks
// in a row (which would draw over the lines around) end in one '?'. Printable text, including
// non-ASCII letters, is kept as it is. The result is valid UTF-8 and one line unless
// keep_newline.
std::string displayText(std::string_view text, DisplayOptions options = {});
void appendDisplayText(std::string& out, std::string_view text, DisplayOptions options = {});

// A CSV cell's content, made safe for a spreadsheet: displayText (one line, tabs as spaces), then a
// leading apostrophe when the cell would be read as a formula (see csvLooksLikeFormula).
std::string csvCellText(std::string_view text);
// Whether a spreadsheet may run the cell as a formula: it starts, after any leading white space
// (ASCII, no-break or ideographic), with '=', '+', '-', '@', or their full-width forms; or with a
// tab or CR (OWASP's CSV injection list).
bool csvLooksLikeFormula(std::string_view text);

}  // namespace aihunt::core

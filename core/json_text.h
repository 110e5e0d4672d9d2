#pragma once
// Minimal JSON text writing for hot paths (findings, incidents, log lines): appends a string as
// a JSON string literal, byte for byte what nlohmann::json's dump() writes for the same string
// (with its replacing error handler) but for one rule of ours: no code point that
// core/display_text.h hides (DEL, C1 controls, bidi overrides, invisible format characters)
// is written as it is, so that a file someone may `cat` cannot rewrite their screen or make text
// read differently; each is a \uXXXX escape, which a JSON reader turns back into the same
// string. Control characters get JSON's short escapes where it has one (\b \f \n \r \t) and
// \u00XX otherwise; other valid UTF-8 passes as it is; each invalid sequence becomes U+FFFD.
#include <string>
#include <string_view>

namespace aihunt::core {

void appendJsonString(std::string& out, std::string_view text);

// `prefix` (a key with its separator, written as it is), then the value as a JSON string, or
// null when it is empty: how findings and incidents write a value they do not know.
void appendJsonStringOrNull(std::string& out, std::string_view prefix, std::string_view value);

// The same escapes, for JSON a person may read on a terminal (the JSON log format), except that
// each byte that is not UTF-8 becomes the escape \ufffd rather than the character.
void appendJsonStringEscapingHidden(std::string& out, std::string_view text);

}  // namespace aihunt::core

#pragma once
// Minimal JSON text writing for hot paths (findings, log lines): appends a string as a JSON
// string literal, byte for byte what nlohmann::json's dump() writes for the same string (with
// its replacing error handler) but for one rule of ours: DEL is escaped as \u007f, so that no
// raw control byte reaches a file someone may `cat`. Control characters get JSON's short
// escapes where it has one (\b \f \n \r \t) and \u00XX otherwise; valid UTF-8 passes as it
// is; each invalid sequence becomes U+FFFD.
#include <string>
#include <string_view>

namespace aihunt::core {

void appendJsonString(std::string& out, std::string_view text);

// `prefix` (a key with its separator, written as it is), then the value as a JSON string, or
// null when it is empty: how findings and incidents write a value they do not know.
void appendJsonStringOrNull(std::string& out, std::string_view prefix, std::string_view value);

// The same for JSON a person may read on a terminal (the JSON log format): also escapes, as
// \uXXXX, every code point core/display_text.h hides (C1 controls, bidi overrides, invisible
// format characters), so `cat` shows them as text while a JSON reader gets them back exactly.
// Bytes that are not UTF-8 cannot be carried by JSON: each becomes \ufffd.
void appendJsonStringEscapingHidden(std::string& out, std::string_view text);

}  // namespace aihunt::core

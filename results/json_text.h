#pragma once
// Pieces of JSON's grammar that the fast paths (the flat-row scanner, the event prefilter) share
// with each other. Each must agree with the full parser on everything it accepts, or a line
// would read differently on a fast path; results_fuzz and event_decoder_fuzz check that.
#include <string_view>

#include "aql/value.h"

namespace aihunt::results {

// Whether `text` is exactly one JSON number: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
bool isJsonNumber(std::string_view text);

// The length of the JSON number at the start of `text` (0: none), the longest prefix the
// grammar above allows.
std::size_t jsonNumberLength(std::string_view text);

// A JSON number's text (already checked against the grammar) as the full parser (nlohmann) reads
// it: integers that fit stay integers, larger unsigned ones become doubles, anything with a
// fraction or exponent is a double. False for what nlohmann rejects (a double out of range), so
// that the line goes to the full parser.
bool jsonNumberValue(std::string_view text, aql::Value& out);

// Whether the number may be one jsonNumberValue() refuses: only a number this long, or with an
// exponent, can be out of a double's range. Cheap, for numbers nobody reads.
bool jsonNumberMayOverflow(std::string_view text);

// The character a two-character escape (a backslash, then `escape`) stands for, or 0 for \u
// (which the fast paths leave to the full parser) and for anything JSON does not allow.
char jsonSimpleEscape(char escape);

}  // namespace aihunt::results

#pragma once
// A JSON text (a result row, an exported event) that is not valid UTF-8, or whose strings hold a
// lone UTF-16 surrogate escape (`"\ud800"`, which Java-built JSON can carry), is rejected by the
// JSON parsers. One such event must not fail a hunt: an attacker who can plant one log event
// would blind the hunt that reads it (or, with --skip-bad-lines, have it passed over).
// repairedJsonText() gives the text with each invalid UTF-8 byte replaced by U+FFFD and each
// lone surrogate escape by `\ufffd`, so that the rest of the event is still analysed; the
// readers count such texts (RowDecoder::repairedRows, aql::Event::repaired).
#include <optional>
#include <string>
#include <string_view>

namespace aihunt::core {

// The repaired text, or nothing when there was nothing to repair (the text's failure is then
// another one, reported as it is).
std::optional<std::string> repairedJsonText(std::string_view json);

}  // namespace aihunt::core

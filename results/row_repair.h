#pragma once
// A row whose text is not valid UTF-8, or whose strings hold a lone UTF-16 surrogate escape
// (`"\ud800"`, which Java-built JSON can carry), is rejected by the JSON parser. One such row
// must not fail a hunt window: an attacker who can plant one log event would blind the hunt that
// reads it. repairedRowText() gives the row with each invalid UTF-8 byte replaced by U+FFFD and
// each lone surrogate escape by `\ufffd`, so that the rest of the row is still analysed; the
// decoder counts such rows (RowDecoder::repairedRows).
#include <optional>
#include <string>
#include <string_view>

namespace aihunt::results {

// The repaired text, or nothing when there was nothing to repair (the row's failure is then
// another one, reported as it is).
std::optional<std::string> repairedRowText(std::string_view json);

}  // namespace aihunt::results

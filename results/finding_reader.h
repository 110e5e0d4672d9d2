#pragma once
// aihunt's own findings read back (docs/output.md, "A finding", schema_version 1): the JSON Lines
// that the daemon's JSONL sink and `hunt`/`triage --format jsonl` write, for `aihunt incidents`.
// Strict, because a row that is not one of aihunt's findings (Ariel results given to the wrong
// command) would otherwise fold into incidents that say nothing: such a row is an error that says
// what it looks like instead.
#include <string_view>

#include "core/result.h"
#include "detection/finding.h"

namespace aihunt::results {

core::Result<detection::Finding> parseFinding(std::string_view json);

}  // namespace aihunt::results

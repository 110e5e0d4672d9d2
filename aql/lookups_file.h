#pragma once
// Reads the id -> name tables that CATEGORYNAME(), LOGSOURCENAME(), QIDNAME() and
// LOGSOURCETYPENAME() resolve through, from a JSON file exported from (or written for) a console:
//   {"categories": {"18001": "Network Connection"}, "logsources": {"101": "Sysmon @ WS-1"},
//    "qids": {...}, "logsourcetypes": {...}}
// Every section is optional; unknown sections are errors, so a typo cannot silently empty one.
#include <string>
#include <string_view>

#include "aql/lookups.h"
#include "core/result.h"

namespace aihunt::aql {

core::Result<LookupTables> parseLookupTables(std::string_view json_text);
core::Result<LookupTables> loadLookupTables(const std::string& path);

}  // namespace aihunt::aql

#pragma once
// `aihunt aql lint`: problems with an AQL query that QRadar would accept silently or answer
// with a 422, each with a position.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "aql/ast.h"

namespace aihunt::aql {

enum class Severity { kError, kWarning };

struct Diagnostic {
  Severity severity = Severity::kWarning;
  std::string code;  // stable: "syntax", "no-time-clause", "limit", "unaliased-function", ...
  Position pos;
  std::string message;  // what is wrong, as a console might put it (qradar-emu answers with it)
};

// Parses and checks `text`. A syntax error is one kError diagnostic; unknown functions and wrong
// argument counts are kError too (QRadar answers 422); the rest are warnings.
std::vector<Diagnostic> lint(std::string_view text);
// Checks an already parsed query.
std::vector<Diagnostic> lintQuery(const Query& query);

// "3:14: warning [limit]: ..." one line per diagnostic.
std::string formatDiagnostic(const Diagnostic& d);
// SQL's `--` line comment, which AQL has not got (the words after it are read as query text, and
// a one-word comment parses and matches nothing): lint's error for it, for the commands that
// run a query file (hunt --aql) before any other check.
std::optional<Diagnostic> doubleDashComment(std::string_view text);

// Whether the query's WHERE compares starttime (`starttime > NOW() - 86400000`): people write it
// believing it sets the search range, and a window given around it does not widen it.
bool filtersOnStartTime(const Query& query);

bool hasErrors(const std::vector<Diagnostic>& diagnostics);

}  // namespace aihunt::aql

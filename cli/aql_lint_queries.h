#pragma once
// `aihunt aql lint` over a file of several queries: what `aihunt aql` prints for every hunt
// (each query apart from the one before by a blank line) is checked as it is.
#include <cstddef>
#include <string_view>
#include <vector>

#include "aql/lint.h"

namespace aihunt::cli {

// The diagnostics of each query of `text`, placed on the file's lines (in their position and in
// a syntax error's "at line N"). A new query starts at a line that opens with SELECT after a
// blank line, outside a /* */ comment; a file of one query is linted whole.
std::vector<aql::Diagnostic> lintQueries(std::string_view text);

// How many queries `text` holds, split as lintQueries splits them.
std::size_t countQueries(std::string_view text);

}  // namespace aihunt::cli

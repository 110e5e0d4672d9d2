#pragma once
// The query file that `hunt --aql FILE` and `aql lint FILE` read. A common slip is to give the
// query itself instead of a file's name; the error then says so instead of only that no file by
// that name exists.
#include <string>
#include <string_view>

#include "core/error.h"
#include "core/result.h"

namespace aihunt::cli {

// Errors: kIo (cannot open or read, with the system's reason, and the hint above when `path`
// reads like a query).
core::Result<std::string> readAqlFile(const std::string& path);

// The error for a query file `path` (holding `text`) that did not parse: a file of several
// queries (as `aql lint` reads them) is said to be one, since --aql runs one query.
core::Error queryFileError(const core::Error& parse_error, const std::string& path,
                           std::string_view text);

}  // namespace aihunt::cli

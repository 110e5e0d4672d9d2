#pragma once
// A whole small file read into memory (a query, a certificate, a token, a table of lookups), with
// an error that says why it could not be read, as the system put it.
#include <string>

#include "core/result.h"

namespace aihunt::core {

// Errors: kIo, "cannot open PATH: No such file or directory" (or the system's other reason),
// "cannot read PATH: ..." when a read fails, at the start (a directory) or part way (an I/O
// error): never a shorter text.
core::Result<std::string> readTextFile(const std::string& path);

}  // namespace aihunt::core

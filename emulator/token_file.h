#pragma once
// Tokens from a file, so that they stay off the process list (`ps` shows every argument) and out
// of shell history: one token per line, blank lines skipped, surrounding whitespace trimmed.
// The file is opened without blocking (a FIFO cannot hang the start) and must be a regular file
// that neither group nor others can read or write, as a token file for aihunt must be.
#include <string>
#include <vector>

#include "core/result.h"

namespace aihunt::emulator {

core::Result<std::vector<std::string>> readTokenFile(const std::string& path);

}  // namespace aihunt::emulator

#pragma once
// The aihunt command line: one entry point that main() calls, so tests can run every
// subcommand in-process as well as through the real binary.
#include <cstdio>
#include <string>
#include <vector>

namespace aihunt::cli {

struct Streams {
  std::FILE* out = stdout;  // findings and requested output
  std::FILE* err = stderr;  // diagnostics and logs
};

// Returns the process exit code (core/exit_codes.h).
int runCli(const std::vector<std::string>& args, const Streams& streams);

}  // namespace aihunt::cli

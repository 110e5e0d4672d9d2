#pragma once
// The aihunt command line: one entry point that main() calls, so tests can run every
// subcommand in-process as well as through the real binary.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

namespace aihunt::config {
class Environment;
}

namespace aihunt::cli {

struct Streams {
  std::FILE* out = stdout;  // findings and requested output
  std::FILE* err = stderr;  // diagnostics and logs
  // How aihunt's own diagnostic lines (errors, warnings, notes) are written, set from
  // --log-format and --quiet: with JSON logs each is one JSON object, like every log line;
  // quiet leaves only errors (and security warnings, which nothing silences).
  bool json_diagnostics = false;
  bool quiet = false;
};

// Returns the process exit code (core/exit_codes.h). `environment`: where variables (and the
// QRadar token) come from; null: the process environment as it is.
int runCli(const std::vector<std::string>& args, const Streams& streams,
           std::shared_ptr<const config::Environment> environment = nullptr);

}  // namespace aihunt::cli

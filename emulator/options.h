#pragma once
// qradar-emu's command line (Boost.Program_options adapter): flags -> EmulatorOptions, with the
// config, rules and faults files read and validated. `--help` text documents every option.
#include <string>
#include <vector>

#include "core/result.h"
#include "emulator/emulator.h"

namespace aihunt::emulator {

struct CommandLine {
  EmulatorOptions options;
  bool help = false;
  std::string usage;  // the --help text
  std::string ports_file;
  std::string log_level = "info";
  std::vector<std::string> notices;  // printed at start (generated tokens)
};

core::Result<CommandLine> parseCommandLine(int argc, const char* const* argv);

}  // namespace aihunt::emulator

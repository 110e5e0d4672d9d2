#pragma once
// The files a config names that `aihunt run` opens on this machine: the CA files (each must hold
// a PEM certificate), the state file's folder and the findings file's folder (aihunt creates the
// files, not their folders). `config check` (not --offline) makes each problem an error;
// `aihunt check` a warning, since it may be run from another machine than the daemon's.
#include <string>
#include <vector>

#include "config/config.h"

namespace aihunt::cli {

struct LocalFileProblem {
  std::string key;  // "state.path", "outputs.leef.ca_file", ...
  std::string message;
};

std::vector<LocalFileProblem> localFileProblems(const config::Config& cfg);

}  // namespace aihunt::cli

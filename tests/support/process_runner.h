#pragma once
// Runs a real binary as a child process with arguments, optional standard input and a time
// limit, and captures its exit code, stdout and stderr. Integration tests use it so that they
// exercise exactly what a user runs.
#include <string>
#include <vector>

namespace aihunt::testing {

struct ProcessResult {
  int exit_code = -1;  // -1: killed by a signal or by the time limit
  int signal = 0;
  std::string out;
  std::string err;
};

ProcessResult runProcess(const std::string& binary, const std::vector<std::string>& args,
                         const std::string& stdin_text = {}, int timeout_seconds = 60,
                         const std::vector<std::string>& extra_env = {});

// $AIHUNT_BIN_DIR/<name>, set by ctest; falls back to build/bin.
std::string binaryPath(const std::string& name);
// $AIHUNT_SOURCE_DIR/<relative>.
std::string sourcePath(const std::string& relative);

}  // namespace aihunt::testing

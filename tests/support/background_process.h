#pragma once
// A real binary running in the background for the length of a test: started with arguments,
// stdout/stderr captured to files, waited on until a file it writes appears (a ports file), and
// stopped (SIGTERM, then SIGKILL) when the object goes out of scope.
#include <sys/types.h>

#include <string>
#include <vector>

#include "tests/support/temp_dir.h"

namespace aihunt::testing {

class BackgroundProcess {
 public:
  BackgroundProcess(const std::string& binary, const std::vector<std::string>& args);
  ~BackgroundProcess();
  BackgroundProcess(const BackgroundProcess&) = delete;
  BackgroundProcess& operator=(const BackgroundProcess&) = delete;

  // True once `path` exists and is non-empty; false if the process exits first or time runs out.
  bool waitForFile(const std::string& path, int timeout_ms);
  // True while the child has not exited.
  bool running();
  // SIGTERM, wait up to `grace_ms`, then SIGKILL. Returns the exit code (-1 if signalled).
  int stop(int grace_ms = 5000);

  [[nodiscard]] std::string out() const;
  [[nodiscard]] std::string err() const;
  [[nodiscard]] pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  int exit_code_ = -1;
  bool exited_ = false;
  std::string out_path_;
  std::string err_path_;
};

}  // namespace aihunt::testing

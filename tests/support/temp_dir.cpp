#include "tests/support/temp_dir.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <stdexcept>
#include <system_error>
#include <vector>

namespace aihunt::testing {
namespace {

// Every folder made here is removed when the test binary exits, by the process that made it
// (a forked child that exits must not take its parent's folders). AIHUNT_KEEP_TEST_DIRS=1 keeps
// them for a look after a failure. Runs of the suites had left tens of thousands behind in /tmp.
class MadeDirs {
 public:
  MadeDirs() : owner_(getpid()) {}
  ~MadeDirs() {
    const char* keep = std::getenv("AIHUNT_KEEP_TEST_DIRS");
    if (getpid() != owner_ || (keep != nullptr && std::string(keep) == "1")) return;
    const std::lock_guard<std::mutex> hold(mutex_);
    for (const auto& dir : dirs_) {
      std::error_code ignored;
      std::filesystem::remove_all(dir, ignored);
    }
  }
  MadeDirs(const MadeDirs&) = delete;
  MadeDirs& operator=(const MadeDirs&) = delete;

  void add(const std::string& dir) {
    const std::lock_guard<std::mutex> hold(mutex_);
    dirs_.push_back(dir);
  }

 private:
  pid_t owner_;
  std::mutex mutex_;
  std::vector<std::string> dirs_;
};

MadeDirs& madeDirs() {
  static MadeDirs dirs;
  return dirs;
}

}  // namespace

std::string makeTempDir(const std::string& prefix) {
  const char* base = std::getenv("TMPDIR");
  std::string pattern =
      std::string(base != nullptr && *base != '\0' ? base : "/tmp") + "/" + prefix + "XXXXXX";
  std::vector<char> buffer(pattern.begin(), pattern.end());
  buffer.push_back('\0');
  const char* made = mkdtemp(buffer.data());
  // No fallback to a shared folder: a test writing into /tmp itself would collide with others,
  // and the folder is removed at exit.
  if (made == nullptr) throw std::runtime_error("mkdtemp failed for " + pattern);
  madeDirs().add(made);
  return made;
}

}  // namespace aihunt::testing

// One writer per state file (state/instance_lock.h): a second lock on the same file fails while
// the first is held, names the holder's pid, and succeeds once the first is released; a lock on
// another file is independent. flock(2) locks conflict between two open() calls of one process
// as between two processes, so this runs in one process.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <utility>

#include "state/instance_lock.h"

using namespace aihunt;

TEST_CASE("a state file takes one writer at a time") {
  const std::string path = "instance_lock_test.db";
  const std::string other = "instance_lock_test_other.db";
  {
    auto first = state::InstanceLock::acquire(path);
    REQUIRE(first.ok());
    CHECK(first->held());
    auto second = state::InstanceLock::acquire(path);
    REQUIRE_FALSE(second.ok());
    CHECK(second.error().code == core::ErrorCode::kBusy);  // it passes: exit 6, not 5
    CHECK(second.error().message.find("pid " + std::to_string(::getpid())) != std::string::npos);
    auto elsewhere = state::InstanceLock::acquire(other);
    CHECK(elsewhere.ok());
    // Moved, the lock is still held; released with its last owner.
    state::InstanceLock moved = std::move(*first);
    CHECK(moved.held());
    CHECK_FALSE(state::InstanceLock::acquire(path).ok());
  }
  CHECK(state::InstanceLock::acquire(path).ok());
  // A folder that does not exist: nothing to share, no error here (opening the store says why).
  auto nowhere = state::InstanceLock::acquire("no-such-folder/state.db");
  REQUIRE(nowhere.ok());
  CHECK_FALSE(nowhere->held());
  std::remove((path + ".lock").c_str());
  std::remove((other + ".lock").c_str());
}

TEST_CASE("two names of one state file take one lock") {
  // A config naming the file through a symbolic link (its own folder's, or the file's) must not
  // get a lock of its own: SQLite follows the link to the same file, and two writers would
  // deliver every finding twice.
  const std::string folder = "instance_lock_test_folder";
  std::filesystem::remove(folder + "-link");  // what a failed run may have left
  std::filesystem::remove_all(folder);
  std::filesystem::create_directory(folder);
  const std::string real = folder + "/state.db";
  std::ofstream(real) << "";
  std::filesystem::create_symlink("state.db", folder + "/alias.db");
  std::filesystem::create_directory_symlink(folder, folder + "-link");
  {
    auto first = state::InstanceLock::acquire(real);
    REQUIRE(first.ok());
    REQUIRE(first->held());
    for (const std::string& alias :
         {folder + "/alias.db", folder + "-link/state.db", "./" + folder + "/../" + real}) {
      INFO(alias);
      auto second = state::InstanceLock::acquire(alias);
      REQUIRE_FALSE(second.ok());
      CHECK(second.error().code == core::ErrorCode::kBusy);
    }
  }
  // A file not there yet: its folder's links are followed.
  std::filesystem::remove(real);
  {
    auto first = state::InstanceLock::acquire(real);
    REQUIRE(first.ok());
    CHECK_FALSE(state::InstanceLock::acquire(folder + "-link/state.db").ok());
  }
  CHECK(state::lockPathOf(folder + "-link/state.db") == state::lockPathOf(real));
  // A link to a file not there yet: SQLite creates the file where it points, so the lock is
  // that file's from the start, not the link's.
  std::filesystem::create_symlink("state.db", folder + "/dangling.db");
  CHECK(state::realStatePath(folder + "/dangling.db") ==
        std::filesystem::weakly_canonical(real).string());
  {
    auto first = state::InstanceLock::acquire(folder + "/dangling.db");
    REQUIRE(first.ok());
    std::ofstream(real) << "";  // the file comes into being
    CHECK_FALSE(state::InstanceLock::acquire(real).ok());
    CHECK_FALSE(state::InstanceLock::acquire(folder + "/alias.db").ok());
  }
  std::filesystem::remove(folder + "-link");
  std::filesystem::remove_all(folder);
}

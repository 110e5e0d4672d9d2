#pragma once
// One writer per state file. Two processes delivering from one state store (two daemons, or a
// `run --once` beside the daemon) each send the outbox's batches, so QRadar gets every LEEF event
// twice, and one may roll back the other's batch in flight as if a crash had left it. SQLite's
// own locking keeps the file consistent but cannot stop that. So every command that writes the
// store (run, backfill, hunt --deliver, state vacuum) holds an exclusive flock(2) on
// `<state file>.lock` for as long as it runs; a second one stops at once with the holder's pid.
// The lock sits beside the file the path names once its symbolic links are followed, as SQLite
// follows them: two names of one file (a symlink in one config) take the same lock. A hard link
// is not seen through: give every config the file's own path.
// The kernel drops the lock when its process ends, however it ends: no stale lock after a crash.
// Readers (`state show`, `state gaps`, `state check`) take no lock.
#include <string>
#include <string_view>

#include "core/result.h"

namespace aihunt::state {

// The file SQLite opens for `state_path`: symbolic links followed, a link to a file not there yet
// included, and the folder's when the file is not there. Commands that write the store lock,
// move aside and open this path, so that two names of one file are one store.
std::string realStatePath(const std::string& state_path);
// The lock file of a state file: `<realStatePath>.lock`.
std::string lockPathOf(const std::string& state_path);

class InstanceLock {
 public:
  // The lock of `state_path`, or ErrorCode::kBusy naming the process that holds it. When the
  // state file's folder does not exist, a lock that holds nothing: opening the store then fails
  // with the reason.
  // `busy_advice`: what to do when another process holds it, for a command that is not a run
  // (the default speaks of runs: two would deliver every finding twice).
  [[nodiscard]] static core::Result<InstanceLock> acquire(const std::string& state_path,
                                                          std::string_view busy_advice = {});

  InstanceLock() = default;
  InstanceLock(InstanceLock&& other) noexcept;
  InstanceLock& operator=(InstanceLock&& other) noexcept;
  InstanceLock(const InstanceLock&) = delete;
  InstanceLock& operator=(const InstanceLock&) = delete;
  ~InstanceLock();

  [[nodiscard]] bool held() const { return fd_ >= 0; }

 private:
  explicit InstanceLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace aihunt::state

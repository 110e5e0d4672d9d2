#pragma once
// Ctrl-C and SIGTERM: a flag that the poll loop and libcurl's progress callback check, so that an
// interrupted hunt still cancels and deletes its search before exiting.
//
// The app installs the signal handlers (cli/signals.h) over a flag of its own; everything here
// receives a Cancellation by reference. Tests make one with a flag of their own.
#include <atomic>

namespace aihunt::qradar {

class Cancellation {
 public:
  explicit Cancellation(std::atomic<bool>& flag) : flag_(flag) {}
  [[nodiscard]] bool requested() const { return flag_.load(); }
  void request() { flag_.store(true); }
  [[nodiscard]] const std::atomic<bool>* flag() const { return &flag_; }

 private:
  std::atomic<bool>& flag_;
};

}  // namespace aihunt::qradar

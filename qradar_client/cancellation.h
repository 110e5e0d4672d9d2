#pragma once
// Ctrl-C: a flag that the poll loop and libcurl's progress callback check, so that an
// interrupted hunt still cancels and deletes its search before exiting.
//
// The signal handler needs the one global of the project: a lock-free atomic flag in
// cancellation.cpp that SIGINT/SIGTERM set. Everything else receives a Cancellation by
// reference; tests make their own with a flag of their own and never touch signals.
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

// Installs SIGINT and SIGTERM handlers that set the global flag, and returns a Cancellation over
// it. A second Ctrl-C after the first restores the default action (a stuck cleanup can be
// interrupted for good).
Cancellation installInterruptHandler();

}  // namespace aihunt::qradar

#pragma once
// The stop's grace period, from the moment the stop was asked for. A thread notes when the
// stop flag turns true and, the grace period later, sets a flag of its own that the console
// sinks' requests end on. Without it, a delivery that was retrying a slow console when SIGTERM
// came would hold the daemon's loop, and so the exit, for its whole retry budget (minutes with a
// 60 s request timeout), past what systemd or Kubernetes waits for before it kills.
#include <atomic>
#include <chrono>
#include <functional>
#include <thread>

#include "qradar_client/cancellation.h"

namespace aihunt::service {

class GraceWatch {
 public:
  using Clock = std::chrono::steady_clock;

  // `abandon` may be null: then only the deadline is kept. `on_stop`, if given, is called once,
  // on the watch's thread, when it sees the stop: what the daemon says at once, while its loop
  // may still be inside a delivery for a few seconds.
  GraceWatch(const qradar::Cancellation& stop, std::chrono::milliseconds grace,
             std::atomic<bool>* abandon, std::function<void()> on_stop = {});
  ~GraceWatch();
  GraceWatch(const GraceWatch&) = delete;
  GraceWatch& operator=(const GraceWatch&) = delete;

  // When the grace period ends: the stop's time plus the grace, or, when the watch has not seen
  // the stop yet, now plus the grace.
  [[nodiscard]] Clock::time_point deadline() const;

 private:
  void watch();

  const qradar::Cancellation& stop_;
  std::chrono::milliseconds grace_;
  std::atomic<bool>* abandon_;
  std::function<void()> on_stop_;
  std::atomic<bool> done_{false};
  std::atomic<Clock::rep> deadline_{0};  // 0 until the stop was seen
  std::thread thread_;
};

}  // namespace aihunt::service

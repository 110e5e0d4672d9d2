#pragma once
// The hunt runner's observer for a terminal: a progress line per hunt in flight
// (cli/progress_bar.h), keyed by hunt name, so hunts running side by side each keep their own
// line. A hunt's line starts at its first status read and ends when the run reports the hunt.
#include <cstddef>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "cli/progress_bar.h"
#include "service/hunt_engine.h"

namespace aihunt::cli {

class HuntBars final : public service::HuntObserver {
 public:
  HuntBars(ProgressDisplay& display, const std::vector<service::HuntJob>& plan)
      : display_(display), plan_(plan) {}

  // From the hunts' threads.
  void progress(const service::HuntJob& job, const qradar::SearchProgress& progress) override;
  // From the thread that reports a finished hunt.
  void stop(const std::string& hunt);
  // Hunts whose line is on show.
  [[nodiscard]] std::size_t inFlight() const;

 private:
  // progress() and stop() come from different threads: the runner serialises progress() calls
  // among themselves only, and a line ended while another hunt's line was started once crashed
  // a run (two hunts at once, a std::set changed from two threads).
  mutable std::mutex mutex_;
  ProgressDisplay& display_;
  const std::vector<service::HuntJob>& plan_;
  std::set<std::string> shown_;
};

}  // namespace aihunt::cli

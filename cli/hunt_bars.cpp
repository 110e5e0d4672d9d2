#include "cli/hunt_bars.h"

#include <algorithm>

namespace aihunt::cli {

void HuntBars::progress(const service::HuntJob& job, const qradar::SearchProgress& progress) {
  const std::lock_guard lock(mutex_);
  if (shown_.insert(job.name).second) {
    const auto at = std::find_if(plan_.begin(), plan_.end(), [&](const service::HuntJob& hunt) {
      return hunt.name == job.name;
    });
    display_.start(job.name, static_cast<std::size_t>(at - plan_.begin()) + 1, plan_.size());
  }
  display_.update(job.name, progress);
}

void HuntBars::stop(const std::string& hunt) {
  const std::lock_guard lock(mutex_);
  if (shown_.erase(hunt) != 0) display_.finish(hunt);
}

std::size_t HuntBars::inFlight() const {
  const std::lock_guard lock(mutex_);
  return shown_.size();
}

}  // namespace aihunt::cli

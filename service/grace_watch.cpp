#include "service/grace_watch.h"

#include <utility>

namespace aihunt::service {
namespace {

// How often the watch looks at the flags: the grace period may end this much late.
constexpr std::chrono::milliseconds kLook{50};

}  // namespace

GraceWatch::GraceWatch(const qradar::Cancellation& stop, std::chrono::milliseconds grace,
                       std::atomic<bool>* abandon, std::function<void()> on_stop)
    : stop_(stop), grace_(grace), abandon_(abandon), on_stop_(std::move(on_stop)), thread_([this] {
        watch();
      }) {}

GraceWatch::~GraceWatch() {
  done_ = true;
  thread_.join();
  // A stop that came within the watch's last look: still said, once.
  if (deadline_.load() == 0 && stop_.requested() && on_stop_) on_stop_();
}

GraceWatch::Clock::time_point GraceWatch::deadline() const {
  const Clock::rep at = deadline_.load();
  if (at != 0) return Clock::time_point(Clock::duration(at));
  return Clock::now() + grace_;
}

void GraceWatch::watch() {
  while (!done_) {
    const Clock::rep at = deadline_.load();
    if (at == 0 && stop_.requested()) {
      deadline_ = (Clock::now() + grace_).time_since_epoch().count();
      if (on_stop_) on_stop_();
    } else if (at != 0 && Clock::now() >= Clock::time_point(Clock::duration(at))) {
      if (abandon_ != nullptr) abandon_->store(true);
      return;
    }
    std::this_thread::sleep_for(kLook);
  }
}

}  // namespace aihunt::service

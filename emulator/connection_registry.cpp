#include "emulator/connection_registry.h"

#include <sys/socket.h>

namespace aihunt::emulator {

void ConnectionRegistry::setLimits(ConnectionLimits limits) {
  std::lock_guard lock(mutex_);
  limits_ = limits;
}

LaunchOutcome ConnectionRegistry::admitLocked(const std::string& address) {
  if (stopping_) return LaunchOutcome::kStopping;
  if (live_ >= limits_.max_connections) {
    ++counters_.refused_total_cap;
    return LaunchOutcome::kTotalCapReached;
  }
  std::size_t& from_address = per_address_[address];
  if (from_address >= limits_.max_per_address) {
    ++counters_.refused_address_cap;
    return LaunchOutcome::kAddressCapReached;
  }
  ++from_address;
  ++live_;
  ++counters_.accepted;
  return LaunchOutcome::kStarted;
}

void ConnectionRegistry::release(std::size_t id) {
  std::lock_guard lock(mutex_);
  for (Entry& entry : entries_) {
    if (entry.id != id || entry.done) continue;
    entry.done = true;
    entry.fd = -1;
    --live_;
    auto it = per_address_.find(entry.address);
    if (it != per_address_.end() && --it->second == 0) per_address_.erase(it);
  }
}

void ConnectionRegistry::reap() {
  std::vector<std::thread> finished;
  {
    std::lock_guard lock(mutex_);
    for (auto it = entries_.begin(); it != entries_.end();) {
      if (it->done) {
        finished.push_back(std::move(it->thread));
        it = entries_.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (std::thread& thread : finished) {
    if (thread.joinable()) thread.join();
  }
}

std::size_t ConnectionRegistry::open() const {
  std::lock_guard lock(mutex_);
  return live_;
}

void ConnectionRegistry::stopAll() {
  std::vector<std::thread> threads;
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    for (Entry& entry : entries_) {
      if (entry.fd >= 0) ::shutdown(entry.fd, SHUT_RDWR);
      threads.push_back(std::move(entry.thread));
    }
    entries_.clear();
  }
  for (std::thread& thread : threads) {
    if (thread.joinable()) thread.join();
  }
}

}  // namespace aihunt::emulator

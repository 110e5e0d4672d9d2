#pragma once
// Threads serving accepted connections, with caps: the accept loop asks to launch one per
// connection, each marks itself done, and stopAll() wakes every blocked read (shutdown(2)) and
// joins them. A connection over the total cap or over its peer address's cap is not started
// (the caller closes it at once) and is counted, so that one noisy or hostile client cannot
// take every connection slot from the others.
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace aihunt::emulator {

struct ConnectionLimits {
  std::size_t max_connections = 1024;  // all peers together
  std::size_t max_per_address = 64;    // one peer address
};

enum class LaunchOutcome { kStarted, kTotalCapReached, kAddressCapReached, kStopping };

struct ConnectionCounters {
  std::atomic<std::uint64_t> accepted{0};
  std::atomic<std::uint64_t> refused_total_cap{0};
  std::atomic<std::uint64_t> refused_address_cap{0};
};

class ConnectionRegistry {
 public:
  explicit ConnectionRegistry(ConnectionLimits limits = {}) : limits_(limits) {}
  ~ConnectionRegistry() { stopAll(); }
  ConnectionRegistry(const ConnectionRegistry&) = delete;
  ConnectionRegistry& operator=(const ConnectionRegistry&) = delete;

  void setLimits(ConnectionLimits limits);
  // Starts `serve` on its own thread for the connection on `fd` from `address`. `serve` must
  // call release(id) before it closes the fd. Anything but kStarted: nothing was started.
  template <typename Serve>
  LaunchOutcome launch(int fd, const std::string& address, Serve serve);
  // Marks connection `id` finished; its fd is no longer touched by stopAll().
  void release(std::size_t id);
  // Joins finished threads (called from launch()).
  void reap();
  void stopAll();

  [[nodiscard]] const ConnectionCounters& counters() const { return counters_; }
  [[nodiscard]] std::size_t open() const;

 private:
  struct Entry {
    std::size_t id = 0;
    int fd = -1;
    std::string address;
    bool done = false;
    std::thread thread;
  };
  // Under mutex_: whether another connection from `address` may start.
  LaunchOutcome admitLocked(const std::string& address);

  mutable std::mutex mutex_;
  ConnectionLimits limits_;
  std::vector<Entry> entries_;
  std::map<std::string, std::size_t> per_address_;  // live (not released) connections
  std::size_t live_ = 0;
  std::size_t next_id_ = 0;
  bool stopping_ = false;
  ConnectionCounters counters_;
};

template <typename Serve>
LaunchOutcome ConnectionRegistry::launch(int fd, const std::string& address, Serve serve) {
  reap();
  std::lock_guard lock(mutex_);
  const LaunchOutcome outcome = admitLocked(address);
  if (outcome != LaunchOutcome::kStarted) return outcome;
  const std::size_t id = next_id_++;
  Entry entry;
  entry.id = id;
  entry.fd = fd;
  entry.address = address;
  entry.thread = std::thread([serve = std::move(serve), id]() mutable { serve(id); });
  entries_.push_back(std::move(entry));
  return LaunchOutcome::kStarted;
}

}  // namespace aihunt::emulator

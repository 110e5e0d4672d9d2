#pragma once
// Small POSIX socket helpers shared by the HTTP and syslog listeners.
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace aihunt::emulator {

// SO_RCVTIMEO / SO_SNDTIMEO on a connected socket.
void setSocketTimeouts(int fd, int seconds);
// SO_LINGER {on, 0}: the next close sends a TCP RST instead of a FIN.
void setAbortiveClose(int fd);
bool isLoopbackAddress(const std::string& address);

// Threads serving accepted connections: the accept loop adds them, each marks itself done, and
// stop() wakes every blocked read (shutdown(2)) and joins them.
class ConnectionRegistry {
 public:
  ~ConnectionRegistry() { stopAll(); }
  // Starts `serve` on its own thread for the connection on `fd`. `serve` must call release(id)
  // before it closes the fd. Returns false (and does not start) once stopping or when full.
  template <typename Serve>
  bool launch(int fd, std::size_t max_connections, Serve serve);
  // Marks connection `id` finished; its fd is no longer touched by stopAll().
  void release(std::size_t id);
  // Joins finished threads (called from the accept loop).
  void reap();
  void stopAll();

 private:
  struct Entry {
    std::size_t id = 0;
    int fd = -1;
    bool done = false;
    std::thread thread;
  };
  std::mutex mutex_;
  std::vector<Entry> entries_;
  std::size_t next_id_ = 0;
  bool stopping_ = false;
};

template <typename Serve>
bool ConnectionRegistry::launch(int fd, std::size_t max_connections, Serve serve) {
  reap();
  std::lock_guard lock(mutex_);
  if (stopping_ || entries_.size() >= max_connections) return false;
  const std::size_t id = next_id_++;
  Entry entry;
  entry.id = id;
  entry.fd = fd;
  entry.thread = std::thread([serve = std::move(serve), id]() mutable { serve(id); });
  entries_.push_back(std::move(entry));
  return true;
}

}  // namespace aihunt::emulator

#include "emulator/socket_util.h"

#include <sys/socket.h>
#include <sys/time.h>

#include <boost/asio/ip/address.hpp>

namespace aihunt::emulator {

void setSocketTimeouts(int fd, int seconds) {
  timeval tv{};
  tv.tv_sec = seconds;
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

void setAbortiveClose(int fd) {
  linger option{};
  option.l_onoff = 1;
  option.l_linger = 0;
  setsockopt(fd, SOL_SOCKET, SO_LINGER, &option, sizeof option);
}

bool isLoopbackAddress(const std::string& address) {
  if (address == "localhost") return true;
  boost::system::error_code ec;
  const auto parsed = boost::asio::ip::make_address(address, ec);
  return !ec && parsed.is_loopback();
}

void ConnectionRegistry::release(std::size_t id) {
  std::lock_guard lock(mutex_);
  for (Entry& entry : entries_) {
    if (entry.id == id) {
      entry.done = true;
      entry.fd = -1;
    }
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

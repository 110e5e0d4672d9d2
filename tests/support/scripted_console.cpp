#include "tests/support/scripted_console.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <sstream>
#include <utility>

namespace aihunt::testing {

ScriptedConsole::ScriptedConsole(Script script) : script_(std::move(script)) {
  thread_ = std::thread([this] { serve(); });
}

ScriptedConsole::~ScriptedConsole() {
  stop_ = true;
  thread_.join();
}

void ScriptedConsole::serve() {
  while (!stop_) {
    pollfd waiting{listener_.fd(), POLLIN, 0};
    if (::poll(&waiting, 1, 50) <= 0) continue;
    const int client = listener_.accept();
    if (client < 0) continue;
    answer(client);
    ::close(client);
  }
}

void ScriptedConsole::answer(int client) {
  std::string request;
  char buffer[4096];
  std::size_t header_end = std::string::npos;
  std::size_t body_length = 0;
  // Bounded: a request that does not arrive within 5 s of polls is dropped.
  for (int polls = 0; polls < 100; ++polls) {
    pollfd readable{client, POLLIN, 0};
    if (::poll(&readable, 1, 50) <= 0) continue;
    const ssize_t got = ::recv(client, buffer, sizeof buffer, 0);
    if (got <= 0) return;
    request.append(buffer, static_cast<std::size_t>(got));
    if (header_end == std::string::npos) {
      header_end = request.find("\r\n\r\n");
      if (header_end == std::string::npos) continue;
      const std::size_t length_at = request.find("Content-Length: ");
      if (length_at != std::string::npos && length_at < header_end) {
        body_length = std::stoul(request.substr(length_at + 16));
      }
    }
    if (request.size() >= header_end + 4 + body_length) break;
  }
  if (header_end == std::string::npos) return;
  std::istringstream first_line(request.substr(0, request.find("\r\n")));
  std::string method;
  std::string target;
  first_line >> method >> target;
  ++requests_;
  const Answer reply = script_(method, target);
  const std::string response = "HTTP/1.1 " + std::to_string(reply.status) +
                               " Scripted\r\nContent-Type: application/json\r\nContent-Length: " +
                               std::to_string(reply.body.size()) + "\r\nConnection: close\r\n\r\n" +
                               reply.body;
  std::size_t sent = 0;
  while (sent < response.size()) {
    const ssize_t n = ::send(client, response.data() + sent, response.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return;
    sent += static_cast<std::size_t>(n);
  }
}

}  // namespace aihunt::testing

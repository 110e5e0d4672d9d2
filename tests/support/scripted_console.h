#pragma once
// A console that answers from a script: plain HTTP on 127.0.0.1 at port 0's pick, one request
// per connection, served on a thread of its own for the life of the object. aihunt allows plain
// http:// to a loopback peer, so tests can hand it answers no real console gives on demand
// (hostile text, a web server's error page).
#include <atomic>
#include <functional>
#include <string>
#include <thread>

#include "tests/support/loopback_socket.h"

namespace aihunt::testing {

class ScriptedConsole {
 public:
  struct Answer {
    int status = 200;
    std::string body;  // sent as application/json, whatever it holds
  };
  using Script = std::function<Answer(const std::string& method, const std::string& target)>;

  explicit ScriptedConsole(Script script);
  ~ScriptedConsole();
  ScriptedConsole(const ScriptedConsole&) = delete;
  ScriptedConsole& operator=(const ScriptedConsole&) = delete;

  [[nodiscard]] std::string url() const {
    return "http://127.0.0.1:" + std::to_string(listener_.port());
  }
  [[nodiscard]] int requests() const { return requests_; }

 private:
  void serve();
  void answer(int client);

  Script script_;
  ListeningSocket listener_{16};
  std::atomic<bool> stop_{false};
  std::atomic<int> requests_{0};
  std::thread thread_;
};

}  // namespace aihunt::testing

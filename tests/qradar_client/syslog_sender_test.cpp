// The syslog sender over loopback TCP (TLS is exercised against qradar-emu's listener in
// tests/integration/leef_sink_test.cpp): newline framing, refusal of line breaks, a refused
// connection with backoff on an injected clock, a peer that closed the idle connection, and a
// receiver that resets the connection before acknowledging a batch that was all written, and a
// receiver that answers the first batch in TLS or hangs up on it.
#include <catch2/catch.hpp>

#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "qradar_client/syslog_sender.h"
#include "tests/support/loopback_socket.h"

using namespace aihunt::qradar;

namespace {

std::string readExactly(int fd, std::size_t bytes) {
  std::string out;
  char buffer[4096];
  while (out.size() < bytes) {
    const ssize_t n = ::recv(fd, buffer, std::min(sizeof buffer, bytes - out.size()), 0);
    if (n <= 0) break;
    out.append(buffer, static_cast<std::size_t>(n));
  }
  return out;
}

}  // namespace

TEST_CASE("messages go out newline-framed, in order, on one connection") {
  const aihunt::testing::ListeningSocket listener;
  SyslogSenderOptions options;
  options.host = "127.0.0.1";
  options.port = listener.port();
  options.transport = SyslogTransport::kTcp;
  SyslogSender sender(options);
  REQUIRE(sender.send({"<134>1 a", "<134>1 b"}).ok());
  const int peer = listener.accept();
  REQUIRE(peer >= 0);
  CHECK(readExactly(peer, 18) == "<134>1 a\n<134>1 b\n");
  REQUIRE(sender.send({"third"}).ok());
  CHECK(readExactly(peer, 6) == "third\n");
  // A line break inside a message is refused before anything is written.
  auto refused = sender.send({"ok", "two\nlines"});
  CHECK_FALSE(refused.ok());
  CHECK(sender.send({"fourth"}).ok());
  CHECK(readExactly(peer, 7) == "fourth\n");
  ::close(peer);
}

TEST_CASE("a peer that closed the idle connection is replaced before the next send") {
  const aihunt::testing::ListeningSocket listener;
  SyslogSenderOptions options;
  options.host = "127.0.0.1";
  options.port = listener.port();
  options.transport = SyslogTransport::kTcp;
  SyslogSender sender(options);
  REQUIRE(sender.send({"one"}).ok());
  int peer = listener.accept();
  CHECK(readExactly(peer, 4) == "one\n");
  ::close(peer);  // the receiver drops the connection while the sender is idle
  ::usleep(20'000);
  REQUIRE(sender.send({"two"}).ok());
  peer = listener.accept();
  REQUIRE(peer >= 0);
  CHECK(readExactly(peer, 4) == "two\n");  // on the new connection, not lost in the old one
  ::close(peer);
}

TEST_CASE("a refused connection fails, then backs off until the clock passes the backoff") {
  auto now = std::chrono::steady_clock::now();
  SyslogSenderOptions options;
  options.host = "127.0.0.1";
  options.port = aihunt::testing::closedLoopbackPort();
  options.transport = SyslogTransport::kTcp;
  options.initial_backoff = std::chrono::milliseconds(1000);
  SyslogSender sender(options, [&] { return now; });
  auto first = sender.send({"x"});
  REQUIRE_FALSE(first.ok());
  CHECK(first.error().code == aihunt::core::ErrorCode::kTransport);
  CHECK(first.error().message.find("connecting") != std::string::npos);
  auto during = sender.send({"x"});
  REQUIRE_FALSE(during.ok());
  CHECK(during.error().message.find("not reconnecting") != std::string::npos);
  now += std::chrono::milliseconds(1001);
  auto after = sender.send({"x"});
  REQUIRE_FALSE(after.ok());
  CHECK(after.error().message.find("connecting") != std::string::npos);
  CHECK(after.error().message.find("not reconnecting") == std::string::npos);
}

TEST_CASE("TLS to a plain-text listener fails; nothing falls back to plain text") {
  const aihunt::testing::ListeningSocket listener;
  SyslogSenderOptions options;
  options.host = "127.0.0.1";
  options.port = listener.port();
  options.transport = SyslogTransport::kTls;
  options.connect_timeout = std::chrono::milliseconds(300);
  SyslogSender sender(options);
  auto sent = sender.send({"secret"});
  CHECK_FALSE(sent.ok());
  const int peer = listener.accept();
  REQUIRE(peer >= 0);
  char buffer[8];
  const ssize_t n = ::recv(peer, buffer, sizeof buffer, MSG_DONTWAIT);
  // Only a TLS ClientHello (0x16) went out, never the message.
  CHECK((n <= 0 || buffer[0] == 0x16));
  ::close(peer);
}

TEST_CASE("written is not sent: a receiver that resets before acknowledging fails the send") {
  // The receiver's TCP acknowledges little beyond what it reads.
  const aihunt::testing::ListeningSocket listener(4, 1024);
  SyslogSenderOptions options;
  options.host = "127.0.0.1";
  options.port = listener.port();
  options.transport = SyslogTransport::kTcp;
  SyslogSender sender(options);
  // 4 KiB: fits this socket's send buffer, so every byte is written at once.
  const std::vector<std::string> batch(4, std::string(1023, 'x'));
  std::thread receiver([&listener] {
    const int peer = listener.accept();
    if (peer < 0) return;
    CHECK(readExactly(peer, 100).size() == 100);
    const linger reset{1, 0};  // closing with unread data: a reset, the rest dropped
    ::setsockopt(peer, SOL_SOCKET, SO_LINGER, &reset, sizeof reset);
    ::close(peer);
  });
  const auto sent = sender.send(batch);
  receiver.join();
  CHECK_FALSE(sent.ok());
  CHECK_FALSE(sender.connected());
  // Acknowledged batches still succeed, on a new connection.
  REQUIRE(sender.send({"again"}).ok());
  const int peer = listener.accept();
  REQUIRE(peer >= 0);
  CHECK(readExactly(peer, 6) == "again\n");
  ::close(peer);
}

TEST_CASE("plain TCP to a receiver that answers in TLS or hangs up fails the first batch") {
  // What a TLS listener does to plain text: reads it, answers with an alert, closes. Its TCP has
  // acknowledged the batch by then, so only the answer tells that nothing was taken.
  const std::string tls_alert("\x15\x03\x03\x00\x02\x02\x32", 7);
  for (const bool answers : {true, false}) {
    INFO((answers ? "a TLS alert, then close" : "close"));
    const aihunt::testing::ListeningSocket listener;
    SyslogSenderOptions options;
    options.host = "127.0.0.1";
    options.port = listener.port();
    options.transport = SyslogTransport::kTcp;
    options.first_batch_grace = std::chrono::milliseconds(5'000);  // ends at the answer
    SyslogSender sender(options);
    std::thread receiver([&] {
      const int peer = listener.accept();
      if (peer < 0) return;
      CHECK(readExactly(peer, 4) == "one\n");
      if (answers) CHECK(::send(peer, tls_alert.data(), tls_alert.size(), MSG_NOSIGNAL) == 7);
      ::close(peer);
    });
    const auto sent = sender.send({"one"});
    receiver.join();
    REQUIRE_FALSE(sent.ok());
    CHECK(sent.error().code == aihunt::core::ErrorCode::kTransport);
    CHECK(sent.error().message.find(answers ? "in TLS" : "closed the connection") !=
          std::string::npos);
    CHECK_FALSE(sender.connected());
  }
}

TEST_CASE("a silent receiver takes the first batch once the grace has passed") {
  const aihunt::testing::ListeningSocket listener;
  SyslogSenderOptions options;
  options.host = "127.0.0.1";
  options.port = listener.port();
  options.transport = SyslogTransport::kTcp;
  options.first_batch_grace = std::chrono::milliseconds(20);
  SyslogSender sender(options);
  REQUIRE(sender.send({"one"}).ok());
  REQUIRE(sender.send({"two"}).ok());  // on the same connection
  const int peer = listener.accept();
  REQUIRE(peer >= 0);
  CHECK(readExactly(peer, 8) == "one\ntwo\n");
  ::close(peer);
}

TEST_CASE("the abort flag ends a send stuck on a receiver that stops reading, and a handshake") {
  auto abort = std::make_shared<std::atomic<bool>>(false);
  // Sets the flag a moment after the call has begun: it is then blocked in a wait.
  const auto abortLater = [&abort] {
    return std::thread([&abort] {
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
      abort->store(true);
    });
  };

  SECTION("a send") {
    // A receiver that takes the connection and reads nothing: 8 MiB cannot all be written.
    const aihunt::testing::ListeningSocket listener(4, 4096);
    SyslogSenderOptions options;
    options.host = "127.0.0.1";
    options.port = listener.port();
    options.transport = SyslogTransport::kTcp;
    options.write_timeout = std::chrono::seconds(60);
    options.abort_flag = abort;
    SyslogSender sender(options);
    REQUIRE(sender.connect().ok());
    const int peer = listener.accept();
    REQUIRE(peer >= 0);
    std::thread aborter = abortLater();
    const auto started = std::chrono::steady_clock::now();
    const auto sent = sender.send(std::vector<std::string>(8, std::string(1 << 20, 'x')));
    const auto took = std::chrono::steady_clock::now() - started;
    aborter.join();
    ::close(peer);
    REQUIRE_FALSE(sent.ok());
    CHECK(sent.error().code == aihunt::core::ErrorCode::kCancelled);
    CHECK(took < std::chrono::seconds(30));  // not the 60 s write timeout
    CHECK_FALSE(sender.connected());
  }

  SECTION("a TLS handshake with a listener that never answers") {
    const aihunt::testing::ListeningSocket listener;
    SyslogSenderOptions options;
    options.host = "127.0.0.1";
    options.port = listener.port();
    options.transport = SyslogTransport::kTls;
    options.connect_timeout = std::chrono::seconds(60);
    options.abort_flag = abort;
    SyslogSender sender(options);
    std::thread aborter = abortLater();
    const auto started = std::chrono::steady_clock::now();
    const auto connected = sender.connect();
    const auto took = std::chrono::steady_clock::now() - started;
    aborter.join();
    REQUIRE_FALSE(connected.ok());
    CHECK(connected.error().code == aihunt::core::ErrorCode::kCancelled);
    CHECK(took < std::chrono::seconds(30));
  }
}

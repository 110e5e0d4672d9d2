// The LEEF sink over a loopback TCP listener: each outbox row becomes one strict LEEF line, a row
// that is not a finding is skipped (not retried forever), the mark is trivial and rollback has
// nothing to undo, and an unreachable receiver is an error (the outbox keeps the rows).
#include <catch2/catch.hpp>

#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>

#include "service/leef_sink.h"
#include "tests/qradar_client/strict_leef_parser.h"
#include "tests/support/loopback_socket.h"

using aihunt::service::LeefSink;
using aihunt::service::LeefSinkOptions;

namespace {

std::vector<std::string> readLines(int fd, std::size_t lines) {
  std::string text;
  char buffer[4096];
  while (static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) < lines) {
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) break;
    text.append(buffer, static_cast<std::size_t>(n));
  }
  std::vector<std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) out.push_back(line);
  return out;
}

aihunt::state::OutboxRow row(std::int64_t id, std::string finding_id, std::string payload) {
  aihunt::state::OutboxRow r;
  r.id = id;
  r.sink = "leef";
  r.finding_id = std::move(finding_id);
  r.payload = std::move(payload);
  return r;
}

LeefSinkOptions options(std::uint16_t port) {
  LeefSinkOptions o;
  o.syslog.host = "127.0.0.1";
  o.syslog.port = port;
  o.syslog.transport = aihunt::qradar::SyslogTransport::kTcp;
  o.encoder.hostname = "aihunt-test";
  o.encoder.product_version = "9.9";
  return o;
}

std::shared_ptr<spdlog::logger> quietLogger() {
  return std::make_shared<spdlog::logger>("leef-test",
                                          std::make_shared<spdlog::sinks::null_sink_mt>());
}

}  // namespace

TEST_CASE("each row is one strict LEEF line; a row that is not a finding is skipped") {
  const aihunt::testing::ListeningSocket listener;
  LeefSink sink(options(listener.port()), quietLogger());
  CHECK(sink.name() == "leef");
  auto mark = sink.mark();
  REQUIRE(mark.ok());
  CHECK(mark->target == "127.0.0.1:" + std::to_string(listener.port()));
  CHECK(mark->offset == 0);
  CHECK(sink.rollback(*mark).ok());

  const std::vector<aihunt::state::OutboxRow> rows = {
      row(1, "a1",
          R"({"finding_id":"a1","source_ip":"10.0.0.1","signals":["large_upload"],"severity":"high"})"),
      row(2, "bad", "not a finding"),
      row(3, "a3", R"({"finding_id":"a3","username":"x^src=6.6.6.6","signals":[]})")};
  REQUIRE(sink.deliver(rows).ok());
  const int peer = listener.accept();
  REQUIRE(peer >= 0);
  const auto lines = readLines(peer, 2);
  REQUIRE(lines.size() == 2);
  const auto first = aihunt::testing::leef::parseStrict(lines[0]);
  INFO(first.error);
  REQUIRE(first.event);
  CHECK(first.event->hostname == "aihunt-test");
  CHECK(first.event->version == "9.9");
  CHECK(first.event->event_id == "AI_API_LargeUpload");
  CHECK(first.event->get("findingId") == "a1");
  CHECK(first.event->get("src") == "10.0.0.1");
  const auto second = aihunt::testing::leef::parseStrict(lines[1]);
  REQUIRE(second.event);
  CHECK(second.event->get("findingId") == "a3");
  CHECK_FALSE(second.event->get("src"));
  ::close(peer);
}

TEST_CASE("an unreachable receiver is an error, so the outbox keeps the rows") {
  const std::uint16_t port = aihunt::testing::closedLoopbackPort();
  LeefSink sink(options(port), quietLogger());
  const auto delivered = sink.deliver({row(1, "a1", R"({"finding_id":"a1"})")});
  CHECK_FALSE(delivered.ok());
}

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/metrics.h"
#include "service/health_server.h"
#include "tests/support/prometheus_text.h"

using aihunt::core::Metrics;
using aihunt::core::MetricType;
using aihunt::service::HealthServer;
using aihunt::service::HealthServerOptions;
using aihunt::service::ReadyReport;
using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

struct HttpReply {
  int status = 0;
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;

  [[nodiscard]] std::string header(const std::string& name) const {
    const auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
};

std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// A blocking loopback client on plain sockets, every wait bounded: tests need to send exactly
// the bytes they choose (partial headers, oversized ones) and to see when the server closes.
class RawClient {
 public:
  RawClient(const std::string& host, std::uint16_t port) {
    sockaddr_storage address{};
    socklen_t length = 0;
    if (host.find(':') != std::string::npos) {
      auto* v6 = reinterpret_cast<sockaddr_in6*>(&address);
      v6->sin6_family = AF_INET6;
      v6->sin6_port = htons(port);
      inet_pton(AF_INET6, host.c_str(), &v6->sin6_addr);
      length = sizeof(sockaddr_in6);
    } else {
      auto* v4 = reinterpret_cast<sockaddr_in*>(&address);
      v4->sin_family = AF_INET;
      v4->sin_port = htons(port);
      inet_pton(AF_INET, host.c_str(), &v4->sin_addr);
      length = sizeof(sockaddr_in);
    }
    fd_ = ::socket(address.ss_family, SOCK_STREAM, 0);
    if (fd_ < 0) throw std::runtime_error("socket failed");
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&address), length) == 0;
  }
  ~RawClient() {
    if (fd_ >= 0) ::close(fd_);
  }
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  [[nodiscard]] bool connected() const { return connected_; }

  bool send(std::string_view data) {
    while (!data.empty()) {
      const ssize_t sent = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (sent <= 0) return false;
      data.remove_prefix(static_cast<std::size_t>(sent));
    }
    return true;
  }

  // The next response; nullopt if the connection ends (or nothing comes in time) first.
  std::optional<HttpReply> read(bool head = false, std::chrono::milliseconds limit = 3000ms) {
    const auto deadline = Clock::now() + limit;
    std::size_t header_end = 0;
    while ((header_end = pending_.find("\r\n\r\n")) == std::string::npos) {
      if (!fill(deadline)) return std::nullopt;
    }
    HttpReply reply;
    const std::string head_text = pending_.substr(0, header_end);
    pending_.erase(0, header_end + 4);
    std::size_t line_end = head_text.find("\r\n");
    const std::string status_line = head_text.substr(0, line_end);
    if (status_line.rfind("HTTP/1.", 0) != 0 || status_line.size() < 12) return std::nullopt;
    reply.status = std::stoi(status_line.substr(9, 3));
    while (line_end != std::string::npos) {
      const std::size_t start = line_end + 2;
      line_end = head_text.find("\r\n", start);
      const std::string line = head_text.substr(start, line_end - start);
      const std::size_t colon = line.find(':');
      if (colon == std::string::npos) return std::nullopt;
      std::string value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.erase(0, 1);
      reply.headers[lower(line.substr(0, colon))] = value;
    }
    const std::size_t length =
        head ? 0 : static_cast<std::size_t>(std::stoul(reply.header("content-length")));
    while (pending_.size() < length) {
      if (!fill(deadline)) return std::nullopt;
    }
    reply.body = pending_.substr(0, length);
    pending_.erase(0, length);
    return reply;
  }

  std::optional<HttpReply> get(const std::string& target, const std::string& method = "GET") {
    if (!send(method + " " + target + " HTTP/1.1\r\nHost: test\r\n\r\n")) return std::nullopt;
    return read(method == "HEAD");
  }

  // True once the server has closed the connection (EOF or reset) within `limit`; data that
  // arrives meanwhile is discarded.
  bool waitClosed(std::chrono::milliseconds limit) {
    const auto deadline = Clock::now() + limit;
    while (true) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      if (left.count() <= 0) return false;
      pollfd entry{fd_, POLLIN, 0};
      if (::poll(&entry, 1, static_cast<int>(left.count())) <= 0) continue;
      char buffer[4096];
      const ssize_t got = ::recv(fd_, buffer, sizeof(buffer), 0);
      if (got <= 0) return true;
    }
  }

  [[nodiscard]] const std::string& unread() const { return pending_; }
  [[nodiscard]] int fd() const { return fd_; }

 private:
  bool fill(Clock::time_point deadline) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return false;
    pollfd entry{fd_, POLLIN, 0};
    if (::poll(&entry, 1, static_cast<int>(left.count())) <= 0) return false;
    char buffer[4096];
    const ssize_t got = ::recv(fd_, buffer, sizeof(buffer), 0);
    if (got <= 0) return false;
    pending_.append(buffer, static_cast<std::size_t>(got));
    return true;
  }

  int fd_ = -1;
  bool connected_ = false;
  std::string pending_;
};

struct Fixture {
  Metrics metrics;
  std::atomic<bool> ready{true};
  std::atomic<bool> throw_in_check{false};
  std::unique_ptr<HealthServer> server;

  explicit Fixture(const HealthServerOptions& options = {}) {
    metrics.declare("aihunt_hunts_total", MetricType::kCounter, "Hunts run.", {"hunt"});
    metrics.declare("aihunt_page_seconds", MetricType::kHistogram, "Page time.", {}, {0.1, 1});
    metrics.add("aihunt_hunts_total", {"proxy \"ai\"\n\\"}, 2);
    metrics.observe("aihunt_page_seconds", {}, 0.5);
    auto started = HealthServer::start(
        options, metrics,
        [this] {
          if (throw_in_check.load()) throw std::runtime_error("state store gone");
          const bool ok = ready.load();
          return ReadyReport{ok,
                             {{"config", true}, {"qradar", ok}},
                             ok ? ""
                                : "no answer\nfor 60s \xC2\x9B"
                                  "2J\xE2\x80\xAE"
                                  "exe"};
        },
        nullptr);
    if (!started.ok()) throw std::runtime_error(started.error().message);
    server = std::move(started).value();
  }

  [[nodiscard]] std::uint16_t port() const { return server->port(); }
};

HealthServerOptions options(const std::string& host = "127.0.0.1") {
  HealthServerOptions result;
  result.host = host;
  result.port = 0;
  return result;
}

// When the server closed each client (EOF or reset), from now; nullopt if not within `limit`.
std::vector<std::optional<std::chrono::milliseconds>> closeTimes(
    const std::vector<std::unique_ptr<RawClient>>& clients, std::chrono::milliseconds limit) {
  const auto start = Clock::now();
  std::vector<std::optional<std::chrono::milliseconds>> times(clients.size());
  std::size_t open = clients.size();
  while (open > 0 && Clock::now() - start < limit) {
    std::vector<pollfd> entries;
    std::vector<std::size_t> which;
    for (std::size_t i = 0; i < clients.size(); ++i) {
      if (times[i]) continue;
      entries.push_back(pollfd{clients[i]->fd(), POLLIN, 0});
      which.push_back(i);
    }
    if (::poll(entries.data(), entries.size(), 20) <= 0) continue;
    for (std::size_t k = 0; k < entries.size(); ++k) {
      if (entries[k].revents == 0) continue;
      char buffer[1024];
      if (::recv(entries[k].fd, buffer, sizeof(buffer), 0) <= 0) {
        times[which[k]] =
            std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
        --open;
      }
    }
  }
  return times;
}

bool ipv6Loopback() {
  const int fd = ::socket(AF_INET6, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in6 address{};
  address.sin6_family = AF_INET6;
  address.sin6_addr = in6addr_loopback;
  const bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0;
  ::close(fd);
  return ok;
}

}  // namespace

TEST_CASE("health server routes and methods on IPv4 and IPv6 loopback") {
  std::vector<std::string> hosts = {"127.0.0.1"};
  if (ipv6Loopback()) {
    hosts.emplace_back("::1");
  } else {
    WARN("no IPv6 loopback here: IPv6 not tested");
  }
  for (const std::string& host : hosts) {
    INFO(host);
    Fixture fixture(options(host));
    REQUIRE(fixture.port() != 0);
    RawClient client(host, fixture.port());
    REQUIRE(client.connected());

    // One keep-alive connection for everything.
    auto healthz = client.get("/healthz");
    REQUIRE(healthz);
    CHECK(healthz->status == 200);
    CHECK(healthz->body == "ok\n");
    CHECK(healthz->header("content-type") == "text/plain; charset=utf-8");
    CHECK(healthz->header("connection").empty());

    auto head = client.get("/healthz", "HEAD");
    REQUIRE(head);
    CHECK(head->status == 200);
    CHECK(head->header("content-length") == "3");

    auto metrics = client.get("/metrics");
    REQUIRE(metrics);
    CHECK(metrics->status == 200);
    CHECK(metrics->header("content-type") == "text/plain; version=0.0.4; charset=utf-8");
    auto parsed = aihunt::testing::parsePrometheusText(metrics->body);
    INFO(metrics->body);
    REQUIRE(parsed.ok());
    CHECK(parsed->value("aihunt_hunts_total", {{"hunt", "proxy \"ai\"\n\\"}}) == 2);
    CHECK(parsed->value("aihunt_page_seconds_bucket", {{"le", "1"}}) == 1);

    auto metrics_head = client.get("/metrics", "HEAD");
    REQUIRE(metrics_head);
    CHECK(metrics_head->status == 200);
    CHECK(metrics_head->header("content-length") == std::to_string(metrics->body.size()));
    CHECK(metrics_head->header("content-type") == "text/plain; version=0.0.4; charset=utf-8");

    auto with_query = client.get("/metrics?name[]=x");
    REQUIRE(with_query);
    CHECK(with_query->status == 200);

    auto readyz = client.get("/readyz");
    REQUIRE(readyz);
    CHECK(readyz->status == 200);
    CHECK(readyz->body == "ready\nconfig: ok\nqradar: ok\n");
    auto readyz_head = client.get("/readyz", "HEAD");
    REQUIRE(readyz_head);
    CHECK(readyz_head->status == 200);

    for (const char* path : {"/", "/nope", "/healthz/", "/metricsx", "/HEALTHZ"}) {
      INFO(path);
      auto missing = client.get(path);
      REQUIRE(missing);
      CHECK(missing->status == 404);
    }
    auto missing_post = client.get("/nope", "POST");
    REQUIRE(missing_post);
    CHECK(missing_post->status == 404);

    for (const char* method : {"POST", "PUT", "DELETE", "OPTIONS", "PATCH"}) {
      INFO(method);
      auto refused = client.get("/metrics", method);
      REQUIRE(refused);
      CHECK(refused->status == 405);
      CHECK(refused->header("allow") == "GET, HEAD");
    }
    // Still the same connection, and nothing stray left on it.
    CHECK(client.unread().empty());
    auto last = client.get("/healthz");
    REQUIRE(last);
    CHECK(last->status == 200);
  }
}

TEST_CASE("health server honours Connection: close, HTTP/1.0 and pipelining") {
  Fixture fixture(options());
  {
    RawClient client("127.0.0.1", fixture.port());
    REQUIRE(client.send("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
    auto reply = client.read();
    REQUIRE(reply);
    CHECK(reply->status == 200);
    CHECK(lower(reply->header("connection")) == "close");
    CHECK(client.waitClosed(2000ms));
  }
  {
    RawClient client("127.0.0.1", fixture.port());
    REQUIRE(client.send("GET /healthz HTTP/1.0\r\n\r\n"));
    auto reply = client.read();
    REQUIRE(reply);
    CHECK(reply->status == 200);
    CHECK(client.waitClosed(2000ms));
  }
  {
    RawClient client("127.0.0.1", fixture.port());
    REQUIRE(
        client.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nHEAD /readyz HTTP/1.1\r\n"
                    "Host: x\r\n\r\nGET /nope HTTP/1.1\r\nHost: x\r\n\r\n"));
    auto first = client.read();
    auto second = client.read(true);
    auto third = client.read();
    REQUIRE(first);
    REQUIRE(second);
    REQUIRE(third);
    CHECK(first->body == "ok\n");
    CHECK(second->status == 200);
    CHECK(third->status == 404);
  }
}

TEST_CASE("readiness follows the callback") {
  Fixture fixture(options());
  RawClient client("127.0.0.1", fixture.port());
  auto up = client.get("/readyz");
  REQUIRE(up);
  CHECK(up->status == 200);

  fixture.ready = false;
  auto down = client.get("/readyz");
  REQUIRE(down);
  CHECK(down->status == 503);
  // The detail's line feed cannot forge a line of its own; a C1 control (CSI) and a bidi
  // override are made inert as on a terminal.
  CHECK(down->body ==
        "not ready\nconfig: ok\nqradar: failing\ndetail: no answer for 60s ?2J?exe\n");
  auto down_head = client.get("/readyz", "HEAD");
  REQUIRE(down_head);
  CHECK(down_head->status == 503);
  // Liveness does not depend on readiness.
  auto alive = client.get("/healthz");
  REQUIRE(alive);
  CHECK(alive->status == 200);

  fixture.throw_in_check = true;
  auto failed = client.get("/readyz");
  REQUIRE(failed);
  CHECK(failed->status == 503);
  CHECK(failed->body == "not ready\ndetail: readiness check failed: state store gone\n");

  fixture.throw_in_check = false;
  fixture.ready = true;
  auto again = client.get("/readyz");
  REQUIRE(again);
  CHECK(again->status == 200);
}

TEST_CASE("an empty readiness callback reads as ready") {
  Metrics metrics;
  auto server = HealthServer::start(options(), metrics, nullptr, nullptr);
  REQUIRE(server.ok());
  RawClient client("127.0.0.1", server.value()->port());
  auto reply = client.get("/readyz");
  REQUIRE(reply);
  CHECK(reply->status == 200);
  CHECK(reply->body == "ready\n");
}

TEST_CASE("oversized, malformed and body-carrying requests are refused and the server goes on") {
  Fixture fixture(options());
  {
    RawClient client("127.0.0.1", fixture.port());
    REQUIRE(client.connected());
    const std::string big(9000, 'a');
    client.send("GET /metrics HTTP/1.1\r\nHost: x\r\nX-Big: " + big + "\r\n\r\n");
    auto reply = client.read();
    REQUIRE(reply);
    CHECK(reply->status == 431);
    CHECK(client.waitClosed(2000ms));
  }
  {
    // Just under the cap is fine.
    RawClient client("127.0.0.1", fixture.port());
    const std::string header = "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Pad: ";
    const std::string pad(8 * 1024 - header.size() - 8, 'b');
    client.send(header + pad + "\r\n\r\n");
    auto reply = client.read();
    REQUIRE(reply);
    CHECK(reply->status == 200);
  }
  {
    RawClient client("127.0.0.1", fixture.port());
    client.send("GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello");
    auto reply = client.read();
    REQUIRE(reply);
    CHECK(reply->status == 413);
    CHECK(client.waitClosed(2000ms));
  }
  {
    RawClient client("127.0.0.1", fixture.port());
    client.send("POST /metrics HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
    auto reply = client.read();
    REQUIRE(reply);
    CHECK(reply->status == 413);
  }
  for (const char* garbage : {"NOT HTTP AT ALL\r\n\r\n", "GET /healthz HTTP/9.9\r\n\r\n",
                              "GET /healthz HTTP/1.1\r\nBad Header\r\n\r\n"}) {
    INFO(garbage);
    RawClient client("127.0.0.1", fixture.port());
    client.send(garbage);
    auto reply = client.read();
    REQUIRE(reply);
    CHECK(reply->status == 400);
    CHECK(client.waitClosed(2000ms));
  }
  RawClient after("127.0.0.1", fixture.port());
  auto reply = after.get("/healthz");
  REQUIRE(reply);
  CHECK(reply->status == 200);
}

TEST_CASE("idle and slow connections are closed at the deadline while others are served") {
  HealthServerOptions short_deadline = options();
  short_deadline.io_timeout = 200ms;
  Fixture fixture(short_deadline);

  const auto start = Clock::now();
  RawClient idle("127.0.0.1", fixture.port());
  RawClient slow("127.0.0.1", fixture.port());
  REQUIRE(idle.connected());
  REQUIRE(slow.connected());
  slow.send("GET /heal");

  // Served meanwhile, over a connection that keeps its own deadline.
  RawClient busy("127.0.0.1", fixture.port());
  for (int i = 0; i < 3; ++i) {
    auto reply = busy.get("/healthz");
    REQUIRE(reply);
    CHECK(reply->status == 200);
  }
  // The slow client trickles bytes: the deadline is for the whole header, not per byte.
  const char* trickle = "thz HTTP/1.1\r\nHost: x\r\n";
  bool slow_cut = false;
  for (const char* c = trickle; *c != '\0' && !slow_cut; ++c) {
    slow_cut = slow.waitClosed(30ms) || !slow.send(std::string(1, *c));
  }
  CHECK((slow_cut || slow.waitClosed(1000ms)));
  CHECK(idle.waitClosed(1000ms));
  const auto elapsed = Clock::now() - start;
  CHECK(elapsed >= 150ms);
  CHECK(elapsed < 1500ms);

  // After a response, a keep-alive connection has the same deadline for its next request.
  RawClient keep("127.0.0.1", fixture.port());
  auto reply = keep.get("/healthz");
  REQUIRE(reply);
  CHECK(keep.waitClosed(1000ms));
}

TEST_CASE("connections beyond the cap are closed and do not lock out later clients") {
  HealthServerOptions capped = options();
  capped.max_connections = 4;
  capped.io_timeout = 500ms;
  Fixture fixture(capped);

  std::vector<std::unique_ptr<RawClient>> crowd;
  for (int i = 0; i < 12; ++i) {
    crowd.push_back(std::make_unique<RawClient>("127.0.0.1", fixture.port()));
    REQUIRE(crowd.back()->connected());
  }
  // The excess at once, the accepted ones at their deadline: every one within the bound.
  int closed_early = 0;
  for (const auto& closed_after : closeTimes(crowd, 2000ms)) {
    REQUIRE(closed_after);
    if (*closed_after < 250ms) ++closed_early;
  }
  CHECK(closed_early >= 8);

  RawClient later("127.0.0.1", fixture.port());
  auto reply = later.get("/healthz");
  REQUIRE(reply);
  CHECK(reply->status == 200);
}

TEST_CASE("stop is prompt, idempotent and closes connections") {
  Fixture fixture(options());  // io timeout 5 s: stop must not wait for it
  const std::uint16_t port = fixture.port();
  RawClient idle("127.0.0.1", port);
  RawClient used("127.0.0.1", port);
  REQUIRE(used.get("/healthz"));
  const auto start = Clock::now();
  fixture.server->stop();
  CHECK(Clock::now() - start < 1s);
  fixture.server->stop();
  CHECK(idle.waitClosed(1000ms));
  CHECK(used.waitClosed(1000ms));
  RawClient refused("127.0.0.1", port);
  CHECK_FALSE(refused.connected());
  fixture.server.reset();  // the destructor after stop
}

TEST_CASE("start refuses bad addresses, used ports and bad options, naming the address") {
  Metrics metrics;
  auto first = HealthServer::start(options(), metrics, nullptr, nullptr);
  REQUIRE(first.ok());
  HealthServerOptions same = options();
  same.port = first.value()->port();
  auto second = HealthServer::start(same, metrics, nullptr, nullptr);
  REQUIRE_FALSE(second.ok());
  // A port in use passes (another daemon stopping): kBusy, which the daemon exits 6 on.
  CHECK(second.error().code == aihunt::core::ErrorCode::kBusy);
  CHECK_THAT(second.error().message, Catch::Contains("127.0.0.1:" + std::to_string(same.port)));

  for (const char* host : {"localhost", "999.1.1.1", "", "::1]"}) {
    INFO(host);
    auto bad = HealthServer::start(options(host), metrics, nullptr, nullptr);
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().code == aihunt::core::ErrorCode::kInvalidArgument);
    CHECK_THAT(bad.error().message, Catch::Contains(std::string(host) + ":0"));
  }
  // An address this machine does not have.
  auto foreign = HealthServer::start(options("192.0.2.1"), metrics, nullptr, nullptr);
  REQUIRE_FALSE(foreign.ok());
  CHECK_THAT(foreign.error().message, Catch::Contains("192.0.2.1:0"));

  if (ipv6Loopback()) {
    auto bracketed = HealthServer::start(options("[::1]"), metrics, nullptr, nullptr);
    REQUIRE(bracketed.ok());
    RawClient client("::1", bracketed.value()->port());
    auto reply = client.get("/healthz");
    REQUIRE(reply);
    CHECK(reply->status == 200);
  }

  HealthServerOptions zero_timeout = options();
  zero_timeout.io_timeout = 0ms;
  HealthServerOptions zero_cap = options();
  zero_cap.max_connections = 0;
  HealthServerOptions tiny_header = options();
  tiny_header.max_header_bytes = 10;
  for (const HealthServerOptions& wrong : {zero_timeout, zero_cap, tiny_header}) {
    auto refused = HealthServer::start(wrong, metrics, nullptr, nullptr);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().code == aihunt::core::ErrorCode::kInvalidArgument);
  }
}

// qradar-emu under hostile load (issue 12), over real loopback sockets: idle connections by the
// thousand, from another address and from the client's own; idle syslog connections in front
// of a sender; the event store cap on every intake path; tokens read from a file.
#include <catch2/catch.hpp>

#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <string>
#include <vector>

#include "tests/emulator/emu_fixture.h"
#include "tests/emulator/raw_socket.h"
#include "tests/support/process_runner.h"

using namespace aihunt::testing;
using nlohmann::json;
using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

namespace {

// This process holds `sockets` descriptors and the emulator (which inherits the limit) up to as
// many again; raise the soft limit toward the hard one when it is too low for that.
void ensureDescriptors(std::size_t sockets) {
  rlimit limit{};
  REQUIRE(getrlimit(RLIMIT_NOFILE, &limit) == 0);
  const rlim_t wanted = static_cast<rlim_t>(sockets) * 2 + 256;
  if (limit.rlim_cur >= wanted) return;
  limit.rlim_cur = std::min(wanted, limit.rlim_max);
  REQUIRE(setrlimit(RLIMIT_NOFILE, &limit) == 0);
  REQUIRE(limit.rlim_cur >= wanted);
}

std::vector<ScopedFd> holdIdle(int port, std::size_t count, const char* source) {
  std::vector<ScopedFd> held;
  held.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    ScopedFd fd(connectTcp(port, source));
    REQUIRE(fd.get() >= 0);
    held.push_back(std::move(fd));
  }
  return held;
}

json status(RunningEmu& emu) { return parseJson(emu.admin("GET", "/admin/status").body); }

// Polls GET /admin/status until `ready` holds or `limit` passes.
template <typename Ready>
json statusWhen(RunningEmu& emu, Ready ready, milliseconds limit = milliseconds(5000)) {
  const auto deadline = Clock::now() + limit;
  json current = status(emu);
  while (!ready(current) && Clock::now() < deadline) {
    current = status(emu);
  }
  return current;
}

std::string writeFile(const std::string& path, const std::string& text, mode_t mode) {
  std::ofstream(path, std::ios::trunc) << text;
  REQUIRE(::chmod(path.c_str(), mode) == 0);
  return path;
}

std::string leefLine(const std::string& source_ip) {
  return "<134>1 2026-11-26T17:59:50Z ws-1 aihunt - - - LEEF:2.0|aihunt|aihunt|0.1|"
         "AIHUNT-T1588.007|^|src=" +
         source_ip + "^usrName=alice\n";
}

void sendOnce(int port, const std::string& bytes) {
  const ScopedFd fd(connectTcp(port));
  REQUIRE(fd.get() >= 0);
  REQUIRE(::send(fd.get(), bytes.data(), bytes.size(), 0) == static_cast<ssize_t>(bytes.size()));
}

}  // namespace

TEST_CASE("1,024 idle connections from another address do not keep a client out",
          "[hardening][http]") {
  ensureDescriptors(1024);
  RunningEmu emu({"--http-idle-timeout-ms", "3000", "--max-connections-per-address", "64"});
  REQUIRE(emu.ok());
  const int port = emu.ports()["https"].get<int>();
  const auto held = holdIdle(port, 1024, "127.0.0.2");

  const auto started = Clock::now();
  const HttpReply reply = emu.call("GET", "/api/help/versions");
  const auto waited = Clock::now() - started;
  INFO(reply.curl_error);
  CHECK(reply.status == 200);
  CHECK(waited < milliseconds(3000));  // served at once, not after the idle deadline

  // The listen queue is first in, first out: all 1,024 were seen before the client's call.
  const json http = status(emu)["connections"]["http"];
  CHECK(http["refused_address_cap"] == 1024 - 64);
  CHECK(http["refused_total_cap"] == 0);
  // The 64 that were let in are closed once the idle deadline passes.
  CHECK(closedByPeerWithin(held.front().get(), milliseconds(3000 + 3000)));
  CHECK(statusWhen(emu, [](const json& s) {
          return s["connections"]["http"]["idle_closed"].get<int>() >= 64;
        })["connections"]["http"]["idle_closed"] >= 64);
}

TEST_CASE(
    "idle connections from the client's own address keep it out no longer than the "
    "idle deadline",
    "[hardening][http]") {
  ensureDescriptors(1024);
  const milliseconds idle(1000);
  RunningEmu emu({"--http-idle-timeout-ms", "1000", "--max-connections-per-address", "64"});
  REQUIRE(emu.ok());
  const auto held = holdIdle(emu.ports()["https"].get<int>(), 1024, "127.0.0.1");
  const auto started = Clock::now();
  // A client that retries, as aihunt does: refused at once while the address is at its cap.
  HttpReply reply;
  while (reply.status != 200 && Clock::now() - started < idle + milliseconds(5000)) {
    reply = emu.call("GET", "/api/help/versions");
  }
  const auto waited = Clock::now() - started;
  CHECK(reply.status == 200);
  CHECK(waited < idle + milliseconds(2000));
}

TEST_CASE("256 idle syslog connections do not make a sender lose its event",
          "[hardening][syslog]") {
  ensureDescriptors(256);
  RunningEmu emu({"--syslog-tcp-port", "0", "--syslog-idle-timeout-ms", "1000"});
  REQUIRE(emu.ok());
  const int port = emu.ports()["syslog_tcp"].get<int>();
  const auto held = holdIdle(port, 256, "127.0.0.2");

  sendOnce(port, leefLine("10.9.9.9"));
  const json after = statusWhen(emu, [](const json& s) { return s["leef_events"] == 1; });
  CHECK(after["leef_events"] == 1);
  // --max-connections-per-address (default 64) holds on the syslog listeners too.
  CHECK(after["connections"]["syslog"]["refused_address_cap"] == 256 - 64);
  // Silent connections do not stay: the idle deadline closes the 64 that were let in.
  CHECK(closedByPeerWithin(held.front().get(), milliseconds(1000 + 3000)));
  CHECK(statusWhen(emu, [](const json& s) {
          return s["connections"]["syslog"]["idle_closed"].get<int>() >= 64;
        })["connections"]["syslog"]["idle_closed"] >= 64);
}

TEST_CASE("a full event store refuses events clearly on every path", "[hardening][events]") {
  SECTION("loading more events than the cap at start is a start-up error") {
    const ProcessResult run = runProcess(binaryPath("qradar-emu"),
                                         {"--https-port", "0", "--max-events", "3", "--events",
                                          sourcePath("content/samples/events.jsonl")},
                                         {}, 30);
    CHECK(run.exit_code == 1);
    CHECK(run.err.find("--max-events") != std::string::npos);
  }
  SECTION("the admin loader and syslog stop at the cap; syslog counts what it drops") {
    RunningEmu emu({"--max-events", "2", "--syslog-tcp-port", "0"});
    REQUIRE(emu.ok());
    const std::string lines = R"({"sourceip": "10.0.0.1"}
{"sourceip": "10.0.0.2"}
{"sourceip": "10.0.0.3"}
)";
    const HttpReply loaded = emu.admin("POST", "/admin/events", lines);
    CHECK(loaded.status == 507);
    CHECK(parseJson(loaded.body)["details"]["added"] == 2);

    sendOnce(emu.ports()["syslog_tcp"].get<int>(), leefLine("10.9.9.9"));
    const json after = statusWhen(emu, [](const json& s) { return s["dropped_store_full"] == 1; });
    CHECK(after["dropped_store_full"] == 1);
    CHECK(after["events"] == 2);
    CHECK(after["max_events"] == 2);
    CHECK(after["offenses"] == 0);  // a refused event fires no rule
  }
}

TEST_CASE("API and admin tokens are read from files", "[hardening][token]") {
  const std::string dir = makeTempDir("qradar-emu-token-");
  SECTION("a private file's tokens are accepted") {
    const std::string tokens =
        writeFile(dir + "/api.token", "\nfile-token-0009\n  file-token-0010  \n", 0600);
    const std::string admin = writeFile(dir + "/admin.token", "file-admin-0011\n", 0600);
    RunningEmu emu({"--token-file", tokens, "--admin-token-file", admin}, "{}");
    REQUIRE(emu.ok());
    CHECK(emu.call("GET", "/api/help/versions", {}, {}, "file-token-0009").status == 200);
    CHECK(emu.call("GET", "/api/help/versions", {}, {}, "file-token-0010").status == 200);
    CHECK(emu.call("GET", "/api/help/versions", {}, {}, "not-a-token").status == 401);
    CHECK(emu.call("GET", "/admin/status", {}, {}, "file-admin-0011").status == 200);
    // Nothing about the tokens shows on the command line but the file names.
    CHECK(emu.diagnostics().find("file-token-0009") == std::string::npos);
  }
  SECTION("a token file others can read, a FIFO or an empty file stops the start at once") {
    const std::string readable = writeFile(dir + "/readable.token", "t-0001\n", 0644);
    const std::string empty = writeFile(dir + "/empty.token", "\n\n", 0600);
    const std::string fifo = dir + "/fifo.token";
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    for (const std::string& path : {readable, empty, fifo}) {
      const auto started = Clock::now();
      const ProcessResult run =
          runProcess(binaryPath("qradar-emu"), {"--https-port", "0", "--token-file", path}, {}, 20);
      INFO(path << ": " << run.err);
      CHECK(run.exit_code == 2);
      CHECK(Clock::now() - started < milliseconds(10000));
    }
  }
}

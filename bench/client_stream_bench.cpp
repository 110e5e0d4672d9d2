// Memory and requests of an online hunt on a large result: qradar-emu serves N matching events
// over TLS on loopback, and the real `aihunt hunt --hunt proxy-ai-api --format jsonl` pages the
// whole result through the detection. Reports wall time, rows/s, the aihunt process's peak RSS
// (wait4's ru_maxrss) and the requests it made (from the emulator's request log). The
// reference in the same run is the emulator's own peak RSS holding the same events. The hunt
// runs twice over the same emulator: pages fetched ahead while one is analysed (the default),
// and strictly in turn (--no-prefetch); each run's CPU time (getrusage of the child: user +
// system) per row is reported.
//
//   client_stream_bench --bin build-release/bin --rows 5000000 --page-size 10000
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "bench/bench_process.h"

namespace {

using Clock = std::chrono::steady_clock;
using aihunt::bench::kAdminToken;
using aihunt::bench::kNow;
using aihunt::bench::kToken;
using aihunt::bench::readFile;
using aihunt::bench::spawn;
constexpr long long kNowMs = 1'795'716'000'000;

void writeEvents(const std::string& path, long long rows) {
  std::ofstream out(path);
  std::string line;
  for (long long i = 0; i < rows; ++i) {
    // Every event matches the hunt's prefilter; one in five is a browser, so not a finding.
    // 20,000 workstations, each with its own user: the hunt's aggregated upload query groups by
    // source and user, and a console has that many of them, not one per event.
    const bool browser = i % 5 == 0;
    const long long host = i % 20'000;
    line = "{\"starttime\":" + std::to_string(kNowMs - 3'600'000 + i % 3'600'000) +
           ",\"sourceip\":\"10." + std::to_string(host / 250) + "." + std::to_string(host % 250) +
           ".7\",\"destinationip\":\"162.159.140.245\",\"destinationport\":443,\"username\":\"u" +
           std::to_string(host) +
           "\",\"category\":7006,\"logsourceid\":102,\"devicetype\":103,\"URL\":\"https://"
           "api.openai.com/v1/chat/completions\",\"User Agent\":\"" +
           (browser ? "Mozilla/5.0 (Windows NT 10.0) Chrome/131.0" : "python-requests/2.32.3") +
           "\",\"Bytes Sent\":" + std::to_string(500 + i % 4000) + ",\"Hostname\":\"WS-" +
           std::to_string(host) + "\"}\n";
    out << line;
  }
}

}  // namespace

int main(int argc, char** argv) {
  std::string bin = "build-release/bin";
  long long rows = 5'000'000;
  int page_size = 10'000;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--bin" && i + 1 < argc)
      bin = argv[++i];
    else if (arg == "--rows" && i + 1 < argc)
      rows = std::stoll(argv[++i]);
    else if (arg == "--page-size" && i + 1 < argc)
      page_size = std::stoi(argv[++i]);
    else {
      std::fprintf(stderr, "usage: client_stream_bench [--bin DIR] [--rows N] [--page-size N]\n");
      return 2;
    }
  }
  char dir_template[] = "/tmp/aihunt-client-bench-XXXXXX";
  const std::string dir = mkdtemp(dir_template);
  const std::string events = dir + "/events.jsonl";
  std::fprintf(stderr, "generating %lld events...\n", rows);
  writeEvents(events, rows);
  const auto emulator = aihunt::bench::startEmulator(bin, dir, {"--events", events});
  if (emulator.pid < 0) return 1;

  std::printf(
      "| rows | page size | pages fetched | wall s | rows/s | aihunt CPU s | CPU us/row | aihunt "
      "peak RSS MiB | API requests | findings | exit |\n"
      "|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
  bool all_ok = true;
  for (const bool prefetch : {true, false}) {
    std::vector<std::string> args = {bin + "/aihunt", "hunt",
                                     "--qradar-url",  emulator.url,
                                     "--ca-file",     emulator.ca,
                                     "--hunt",        "proxy-ai-api",
                                     "--format",      "jsonl",
                                     "--now",         kNow,
                                     "--last",        "24h",
                                     "--page-size",   std::to_string(page_size),
                                     "--row-cap",     std::to_string(rows * 2),
                                     "--timeout",     "2h",
                                     "--max-output",  "0"};
    if (!prefetch) args.emplace_back("--no-prefetch");
    // The emulator's request log is cleared first, so that it holds this run's requests only.
    const pid_t clear =
        spawn({"/usr/bin/curl", "-s", "-X", "DELETE", "--cacert", emulator.ca, "-H",
               std::string("SEC: ") + kAdminToken, emulator.url + "/admin/requests"},
              {}, dir + "/cleared.json");
    waitpid(clear, nullptr, 0);
    const auto start = Clock::now();
    const pid_t hunt =
        spawn(args, {std::string("AIHUNT_QRADAR_TOKEN=") + kToken}, dir + "/findings.jsonl");
    int status = 0;
    rusage usage{};
    wait4(hunt, &status, 0, &usage);
    const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
    const double cpu = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                       static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;

    // Requests the hunt made, from the emulator's log (one page of the log is plenty).
    const pid_t requests =
        spawn({"/usr/bin/curl", "-s", "--cacert", emulator.ca, "-H",
               std::string("SEC: ") + kAdminToken, emulator.url + "/admin/requests?limit=100000"},
              {}, dir + "/requests.json");
    waitpid(requests, nullptr, 0);
    const auto log = nlohmann::json::parse(readFile(dir + "/requests.json"), nullptr, false);
    std::size_t request_count = 0;
    if (!log.is_discarded() && log.contains("requests")) {
      for (const auto& entry : log["requests"]) {
        const std::string path = entry.value("target", "");
        if (path.rfind("/api/", 0) == 0) ++request_count;
      }
    }
    std::size_t findings = 0;
    {
      std::ifstream in(dir + "/findings.jsonl");
      std::string line;
      while (std::getline(in, line)) ++findings;
    }
    const int exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    all_ok = all_ok && exit_code >= 0 && exit_code <= 1;
    std::printf("| %lld | %d | %s | %.1f | %.0f | %.1f | %.2f | %.1f | %zu | %zu | %d |\n", rows,
                page_size, prefetch ? "one ahead" : "in turn", seconds,
                static_cast<double>(rows) / seconds, cpu,
                cpu * 1e6 / static_cast<double>(std::max(1LL, rows)),
                static_cast<double>(usage.ru_maxrss) / 1024.0, request_count, findings, exit_code);
    std::fflush(stdout);
  }
  rusage emulator_usage{};
  kill(emulator.pid, SIGTERM);
  wait4(emulator.pid, nullptr, 0, &emulator_usage);
  std::printf("\nqradar-emu peak RSS holding the events: %.0f MiB\n",
              static_cast<double>(emulator_usage.ru_maxrss) / 1024.0);
  std::remove(events.c_str());
  std::remove((dir + "/findings.jsonl").c_str());
  return all_ok ? 0 : 1;
}

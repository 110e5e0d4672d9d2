// qradar-emu under load, run by hand (docs/performance.md "## qradar-emu"):
//   1. N clients (default 50) run create -> poll (Prefer: wait) -> page (Range) -> delete cycles
//      against the real binary over HTTPS for S seconds (default 60): errors, request latency
//      p50/p99, search time p50/p99, and the server's RSS sampled every second.
//   2. A store of M events (default 1,000,000, generated from the bundled sample) answers the
//      seed query: load time, search time, RSS.
// Usage: emulator_load_bench [--clients N] [--seconds S] [--events M] [--skip-load] [--skip-1m]
#include <curl/curl.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/background_process.h"
#include "tests/support/process_runner.h"

using aihunt::testing::BackgroundProcess;
using aihunt::testing::binaryPath;
using aihunt::testing::makeTempDir;
using aihunt::testing::sourcePath;
using Clock = std::chrono::steady_clock;
using nlohmann::json;

namespace {

constexpr const char* kToken = "bench-token";
constexpr const char* kNow = "2026-11-26T18:00:00Z";
constexpr long long kNowMs = 1'795'716'000'000LL;

std::size_t onBody(char* data, std::size_t size, std::size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;
}

// One keep-alive HTTPS connection per client thread.
class Client {
 public:
  Client(std::string base, std::string ca) : base_(std::move(base)), ca_(std::move(ca)) {
    curl_ = curl_easy_init();
  }
  ~Client() { curl_easy_cleanup(curl_); }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  long call(const std::string& method, const std::string& path, const std::string& header,
            std::string& body, std::vector<double>& latencies_ms) {
    body.clear();
    curl_easy_reset(curl_);
    curl_slist* headers = curl_slist_append(nullptr, (std::string("SEC: ") + kToken).c_str());
    if (!header.empty()) headers = curl_slist_append(headers, header.c_str());
    curl_easy_setopt(curl_, CURLOPT_URL, (base_ + path).c_str());
    curl_easy_setopt(curl_, CURLOPT_CUSTOMREQUEST, method.c_str());
    if (method == "POST") curl_easy_setopt(curl_, CURLOPT_POSTFIELDS, "");
    curl_easy_setopt(curl_, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl_, CURLOPT_WRITEFUNCTION, onBody);
    curl_easy_setopt(curl_, CURLOPT_WRITEDATA, &body);
    curl_easy_setopt(curl_, CURLOPT_CAINFO, ca_.c_str());
    curl_easy_setopt(curl_, CURLOPT_TIMEOUT, 120L);
    curl_easy_setopt(curl_, CURLOPT_NOSIGNAL, 1L);
    const auto start = Clock::now();
    const CURLcode code = curl_easy_perform(curl_);
    latencies_ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
    long status = 0;
    curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(headers);
    return code == CURLE_OK ? status : -1;
  }

 private:
  CURL* curl_;
  std::string base_;
  std::string ca_;
};

std::string encode(const std::string& text) {
  char* escaped = curl_easy_escape(nullptr, text.c_str(), static_cast<int>(text.size()));
  std::string out = escaped;
  curl_free(escaped);
  return out;
}

double percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const std::size_t index =
      std::min(values.size() - 1, static_cast<std::size_t>(p * values.size()));
  return values[index];
}

long rssKb(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
  }
  return -1;
}

struct Emu {
  std::unique_ptr<BackgroundProcess> process;
  std::string base;
  std::string ca;
};

Emu startEmu(const std::vector<std::string>& extra, int wait_ms) {
  const std::string dir = makeTempDir("qradar-emu-bench-");
  std::vector<std::string> args = {
      "--https-port",  "0",
      "--ports-file",  dir + "/ports.json",
      "--ca-out",      dir + "/ca.pem",
      "--token",       kToken,
      "--admin-token", "bench-admin",
      "--now",         kNow,
      "--log-level",   "warn",
      "--lookups",     sourcePath("content/samples/qradar_lookups.json")};
  args.insert(args.end(), extra.begin(), extra.end());
  Emu emu;
  emu.process = std::make_unique<BackgroundProcess>(binaryPath("qradar-emu"), args);
  if (!emu.process->waitForFile(dir + "/ports.json", wait_ms)) {
    std::cerr << "qradar-emu did not start:\n" << emu.process->err() << "\n";
    std::exit(1);
  }
  std::ifstream in(dir + "/ports.json");
  const json ports = json::parse(in);
  emu.base = "https://localhost:" + std::to_string(ports["https"].get<int>());
  emu.ca = dir + "/ca.pem";
  return emu;
}

std::string seedQuery() {
  std::ifstream in(sourcePath("content/seed_query.aql"));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str() + "\nLAST 24 HOURS";
}

void loadPhase(int clients, int seconds) {
  Emu emu =
      startEmu({"--events", sourcePath("content/samples/events.jsonl"), "--workers", "2"}, 30000);
  std::atomic<long> errors{0};
  std::atomic<long> cycles{0};
  std::mutex merge;
  std::vector<double> latencies;
  std::vector<double> search_times;
  std::vector<long> rss;
  std::atomic<bool> done{false};
  std::thread sampler([&] {
    while (!done.load()) {
      rss.push_back(rssKb(emu.process->pid()));
      std::this_thread::sleep_for(std::chrono::seconds(1));
    }
  });
  const auto deadline = Clock::now() + std::chrono::seconds(seconds);
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      Client client(emu.base, emu.ca);
      std::vector<double> mine;
      std::vector<double> searches;
      std::string body;
      for (long i = 0; Clock::now() < deadline; ++i) {
        // Unique text per cycle, so that no two clients share (and delete) one search.
        const std::string aql =
            "SELECT sourceip, \"URL\", \"Application\" FROM events WHERE "
            "starttime > " +
            std::to_string(c * 1'000'000 + i) + " LAST 1 DAYS";
        const auto started = Clock::now();
        if (client.call("POST", "/api/ariel/searches?query_expression=" + encode(aql), "", body,
                        mine) != 201) {
          ++errors;
          continue;
        }
        const std::string id = json::parse(body)["search_id"];
        std::string status;
        for (int poll = 0; poll < 60 && status != "COMPLETED"; ++poll) {
          const long code =
              client.call("GET", "/api/ariel/searches/" + id, "Prefer: wait=5", body, mine);
          if (code != 200 && code != 206) break;
          status = json::parse(body)["status"];
        }
        if (status != "COMPLETED") {
          ++errors;
          continue;
        }
        searches.push_back(
            std::chrono::duration<double, std::milli>(Clock::now() - started).count());
        for (const char* range : {"Range: items=0-49", "Range: items=50-99"}) {
          if (client.call("GET", "/api/ariel/searches/" + id + "/results", range, body, mine) !=
              200) {
            ++errors;
          }
        }
        if (client.call("DELETE", "/api/ariel/searches/" + id, "", body, mine) != 202) ++errors;
        ++cycles;
      }
      std::lock_guard lock(merge);
      latencies.insert(latencies.end(), mine.begin(), mine.end());
      search_times.insert(search_times.end(), searches.begin(), searches.end());
    });
  }
  for (std::thread& t : threads) t.join();
  done = true;
  sampler.join();
  const std::size_t n = rss.size();
  auto average = [&rss](std::size_t from, std::size_t to) {
    long sum = 0;
    for (std::size_t i = from; i < to; ++i) sum += rss[i];
    return to > from ? sum / static_cast<long>(to - from) / 1024 : 0;
  };
  std::printf("load: %d clients, %d s, %ld cycles (%.0f/s), %ld requests, %ld errors\n", clients,
              seconds, cycles.load(), static_cast<double>(cycles.load()) / seconds,
              static_cast<long>(latencies.size()), errors.load());
  std::printf("load: request latency p50 %.2f ms, p99 %.2f ms (Prefer: wait polls included)\n",
              percentile(latencies, 0.50), percentile(latencies, 0.99));
  std::printf("load: search time (create -> COMPLETED) p50 %.2f ms, p99 %.2f ms\n",
              percentile(search_times, 0.50), percentile(search_times, 0.99));
  if (n >= 20) {
    std::printf("load: server RSS first 10 s avg %ld MiB, last 10 s avg %ld MiB, max %ld MiB\n",
                average(0, 10), average(n - 10, n),
                *std::max_element(rss.begin(), rss.end()) / 1024);
  }
}

void millionPhase(long events) {
  const std::string dir = makeTempDir("qradar-emu-1m-");
  const std::string file = dir + "/events.jsonl";
  {
    std::ifstream sample(sourcePath("content/samples/events.jsonl"));
    std::vector<json> base;
    std::string line;
    while (std::getline(sample, line)) {
      if (!line.empty()) base.push_back(json::parse(line));
    }
    std::ofstream out(file);
    for (long i = 0; i < events; ++i) {
      json event = base[static_cast<std::size_t>(i) % base.size()];
      // Spread over the last 24 hours; vary the source so rows differ.
      event["starttime"] = kNowMs - 1 - (i * 86'399'000LL / events);
      event["sourceip"] = "10." + std::to_string((i >> 16) & 255) + "." +
                          std::to_string((i >> 8) & 255) + "." + std::to_string(i & 255);
      out << event.dump() << "\n";
    }
  }
  const auto start = Clock::now();
  Emu emu = startEmu({"--events", file}, 600000);
  const double load_s = std::chrono::duration<double>(Clock::now() - start).count();
  std::printf("1m: %ld events loaded in %.1f s, server RSS %ld MiB\n", events, load_s,
              rssKb(emu.process->pid()) / 1024);
  Client client(emu.base, emu.ca);
  std::string body;
  std::vector<double> latencies;
  for (int run = 0; run < 3; ++run) {
    const auto started = Clock::now();
    if (client.call(
            "POST",
            "/api/ariel/searches?query_expression=" + encode(seedQuery() + std::string(run, ' ')),
            "", body, latencies) != 201) {
      std::printf("1m: create failed: %s\n", body.c_str());
      return;
    }
    const std::string id = json::parse(body)["search_id"];
    json status;
    do {
      client.call("GET", "/api/ariel/searches/" + id, "Prefer: wait=30", body, latencies);
      status = json::parse(body);
    } while (status["status"] != "COMPLETED" && status["status"] != "ERROR");
    const double ms = std::chrono::duration<double, std::milli>(Clock::now() - started).count();
    std::printf("1m: seed query run %d: %s, %lld rows, %.0f ms (create -> COMPLETED)\n", run + 1,
                status["status"].get<std::string>().c_str(),
                status["record_count"].get<long long>(), ms);
  }
  std::printf("1m: server RSS after searches %ld MiB\n", rssKb(emu.process->pid()) / 1024);
  std::remove(file.c_str());
}

}  // namespace

int main(int argc, char** argv) {
  int clients = 50;
  int seconds = 60;
  long events = 1'000'000;
  bool load = true;
  bool million = true;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--clients" && i + 1 < argc) clients = std::atoi(argv[++i]);
    if (arg == "--seconds" && i + 1 < argc) seconds = std::atoi(argv[++i]);
    if (arg == "--events" && i + 1 < argc) events = std::atol(argv[++i]);
    if (arg == "--skip-load") load = false;
    if (arg == "--skip-1m") million = false;
  }
  curl_global_init(CURL_GLOBAL_DEFAULT);
  if (load) loadPhase(clients, seconds);
  if (million) millionPhase(events);
  curl_global_cleanup();
  return 0;
}

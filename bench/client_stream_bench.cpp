// Memory and requests of an online hunt on a large result: qradar-emu serves N matching events
// over TLS on loopback, and the real `aihunt hunt --hunt proxy-ai-api --format jsonl` pages the
// whole result through the detection. Reports wall time, rows/s, the aihunt process's peak RSS
// (wait4's ru_maxrss) and the requests it made (from the emulator's request log). The
// reference in the same run is the emulator's own peak RSS holding the same events.
//
//   client_stream_bench --bin build-release/bin --rows 5000000 --page-size 10000
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;
constexpr const char* kToken = "bench-token-0123456789abcdef";
constexpr const char* kNow = "2026-11-26T18:00:00Z";
constexpr long long kNowMs = 1'795'716'000'000;

void writeEvents(const std::string& path, long long rows) {
  std::ofstream out(path);
  std::string line;
  for (long long i = 0; i < rows; ++i) {
    // Every event matches the hunt's prefilter; one in five is a browser, so not a finding.
    const bool browser = i % 5 == 0;
    line = "{\"starttime\":" + std::to_string(kNowMs - 3'600'000 + i % 3'600'000) +
           ",\"sourceip\":\"10." + std::to_string(i % 250) + "." + std::to_string(i / 250 % 250) +
           ".7\",\"destinationip\":\"162.159.140.245\",\"destinationport\":443,\"username\":\"u" +
           std::to_string(i % 997) +
           "\",\"category\":7006,\"logsourceid\":102,\"devicetype\":103,\"URL\":\"https://"
           "api.openai.com/v1/chat/completions\",\"User Agent\":\"" +
           (browser ? "Mozilla/5.0 (Windows NT 10.0) Chrome/131.0" : "python-requests/2.32.3") +
           "\",\"Bytes Sent\":" + std::to_string(500 + i % 4000) + ",\"Hostname\":\"WS-" +
           std::to_string(i % 5000) + "\"}\n";
    out << line;
  }
}

pid_t spawn(const std::vector<std::string>& args, const std::vector<std::string>& env,
            const std::string& stdout_path) {
  const pid_t child = fork();
  if (child == 0) {
    const int out = open(stdout_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(out, STDOUT_FILENO);
    const int null_fd = open("/dev/null", O_WRONLY);
    dup2(null_fd, STDERR_FILENO);
    for (const auto& assignment : env) putenv(const_cast<char*>(assignment.c_str()));
    std::vector<char*> argv;
    for (const auto& arg : args) argv.push_back(const_cast<char*>(arg.c_str()));
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  return child;
}

std::string readFile(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
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
  const std::string events = dir + "/events.jsonl", ports = dir + "/ports.json",
                    ca = dir + "/ca.pem";
  std::fprintf(stderr, "generating %lld events...\n", rows);
  writeEvents(events, rows);

  const pid_t emulator = spawn(
      {bin + "/qradar-emu", "--events", events, "--https-port", "0", "--ports-file", ports,
       "--ca-out", ca, "--token", kToken, "--admin-token", "bench-admin-token", "--now", kNow},
      {}, dir + "/emu.out");
  std::fprintf(stderr, "waiting for qradar-emu to load...\n");
  nlohmann::json port_info = nlohmann::json::value_t::discarded;
  for (int i = 0; i < 3600 && port_info.is_discarded(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    port_info = nlohmann::json::parse(readFile(ports), nullptr, false);
  }
  if (port_info.is_discarded()) {
    std::fprintf(stderr, "qradar-emu did not start\n");
    kill(emulator, SIGKILL);
    return 1;
  }
  const std::string url = "https://127.0.0.1:" + std::to_string(port_info["https"].get<int>());

  const auto start = Clock::now();
  const pid_t hunt = spawn({bin + "/aihunt", "hunt",
                            "--qradar-url",  url,
                            "--ca-file",     ca,
                            "--hunt",        "proxy-ai-api",
                            "--format",      "jsonl",
                            "--now",         kNow,
                            "--last",        "24h",
                            "--page-size",   std::to_string(page_size),
                            "--row-cap",     std::to_string(rows * 2),
                            "--timeout",     "2h"},
                           {std::string("AIHUNT_QRADAR_TOKEN=") + kToken}, dir + "/findings.jsonl");
  int status = 0;
  rusage usage{};
  wait4(hunt, &status, 0, &usage);
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();

  // Requests the hunt made, from the emulator's log (one page of the log is plenty).
  const pid_t requests = spawn({"/usr/bin/curl", "-s", "--cacert", ca, "-H",
                                "SEC: bench-admin-token", url + "/admin/requests?limit=100000"},
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
  rusage emulator_usage{};
  kill(emulator, SIGTERM);
  wait4(emulator, nullptr, 0, &emulator_usage);

  std::size_t findings = 0;
  {
    std::ifstream in(dir + "/findings.jsonl");
    std::string line;
    while (std::getline(in, line)) ++findings;
  }
  std::printf(
      "| rows | page size | wall s | rows/s | aihunt peak RSS MiB | API requests | findings "
      "| exit | qradar-emu peak RSS MiB |\n|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
  std::printf("| %lld | %d | %.1f | %.0f | %.1f | %zu | %zu | %d | %.0f |\n", rows, page_size,
              seconds, static_cast<double>(rows) / seconds,
              static_cast<double>(usage.ru_maxrss) / 1024.0, request_count, findings,
              WIFEXITED(status) ? WEXITSTATUS(status) : -1,
              static_cast<double>(emulator_usage.ru_maxrss) / 1024.0);
  std::remove(events.c_str());
  std::remove((dir + "/findings.jsonl").c_str());
  return WIFEXITED(status) && WEXITSTATUS(status) <= 1 ? 0 : 1;
}

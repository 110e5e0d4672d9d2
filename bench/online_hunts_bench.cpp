// Hunts side by side against a slow console: qradar-emu on loopback (TLS) with the sample events
// and a phase delay (each search spends that long in WAIT, EXECUTE and SORTING), and the real
// `aihunt hunt` running the five built-in hunts with qradar.max_concurrent_searches 1, 2 and 5.
// In the same run each hunt alone gives the two references: the sum of the hunts' times (one
// after another) and the slowest hunt (the best any number of searches at once can do). Also
// says whether every run printed the same findings, byte for byte.
//
//   online_hunts_bench --bin build-release/bin --events content/samples/events.jsonl
//     [--phase-delay-ms 1500]
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "bench/bench_process.h"

namespace {

using Clock = std::chrono::steady_clock;
using aihunt::bench::kNow;
using aihunt::bench::kToken;

const std::vector<std::string> kHunts = {"proxy-ai-api", "endpoint-network", "endpoint-process",
                                         "linux-audit", "network-sni-dns"};

struct Run {
  double seconds = 0;
  int exit_code = -1;
  std::string out;
};

Run hunt(const std::string& bin, const aihunt::bench::Emulator& emu, const std::string& dir,
         int searches, const std::string& only) {
  const std::string config = dir + "/aihunt.yaml";
  std::ofstream(config) << "qradar:\n  max_concurrent_searches: " << searches << "\n";
  std::vector<std::string> args = {bin + "/aihunt", "hunt",  "--qradar-url", emu.url,
                                   "--ca-file",     emu.ca,  "--config",     config,
                                   "--now",         kNow,    "--last",       "24h",
                                   "--format",      "jsonl", "--poll-delay", "50ms"};
  if (!only.empty()) args.insert(args.end(), {"--hunt", only});
  const auto start = Clock::now();
  const pid_t child =
      aihunt::bench::spawn(args, {std::string("AIHUNT_QRADAR_TOKEN=") + kToken}, dir + "/out");
  int status = 0;
  waitpid(child, &status, 0);
  Run run;
  run.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  run.out = aihunt::bench::readFile(dir + "/out");
  return run;
}

}  // namespace

int main(int argc, char** argv) {
  std::string bin = "build-release/bin";
  std::string events = "content/samples/events.jsonl";
  std::string lookups = "content/samples/qradar_lookups.json";
  int phase_delay_ms = 1500;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--bin" && i + 1 < argc) {
      bin = argv[++i];
    } else if (arg == "--events" && i + 1 < argc) {
      events = argv[++i];
    } else if (arg == "--lookups" && i + 1 < argc) {
      lookups = argv[++i];
    } else if (arg == "--phase-delay-ms" && i + 1 < argc) {
      phase_delay_ms = std::stoi(argv[++i]);
    } else {
      std::fprintf(stderr,
                   "usage: online_hunts_bench [--bin DIR] [--events FILE] [--lookups FILE] "
                   "[--phase-delay-ms N]\n");
      return 2;
    }
  }
  char dir_template[] = "/tmp/aihunt-online-bench-XXXXXX";
  const std::string dir = mkdtemp(dir_template);
  // Eight query threads: the console is not what limits how many searches run at once.
  const auto emu =
      aihunt::bench::startEmulator(bin, dir,
                                   {"--events", events, "--lookups", lookups, "--phase-delay-ms",
                                    std::to_string(phase_delay_ms), "--workers", "8"});
  if (emu.pid < 0) return 1;

  bool ok = true;
  double sum = 0;
  double slowest = 0;
  std::printf("| run | wall s | exit |\n|---|---:|---:|\n");
  for (const auto& name : kHunts) {
    const Run alone = hunt(bin, emu, dir, 1, name);
    ok = ok && alone.exit_code == 0;
    sum += alone.seconds;
    slowest = std::max(slowest, alone.seconds);
    std::printf("| %s alone | %.1f | %d |\n", name.c_str(), alone.seconds, alone.exit_code);
  }
  std::string reference;
  bool same = true;
  for (const int searches : {1, 2, 5}) {
    const Run all = hunt(bin, emu, dir, searches, "");
    ok = ok && all.exit_code == 0;
    if (searches == 1) reference = all.out;
    // A failed or empty run proves nothing about agreement.
    same = same && all.exit_code == 0 && !all.out.empty() && all.out == reference;
    std::printf("| five hunts, %d at once | %.1f | %d |\n", searches, all.seconds, all.exit_code);
  }
  std::printf("\nsum of the hunts alone: %.1f s; slowest hunt alone: %.1f s; phase delay %d ms\n",
              sum, slowest, phase_delay_ms);
  const auto findings = std::count(reference.begin(), reference.end(), '\n');
  std::printf("same findings (%ld), byte for byte, at 1, 2 and 5 at once: %s\n",
              static_cast<long>(findings), same ? "yes" : "NO");
  kill(emu.pid, SIGTERM);
  waitpid(emu.pid, nullptr, 0);
  return ok && same ? 0 : 1;
}

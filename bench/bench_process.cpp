#include "bench/bench_process.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

namespace aihunt::bench {

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

Emulator startEmulator(const std::string& bin, const std::string& dir,
                       const std::vector<std::string>& extra) {
  Emulator emu;
  const std::string ports = dir + "/ports.json";
  emu.ca = dir + "/ca.pem";
  std::vector<std::string> args = {
      bin + "/qradar-emu", "--https-port", "0",       "--ports-file", ports,
      "--ca-out",          emu.ca,         "--token", kToken,         "--admin-token",
      kAdminToken,         "--now",        kNow};
  args.insert(args.end(), extra.begin(), extra.end());
  std::remove(ports.c_str());
  emu.pid = spawn(args, {}, dir + "/emu.out");
  std::fprintf(stderr, "waiting for qradar-emu to load...\n");
  nlohmann::json port_info = nlohmann::json::value_t::discarded;
  for (int i = 0; i < 3600 && port_info.is_discarded(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    port_info = nlohmann::json::parse(readFile(ports), nullptr, false);
  }
  if (port_info.is_discarded()) {
    std::fprintf(stderr, "qradar-emu did not start\n");
    kill(emu.pid, SIGKILL);
    emu.pid = -1;
    return emu;
  }
  emu.url = "https://127.0.0.1:" + std::to_string(port_info["https"].get<int>());
  return emu;
}

}  // namespace aihunt::bench

// qradar-emu: the composition root's caller. Parses flags, starts the Emulator, writes the
// ports file, and waits for SIGINT/SIGTERM.
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

#include "core/logging.h"
#include "emulator/emulator.h"
#include "emulator/options.h"

namespace {

bool writePortsFile(const std::string& path, const std::string& json) {
  const std::string temporary = path + ".tmp";
  {
    std::ofstream out(temporary, std::ios::trunc);
    out << json << "\n";
    if (!out) return false;
  }
  std::error_code ec;
  std::filesystem::rename(temporary, path, ec);
  return !ec;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace aihunt;
  // Block the stop signals in every thread; main waits for them below.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  auto command_line = emulator::parseCommandLine(argc, argv);
  if (!command_line.ok()) {
    std::cerr << "qradar-emu: " << command_line.error().message << "\n(see qradar-emu --help)\n";
    return 2;
  }
  if (command_line->help) {
    std::cout << command_line->usage;
    return 0;
  }
  auto level = core::parseLogLevel(command_line->log_level);
  if (!level.ok()) {
    std::cerr << "qradar-emu: " << level.error().message << "\n";
    return 2;
  }
  auto redactor = std::make_shared<core::Redactor>();
  for (const auto& token : command_line->options.config.tokens) redactor->addSecret(token.token);
  for (const auto& user : command_line->options.config.users) redactor->addSecret(user.password);
  redactor->addSecret(command_line->options.config.admin_token);
  core::LogOptions log_options;
  log_options.level = *level;
  auto logger = core::makeLogger("qradar-emu", log_options, redactor);

  const std::string address = command_line->options.listen_address;
  auto started = emulator::Emulator::start(command_line->options, logger);
  if (!started.ok()) {
    std::cerr << "qradar-emu: " << started.error().message << "\n";
    return 1;
  }
  const emulator::BoundPorts ports = (*started)->ports();
  for (const std::string& notice : command_line->notices) std::cout << notice << "\n";
  const std::string ports_json = emulator::portsJson(ports, address);
  std::cout << "listening: " << ports_json << std::endl;
  logger->info("qradar-emu ready: {} events, ports {}", (*started)->eventCount(), ports_json);
  if (!command_line->ports_file.empty() && !writePortsFile(command_line->ports_file, ports_json)) {
    std::cerr << "qradar-emu: cannot write " << command_line->ports_file << "\n";
    return 1;
  }
  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  logger->info("qradar-emu stopping (signal {})", signal_number);
  (*started)->stop();
  return 0;
}

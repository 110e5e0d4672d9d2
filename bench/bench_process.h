#pragma once
// What the benchmarks that run the real binaries share: starting a child with its stdout in a
// file (stderr discarded), reading a file whole, and starting qradar-emu on loopback over TLS.
#include <sys/types.h>

#include <string>
#include <vector>

namespace aihunt::bench {

// Forks and execs args[0]; `env` entries are added to the environment.
pid_t spawn(const std::vector<std::string>& args, const std::vector<std::string>& env,
            const std::string& stdout_path);

std::string readFile(const std::string& path);

struct Emulator {
  pid_t pid = -1;
  std::string url;  // https://127.0.0.1:PORT
  std::string ca;   // the CA file to trust
};

inline constexpr const char* kToken = "bench-token-0123456789abcdef";
inline constexpr const char* kAdminToken = "bench-admin-token";
inline constexpr const char* kNow = "2026-11-26T18:00:00Z";

// qradar-emu from `bin` with `extra` arguments, files in `dir`; pid -1 when it did not start
// (it is killed then).
Emulator startEmulator(const std::string& bin, const std::string& dir,
                       const std::vector<std::string>& extra);

}  // namespace aihunt::bench

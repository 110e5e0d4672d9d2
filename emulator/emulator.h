#pragma once
// The composition root of qradar-emu: builds every store, handler and listener from
// EmulatorOptions, wires them by constructor injection, and dispatches each HTTP request
// (faults, auth, Version, routing, capability, request log).
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <spdlog/logger.h>

#include "core/result.h"
#include "core/time.h"
#include "emulator/emulator_config.h"
#include "emulator/fault_injector.h"
#include "emulator/http_message.h"

namespace aihunt::emulator {

struct EmulatorOptions {
  EmulatorConfig config;
  std::string listen_address = "127.0.0.1";
  int https_port = 8443;  // 0: any free port
  int http_port = -1;     // plain HTTP (loopback only); -1: off
  int syslog_tcp_port = -1;
  int syslog_tls_port = -1;
  int syslog_udp_port = -1;
  std::string cert_file;  // PEM chain; with key_file. Empty: generate
  std::string key_file;
  std::string ca_out;  // where to write the CA certificate clients should trust
  std::vector<std::string> event_files;
  std::string lookups_file;
  std::vector<FaultRule> faults;
  std::optional<core::EpochMs> now;  // fixed clock
  // Log sources set up at start, as an administrator would through the API: syslog events from
  // `identifier` get a log source of the custom type `type_name` (made once per name).
  struct LogSourceSetup {
    std::string identifier;
    std::string type_name;
  };
  std::vector<LogSourceSetup> log_sources;
  // QID records and DSM event mappings made for the type of `log_sources` named `type_name`
  // (when the type is new), as docs/qradar-setup.md's step 2 makes them: its events then carry
  // the QIDs and their names.
  struct QidMapRow {
    std::string event_id;
    std::string category;
    std::string name;
    std::int64_t low_level_category = 0;
    std::int64_t severity = 0;
  };
  struct QidMap {
    std::string type_name;
    std::vector<QidMapRow> rows;
  };
  std::vector<QidMap> qid_maps;
};

struct BoundPorts {
  std::uint16_t https = 0;
  std::uint16_t http = 0;
  std::uint16_t syslog_tcp = 0;
  std::uint16_t syslog_tls = 0;
  std::uint16_t syslog_udp = 0;
};

class Emulator {
 public:
  // Loads events and lookups, makes or loads the certificate, binds every listener.
  static core::Result<std::unique_ptr<Emulator>> start(const EmulatorOptions& options,
                                                       std::shared_ptr<spdlog::logger> logger);
  ~Emulator();
  Emulator(const Emulator&) = delete;
  Emulator& operator=(const Emulator&) = delete;

  [[nodiscard]] BoundPorts ports() const;
  [[nodiscard]] std::size_t eventCount() const;
  // The whole request path minus sockets (used by the servers, and by in-process tests).
  HttpResponse handle(HttpRequest&& request);
  void stop();

  struct Parts;

 private:
  explicit Emulator(std::unique_ptr<Parts> parts);
  std::unique_ptr<Parts> parts_;
};

// {"address":..., "https":..., "http":..., "syslog_tcp":..., ...}: what --ports-file holds.
std::string portsJson(const BoundPorts& ports, const std::string& address);

}  // namespace aihunt::emulator

#pragma once
// How `aihunt hunt` (online) and `aihunt check` reach a console: URL, token, TLS trust and
// timeouts from flags, then the environment, then the config's qradar: section. The token is
// registered with the redactor before anything can log. Builds the transport and API client.
#include <memory>
#include <optional>
#include <string>

#include <boost/program_options.hpp>

#include "cli/command.h"
#include "config/config.h"
#include "core/clock.h"
#include "core/result.h"
#include "qradar_client/api_client.h"
#include "qradar_client/curl_transport.h"
#include "qradar_client/retry_policy.h"
#include "qradar_client/tls_options.h"

namespace aihunt::cli {

inline constexpr std::string_view kUrlVariable = "AIHUNT_QRADAR_URL";

// --qradar-url, --token-file, --auth, --username, --api-version, --ca-file, --pin-sha256,
// --insecure, --connect-to and the retry knobs.
void addConnectionOptions(boost::program_options::options_description& options);

struct QRadarConnection {
  config::QRadarConfig qradar;  // effective settings (flags over config)
  std::string token_origin;     // where the token came from, never the token
  qradar::TransportOptions transport_options;
  core::SystemClock clock;
  qradar::ThreadSleeper sleeper;
  qradar::StdRandom random;
  std::unique_ptr<qradar::CurlTransport> transport;
  std::unique_ptr<qradar::ApiClient> api;
};

// Loads the qradar: section of `config_path` (if any), applies flags and the environment.
// Errors are usage/config errors (exit 2): no URL, no token, a bad pin...
core::Result<std::unique_ptr<QRadarConnection>> openConnection(
    const boost::program_options::variables_map& values, const std::string& config_path,
    CommandContext& context);

// The exit code an error from the client deserves (core/exit_codes.h).
int exitCodeFor(const core::Error& error);

}  // namespace aihunt::cli

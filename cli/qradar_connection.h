#pragma once
// The command-line side of reaching a console: URL, token file, TLS trust and timeouts from
// flags, then the environment, then the config's qradar: section. service/qradar_connection.h
// builds the connection from what this gathers.
#include <memory>
#include <optional>
#include <string>

#include <boost/program_options.hpp>

#include "cli/command.h"
#include "config/config.h"
#include "core/clock.h"
#include "core/result.h"
#include "service/qradar_connection.h"

namespace aihunt::cli {

inline constexpr std::string_view kUrlVariable = "AIHUNT_QRADAR_URL";

// --qradar-url, --token-file, --auth, --username, --api-version, --ca-file, --pin-sha256,
// --insecure, --connect-to and the retry knobs.
void addConnectionOptions(boost::program_options::options_description& options);

using service::exitCodeFor;
using service::QRadarConnection;

// The qradar: section of `config_path` (if any) with the flags and the environment applied.
core::Result<service::ConnectionRequest> connectionRequest(
    const boost::program_options::variables_map& values, const std::string& config_path);
// The same from a config already loaded (the daemon's running one: the file on disk may have
// been edited since, and only a SIGHUP makes an edit count).
core::Result<service::ConnectionRequest> connectionRequest(
    const boost::program_options::variables_map& values,
    const std::optional<config::QRadarConfig>& section);

// How a connection serves its run.
struct ConnectionUse {
  // A run's further connection: it speaks the first one's API version (no second negotiation)
  // and repeats none of its warnings.
  const QRadarConnection* first = nullptr;
  // The caller stops on QRadarConnection::unreachable and says why (the cause said once).
  bool caller_reports_unreachable = false;
  // What else the command could do without a console URL ("or --offline EVENTS.jsonl"): said
  // only by the commands that have it.
  std::string without_console = {};
};

// connectionRequest(), then service::openConnection(). Errors are usage/config errors (exit 2):
// no URL, no token, a bad pin...
core::Result<std::unique_ptr<QRadarConnection>> openConnection(
    const boost::program_options::variables_map& values, const std::string& config_path,
    CommandContext& context, const ConnectionUse& use = {});

}  // namespace aihunt::cli

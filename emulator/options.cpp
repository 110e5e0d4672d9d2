#include "emulator/options.h"

#include <openssl/rand.h>

#include <algorithm>
#include <boost/program_options.hpp>
#include <optional>
#include <sstream>
#include <utility>
#include <vector>

#include "aql/time_window.h"
#include "core/text.h"
#include "core/text_file.h"
#include "core/time.h"
#include "emulator/token_file.h"

namespace aihunt::emulator {
namespace {

namespace po = boost::program_options;

std::string randomToken() {
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof bytes) != 1) return "qradar-emu-token";
  static constexpr char kHex[] = "0123456789abcdef";
  std::string token;
  for (const unsigned char b : bytes) {
    token.push_back(kHex[b >> 4]);
    token.push_back(kHex[b & 15]);
  }
  // The shape of a QRadar authorized service token (a UUID).
  return token.substr(0, 8) + "-" + token.substr(8, 4) + "-" + token.substr(12, 4) + "-" +
         token.substr(16, 4) + "-" + token.substr(20, 12);
}

po::options_description describe() {
  po::options_description general("General");
  general.add_options()("help,h", "print this help and exit")(
      "config", po::value<std::string>()->value_name("FILE"),
      "YAML config: roles, tokens, users, admin_token, api_versions, ariel, rules "
      "(docs/emulator.md)")(
      "token", po::value<std::vector<std::string>>()->value_name("TOKEN"),
      "add an API (SEC) token with the admin role; repeatable (visible in the process list: "
      "prefer --token-file)")(
      "token-file", po::value<std::vector<std::string>>()->value_name("FILE"),
      "add the API tokens in FILE (one per line; mode 0600) with the admin role; repeatable")(
      "admin-token-file", po::value<std::string>()->value_name("FILE"),
      "read the admin token from FILE (one line; mode 0600)")(
      "admin-token", po::value<std::string>()->value_name("TOKEN"),
      "token for the /admin endpoints (generated and printed when neither this nor the config "
      "sets one)")("log-level", po::value<std::string>()->default_value("info"),
                   "trace, debug, info, warn, error, off")(
      "ports-file", po::value<std::string>()->value_name("FILE"),
      "write the bound ports as JSON once listening (for --https-port 0 and friends)")(
      "http-idle-timeout-ms", po::value<long long>()->value_name("MS"),
      "close a connection that delivers no complete request for this long (default 30000; "
      "config http_idle_timeout_ms)")(
      "syslog-idle-timeout-ms", po::value<long long>()->value_name("MS"),
      "close a syslog TCP/TLS connection that sends nothing for this long (default 60000; "
      "config syslog_idle_timeout_ms)")(
      "max-connections-per-address", po::value<long long>()->value_name("N"),
      "open connections one peer address may hold on the HTTP(S) and on the syslog listeners; "
      "more are closed at once (default 64; config max_connections_per_address)");
  po::options_description network("Network");
  network.add_options()("listen", po::value<std::string>()->default_value("127.0.0.1"),
                        "address to listen on (127.0.0.1, ::1, 0.0.0.0, ...)")(
      "https-port", po::value<int>()->default_value(8443), "HTTPS port for the REST API; 0: any")(
      "plain-http", "allow a plain HTTP listener (only on a loopback --listen address)")(
      "http-port", po::value<int>()->value_name("PORT"),
      "plain HTTP port for the REST API (needs --plain-http); 0: any")(
      "cert", po::value<std::string>()->value_name("FILE"),
      "server certificate chain (PEM); default: generate a CA and a localhost certificate")(
      "key", po::value<std::string>()->value_name("FILE"), "private key for --cert (PEM)")(
      "ca-out", po::value<std::string>()->value_name("FILE"),
      "write the CA certificate clients should trust (with --cert: that chain)")(
      "api-profile", po::value<std::string>()->value_name("RELEASE"),
      "serve a QRadar release's API versions: \"7.5 UP8\", \"7.5 UP12\", \"7.5 UP13\", "
      "\"7.5 UP14\" (deprecated ones with a Deprecated header, removed ones 422; config "
      "api_versions: \"7.5 UP13\")");
  po::options_description data("Data");
  data.add_options()("events", po::value<std::vector<std::string>>()->value_name("FILE"),
                     "JSONL events to load at start (QRadar-shaped: starttime epoch ms, sourceip, "
                     "custom properties...); repeatable")(
      "max-events", po::value<long long>()->value_name("N"),
      "events the store holds; more are refused (default 5000000; config max_events)")(
      "lookups", po::value<std::string>()->value_name("FILE"),
      "id -> name tables for CATEGORYNAME(), LOGSOURCENAME(), QIDNAME() (JSON)")(
      "now", po::value<std::string>()->value_name("TIME"),
      "fix the emulator clock (ISO 8601 or epoch ms); POST /admin/clock moves it")(
      "console-timezone", po::value<std::string>()->value_name("ZONE"),
      "zone that START/STOP text without Z is read in: UTC or a fixed offset like -05:00 "
      "(default UTC; config ariel.console_timezone)");
  po::options_description syslog("Syslog intake (LEEF)");
  syslog.add_options()("syslog-tcp-port", po::value<int>()->value_name("PORT"),
                       "syslog over TCP (newline or octet-counted framing); 0: any")(
      "syslog-tls-port", po::value<int>()->value_name("PORT"),
      "syslog over TLS (same certificate as HTTPS); 0: any")(
      "syslog-udp-port", po::value<int>()->value_name("PORT"), "syslog over UDP; 0: any")(
      "rules", po::value<std::string>()->value_name("FILE"),
      "custom-rule table (YAML {rules: [...]}) turning LEEF events into offenses")(
      "log-source", po::value<std::vector<std::string>>()->value_name("HOST=TYPE"),
      "set up a log source for syslog events whose header host is HOST, of the custom log "
      "source type TYPE (made if new), as through the API; repeatable (aihunt: "
      "aihunt-sidecar=aihunt, so that its LEEF events are not hunted again)")(
      "qid-map", po::value<std::vector<std::string>>()->value_name("TYPE=FILE"),
      "QID records and event mappings for the --log-source type TYPE, from FILE (lines "
      "EventID|cat|QID name|low-level category id|severity; aihunt: "
      "aihunt=content/qradar/qid_map.txt): its events then carry QIDs and their names, which "
      "name the offenses a rule without a description opens; repeatable")(
      "offense-delay-ms", po::value<long long>()->value_name("MS"),
      "how long a new offense stays out of the API, as a console's rule pipeline takes time "
      "(0 to 86400000; default 0)")(
      "offense-filters", po::value<std::string>()->value_name("any|documented"),
      "which fields the offense list's filter takes: any (default, as public clients use it) "
      "or documented (only those IBM's reference marks Filterable; others 422/1005)");
  po::options_description ariel("Ariel and faults");
  ariel.add_options()("workers", po::value<int>()->value_name("N"),
                      "search threads (default 2; config ariel.workers)")(
      "phase-delay-ms", po::value<int>()->value_name("MS"),
      "time each search spends in WAIT, EXECUTE and SORTING (default 0)")(
      "max-searches", po::value<int>()->value_name("N"),
      "unfinished searches allowed before creation answers 503/1010 (default 200)")(
      "retention-ms", po::value<long long>()->value_name("MS"),
      "how long finished results are kept (default 86400000)")(
      "faults", po::value<std::string>()->value_name("FILE"),
      "fault script (YAML {faults: [...]}): status_503, status_500, status_429, status_401, reset, "
      "latency, truncate, malformed_json, search_error, search_vanish (on: status or results), "
      "search_stuck, task_exception, late_response, reset_after");
  po::options_description all(
      "qradar-emu: a QRadar stand-in (REST API, Ariel, reference data, offenses, syslog/LEEF "
      "intake, faults)\nUsage: qradar-emu [options]");
  all.add(general).add(network).add(data).add(syslog).add(ariel);
  return all;
}

// "A=B" of a repeatable option into its two sides, neither empty.
core::Result<std::pair<std::string, std::string>> splitPair(const std::string& pair,
                                                            const std::string& option,
                                                            const std::string& form) {
  const std::size_t equals = pair.find('=');
  if (equals == std::string::npos || equals == 0 || equals + 1 == pair.size()) {
    return core::makeError(core::ErrorCode::kInvalidArgument,
                           option + " '" + pair + "': give " + form);
  }
  return std::make_pair(pair.substr(0, equals), pair.substr(equals + 1));
}

// --qid-map FILE: lines `EventID|cat|QID name|low-level category id|severity`, the rows of
// docs/qradar-setup.md's step 2 (content/qradar/qid_map.txt); blank lines and `#` comments skip.
core::Result<std::vector<EmulatorOptions::QidMapRow>> parseQidMap(const std::string& text) {
  std::vector<EmulatorOptions::QidMapRow> rows;
  std::istringstream lines(text);
  std::string line;
  for (int number = 1; std::getline(lines, line); ++number) {
    const std::string_view content = core::trim(line);
    if (content.empty() || content.front() == '#') continue;
    std::vector<std::string> cells;
    std::istringstream split{std::string(content)};
    for (std::string cell; std::getline(split, cell, '|');) cells.emplace_back(core::trim(cell));
    const auto whole = [](const std::string& cell) -> std::optional<std::int64_t> {
      if (cell.empty() || cell.size() > 9) return std::nullopt;
      std::int64_t value = 0;
      for (const char c : cell) {
        if (c < '0' || c > '9') return std::nullopt;
        value = value * 10 + (c - '0');
      }
      return value;
    };
    std::optional<std::int64_t> category;
    std::optional<std::int64_t> severity;
    // Counted by separators: getline drops an empty last cell ("a|b|c|1|2|" is six cells).
    if (cells.size() == 5 && std::count(content.begin(), content.end(), '|') == 4) {
      category = whole(cells[3]);
      severity = whole(cells[4]);
    }
    if (!category || !severity || cells[0].empty() || cells[1].empty() || cells[2].empty()) {
      return core::makeError(core::ErrorCode::kInvalidArgument,
                             "line " + std::to_string(number) +
                                 ": give EventID|cat|QID name|low-level category id|severity");
    }
    rows.push_back({cells[0], cells[1], cells[2], *category, *severity});
  }
  return rows;
}

}  // namespace

core::Result<CommandLine> parseCommandLine(int argc, const char* const* argv) {
  const po::options_description description = describe();
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(argc, argv).options(description).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    return core::makeError(core::ErrorCode::kInvalidArgument, e.what());
  }
  CommandLine cl;
  std::ostringstream usage;
  usage << description;
  cl.usage = usage.str();
  if (vm.count("help") > 0) {
    cl.help = true;
    return cl;
  }
  EmulatorOptions& o = cl.options;
  if (vm.count("config") > 0) {
    const std::string path = vm["config"].as<std::string>();
    auto text = core::readTextFile(path);
    if (!text.ok()) return text.error();
    auto config = parseEmulatorConfig(*text);
    if (!config.ok()) return config.error().withContext(path);
    o.config = std::move(*config);
  } else {
    o.config.roles = defaultRoles();
  }
  if (vm.count("token") > 0) {
    for (const std::string& token : vm["token"].as<std::vector<std::string>>()) {
      o.config.tokens.push_back(TokenConfig{token, "admin", "admin"});
    }
  }
  if (vm.count("token-file") > 0) {
    for (const std::string& path : vm["token-file"].as<std::vector<std::string>>()) {
      auto tokens = readTokenFile(path);
      if (!tokens.ok()) return tokens.error();
      for (std::string& token : *tokens) {
        o.config.tokens.push_back(TokenConfig{std::move(token), "admin", "admin"});
      }
    }
  }
  if (o.config.tokens.empty() && o.config.users.empty()) {
    const std::string token = randomToken();
    o.config.tokens.push_back(TokenConfig{token, "admin", "admin"});
    cl.notices.push_back("API token (SEC header): " + token);
  }
  if (vm.count("admin-token") > 0 && vm.count("admin-token-file") > 0) {
    return core::makeError(core::ErrorCode::kInvalidArgument,
                           "--admin-token and --admin-token-file: give one");
  }
  if (vm.count("admin-token") > 0) o.config.admin_token = vm["admin-token"].as<std::string>();
  if (vm.count("admin-token-file") > 0) {
    auto tokens = readTokenFile(vm["admin-token-file"].as<std::string>());
    if (!tokens.ok()) return tokens.error();
    if (tokens->size() != 1) {
      return core::makeError(core::ErrorCode::kInvalidArgument,
                             "--admin-token-file: expected exactly one token");
    }
    o.config.admin_token = std::move(tokens->front());
  }
  if (o.config.admin_token.empty()) {
    o.config.admin_token = randomToken();
    cl.notices.push_back("admin token (SEC header on /admin): " + o.config.admin_token);
  }
  cl.log_level = vm["log-level"].as<std::string>();
  if (vm.count("ports-file") > 0) cl.ports_file = vm["ports-file"].as<std::string>();
  o.listen_address = vm["listen"].as<std::string>();
  o.https_port = vm["https-port"].as<int>();
  auto checkPort = [](int port, const char* name) -> core::Status {
    if (port < -1 || port > 65535) {
      return core::makeError(core::ErrorCode::kInvalidArgument,
                             std::string("--") + name + ": not a port");
    }
    return {};
  };
  if (vm.count("http-port") > 0) {
    if (vm.count("plain-http") == 0) {
      return core::makeError(core::ErrorCode::kInvalidArgument,
                             "--http-port serves plain HTTP: add --plain-http to confirm (loopback "
                             "addresses only)");
    }
    o.http_port = vm["http-port"].as<int>();
  }
  if (vm.count("syslog-tcp-port") > 0) o.syslog_tcp_port = vm["syslog-tcp-port"].as<int>();
  if (vm.count("syslog-tls-port") > 0) o.syslog_tls_port = vm["syslog-tls-port"].as<int>();
  if (vm.count("syslog-udp-port") > 0) o.syslog_udp_port = vm["syslog-udp-port"].as<int>();
  for (const auto& [port, name] :
       {std::pair{o.https_port, "https-port"}, std::pair{o.http_port, "http-port"},
        std::pair{o.syslog_tcp_port, "syslog-tcp-port"},
        std::pair{o.syslog_tls_port, "syslog-tls-port"},
        std::pair{o.syslog_udp_port, "syslog-udp-port"}}) {
    auto status = checkPort(port, name);
    if (!status.ok()) return status.error();
  }
  if (vm.count("cert") > 0) o.cert_file = vm["cert"].as<std::string>();
  if (vm.count("key") > 0) o.key_file = vm["key"].as<std::string>();
  if (vm.count("ca-out") > 0) o.ca_out = vm["ca-out"].as<std::string>();
  if (vm.count("events") > 0) o.event_files = vm["events"].as<std::vector<std::string>>();
  if (vm.count("lookups") > 0) o.lookups_file = vm["lookups"].as<std::string>();
  if (vm.count("now") > 0) {
    auto now = core::parseTimestamp(vm["now"].as<std::string>());
    if (!now.ok()) return now.error().withContext("--now");
    o.now = *now;
  }
  if (vm.count("rules") > 0) {
    const std::string path = vm["rules"].as<std::string>();
    auto text = core::readTextFile(path);
    if (!text.ok()) return text.error();
    auto rules = parseRulesFile(*text);
    if (!rules.ok()) return rules.error().withContext(path);
    for (RuleConfig& rule : *rules) o.config.rules.push_back(std::move(rule));
  }
  if (vm.count("log-source") > 0) {
    for (const std::string& pair : vm["log-source"].as<std::vector<std::string>>()) {
      auto split = splitPair(pair, "--log-source", "HOST=TYPE");
      if (!split.ok()) return split.error();
      o.log_sources.push_back({split->first, split->second});
    }
  }
  if (vm.count("qid-map") > 0) {
    for (const std::string& pair : vm["qid-map"].as<std::vector<std::string>>()) {
      auto split = splitPair(pair, "--qid-map", "TYPE=FILE");
      if (!split.ok()) return split.error();
      const std::string& type = split->first;
      if (std::none_of(o.log_sources.begin(), o.log_sources.end(),
                       [&](const auto& setup) { return setup.type_name == type; })) {
        return core::makeError(core::ErrorCode::kInvalidArgument,
                               "--qid-map '" + pair + "': no --log-source makes the type '" + type +
                                   "' (give --log-source HOST=" + type + " too)");
      }
      const std::string& path = split->second;
      auto text = core::readTextFile(path);
      if (!text.ok()) return text.error();
      auto rows = parseQidMap(*text);
      if (!rows.ok()) return rows.error().withContext(path);
      o.qid_maps.push_back({type, std::move(*rows)});
    }
  }
  if (vm.count("faults") > 0) {
    const std::string path = vm["faults"].as<std::string>();
    auto text = core::readTextFile(path);
    if (!text.ok()) return text.error();
    auto faults = parseFaults(*text);
    if (!faults.ok()) return faults.error().withContext(path);
    o.faults = std::move(*faults);
  }
  if (vm.count("api-profile") > 0) o.config.api_profile = vm["api-profile"].as<std::string>();
  if (vm.count("workers") > 0) o.config.ariel.workers = vm["workers"].as<int>();
  if (vm.count("offense-delay-ms") > 0) {
    o.config.offense_delay_ms = vm["offense-delay-ms"].as<long long>();
  }
  if (vm.count("offense-filters") > 0) {
    const std::string which = vm["offense-filters"].as<std::string>();
    if (which != "any" && which != "documented") {
      return core::makeError(
          core::ErrorCode::kInvalidArgument,
          "--offense-filters: any or documented, not '" + core::printableExcerpt(which) + "'");
    }
    o.config.offense_filters_documented = which == "documented";
  }
  if (vm.count("phase-delay-ms") > 0)
    o.config.ariel.phase_delay_ms = vm["phase-delay-ms"].as<int>();
  if (vm.count("max-searches") > 0)
    o.config.ariel.max_active_searches = vm["max-searches"].as<int>();
  if (vm.count("retention-ms") > 0)
    o.config.ariel.retention_ms = vm["retention-ms"].as<long long>();
  if (vm.count("console-timezone") > 0) {
    auto zone = aql::ConsoleTimeZone::parse(vm["console-timezone"].as<std::string>());
    if (!zone.ok()) return zone.error().withContext("--console-timezone");
    o.config.ariel.console_timezone = zone.value();
  }
  auto atLeast = [&vm](const char* name, std::int64_t& out, long long minimum) -> core::Status {
    if (vm.count(name) == 0) return {};
    out = vm[name].as<long long>();
    if (out < minimum) {
      return core::makeError(core::ErrorCode::kInvalidArgument,
                             std::string("--") + name + ": >= " + std::to_string(minimum));
    }
    return {};
  };
  for (const auto& status :
       {atLeast("http-idle-timeout-ms", o.config.http_idle_timeout_ms, 1),
        atLeast("syslog-idle-timeout-ms", o.config.syslog_idle_timeout_ms, 1),
        atLeast("max-connections-per-address", o.config.max_connections_per_address, 1),
        atLeast("max-events", o.config.max_events, 0)}) {
    if (!status.ok()) return status.error();
  }
  if (o.config.ariel.workers < 1 || o.config.ariel.workers > 64) {
    return core::makeError(core::ErrorCode::kInvalidArgument, "--workers: 1..64");
  }
  if (o.config.ariel.phase_delay_ms < 0 || o.config.ariel.max_active_searches < 1 ||
      o.config.ariel.retention_ms < 0) {
    return core::makeError(core::ErrorCode::kInvalidArgument,
                           "--phase-delay-ms, --max-searches and --retention-ms must be positive");
  }
  if (o.config.offense_delay_ms < 0 || o.config.offense_delay_ms > 86'400'000) {
    return core::makeError(core::ErrorCode::kInvalidArgument,
                           "--offense-delay-ms: 0 to 86400000 (a day)");
  }
  return cl;
}

}  // namespace aihunt::emulator

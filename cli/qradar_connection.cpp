#include "cli/qradar_connection.h"

#include "config/environment.h"
#include "config/loader.h"
#include "core/time.h"

namespace aihunt::cli {

namespace po = boost::program_options;

namespace {

core::Error configError(std::string message) {
  return core::makeError(core::ErrorCode::kConfig, std::move(message));
}

core::Result<std::optional<config::QRadarConfig>> qradarSection(const std::string& config_path) {
  if (config_path.empty()) return std::optional<config::QRadarConfig>();
  config::ProcessEnvironment environment;
  config::LoadOptions options;
  options.resolve_token = false;
  auto outcome = config::loadConfigFile(config_path, environment, options);
  if (!outcome.ok()) {
    return configError(config::describeErrors(outcome.errors));
  }
  return outcome.config->qradar;
}

core::Status applyFlags(const po::variables_map& values, config::QRadarConfig& qradar) {
  const config::ProcessEnvironment environment;
  if (values.count("qradar-url") != 0) {
    qradar.url = values["qradar-url"].as<std::string>();
  } else if (auto url = environment.get(kUrlVariable); url && !url->empty()) {
    qradar.url = *url;
  }
  if (values.count("api-version") != 0)
    qradar.api_version = values["api-version"].as<std::string>();
  if (values.count("auth") != 0) {
    const std::string auth = values["auth"].as<std::string>();
    if (auth == "sec") {
      qradar.auth = config::QRadarAuth::kSec;
    } else if (auth == "basic") {
      qradar.auth = config::QRadarAuth::kBasic;
    } else {
      return configError("--auth: sec or basic, not '" + auth + "'");
    }
  }
  if (values.count("username") != 0) qradar.username = values["username"].as<std::string>();
  if (values.count("ca-file") != 0) qradar.tls.ca_file = values["ca-file"].as<std::string>();
  if (values.count("pin-sha256") != 0) {
    qradar.tls.pin_sha256 = values["pin-sha256"].as<std::string>();
  }
  if (values["insecure"].as<bool>()) qradar.tls.insecure = true;
  if (values.count("connect-timeout") != 0) {
    auto timeout = core::parseDuration(values["connect-timeout"].as<std::string>());
    if (!timeout) return timeout.error().withContext("--connect-timeout");
    qradar.timeouts.connect = *timeout;
  }
  if (values.count("request-timeout") != 0) {
    auto timeout = core::parseDuration(values["request-timeout"].as<std::string>());
    if (!timeout) return timeout.error().withContext("--request-timeout");
    qradar.timeouts.request = *timeout;
  }
  return {};
}

}  // namespace

void addConnectionOptions(po::options_description& options) {
  po::options_description connection("QRadar connection");
  connection.add_options()(
      "qradar-url", po::value<std::string>(),
      "console base URL, https://host[:port] (default: $AIHUNT_QRADAR_URL, then qradar.url)")(
      "token-file", po::value<std::string>(),
      "file holding the API token (without it: the token itself in $AIHUNT_QRADAR_TOKEN, "
      "then the file qradar.token_file)")(
      "allow-readable-token-file", po::bool_switch(),
      "accept a token file that group or others can read (a warning, not an error)")(
      "auth", po::value<std::string>(), "sec (token in the SEC header, default) or basic")(
      "username", po::value<std::string>(), "user for --auth basic (the token is the password)")(
      "api-version", po::value<std::string>(),
      "Version header to pin, e.g. 26.0 (default: auto, the newest the console and aihunt share)")(
      "ca-file", po::value<std::string>(),
      "CA certificate(s) that issued the console's certificate")(
      "pin-sha256", po::value<std::string>(),
      "public-key pin, sha256//BASE64 (for self-signed consoles)")(
      "insecure", po::bool_switch(),
      "do not verify the console's certificate (dangerous: anyone in between can read the token)")(
      "connect-to", po::value<std::string>(),
      "HOST:PORT:ADDR:PORT: connect to ADDR when the URL names HOST (a certificate issued to a "
      "name, reached by address)")("connect-timeout", po::value<std::string>(),
                                   "TCP+TLS connect timeout (default 10s)")(
      "request-timeout", po::value<std::string>(), "limit per request (default 60s)")(
      "retries", po::value<int>(), "attempts per request on retryable failures (default 5)")(
      "retry-delay", po::value<std::string>(),
      "first backoff delay, doubled per attempt with jitter (default 500ms)");
  options.add(connection);
}

core::Result<service::ConnectionRequest> connectionRequest(const po::variables_map& values,
                                                           const std::string& config_path) {
  auto section = qradarSection(config_path);
  if (!section) return section.error();
  return connectionRequest(values, *section);
}

core::Result<service::ConnectionRequest> connectionRequest(
    const po::variables_map& values, const std::optional<config::QRadarConfig>& section) {
  service::ConnectionRequest request;
  if (section) request.qradar = *section;
  if (auto status = applyFlags(values, request.qradar); !status) return status.error();
  if (values.count("token-file") != 0) {
    request.qradar.token_file = values["token-file"].as<std::string>();
    request.token_file_only = true;
  }
  if (values["allow-readable-token-file"].as<bool>()) {
    request.qradar.allow_readable_token_file = true;
  }
  if (values.count("connect-to") != 0) request.connect_to = values["connect-to"].as<std::string>();
  if (values.count("retries") != 0) request.retries = values["retries"].as<int>();
  if (values.count("retry-delay") != 0) {
    auto delay = core::parseDuration(values["retry-delay"].as<std::string>());
    if (!delay) return delay.error().withContext("--retry-delay");
    request.retry_delay = *delay;
  }
  return request;
}

core::Result<std::unique_ptr<QRadarConnection>> openConnection(const po::variables_map& values,
                                                               const std::string& config_path,
                                                               CommandContext& context,
                                                               const ConnectionUse& use) {
  // A further connection takes the first one's settings as they were resolved, not the config
  // file again: an edit made while the run goes on cannot point it at another console, which
  // would then get the token without the token-less request first.
  auto request =
      use.first != nullptr
          ? connectionRequest(values, std::optional<config::QRadarConfig>(use.first->qradar))
          : connectionRequest(values, config_path);
  if (!request) return request.error();
  if (use.first != nullptr) {
    request->warn = false;
    request->first_contact = false;
    request->qradar.api_version = use.first->qradar.api_version;
  }
  request->caller_reports_unreachable = use.caller_reports_unreachable;
  request->without_console = use.without_console;
  return service::openConnection(std::move(*request), *context.environment, context.redactor,
                                 context.logger);
}

}  // namespace aihunt::cli

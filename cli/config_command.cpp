// `aihunt config check FILE`, `aihunt config example` and `aihunt config reference`.
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <sstream>

#include "cli/command.h"
#include "cli/print.h"
#include "config/config_reference.h"
#include "config/environment.h"
#include "config/example_config.h"
#include "config/loader.h"
#include "core/exit_codes.h"
#include "qradar_client/tls_options.h"

namespace aihunt::cli {

namespace po = boost::program_options;

namespace {

constexpr const char* kConfigUsage = R"(Usage:
  aihunt config check FILE|- [--offline] validate FILE ('-': standard input; -c FILE works too);
                                         print every error at once (exit 0 or 2); also reads
                                         the QRadar token and the CA files and finds the state
                                         folder here. --offline: none of those (a file meant
                                         for another machine, or the example:
                                         aihunt config example | aihunt config check --offline -)
  aihunt config example                  print a complete, commented example config
  aihunt config reference                print every key as Markdown (docs/config-reference.md)
)";

// What a check for this machine (not --offline) verifies besides the token: the files the
// config names that `run` would open here. Each would otherwise pass the check and stop the
// daemon at start (a CA file that is missing or not PEM, a state folder that does not exist).
void checkLocalFiles(const config::Config& cfg, const std::string& source,
                     std::vector<config::ConfigError>& errors) {
  const auto caFile = [&](const std::string& key, const std::string& file) {
    if (file.empty()) return;
    qradar::TransportOptions options;
    options.ca_file = file;
    if (auto valid = qradar::validateTransportOptions(options); !valid) {
      errors.push_back({source, key, valid.error().message});
    }
  };
  if (cfg.qradar) caFile("qradar.tls.ca_file", cfg.qradar->tls.ca_file);
  if (cfg.outputs.leef.enabled && cfg.outputs.leef.protocol == config::LeefProtocol::kTls) {
    caFile("outputs.leef.ca_file", cfg.outputs.leef.ca_file);
  }
  const std::filesystem::path folder = std::filesystem::path(cfg.state.path).parent_path();
  std::error_code error;
  if (!folder.empty() && !std::filesystem::is_directory(folder, error)) {
    errors.push_back({source, "state.path",
                      "the folder '" + folder.string() +
                          "' does not exist here; aihunt creates the state file, not its folder"});
  }
}

int runCheck(const std::vector<std::string>& args, CommandContext& context) {
  po::options_description options("aihunt config check FILE");
  options.add_options()("help,h", "show this help")("file", po::value<std::string>(),
                                                    "config file to check ('-': standard input)")(
      "config,c", po::value<std::string>(),
      "the same, as the other commands take it (aihunt config check -c FILE)")(
      "offline", po::bool_switch(),
      "do not read the QRadar token, the CA files or the state folder here (check a file meant "
      "for another machine)");
  po::positional_options_description positional;
  positional.add("file", 1);
  po::variables_map values;
  if (!parseOptions(args, options, positional, values, context.streams)) return core::kExitUsage;
  const bool given = values.count("file") + values.count("config") == 1;
  if (values.count("help") != 0 || !given) {
    printText(*context.redactor,
              values.count("help") != 0 ? context.streams.out : context.streams.err, kConfigUsage);
    return values.count("help") != 0 ? core::kExitOk : core::kExitUsage;
  }
  const std::string path = values[values.count("file") != 0 ? "file" : "config"].as<std::string>();
  const config::Environment& environment = *context.environment;
  config::LoadOptions load;
  load.resolve_token = !values["offline"].as<bool>();
  load.now = core::toEpochMs(std::chrono::system_clock::now());
  config::LoadOutcome outcome;
  if (path == "-") {
    // Relative paths in it stay as written (there is no file folder to take them from).
    std::ostringstream text;
    text << std::cin.rdbuf();
    outcome = config::loadConfigText(text.str(), "<stdin>", environment, load);
  } else {
    outcome = config::loadConfigFile(path, environment, load);
  }
  if (outcome.ok() && load.resolve_token) {
    checkLocalFiles(*outcome.config, path == "-" ? "<stdin>" : path, outcome.errors);
  }
  for (const auto& warning : outcome.warnings) {
    printFormatted(*context.redactor, context.streams.err, "warning: %s\n",
                   warning.describe().c_str());
  }
  for (const auto& error : outcome.errors) {
    printFormatted(*context.redactor, context.streams.err, "error: %s\n", error.describe().c_str());
  }
  if (!outcome.ok()) {
    printFormatted(*context.redactor, context.streams.err, "%s: %zu error(s)\n", path.c_str(),
                   outcome.errors.size());
    const auto local = [](const auto& error) {
      return error.path.rfind("qradar.token", 0) == 0 || error.path == "state.path" ||
             error.path.find("ca_file") != std::string::npos;
    };
    if (std::any_of(outcome.errors.begin(), outcome.errors.end(), local)) {
      // The token, the CA files and the state folder exist only where aihunt runs (mounted
      // secrets, a volume): on any other machine the rest of the file can still be checked.
      printText(*context.redactor, context.streams.err,
                "hint: the QRadar token is read from AIHUNT_QRADAR_TOKEN, else qradar.token_file, "
                "and the files the config names are looked for on this machine; to check it for "
                "another machine, add --offline\n");
    }
    return core::kExitUsage;
  }
  printFormatted(*context.redactor, context.streams.out,
                 "%s: OK (%zu hunt(s), %zu exception(s), %zu warning(s))\n", path.c_str(),
                 outcome.config->hunts.size(), outcome.config->settings.exceptions.size(),
                 outcome.warnings.size());
  return core::kExitOk;
}

}  // namespace

int runConfigCommand(const std::vector<std::string>& args, CommandContext& context) {
  if (args.empty() || args[0] == "--help" || args[0] == "-h") {
    printText(*context.redactor, args.empty() ? context.streams.err : context.streams.out,
              kConfigUsage);
    return args.empty() ? core::kExitUsage : core::kExitOk;
  }
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  if (args[0] == "check") return runCheck(rest, context);
  if (args[0] == "example") {
    const std::string text = config::exampleConfigText();
    printText(*context.redactor, context.streams.out, text);
    return core::kExitOk;
  }
  if (args[0] == "reference") {
    printText(*context.redactor, context.streams.out, config::configReferenceMarkdown());
    return core::kExitOk;
  }
  return fail(context.streams,
              "unknown config subcommand '" + args[0] + "' (check, example, reference)",
              core::kExitUsage);
}

}  // namespace aihunt::cli

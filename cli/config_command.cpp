// `aihunt config check FILE`, `aihunt config example` and `aihunt config reference`.
#include <algorithm>
#include <climits>
#include <filesystem>
#include <iostream>
#include <optional>
#include <sstream>
#include <tuple>

#include "cli/command.h"
#include "cli/local_files.h"
#include "cli/print.h"
#include "config/config_reference.h"
#include "config/environment.h"
#include "config/example_config.h"
#include "config/loader.h"
#include "config/token_source.h"
#include "core/display_text.h"
#include "core/exit_codes.h"
#include "qradar_client/api_version.h"
#include "service/hunt_query.h"
#include "service/hunt_selection.h"

namespace aihunt::cli {

namespace po = boost::program_options;

namespace {

constexpr const char* kConfigUsage = R"(Usage:
  aihunt config check FILE|- [--offline] validate FILE ('-': standard input; -c FILE works too);
                                         print every error at once (exit 0 or 2); also reads
                                         the QRadar token and the CA files and finds the state
                                         and findings folders here. --offline: none of those (a file meant
                                         for another machine, or the example:
                                         aihunt config example | aihunt config check --offline -)
  aihunt config example                  print a complete, commented example config
  aihunt config reference                print every key as Markdown (docs/config-reference.md)
)";

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
  if (values.count("help") == 0 && !given) {
    printDiagnostic(context.streams, *context.redactor, Diagnostic::kError,
                    values.count("file") + values.count("config") == 0
                        ? "config check needs the config file to check ('-': standard input)"
                        : "config check takes one file: give it as FILE or -c FILE, not both");
  }
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
  std::string text;  // standard input, kept for a second reading
  if (path == "-") {
    std::ostringstream read;
    read << std::cin.rdbuf();
    text = read.str();
  }
  const auto loadWith = [&](const config::LoadOptions& how) {
    // Relative paths in standard input stay as written (there is no file folder to take them
    // from).
    return path == "-" ? config::loadConfigText(text, "<stdin>", environment, how)
                       : config::loadConfigFile(path, environment, how);
  };
  config::LoadOutcome outcome = loadWith(load);
  // A token error leaves the outcome without a config: the rest is read again without the
  // token, so that every error is said at once.
  std::optional<config::LoadOutcome> without_token;
  if (load.resolve_token && !outcome.ok()) {
    config::LoadOptions offline = load;
    offline.resolve_token = false;
    without_token = loadWith(offline);
  }
  const config::LoadOutcome& read = without_token ? *without_token : outcome;
  // The checks below run on what could be read even when the schema found errors, so that one
  // run says every error; a key already in error (its value left at the default) is skipped.
  const config::Config* readable = read.config ? &*read.config : nullptr;
  if (readable == nullptr && read.partial) readable = &*read.partial;
  // The schema's errors only: the token's (AIHUNT_QRADAR_TOKEN's are filed under "qradar")
  // say nothing about the other qradar keys.
  const std::vector<config::ConfigError> schema_errors = read.errors;
  const auto inError = [&](const std::string& key) {
    return std::any_of(schema_errors.begin(), schema_errors.end(), [&](const auto& error) {
      // The key, a key inside it, or a section holding it ("state" for state.path).
      return error.path == key || error.path.rfind(key + ".", 0) == 0 ||
             key.rfind(error.path + ".", 0) == 0;
    });
  };
  // The errors about this machine's files (not the file's own): what --offline leaves out.
  std::size_t local_file_errors = 0;
  if (load.resolve_token && readable != nullptr) {
    // What `run` would open here besides the token (cli/local_files.h).
    for (const LocalFileProblem& problem : localFileProblems(*readable)) {
      if (inError(problem.key)) continue;
      outcome.errors.push_back({path == "-" ? "<stdin>" : path, problem.key, problem.message});
      ++local_file_errors;
    }
    if (readable->qradar) {
      if (auto hidden = config::hiddenTokenFileWarning(*readable->qradar, environment)) {
        outcome.warnings.push_back(
            {path == "-" ? "<stdin>" : path, "qradar.token_file", std::move(*hidden)});
      }
    }
    if (read.ok()) {
      // The console's URL may come from the command line (--qradar-url) instead: a warning.
      const bool no_url = !read.config->qradar || read.config->qradar->url.empty();
      const std::optional<std::string> url_variable = environment.get("AIHUNT_QRADAR_URL");
      if (no_url && (!url_variable || url_variable->empty())) {
        outcome.warnings.push_back(
            {path == "-" ? "<stdin>" : path, "qradar.url",
             "not set, nor AIHUNT_QRADAR_URL here: 'aihunt run' and online hunts need the "
             "console's URL (or --qradar-url)"});
      }
    }
  }
  // Each hunt's query as every run builds it: what the schema cannot see (a hunt mapping no
  // property a finding can come from) fails here, not at the first run (a trial).
  if (read.ok()) {
    const config::Config& cfg = *read.config;
    for (std::size_t i = 0; i < cfg.hunts.size(); ++i) {
      auto query = service::huntQuery(cfg.hunts[i], cfg.settings, 0, 60'000, /*streamed=*/true);
      if (!query) {
        outcome.errors.push_back({path == "-" ? "<stdin>" : path,
                                  "hunts[" + std::to_string(i) + "]", query.error().message});
      }
    }
  }
  // state.path left to its default: each folder aihunt is started in gets its own ledger, and
  // a run from another folder raises every finding again.
  if (readable != nullptr && !readable->state.path_given && !inError("state")) {
    std::error_code error;
    const std::filesystem::path here = std::filesystem::current_path(error);
    outcome.warnings.push_back(
        {path == "-" ? "<stdin>" : path, "state.path",
         "not set: run, backfill and hunt --deliver keep their ledger in aihunt-state.db in "
         "the folder they are started in" +
             // --offline checks a file for another machine: this folder says nothing there.
             (error || !load.resolve_token
                  ? std::string()
                  : " (here: " + (here / "aihunt-state.db").string() + ")") +
             "; set state.path so that every run finds the same ledger (a run from another "
             "folder would raise every finding again)"});
  }
  // Findings recorded with nowhere to go are never sent to a destination added later.
  if (readable != nullptr && !inError("outputs") && !config::hasDestination(readable->outputs)) {
    outcome.warnings.push_back({path == "-" ? "<stdin>" : path, "outputs", config::kNoDestination});
  }
  // A pinned API version aihunt does not speak: every connection would refuse it.
  if (readable != nullptr && readable->qradar && readable->qradar->api_version != "auto" &&
      !inError("qradar.api_version")) {
    if (auto pinned = qradar::checkPinnedVersion(readable->qradar->api_version); !pinned) {
      config::ConfigError error;
      error.source = path == "-" ? "<stdin>" : path;
      error.path = "qradar.api_version";
      error.message = pinned.error().message;
      outcome.errors.push_back(std::move(error));
    }
  }
  for (const auto& warning : outcome.warnings) {
    printFormatted(*context.redactor, context.streams.err, "warning: %s\n",
                   warning.describe().c_str());
  }
  // In file order (the checks run section by section): errors without a place come last.
  std::stable_sort(outcome.errors.begin(), outcome.errors.end(),
                   [](const config::ConfigError& a, const config::ConfigError& b) {
                     const auto place = [](const config::ConfigError& e) {
                       return std::tuple<const std::string&, int, int>(
                           e.source, e.line == 0 ? INT_MAX : e.line, e.column);
                     };
                     return place(a) < place(b);
                   });
  for (const auto& error : outcome.errors) {
    printFormatted(*context.redactor, context.streams.err, "error: %s\n", error.describe().c_str());
  }
  if (!outcome.ok()) {
    printFormatted(*context.redactor, context.streams.err, "%s: %zu error(s)\n",
                   core::displayText(path).c_str(), outcome.errors.size());
    // A schema error of a ca_file key (one set for a protocol without TLS) is the file's own:
    // --offline would say it again, so only the token and the files looked for here count.
    // Only a token this machine does not have: a token file that is here but too open (or
    // holds no token) is as wrong on the machine the file is for.
    const bool token_missing = [&] {
      const std::optional<std::string> variable = environment.get("AIHUNT_QRADAR_TOKEN");
      if (variable && !variable->empty()) return false;
      if (readable == nullptr || !readable->qradar) return true;
      std::error_code error;
      return readable->qradar->token_file.empty() ||
             !std::filesystem::exists(readable->qradar->token_file, error);
    }();
    const bool token =
        token_missing &&
        std::any_of(outcome.errors.begin(), outcome.errors.end(), [&](const auto& error) {
          return error.path.rfind("qradar.token", 0) == 0 || error.path == "qradar";
        });
    if (load.resolve_token && (token || local_file_errors > 0)) {
      // The token, the CA files and the state folder exist only where aihunt runs (mounted
      // secrets, a volume): on any other machine the rest of the file can still be checked.
      printText(*context.redactor, context.streams.err,
                std::string("hint: ") +
                    (token ? "the QRadar token is read from AIHUNT_QRADAR_TOKEN, else "
                             "qradar.token_file, and the files"
                           : "the files") +
                    " the config names are looked for on this machine; to check it for another "
                    "machine, add --offline\n");
    }
    return core::kExitUsage;
  }
  // Hunts turned off are said apart: "2 hunts" read as both running (a trial).
  const auto& hunts = outcome.config->hunts;
  const auto off = static_cast<std::size_t>(std::count_if(
      hunts.begin(), hunts.end(), [](const config::HuntConfig& hunt) { return !hunt.enabled; }));
  printFormatted(*context.redactor, context.streams.out,
                 "%s: OK (%zu hunt(s)%s, %zu exception(s), %zu warning(s))\n",
                 core::displayText(path).c_str(), hunts.size(),
                 off == 0 ? "" : (", " + std::to_string(off) + " turned off").c_str(),
                 outcome.config->settings.exceptions.size(), outcome.warnings.size());
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
  const std::string nearest = service::nearestName(args[0], {"check", "example", "reference"});
  return fail(context.streams,
              "unknown config subcommand '" + core::printableExcerpt(args[0], 60) + "'" +
                  (nearest.empty() ? "" : "; did you mean '" + nearest + "'?") +
                  " (check, example, reference)",
              core::kExitUsage);
}

}  // namespace aihunt::cli

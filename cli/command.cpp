#include "cli/command.h"
#include "cli/print.h"
#include "cli/signals.h"

#include <algorithm>
#include <filesystem>
#include <iterator>
#include <sstream>

#include "core/exit_codes.h"
#include "service/hunt_selection.h"

namespace aihunt::cli {

namespace po = boost::program_options;

void addLoggingOptions(po::options_description& options, ConfigLogging config) {
  // The daemon's commands take the config's logging: section when the option is not given
  // (applyConfigLogging); their defaults say so.
  const bool read = config == ConfigLogging::kRead;
  options.add_options()("log-level", po::value<std::string>()->default_value("info", ""),
                        read ? "trace, debug, info, warn, error or off (default: info, or the "
                               "config's logging.level)"
                             : "trace, debug, info, warn, error or off (default: info)")(
      "log-format", po::value<std::string>()->default_value("text", ""),
      read ? "text (human) or json: every line on stderr is then one JSON object (logs, errors "
             "and warnings alike; default: text, or the config's logging.format)"
           : "text (human) or json: every line on stderr is then one JSON object (logs, errors "
             "and warnings alike; default: text)")(
      "quiet,q", po::bool_switch(),
      "only errors on stderr: no progress, notes or warnings (security "
      "warnings still show, and so do warnings that a result says nothing: an empty export, "
      "a window that misses the events); the log level becomes error unless --log-level "
      "is given");
}

namespace {

// --quiet lowers the logs to errors unless a level was asked for; both set how aihunt's own
// diagnostic lines are written (cli/print.h).
spdlog::level::level_enum effectiveLevel(const po::variables_map& values,
                                         spdlog::level::level_enum level) {
  const bool quiet = values.count("quiet") != 0 && values["quiet"].as<bool>();
  if (quiet && values["log-level"].defaulted()) return spdlog::level::err;
  return level;
}

void applyDiagnostics(const po::variables_map& values, core::LogFormat format,
                      CommandContext& context) {
  context.log_format = format;
  context.streams.json_diagnostics = format == core::LogFormat::kJson;
  setSignalNoteAsJson(format == core::LogFormat::kJson);
  context.streams.quiet = values.count("quiet") != 0 && values["quiet"].as<bool>();
}

int exitCodeOf(const core::Error& error, int otherwise) {
  return error.code == core::ErrorCode::kBusy ? core::kExitBusy : otherwise;
}

// Boost says only "too many positional options"; this names the word it did not expect, parsing
// again with a catch-all positional. The usual cause is a list typed with spaces after its
// commas ("--hunt a, b"), which the shell splits in two.
// `hunt --offline FILE` (config check's --offline is a switch).
bool offlineTakesFile(const po::options_description& options) {
  const po::option_description* offline = options.find_nothrow("offline", /*approx=*/false);
  return offline != nullptr && offline->semantic()->max_tokens() > 0;
}

std::string strayArgumentMessage(const std::vector<std::string>& args,
                                 const po::options_description& options,
                                 const po::positional_options_description& positional) {
  constexpr const char* kStray = "aihunt-stray-argument";
  po::options_description widened_options;
  widened_options.add(options);
  widened_options.add_options()(kStray, po::value<std::vector<std::string>>());
  po::positional_options_description widened;
  for (unsigned position = 0; position < positional.max_total_count(); ++position) {
    widened.add(positional.name_for_position(position).c_str(), 1);
  }
  widened.add(kStray, -1);
  po::variables_map values;
  try {
    po::store(po::command_line_parser(args).options(widened_options).positional(widened).run(),
              values);
  } catch (const po::error&) {
    return "too many arguments (see --help)";
  }
  if (values.count(kStray) == 0) return "too many arguments (see --help)";
  const std::string stray = values[kStray].as<std::vector<std::string>>().front();
  std::string message = "unexpected argument '" + stray + "'";
  std::error_code error;
  const auto at = std::find(args.begin(), args.end(), stray);
  if (at != args.begin() && at != args.end() && !std::prev(at)->empty() &&
      std::prev(at)->back() == ',') {
    // The option the comma's value belongs to: "--hunt a," or "--hunt=a,".
    const std::string& value = *std::prev(at);
    std::string name;
    if (value.rfind("--", 0) == 0 && value.find('=') != std::string::npos) {
      name = value.substr(2, value.find('=') - 2);
    } else if (std::prev(at) != args.begin() && std::prev(at, 2)->rfind("--", 0) == 0) {
      name = std::prev(at, 2)->substr(2);
    }
    const po::option_description* option =
        name.empty() ? nullptr : options.find_nothrow(name, /*approx=*/false);
    if (option != nullptr && option->semantic()->is_composing()) {
      message += ": a list takes no spaces after its commas; did you mean '" + value + stray + "'?";
    } else if (option != nullptr) {
      message += ": --" + name + " takes one value here, not a list";
    } else {
      message += ": a space after a comma splits a value in two";
    }
  } else if (offlineTakesFile(options) &&
             std::find(args.begin(), args.end(), "--offline") == args.end() &&
             std::filesystem::is_regular_file(stray, error)) {
    // `aihunt hunt events.jsonl`: a file of events is hunted with --offline.
    message += ": to hunt a file of exported events, give --offline " + stray;
  } else if (offlineTakesFile(options) &&
             std::find(args.begin(), args.end(), "--offline") != args.end() &&
             std::filesystem::is_regular_file(stray, error)) {
    // `aihunt hunt --offline a.jsonl b.jsonl` (a trial): one file a run.
    message +=
        ": --offline reads one file; hunt several as one (cat a.jsonl b.jsonl > all.jsonl, "
        "zcat for .gz), or one run each";
  } else {
    message += ": options start with -- (a value with spaces needs quotes)";
  }
  return message + " (see --help)";
}

// What to say after "unrecognised option": an option users bring from other tools, the one meant
// here (`hunt --events FILE` is `--offline FILE`), else the nearest spelling. `--format` on a
// command that prints text only is not '--log-format' (that is the log lines' format).
std::string optionAdvice(const std::string& unknown, const std::vector<std::string>& known) {
  const auto has = [&](std::string_view name) {
    return std::find(known.begin(), known.end(), name) != known.end();
  };
  static const std::vector<std::pair<std::string_view, std::vector<std::string_view>>> kMeant = {
      {"--events", {"--offline", "--input"}},
      {"--file", {"--offline", "--input"}},
      {"--input", {"--offline"}},
      {"--output", {"--format"}},
      {"--json", {"--format"}},
  };
  for (const auto& [name, meant] : kMeant) {
    if (name != unknown) continue;
    for (const std::string_view option : meant) {
      if (has(option)) {
        return "; did you mean '" + std::string(option) + (name == "--json" ? " json" : "") + "'?";
      }
    }
  }
  const bool format_asked = unknown == "--format" || unknown == "--output" || unknown == "--json";
  if (format_asked && !has("--format")) {
    return "; this command prints text only (--log-format is the log lines' format)";
  }
  const std::string nearest = service::nearestName(unknown, known);
  return nearest.empty() ? "" : "; did you mean '" + nearest + "'?";
}

}  // namespace

bool setUpLogging(const po::variables_map& values, CommandContext& context) {
  auto level = core::parseLogLevel(values["log-level"].as<std::string>());
  if (!level) return fail(context.streams, level.error(), core::kExitUsage), false;
  auto format = core::parseLogFormat(values["log-format"].as<std::string>());
  if (!format) return fail(context.streams, format.error(), core::kExitUsage), false;
  core::LogOptions options;
  options.level = effectiveLevel(values, *level);
  options.format = *format;
  options.stream = context.streams.err;
  context.logger = core::makeLogger("aihunt", options, context.redactor);
  applyDiagnostics(values, *format, context);
  return true;
}

void applyConfigLogging(const po::variables_map& values, const core::LogOptions& configured,
                        CommandContext& context) {
  const bool level_given = !values["log-level"].defaulted();
  const bool format_given = !values["log-format"].defaulted();
  if (level_given && format_given) return;
  core::LogOptions options;
  options.level = level_given ? *core::parseLogLevel(values["log-level"].as<std::string>())
                              : effectiveLevel(values, configured.level);
  options.format = format_given ? *core::parseLogFormat(values["log-format"].as<std::string>())
                                : configured.format;
  options.stream = context.streams.err;
  context.logger = core::makeLogger("aihunt", options, context.redactor);
  applyDiagnostics(values, options.format, context);
}

bool asksForJsonLogs(const std::vector<std::string>& args) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--log-format=json") return true;
    if (args[i] == "--log-format" && i + 1 < args.size() && args[i + 1] == "json") return true;
  }
  return false;
}

bool parseOptions(const std::vector<std::string>& args, const po::options_description& options,
                  const po::positional_options_description& positional, po::variables_map& values,
                  const Streams& given) {
  Streams streams = given;
  streams.json_diagnostics = streams.json_diagnostics || asksForJsonLogs(args);
  try {
    po::store(po::command_line_parser(args).options(options).positional(positional).run(), values);
    po::notify(values);
    return true;
  } catch (const po::unknown_option& error) {
    // A typo ("--lats") gets the option meant, as hunt and config names do.
    std::vector<std::string> known;
    for (const auto& option : options.options()) known.push_back("--" + option->long_name());
    // "--events=x.jsonl" is looked up as "--events".
    std::string name = error.get_option_name();
    name = name.substr(0, name.find('='));
    fail(streams, std::string(error.what()) + optionAdvice(name, known) + " (see --help)",
         core::kExitUsage);
    return false;
  } catch (const po::too_many_positional_options_error&) {
    fail(streams, strayArgumentMessage(args, options, positional), core::kExitUsage);
    return false;
  } catch (const po::error& error) {
    fail(streams, std::string(error.what()) + " (see --help)", core::kExitUsage);
    return false;
  }
}

int printHelp(const po::options_description& options, std::string_view epilogue,
              const Streams& streams) {
  std::ostringstream text;
  text << options << epilogue;
  printText(shapeRedactor(), streams.out, text.str());
  return core::kExitOk;
}

int fail(const Streams& streams, const std::string& message, int exit_code) {
  printDiagnostic(streams, shapeRedactor(), Diagnostic::kError, message);
  return exit_code;
}

int fail(const Streams& streams, const core::Error& error, int exit_code) {
  return fail(streams, error.message, exitCodeOf(error, exit_code));
}

int fail(CommandContext& context, const std::string& message, int exit_code) {
  printDiagnostic(context.streams, *context.redactor, Diagnostic::kError, message);
  return exit_code;
}

int fail(CommandContext& context, const core::Error& error, int exit_code) {
  return fail(context, error.message, exitCodeOf(error, exit_code));
}

}  // namespace aihunt::cli

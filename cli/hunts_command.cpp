// `aihunt hunts [-c CONFIG] [--format table|json]`: the hunts a run would choose from (the
// built-in ones, or the config's), with what each reads, what it looks for and when it runs, so
// that `--hunt NAME` is never a guess.
#include <algorithm>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "cli/detection_setup.h"
#include "cli/print.h"
#include "cli/terminal.h"
#include "core/exit_codes.h"

namespace aihunt::cli {

namespace po = boost::program_options;

namespace {

// "15m", "1h", "90s", "1h30m": the forms the config takes.
std::string shortDuration(std::int64_t ms) {
  if (ms == 0) return "0s";
  if (ms % 1000 != 0) return std::to_string(ms) + "ms";
  std::int64_t seconds = ms / 1000;
  std::string text;
  for (const auto& [unit, size] : {std::pair{"d", 86'400LL}, {"h", 3'600LL}, {"m", 60LL}}) {
    if (seconds >= size) {
      text += std::to_string(seconds / size) + unit;
      seconds %= size;
    }
  }
  if (seconds != 0) text += std::to_string(seconds) + "s";
  return text;
}

std::vector<std::string> signalNames(const detection::SignalSet& signals) {
  std::vector<std::string> names;
  signals.forEach(
      [&](detection::Signal signal) { names.emplace_back(detection::signalName(signal)); });
  return names;
}

std::string joined(const std::vector<std::string>& items) {
  std::string text;
  for (const auto& item : items) text += (text.empty() ? "" : ", ") + item;
  return text;
}

std::string databaseName(config::HuntDatabase database) {
  return database == config::HuntDatabase::kFlows ? "flows" : "events";
}

nlohmann::json huntJson(const config::HuntConfig& hunt) {
  nlohmann::json fields = nlohmann::json::object();
  for (const auto& [field, property] : hunt.fields) {
    fields[std::string(detection::fieldName(field))] = property;
  }
  return {{"name", hunt.name},
          {"enabled", hunt.enabled},
          {"builtin", hunt.builtin},
          {"description", hunt.description},
          {"database", databaseName(hunt.database)},
          {"fields", fields},
          {"where", hunt.where},
          {"own_aql", !hunt.aql.empty()},
          {"aggregate_uploads", hunt.aggregate_uploads},
          {"signals", signalNames(hunt.signals)},
          {"schedule",
           {{"every_seconds", hunt.schedule.every.count() / 1000},
            {"delay_seconds", hunt.schedule.delay.count() / 1000},
            {"overlap_seconds", hunt.schedule.overlap.count() / 1000}}}};
}

// Words of `text` on lines of at most `width` columns, each after `indent`.
std::string wrapped(const std::string& text, std::size_t width, const std::string& indent) {
  std::string out;
  std::string line;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find(' ', start);
    if (end == std::string::npos) end = text.size();
    const std::string word = text.substr(start, end - start);
    start = end + 1;
    if (word.empty()) continue;
    if (!line.empty() && indent.size() + line.size() + 1 + word.size() > width) {
      out += indent + line + "\n";
      line.clear();
    }
    line += (line.empty() ? "" : " ") + word;
  }
  if (!line.empty()) out += indent + line + "\n";
  return out;
}

// Lines wrapped at `width` (the terminal's, else $COLUMNS, else 100), never below 40.
std::string huntText(const config::HuntConfig& hunt, std::size_t width) {
  const std::size_t kWidth = std::max<std::size_t>(width, 40);
  const std::string indent = "    ";
  std::string text = hunt.name + (hunt.enabled ? "" : " (disabled)") +
                     (hunt.builtin ? "" : " (from the config)") + "\n";
  if (!hunt.description.empty()) text += wrapped("telemetry: " + hunt.description, kWidth, indent);
  std::vector<std::string> properties;
  for (const auto& [field, property] : hunt.fields) properties.push_back(property);
  std::string reads = "reads: " + databaseName(hunt.database);
  if (!hunt.where.empty()) reads += " where " + hunt.where;
  if (!hunt.aql.empty()) reads += " (its own AQL)";
  if (!properties.empty()) reads += "; properties: " + joined(properties);
  text += wrapped(reads, kWidth, indent);
  text += wrapped("signals: " + joined(signalNames(hunt.signals)), kWidth, indent);
  text += indent + "schedule: every " + shortDuration(hunt.schedule.every.count()) + ", delay " +
          shortDuration(hunt.schedule.delay.count()) + ", overlap " +
          shortDuration(hunt.schedule.overlap.count()) + " (aihunt run)\n";
  return text;
}

}  // namespace

int runHuntsCommand(const std::vector<std::string>& args, CommandContext& context) {
  po::options_description options(
      "aihunt hunts [-c CONFIG] [--format table|json]: list the hunts (built-in, or the "
      "config's)");
  options.add_options()("help,h", "show this help")("config,c", po::value<std::string>(),
                                                    "config file (default: the built-in hunts)")(
      "format,f", po::value<std::string>()->default_value("table"), "table or json");
  addLoggingOptions(options);
  po::variables_map values;
  if (!parseOptions(args, options, {}, values, context.streams)) return core::kExitUsage;
  if (values.count("help") != 0) {
    return printHelp(options,
                     "\nA run without --hunt runs every enabled hunt; --hunt NAME runs a named "
                     "one, enabled or not.\nExit codes: 0 ok, 2 usage or config error.\n",
                     context.streams);
  }
  if (!setUpLogging(values, context)) return core::kExitUsage;
  const std::string format = values["format"].as<std::string>();
  if (format != "table" && format != "json") {
    return fail(context, "--format: '" + format + "' is not table or json", core::kExitUsage);
  }
  auto setup = loadDetectionSetup(
      values.count("config") != 0 ? values["config"].as<std::string>() : std::string(),
      std::string(), context);
  if (!setup) return fail(context, setup.error(), core::kExitUsage);
  if (format == "json") {
    nlohmann::json hunts = nlohmann::json::array();
    for (const auto& hunt : setup->hunts) hunts.push_back(huntJson(hunt));
    // ASCII-only JSON: a config's text reaches the terminal as escapes, and a JSON reader gets
    // it back exactly.
    const std::string text = nlohmann::json{{"hunts", hunts}}.dump(
        2, ' ', /*ensure_ascii=*/true, nlohmann::json::error_handler_t::replace);
    printText(*context.redactor, context.streams.out, text + "\n");
    return core::kExitOk;
  }
  std::string text;
  const std::size_t width = terminalWidth(context.streams.out, *context.environment);
  for (const auto& hunt : setup->hunts) {
    text += (text.empty() ? "" : "\n") + huntText(hunt, width);
  }
  printText(*context.redactor, context.streams.out, text);
  return core::kExitOk;
}

}  // namespace aihunt::cli

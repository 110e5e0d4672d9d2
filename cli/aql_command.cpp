// `aihunt aql`: the AQL each hunt would send; `aihunt aql lint FILE|-`: check a query before
// QRadar spends a search on it.
#include <algorithm>
#include <iostream>
#include <sstream>
#include <utility>

#include "aql/lint.h"
#include "aql/printer.h"
#include "cli/aql_file.h"
#include "cli/aql_lint_queries.h"
#include "cli/command.h"
#include "cli/detection_setup.h"
#include "cli/hunt_option.h"
#include "cli/print.h"
#include "cli/time_options.h"
#include "core/exit_codes.h"
#include "core/text.h"
#include "service/hunt_plan.h"
#include "service/hunt_query.h"
#include "service/hunt_selection.h"

namespace aihunt::cli {

namespace po = boost::program_options;

namespace {

constexpr std::string_view kLintUsage =
    "Usage: aihunt aql lint FILE|-\n  Exit 0: no errors (warnings may be printed); 2: errors, "
    "each with line and column. Several queries, each starting with SELECT after a blank line "
    "(as 'aihunt aql' prints them), are checked one by one.\n";

int runLint(const std::vector<std::string>& args, CommandContext& context) {
  // One argument, a file or '-': anything more (--quiet, --log-format) is named, not ignored.
  // Options are named as options wherever they stand (`-q FILE` is not a second file, and a
  // lone `-q` is not a file that cannot be opened).
  const auto isOption = [](const std::string& arg) { return arg.size() > 1 && arg[0] == '-'; };
  // `--` ends the options: a file named -q (or --help) can be linted as `aql lint -- -q`.
  std::vector<std::string> rest;
  std::string options;
  bool options_end = false;
  bool help = false;
  for (const std::string& arg : args) {
    if (!options_end && arg == "--") {
      options_end = true;
    } else if (!options_end && (arg == "--help" || arg == "-h")) {
      help = true;
    } else if (!options_end && isOption(arg)) {
      options += (options.empty() ? "'" : ", '") + arg + "'";
    } else {
      rest.push_back(arg);
    }
  }
  if (help) {
    printText(*context.redactor, context.streams.out, kLintUsage);
    return core::kExitOk;
  }
  if (!options.empty()) {
    return fail(context.streams,
                "aql lint takes no options (it prints each diagnostic with its line and column; "
                "the exit code says whether there were errors); not " +
                    options,
                core::kExitUsage);
  }
  if (rest.size() > 1) {
    std::string extra;
    for (std::size_t i = 1; i < rest.size(); ++i) extra += (i == 1 ? "'" : ", '") + rest[i] + "'";
    return fail(context.streams, "aql lint takes one FILE (or - for standard input); not " + extra,
                core::kExitUsage);
  }
  if (rest.empty()) {
    printText(*context.redactor, context.streams.err, kLintUsage);
    return core::kExitUsage;
  }
  std::string text;
  if (rest[0] == "-") {
    std::ostringstream in;
    in << std::cin.rdbuf();
    text = in.str();
  } else {
    auto read = readAqlFile(rest[0]);
    if (!read) return fail(context.streams, read.error().message, core::kExitUsage);
    text = std::move(*read);
  }
  std::vector<aql::Diagnostic> diagnostics = lintQueries(text);
  // In the file's order, as a compiler lists them (the checks run clause by clause).
  std::stable_sort(diagnostics.begin(), diagnostics.end(), [](const auto& a, const auto& b) {
    return std::pair(a.pos.line, a.pos.column) < std::pair(b.pos.line, b.pos.column);
  });
  const std::string name = rest[0] == "-" ? "<stdin>" : rest[0];
  for (const auto& diagnostic : diagnostics) {
    printFormatted(*context.redactor, context.streams.out, "%s:%s\n", name.c_str(),
                   aql::formatDiagnostic(diagnostic).c_str());
  }
  if (aql::hasErrors(diagnostics)) return core::kExitUsage;
  if (diagnostics.empty())
    printFormatted(*context.redactor, context.streams.out, "%s: OK\n", name.c_str());
  return core::kExitOk;
}

}  // namespace

int runAqlCommand(const std::vector<std::string>& args, CommandContext& context) {
  if (!args.empty() && args[0] == "lint") {
    return runLint(std::vector<std::string>(args.begin() + 1, args.end()), context);
  }
  // `aql lnt q.aql`: a misspelt subcommand, not a stray argument.
  if (!args.empty() && !args[0].empty() && args[0][0] != '-' &&
      service::nearestName(args[0], {"lint"}) == "lint") {
    return fail(context.streams,
                "unknown aql subcommand '" + core::printableExcerpt(args[0], 60) +
                    "'; did you mean 'lint'? (aihunt aql lint FILE|-)",
                core::kExitUsage);
  }
  po::options_description options(
      "aihunt aql: print the AQL each hunt would send for a window (aihunt aql lint FILE|- "
      "checks a query)");
  options.add_options()("help,h", "show this help")("config,c", po::value<std::string>(),
                                                    "config file (default: the built-in hunts)");
  addHuntOption(options,
                "only these hunts: repeat or separate with commas (default: every enabled hunt)");
  addTimeOptions(options, /*judges_expiry=*/false);
  addLoggingOptions(options);
  po::variables_map values;
  if (!parseOptions(args, options, {}, values, context.streams)) return core::kExitUsage;
  if (values.count("help") != 0)
    return printHelp(options,
                     "\nThe window defaults to the last 24 hours, as for 'aihunt hunt'. Each query "
                     "goes to stdout, "
                     "preceded on stderr by the hunt's name (not with --quiet).\n",
                     context.streams);
  if (!setUpLogging(values, context)) return core::kExitUsage;
  auto times = resolveTimes(values);
  if (!times) return fail(context.streams, times.error(), core::kExitUsage);
  const core::EpochMs now = times->now;
  const std::optional<aql::TimeRange>& window = times->window;
  // The same default as `aihunt hunt`: what is printed here is what a hunt would send.
  const aql::TimeRange range =
      window.value_or(aql::TimeRange{now - service::kDefaultHuntWindowMs, now});
  auto setup = loadDetectionSetup(
      values.count("config") != 0 ? values["config"].as<std::string>() : std::string(),
      std::string(), context);
  if (!setup) return fail(context.streams, setup.error(), core::kExitUsage);
  auto selected = service::selectHunts(setup->hunts, huntOption(values));
  if (!selected) return fail(context.streams, selected.error(), core::kExitUsage);
  int printed = 0;
  for (const config::HuntConfig* selected_hunt : *selected) {
    const config::HuntConfig& hunt = *selected_hunt;
    auto query = service::huntQuery(hunt, *setup->settings, range.from, range.to, false);
    if (!query) return fail(context.streams, query.error(), core::kExitUsage);
    printDiagnostic(context.streams, *context.redactor, Diagnostic::kNote,
                    "hunt " + hunt.name + ":");
    printFormatted(*context.redactor, context.streams.out, "%s%s\n", printed++ == 0 ? "" : "\n",
                   aql::print(*query).c_str());
    std::fflush(context.streams.out);
    auto upload = service::uploadQuery(hunt, *setup->settings, range.from, range.to);
    if (!upload) return fail(context.streams, upload.error(), core::kExitUsage);
    if (!*upload) continue;
    printDiagnostic(context.streams, *context.redactor, Diagnostic::kNote,
                    "hunt " + hunt.name + " (aggregated uploads):");
    printFormatted(*context.redactor, context.streams.out, "\n%s\n", aql::print(**upload).c_str());
  }
  return core::kExitOk;
}

}  // namespace aihunt::cli

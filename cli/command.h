#pragma once
// What every subcommand shares: its streams, a logger built from --log-level/--log-format, and
// how it reports a failure (one line on stderr, then a documented exit code).
#include <memory>
#include <string>
#include <vector>

#include <spdlog/logger.h>
#include <boost/program_options.hpp>

#include "cli/cli.h"
#include "config/environment.h"
#include "core/error.h"
#include "core/logging.h"

namespace aihunt::cli {

struct CommandContext {
  Streams streams;
  std::shared_ptr<core::Redactor> redactor = std::make_shared<core::Redactor>();
  std::shared_ptr<spdlog::logger> logger;
  core::LogFormat log_format = core::LogFormat::kText;
  // Variables and the QRadar token (main() captures the token and takes it out of the
  // process environment): read through here, never through getenv.
  std::shared_ptr<const config::Environment> environment =
      std::make_shared<config::ProcessEnvironment>();
};

// Which logging settings a command reads: the daemon's commands (run, backfill) take the
// config's logging: section where an option is not given; the others log as the options say,
// text by default, whatever the config (its logging: section is marked [daemon]).
enum class ConfigLogging { kIgnored, kRead };
// Adds --log-level, --log-format and --quiet to a subcommand's options.
void addLoggingOptions(boost::program_options::options_description& options,
                       ConfigLogging config = ConfigLogging::kIgnored);
// Builds the context's logger from those options; false (and a message) on bad values.
bool setUpLogging(const boost::program_options::variables_map& values, CommandContext& context);

// Whether `args` ask for `--log-format json` (either spelling): read before the options parse,
// so that the error of a command line that does not parse is a JSON line too.
bool asksForJsonLogs(const std::vector<std::string>& args);

// Parses `args` against `options` (positional names allowed). On error prints it and returns
// false; `help` is set when --help was given.
bool parseOptions(const std::vector<std::string>& args,
                  const boost::program_options::options_description& options,
                  const boost::program_options::positional_options_description& positional,
                  boost::program_options::variables_map& values, const Streams& streams);

// --help: the options, then `epilogue` (defaults, exit codes) on stdout; returns 0.
int printHelp(const boost::program_options::options_description& options, std::string_view epilogue,
              const Streams& streams);

// "aihunt: error: <message>" on stderr; returns `exit_code`. An error of kind kBusy (another
// process holds the state file or the port) returns kExitBusy instead, whatever the caller
// passed, so that every command reports contention with the one code a restart can act on.
int fail(const Streams& streams, const std::string& message, int exit_code);
int fail(const Streams& streams, const core::Error& error, int exit_code);
// The same with the context's redactor (the token known); JSON when logs are JSON (every stderr
// line is then JSON).
int fail(CommandContext& context, const core::Error& error, int exit_code);
int fail(CommandContext& context, const std::string& message, int exit_code);

// Applies the config's logging: section where --log-level / --log-format were not given.
void applyConfigLogging(const boost::program_options::variables_map& values,
                        const core::LogOptions& configured, CommandContext& context);

int runTriageCommand(const std::vector<std::string>& args, CommandContext& context);
int runIncidentsCommand(const std::vector<std::string>& args, CommandContext& context);
int runConfigCommand(const std::vector<std::string>& args, CommandContext& context);
int runHuntCommand(const std::vector<std::string>& args, CommandContext& context);
int runHuntsCommand(const std::vector<std::string>& args, CommandContext& context);
int runAqlCommand(const std::vector<std::string>& args, CommandContext& context);
int runCheckCommand(const std::vector<std::string>& args, CommandContext& context);
int runRunCommand(const std::vector<std::string>& args, CommandContext& context);
int runBackfillCommand(const std::vector<std::string>& args, CommandContext& context);
int runStateCommand(const std::vector<std::string>& args, CommandContext& context);

}  // namespace aihunt::cli

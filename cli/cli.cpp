#include "cli/cli.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "cli/build_commit.h"
#include "cli/command.h"
#include "cli/print.h"
#include "config/token_source.h"
#include "core/exit_codes.h"
#include "service/hunt_selection.h"

namespace aihunt::cli {
namespace {

constexpr const char* kUsage =
    R"(aihunt: hunt for generative-AI API use from scripts, CLI tools and LOLBins
(MITRE ATT&CK T1588.007) in IBM QRadar data.

Usage: aihunt <command> [options]

Commands:
  run             The daemon: every hunt on its schedule, gap-free windows, findings once
                  into the state store and the JSONL file (--once: one pass, then exit)
  backfill        Hunt a past range of one hunt through the daemon's ledger
  state           The daemon's state: show, gaps, check, vacuum, rewind
  hunt            Run the hunts on a QRadar console (Ariel), print findings
  hunt --offline  Run the hunts' AQL over exported events (JSONL), then the detection
  hunts           List the hunts (built-in, or the config's with -c): telemetry, signals,
                  enabled, schedule (--format json)
  check           Check the console: TLS, token, API version, capabilities, catalog, sets
  aql             Print the AQL each hunt would send for a window
  aql lint        Check an AQL query: syntax with positions, missing time clause, silent LIMIT
  triage          Run the detection over exported Ariel results (a results document or JSONL)
  incidents       Fold findings aihunt wrote (the daemon's JSONL file) into incidents
  config check    Validate a config file and print every error at once
  config example  Print a complete, commented example config
  config reference  Print the configuration reference (docs/config-reference.md)
  version         Print the version, commit and build type (also --version)

Run 'aihunt <command> --help' for a command's options.

Exit codes:
    0  success
    1  findings found and --fail-on-findings given
    2  usage, config or input error, or output that could not be written
    3  connection, TLS or authentication failure
    4  search failed or timed out, or hit the row cap or the output cap
       (run, backfill, hunt --deliver: also a delivery that failed)
    5  the state file is damaged or unwritable (aihunt state check), was
       moved or replaced while aihunt run ran, or is missing for aihunt state
    6  busy: another aihunt holds the state file, or another process the
       health server's port; it passes (a later try may succeed)
  130  interrupted: Ctrl-C or SIGTERM stopped aihunt hunt (online, its searches
       were cancelled and deleted first); stdout holds no findings (--format
       json: the envelope says "complete": false and holds what was found
       before the stop)
)";

}  // namespace

namespace {

int dispatch(const std::vector<std::string>& args, const Streams& given,
             std::shared_ptr<const config::Environment> environment) {
  // An unknown command's error follows --log-format json too (the command's own options set
  // the format for everything else).
  Streams streams = given;
  streams.json_diagnostics = streams.json_diagnostics || asksForJsonLogs(args);
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    printText(shapeRedactor(), args.empty() ? streams.err : streams.out, kUsage);
    return args.empty() ? core::kExitUsage : core::kExitOk;
  }
  CommandContext context;
  context.streams = streams;
  if (environment) context.environment = std::move(environment);
  // The token is known from the start, not only once a connection opens: a command that never
  // connects (aql, config, hunts) still prints config text, which may hold it literally.
  if (auto token = context.environment->get(config::kTokenVariable)) {
    context.redactor->addSecret(*token);
  }
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  const std::string& command = args[0];
  if (command == "triage") return runTriageCommand(rest, context);
  if (command == "incidents") return runIncidentsCommand(rest, context);
  if (command == "config") return runConfigCommand(rest, context);
  if (command == "hunt") return runHuntCommand(rest, context);
  if (command == "hunts") return runHuntsCommand(rest, context);
  if (command == "aql") return runAqlCommand(rest, context);
  if (command == "check") return runCheckCommand(rest, context);
  if (command == "run") return runRunCommand(rest, context);
  if (command == "backfill") return runBackfillCommand(rest, context);
  if (command == "state") return runStateCommand(rest, context);
  if (command == "version" || command == "--version") {
    // One line that scripts can split: the version (CMake's project version, also in the LEEF
    // header and the image label), the commit and the build type.
    printFormatted(shapeRedactor(), streams.out, "aihunt %s (commit %s, %s build)\n",
                   AIHUNT_VERSION, buildCommit(), AIHUNT_BUILD_TYPE);
    return core::kExitOk;
  }
  // Views and actions that are options of a command, not commands of their own.
  if (command == "incident") {
    return fail(streams,
                "unknown command 'incident'; did you mean 'incidents'? (aihunt incidents FILE: "
                "the incidents of findings aihunt wrote; 'aihunt hunt --view incidents' for a "
                "hunt's)",
                core::kExitUsage);
  }
  const std::vector<std::string> commands = {"triage",   "incidents", "config", "hunt",
                                             "hunts",    "aql",       "check",  "run",
                                             "backfill", "state",     "version"};
  // An option given before the command (`aihunt --log-format json run ...`): options belong to
  // a command, so say where it goes, naming the command found later on the line.
  if (command.starts_with("-")) {
    const auto named = std::find_if(args.begin() + 1, args.end(), [&](const std::string& arg) {
      return std::find(commands.begin(), commands.end(), arg) != commands.end();
    });
    return fail(streams,
                "'" + command + "' is an option of a command: put it after the command" +
                    (named == args.end() ? std::string(" (aihunt COMMAND " + command + " ...)")
                                         : " ('aihunt " + *named + " " + command + " ...')") +
                    " (see aihunt --help)",
                core::kExitUsage);
  }
  // Delivery is not a command: 'hunt --deliver' (one-off) and 'run' (the daemon) deliver.
  if (!service::nearestName(command, {"deliver", "delivery"}).empty()) {
    return fail(streams,
                "unknown command '" + command +
                    "'; findings are delivered by 'aihunt hunt --deliver' (a one-off run) and "
                    "'aihunt run' (the daemon) (see aihunt --help)",
                core::kExitUsage);
  }
  const std::string nearest = service::nearestName(command, commands);
  return fail(streams,
              "unknown command '" + command + "'" +
                  (nearest.empty() ? "" : "; did you mean '" + nearest + "'?") +
                  " (see aihunt --help)",
              core::kExitUsage);
}

}  // namespace

int runCli(const std::vector<std::string>& args, const Streams& given,
           std::shared_ptr<const config::Environment> environment) {
  const int code = dispatch(args, given, std::move(environment));
  // What a command printed as its result (a config example, a state report, the help) and could
  // not write (a full disk, a closed stdout) must not end in success: `aihunt config example >
  // aihunt.yaml` on a full disk would look done. A command that failed has said why already.
  errno = 0;
  const bool flushed = std::fflush(given.out) == 0;
  if ((!flushed || std::ferror(given.out) != 0) &&
      (code == core::kExitOk || code == core::kExitFindings)) {
    const int cause = errno;
    Streams streams = given;
    streams.json_diagnostics = streams.json_diagnostics || asksForJsonLogs(args);
    return fail(streams,
                std::string("writing the output failed") +
                    (cause != 0 ? std::string(": ") + std::strerror(cause) : std::string()) +
                    " (disk full or output closed?)",
                core::kExitUsage);
  }
  return code;
}

}  // namespace aihunt::cli

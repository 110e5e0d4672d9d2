// `aihunt run` (the daemon, or one pass with --once) and `aihunt backfill`: argument parsing, the
// composition root (config, state store, sinks, outbox, metrics, health server, connections,
// clock, signals) and printing. Everything they do is in service/.
#include <charconv>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "aql/time_window.h"
#include "cli/command.h"
#include "cli/delivery.h"
#include "cli/print.h"
#include "cli/qradar_connection.h"
#include "cli/run_report.h"
#include "cli/signals.h"
#include "cli/time_options.h"
#include "config/token_source.h"
#include "core/exit_codes.h"
#include "core/metrics.h"
#include "core/time.h"
#include "service/backfill_plan.h"
#include "service/console_searches.h"
#include "service/daemon.h"
#include "service/grace_watch.h"
#include "service/health_server.h"
#include "service/hunt_engine.h"
#include "service/hunt_selection.h"
#include "service/reference_set_refresher.h"
#include "service/run_summary.h"
#include "service/scheduler.h"
#include "state/state_store.h"

namespace aihunt::cli {

namespace po = boost::program_options;

namespace {

// backfill --max-windows: about six weeks of hourly windows. A year typed wrong is thousands.
constexpr std::size_t kBackfillMaxWindows = 1000;

// A whole number from 1 to a million windows (program_options would read "-1" into a size_t
// as its maximum; a million hourly windows are a century).
constexpr std::size_t kMostWindows = 1'000'000;
std::optional<std::size_t> positiveCount(const std::string& text) {
  std::size_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || value == 0 ||
      value > kMostWindows) {
    return std::nullopt;
  }
  return value;
}

// A span as hours and minutes, with days beside it past two days: a mistyped year reads as one.
std::string spanText(core::EpochMs ms) {
  std::string text = core::formatDuration(std::chrono::milliseconds(ms));
  constexpr core::EpochMs kDay = 86'400'000;
  if (ms >= 2 * kDay) text += " (" + std::to_string(ms / kDay) + " days)";
  return text;
}

// The instant given by --now, moving on with real time: `run --now T` follows an emulated clock.
class OffsetClock final : public core::Clock {
 public:
  explicit OffsetClock(core::EpochMs start)
      : start_(start), started_(std::chrono::steady_clock::now()) {}
  [[nodiscard]] core::TimePoint now() const override {
    const auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - started_);
    return core::fromEpochMs(start_ + elapsed.count());
  }

 private:
  core::EpochMs start_;
  std::chrono::steady_clock::time_point started_;
};

// Everything `run` and `backfill` build before hunting.
struct Runtime {
  service::SharedConfig config;
  Delivery delivery;
  std::unique_ptr<service::ReferenceSetRefresher> reference_sets;  // when exceptions name sets
};

// The refresher of the reference sets that exceptions name, with the stored copies loaded; none
// when no exception names a set.
void openReferenceSets(const po::variables_map& values, const core::Clock& clock,
                       CommandContext& context, Runtime& runtime) {
  auto names = service::referencedSetNames(runtime.config->settings.exceptions);
  if (names.empty()) return;
  const config::QRadarConfig qradar = runtime.config->qradar.value_or(config::QRadarConfig());
  service::ReferenceSetRefresherOptions options;
  options.names = std::move(names);
  options.every = qradar.exceptions_refresh;
  options.max_values = static_cast<std::size_t>(qradar.exceptions_max_values);
  runtime.reference_sets = std::make_unique<service::ReferenceSetRefresher>(
      options,
      consoleConnector(values, runtime.delivery.console, context, runtime.delivery.metrics,
                       runtime.delivery.abandon),
      runtime.delivery.store.get(), clock, &runtime.delivery.metrics, context.logger);
  runtime.reference_sets->loadStored();
}

// A reload applies hunts: and qradar:; the outputs (the sinks), the state file, the health
// server and the logging were set up at the start and stay. An edit of those would otherwise
// be taken in silence, as if it applied.
void warnStartOnlyChanges(const config::Config& running, const config::Config& loaded,
                          core::Metrics& metrics, CommandContext& context) {
  std::vector<std::string> changed;
  if (!(loaded.outputs == running.outputs)) changed.emplace_back("outputs:");
  if (!(loaded.state == running.state)) changed.emplace_back("state:");
  if (!(loaded.server == running.server)) changed.emplace_back("server:");
  if (!(loaded.logging == running.logging)) changed.emplace_back("logging:");
  // The refresher of the sets that exceptions name is set up at the start too (its sets, how
  // often and how much it reads).
  const config::QRadarConfig none;
  const config::QRadarConfig& was = running.qradar ? *running.qradar : none;
  const config::QRadarConfig& is = loaded.qradar ? *loaded.qradar : none;
  if (service::referencedSetNames(loaded.settings.exceptions) !=
          service::referencedSetNames(running.settings.exceptions) ||
      is.exceptions_refresh != was.exceptions_refresh ||
      is.exceptions_max_values != was.exceptions_max_values) {
    changed.emplace_back("the reference sets exceptions read");
  }
  metrics.set("aihunt_config_restart_needed", {}, changed.empty() ? 0 : 1);
  if (changed.empty()) return;
  std::string sections;
  for (std::size_t i = 0; i < changed.size(); ++i) {
    sections += (i == 0 ? "" : i + 1 == changed.size() ? " and " : ", ") + changed[i];
  }
  context.logger->warn(
      "config reloaded, but {} changed: {} set up at the start, so the change takes effect when "
      "aihunt is restarted (a reload applies the hunts, the exceptions' rules and the console "
      "connection)",
      sections, changed.size() == 1 ? "it is" : "they are");
}

// What the console connection needs and the config or the command line must give (the URL, the
// token, a version aihunt speaks): checked when the daemon starts and on each reload, since
// without it every cycle would fail the same way while /readyz said the config was fine.
core::Status checkConsoleSettings(const po::variables_map& values, const config::Config& cfg,
                                  CommandContext& context) {
  auto request = connectionRequest(values, cfg.qradar);
  if (!request) return request.error();
  return service::checkConnectionSettings(*request, *context.environment);
}

// Loads the config and opens the state store and the sinks. `check_console` (run, backfill): the
// console settings are checked first, before the state file is locked, opened or reset and before
// crash's half-delivered batch is rolled back, since a run refused for them changes nothing.
int openRuntime(const po::variables_map& values, const std::string& config_path,
                CommandContext& context, Runtime& runtime, bool check_console = false) {
  auto loaded = loadDeliveryConfig(config_path, context);
  if (!loaded) return fail(context, loaded.error(), core::kExitUsage);
  runtime.config = *loaded;
  const config::Config& cfg = *runtime.config;
  core::LogOptions logging;
  logging.level = cfg.logging.level;
  logging.format = cfg.logging.format;
  applyConfigLogging(values, logging, context);
  if (check_console) {
    if (auto console = checkConsoleSettings(values, cfg, context); !console) {
      return fail(context, console.error(), core::kExitUsage);
    }
    if (cfg.qradar) {
      if (auto hidden = config::hiddenTokenFileWarning(*cfg.qradar, *context.environment)) {
        context.logger->warn("qradar.token_file: {}", *hidden);
      }
    }
  }
  return openDelivery(values, cfg, context, runtime.delivery);
}

}  // namespace

int runRunCommand(const std::vector<std::string>& args, CommandContext& context) {
  po::options_description options(
      "aihunt run -c CONFIG [--once] [--now T]: hunt every enabled hunt on its schedule");
  options.add_options()("help,h", "show this help")("config,c", po::value<std::string>(),
                                                    "config file (required)")(
      "once", po::bool_switch(),
      "hunt every due window of every hunt, deliver the findings, and exit (cron, CI, tests)")(
      "format", po::value<std::string>()->default_value("text"),
      "--once: the report it ends with, text (a table) or json (one document, with the exit "
      "code)")(
      "now", po::value<std::string>(),
      (std::string("the instant treated as now; the clock runs on from it: ") + kTimestampForms)
          .c_str())(
      "state-reset", po::bool_switch(),
      "move a damaged state file aside (with a timestamp) and start afresh; a sound one is "
      "refused")("grace", po::value<std::string>()->default_value("30s"),
                 "after SIGTERM or Ctrl-C: the outbox is flushed until this long after the signal "
                 "(in-flight searches are cancelled first; a delivery still retrying then is "
                 "cut off, its findings kept); a second SIGTERM or Ctrl-C ends aihunt at once");
  addConnectionOptions(options);
  addLoggingOptions(options, ConfigLogging::kRead);
  po::variables_map values;
  if (!parseOptions(args, options, {}, values, context.streams)) return core::kExitUsage;
  if (values.count("help") != 0) {
    return printHelp(
        options,
        "\nSignals: SIGTERM/SIGINT stop (in-flight searches are cancelled and "
        "deleted, the outbox is flushed, both within --grace); a second one ends aihunt at "
        "once (killed by it: 143 or 130 in a shell); SIGHUP reloads the config (a bad one is "
        "refused and the running one kept).\nExit codes (--once): 0 every window "
        "hunted and delivered, 2 usage or config error, 3 connection failure, 4 a "
        "search or a delivery failed, 5 the state file is damaged or unwritable, 6 busy: "
        "another aihunt holds the state file or another process the health port (it passes; "
        "the systemd unit restarts on it); a stopped daemon exits 0.\n",
        context.streams);
  }
  if (!setUpLogging(values, context)) return core::kExitUsage;
  if (values.count("config") == 0) {
    return fail(context, "aihunt run needs --config (see 'aihunt config example')",
                core::kExitUsage);
  }
  const auto format = runReportFormat(values["format"].as<std::string>());
  if (!format) return fail(context, format.error(), core::kExitUsage);
  if (*format == RunReportFormat::kJson && !values["once"].as<bool>()) {
    return fail(context,
                "--format json is for --once: the daemon prints no report (its metrics "
                "are on /metrics)",
                core::kExitUsage);
  }
  const std::string config_path = values["config"].as<std::string>();
  auto now = resolveNow(values);
  if (!now) return fail(context, now.error(), core::kExitUsage);
  if (auto ahead = nowNotAhead(values, *now); !ahead) {
    return fail(context, ahead.error(), core::kExitUsage);
  }
  auto grace = core::parseDuration(values["grace"].as<std::string>());
  if (!grace) return fail(context, grace.error().withContext("--grace"), core::kExitUsage);

  Runtime runtime;
  if (const int code = openRuntime(values, config_path, context, runtime,
                                   /*check_console=*/true);
      code != 0) {
    return code;
  }
  std::unique_ptr<core::Clock> clock;
  if (values.count("now") != 0) {
    clock = std::make_unique<OffsetClock>(*now);
  } else {
    clock = std::make_unique<core::SystemClock>();
  }

  openReferenceSets(values, *clock, context, runtime);

  qradar::Cancellation stop = installInterruptHandler();
  installReloadHandler();
  // Each connection's transport reports request latency to the metrics.
  service::DaemonDeps deps{
      *runtime.delivery.store, *runtime.delivery.outbox, runtime.delivery.metrics, *clock,
      context.logger,
      // The running config's console, not the file's: an edit counts from its SIGHUP on.
      [&](const config::Config& cfg) -> core::Result<std::unique_ptr<service::QRadarConnection>> {
        auto request = connectionRequest(values, cfg.qradar);
        if (!request) return request.error();
        request->metrics = &runtime.delivery.metrics;
        // The daemon stops a turn on QRadarConnection::unreachable and
        // says why itself.
        request->caller_reports_unreachable = true;
        // A long-lived process waits for the console's versions rather than guess one.
        request->require_negotiated_version = true;
        // Stopped, a hunt cancels and deletes its search; those requests end with the grace
        // period too (every other request of a hunt ends at the stop itself).
        request->abort_flag = runtime.delivery.abandon.get();
        request->warn = runtime.delivery.console->takeWarnings();
        return service::openConnection(std::move(*request), *context.environment, context.redactor,
                                       context.logger);
      },
      stop, &reloadRequested(),
      [&]() -> core::Result<service::SharedConfig> {
        auto loaded = loadDeliveryConfig(config_path, context);
        if (!loaded) return loaded;
        if (auto console = checkConsoleSettings(values, **loaded, context); !console) {
          return console.error();
        }
        // Accepted (the daemon takes what this returns): the console sinks and the refresher
        // connect with it from now on (a connection a sink's lane holds keeps the old one).
        runtime.delivery.console->set((*loaded)->qradar);
        warnStartOnlyChanges(*runtime.config, **loaded, runtime.delivery.metrics, context);
        return loaded;
      },
      runtime.reference_sets.get(), runtime.delivery.abandon.get()};
  service::DaemonOptions daemon_options;
  daemon_options.once = values["once"].as<bool>();
  daemon_options.grace = *grace;
  daemon_options.ready_within = runtime.config->server.ready_within;
  service::Daemon daemon(std::move(deps), daemon_options, runtime.config);

  std::unique_ptr<service::HealthServer> server;
  const config::ServerConfig& server_config = runtime.config->server;
  if (server_config.enabled) {
    service::HealthServerOptions server_options;
    server_options.host = server_config.host;
    server_options.port = server_config.port;
    auto started = service::HealthServer::start(
        server_options, runtime.delivery.metrics,
        [&daemon]() {
          const service::Daemon::Readiness ready = daemon.readiness();
          service::ReadyReport report;
          // "config_file" does not make the daemon unready: it runs on the config it has.
          report.checks = {{"config", true},
                           {"config_file", ready.config_file_ok},
                           {"state", ready.state_ok},
                           {"qradar", ready.qradar_ok}};
          report.ready = ready.state_ok && ready.qradar_ok;
          if (!ready.qradar_ok && !ready.qradar_problem.empty()) {
            report.detail = "qradar: " + ready.qradar_problem;
          }
          if (!ready.state_ok && !ready.state_problem.empty()) {
            report.detail +=
                std::string(report.detail.empty() ? "" : "; ") + "state: " + ready.state_problem;
          }
          if (!ready.config_file_ok) {
            report.detail += std::string(report.detail.empty() ? "" : "; ") +
                             "the config file was refused at the last reload (SIGHUP): the "
                             "daemon runs on the config it had, and a restart would stop on the "
                             "file as it is";
          }
          return report;
        },
        context.logger);
    if (!started) return fail(context, started.error(), core::kExitUsage);
    server = std::move(*started);  // it says where it listens
  }
  context.logger->info("aihunt run: {} hunts, state {}{}", runtime.config->hunts.size(),
                       absoluteStatePath(*runtime.config), daemon_options.once ? ", once" : "");
  const service::DaemonReport report = daemon.run();
  if (daemon_options.once) {
    printRunReport(report, *runtime.config, *format, context);
  } else {
    // Stopped with findings a sink could not take in the grace period: they wait in the outbox
    // for the next start, and the operator is told which and why.
    printPendingSinks(runtime.config->outputs, report.sinks, Diagnostic::kWarning, context);
  }
  if (server) server->stop();
  return report.exit_code;
}

int runBackfillCommand(const std::vector<std::string>& args, CommandContext& context) {
  po::options_description options(
      "aihunt backfill -c CONFIG --hunt H --from T --to T [--force]: hunt a past range through "
      "the ledger");
  options.add_options()("help,h", "show this help")("config,c", po::value<std::string>(),
                                                    "config file (required)")(
      "hunt", po::value<std::string>(), "the hunt (required)")(
      "from", po::value<std::string>(), "start (forms as for --now), floored to the minute")(
      "to", po::value<std::string>(), "end, exclusive, ceiled to the minute")(
      "force", po::bool_switch(), "hunt windows the ledger already has too")(
      "format", po::value<std::string>()->default_value("text"),
      "the report it ends with: text (a table) or json (one document, with the exit code)")(
      "max-windows", po::value<std::string>()->default_value(std::to_string(kBackfillMaxWindows)),
      "refuse a range of more windows than this (a mistyped year is thousands of searches)")(
      "grace", po::value<std::string>()->default_value("30s"),
      "after Ctrl-C or SIGTERM: findings are delivered until this long after the signal (a "
      "delivery still retrying then is cut off, its findings kept in the outbox)")(
      "now", po::value<std::string>(),
      (std::string("the instant treated as now (for exception expiry; --to may not be after it; "
                   "not after this machine's clock): ") +
       kTimestampForms)
          .c_str());
  addConnectionOptions(options);
  addLoggingOptions(options, ConfigLogging::kRead);
  po::variables_map values;
  if (!parseOptions(args, options, {}, values, context.streams)) return core::kExitUsage;
  if (values.count("help") != 0) {
    return printHelp(options,
                     "\nWindows the ledger already holds are skipped unless --force; findings "
                     "already raised are repeats, never raised twice. Ctrl-C or SIGTERM stops: "
                     "the searches are cancelled, and findings are delivered until --grace "
                     "after the signal (the rest wait in the outbox); a second one ends aihunt "
                     "at once. Exit codes as for 'run --once'.\n",
                     context.streams);
  }
  if (!setUpLogging(values, context)) return core::kExitUsage;
  for (const char* required : {"config", "hunt", "from", "to"}) {
    if (values.count(required) == 0) {
      return fail(context, std::string("backfill needs --") + required, core::kExitUsage);
    }
  }
  const auto format = runReportFormat(values["format"].as<std::string>());
  if (!format) return fail(context, format.error(), core::kExitUsage);
  auto grace = core::parseDuration(values["grace"].as<std::string>());
  if (!grace) return fail(context, grace.error().withContext("--grace"), core::kExitUsage);
  const std::optional<std::size_t> max_windows =
      positiveCount(values["max-windows"].as<std::string>());
  if (!max_windows) {
    return fail(context,
                "--max-windows: '" +
                    core::printableExcerpt(values["max-windows"].as<std::string>(), 40) +
                    "' is not a whole number of windows from 1 to " + std::to_string(kMostWindows),
                core::kExitUsage);
  }
  if (values["hunt"].as<std::string>().find(',') != std::string::npos) {
    return fail(context,
                "backfill takes one hunt, not a list ('" +
                    core::printableExcerpt(values["hunt"].as<std::string>()) +
                    "'): run one backfill per hunt",
                core::kExitUsage);
  }
  const std::string config_path = values["config"].as<std::string>();
  auto now = resolveNow(values);
  if (!now) return fail(context, now.error(), core::kExitUsage);
  if (auto ahead = nowNotAhead(values, *now); !ahead) {
    return fail(context, ahead.error(), core::kExitUsage);
  }
  auto from = timestampOption(values, "from");
  if (!from) return fail(context, from.error(), core::kExitUsage);
  auto to = timestampOption(values, "to");
  if (!to) return fail(context, to.error(), core::kExitUsage);
  if (*to <= *from) {
    return fail(context,
                "--to (" + core::formatIso8601(*to) + ") must be after --from (" +
                    core::formatIso8601(*from) + ")",
                core::kExitUsage);
  }
  // Windows after now hold nothing yet, and recorded as hunted they would hold the daemon back
  // until then (its ledger would end after now).
  if (*to > *now) {
    return fail(context,
                "--to " + core::formatIso8601(*to) + " is after now (" + core::formatIso8601(*now) +
                    "): backfill hunts windows that have passed; give an earlier --to",
                core::kExitUsage);
  }
  // The last window ends at --to's next whole minute (backfillWindows): that end is recorded.
  if (const core::EpochMs last_end = aql::ceilToMinute(*to); last_end > *now) {
    const core::EpochMs latest = aql::floorToMinute(*now);
    return fail(context,
                "--to " + core::formatIso8601(*to) + " ends its window at " +
                    core::formatIso8601(last_end) + " (windows are whole minutes), after now (" +
                    core::formatIso8601(*now) + "): " +
                    (latest > *from ? "give a --to at or before " + core::formatIso8601(latest)
                                    : std::string("the range lies in the minute still under "
                                                  "way; hunt it once that minute is over")),
                core::kExitUsage);
  }

  const core::SystemClock clock;  // reference set copies' ages; declared before what reads it
  Runtime runtime;
  if (const int code = openRuntime(values, config_path, context, runtime,
                                   /*check_console=*/true);
      code != 0) {
    return code;
  }
  const std::string name = values["hunt"].as<std::string>();
  const config::HuntConfig* hunt = nullptr;
  for (const auto& candidate : runtime.config->hunts) {
    if (candidate.name == name) hunt = &candidate;
  }
  if (hunt == nullptr) {
    return fail(context,
                service::checkHuntNames({name}, service::huntNames(runtime.config->hunts)).error(),
                core::kExitUsage);
  }
  // Past the ledger's end the daemon hunts on its own: a backfill there would leave a hole. A
  // gap recorded past the last window counts as the ledger's (backfill is how it is hunted).
  auto end = runtime.delivery.store->scheduledThrough(name);
  if (!end) return fail(context, end.error(), core::kExitState);
  if (*end && *to > **end) {
    auto hunted = runtime.delivery.store->ledgerEnd(name);
    if (!hunted) return fail(context, hunted.error(), core::kExitState);
    const bool gap = !*hunted || **hunted < **end;
    return fail(
        context,
        std::string("--to is after ") +
            (gap ? "the end of the gap recorded after the ledger (" : "the ledger's end (") +
            core::formatIso8601(**end) + "); the daemon hunts from there on",
        core::kExitUsage);
  }
  const service::ScheduleSpec spec = service::scheduleOf(*hunt);
  // Not closer to now than the daemon goes (schedule.delay: QRadar indexes late). Into an empty
  // ledger the daemon would start where the backfill ended, and events indexed after the backfill
  // that are older than its overlap would never be searched (a review).
  if (const core::EpochMs horizon = service::horizonAt(spec, *now);
      aql::ceilToMinute(*to) > horizon) {
    return fail(context,
                "--to " + core::formatIso8601(*to) + " ends its window at " +
                    core::formatIso8601(aql::ceilToMinute(*to)) + ", later than hunt '" + name +
                    "' hunts at this time (now minus its schedule.delay, " +
                    core::formatDuration(std::chrono::milliseconds(spec.delay)) +
                    ", on a whole minute: " + core::formatIso8601(horizon) +
                    "): events of the last minutes may not be indexed yet, and a window recorded "
                    "as hunted is not searched again; give a --to at or before " +
                    core::formatIso8601(horizon),
                core::kExitUsage);
  }
  const bool force = values["force"].as<bool>();
  std::vector<state::WindowRecord> hunted;
  if (!force) {
    auto done =
        runtime.delivery.store->windows(name, aql::floorToMinute(*from), aql::ceilToMinute(*to));
    if (!done) return fail(context, done.error(), core::kExitState);
    hunted = std::move(*done);
  }
  const service::BackfillPlan plan =
      service::planBackfill(spec, *from, *to, hunted, force, *max_windows);
  if (plan.to_hunt > *max_windows) {
    return fail(context,
                "backfill '" + name + "': " + core::formatIso8601(*from) + " to " +
                    core::formatIso8601(*to) + " leaves " + std::to_string(plan.to_hunt) +
                    " windows to hunt" +
                    (plan.to_hunt < plan.in_range
                         ? " (of " + std::to_string(plan.in_range) + " in the range)"
                         : std::string()) +
                    " of up to " +
                    core::formatDuration(std::chrono::milliseconds(
                        std::max<core::EpochMs>(spec.max_window, 60'000))) +
                    " (schedule.max_window), one search each: more than --max-windows (" +
                    std::to_string(*max_windows) + "); check the dates, or give --max-windows " +
                    std::to_string(plan.to_hunt) + " to hunt them all",
                core::kExitUsage);
  }
  // A range that ends before the ledger starts leaves the stretch between unhunted, and the
  // ledger then reads as having a hole there (a mistyped year makes one of months): said before
  // it is made, whatever the log level.
  if (auto summary = runtime.delivery.store->summary(); summary) {
    for (const auto& recorded : summary->hunts) {
      // The last window ends at --to's next whole minute (backfillWindows).
      const core::EpochMs last_end = aql::ceilToMinute(*to);
      if (recorded.hunt != name || !recorded.ledger_start || last_end >= *recorded.ledger_start) {
        continue;
      }
      printDiagnostic(
          context.streams, *context.redactor, Diagnostic::kCaveat,
          "backfill '" + name + "': the range ends " + spanText(*recorded.ledger_start - last_end) +
              " before the ledger's first window (" + core::formatIso8601(*recorded.ledger_start) +
              "); that stretch stays unhunted, and 'aihunt state gaps' lists it "
              "until it is backfilled too");
    }
  }
  const std::vector<service::PlannedWindow>& windows = plan.windows;
  context.logger->info("backfill '{}': {} window(s) to hunt", name, windows.size());
  if (windows.empty()) {
    printDiagnostic(context.streams, *context.redactor, Diagnostic::kNote,
                    "backfill '" + name + "': the ledger already holds every window from " +
                        core::formatIso8601(aql::floorToMinute(*from)) + " to " +
                        core::formatIso8601(aql::ceilToMinute(*to)) +
                        ": nothing to hunt (--force hunts them again; findings already raised "
                        "stay repeats, not raised twice)");
  }
  const qradar::Cancellation stop = installInterruptHandler();
  // Stopped, the delivery ends --grace after the signal, as `run`'s does (a delivery still
  // retrying a slow console is then cut off; its findings wait in the outbox).
  const service::GraceWatch watch(stop, *grace, runtime.delivery.abandon.get(), [&] {
    context.logger->info(
        "stopping: cancelling the searches in flight, then delivering what was found (both "
        "within {} of the signal; what is left waits in the outbox for the next run)",
        core::formatDuration(*grace));
  });
  service::HuntRunReport report;
  report.hunt = name;
  if (!windows.empty()) {
    auto request = connectionRequest(values, runtime.config->qradar);
    if (!request) return fail(context, request.error(), core::kExitUsage);
    request->abort_flag = runtime.delivery.abandon.get();  // clean-up ends with the grace period
    auto connection = service::openConnection(std::move(*request), *context.environment,
                                              context.redactor, context.logger);
    if (!connection) return fail(context, connection.error(), core::kExitUsage);
    // A killed run's searches, left on the console, are deleted before this one starts its own.
    const auto leftovers = service::deleteRecordedSearches(
        *(*connection)->api, *runtime.delivery.store,
        service::arielOptionsFor(runtime.config->qradar.value_or(config::QRadarConfig()))
            .cleanup_timeout,
        *context.logger);
    if (!leftovers) return fail(context, leftovers.error(), core::kExitState);
    service::WindowRunner runner(*runtime.config, *runtime.delivery.store,
                                 runtime.delivery.outbox->sinkNames(), runtime.delivery.metrics,
                                 context.logger);
    runner.setOverlappingTotalsRepeat(force);
    openReferenceSets(values, clock, context, runtime);
    if (runtime.reference_sets) {
      runtime.reference_sets->refresh();
      runner.setReferenceSets(runtime.reference_sets.get());
    }
    runner.run(**connection, *hunt, windows, *now, stop, report);
  }
  service::DaemonReport summary;
  summary.hunts.push_back(report);
  const service::DrainReport drained = stop.requested()
                                           ? runtime.delivery.outbox->flush(watch.deadline())
                                           : runtime.delivery.outbox->drainAll();
  summary.delivered = drained.delivered;
  summary.outbox_empty = drained.empty;
  summary.sinks = drained.sinks;
  int code = report.exit_code;
  if (!summary.outbox_empty) code = service::worseExitCode(code, core::kExitSearchFailed);
  summary.exit_code = code;
  printRunReport(summary, *runtime.config, *format, context);
  return code;
}

}  // namespace aihunt::cli

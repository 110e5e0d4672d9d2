#include "cli/hunt_online.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <thread>

#include "aql/lint.h"
#include "aql/parser.h"
#include "aql/printer.h"
#include "cli/aql_file.h"
#include "cli/hunt_bars.h"
#include "cli/hunt_option.h"
#include "cli/print.h"
#include "cli/progress_bar.h"
#include "cli/qradar_connection.h"
#include "cli/query_window.h"
#include "cli/run_output.h"
#include "cli/signals.h"
#include "core/clock.h"
#include "core/exit_codes.h"
#include "core/text.h"
#include "qradar_client/ariel_client.h"
#include "service/console_searches.h"
#include "service/detectable_fields.h"
#include "service/embedded_queries.h"
#include "service/finding_writer.h"
#include "service/hunt_engine.h"
#include "service/hunt_plan.h"
#include "service/hunt_query.h"
#include "service/hunt_runner.h"
#include "service/incident_writer.h"
#include "service/ordered_findings.h"
#include "service/reference_set_refresher.h"
#include "service/run_summary.h"
#include "state/state_store.h"

namespace aihunt::cli {

namespace po = boost::program_options;

namespace {

using service::HuntJob;

// How far a window may reach past this machine's clock before a run says so: clocks of two
// machines (a scheduler's, this one's) disagree a little.
constexpr core::EpochMs kClockLeewayMs = 5 * 60 * 1000;
// Prefer: wait while the progress display is on screen: one status read a second.
constexpr int kWatchedPreferWait = 1;

// While the bars show, a log line (a retry, a hunt's summary) is written above them rather than
// glued to the last one; detached before the display goes.
class LogAboveBars {
 public:
  LogAboveBars(spdlog::logger& logger, ProgressDisplay& display) : logger_(logger) {
    if (display.enabled()) core::attachLiveArea(logger_, &display);
  }
  ~LogAboveBars() { core::attachLiveArea(logger_, nullptr); }
  LogAboveBars(const LogAboveBars&) = delete;
  LogAboveBars& operator=(const LogAboveBars&) = delete;

 private:
  spdlog::logger& logger_;
};

// Says, the moment Ctrl-C (or SIGTERM) arrives, what happens now and how not to wait for it:
// cancelling and deleting searches can take seconds on a slow console, and a screen that shows
// nothing but "^C" looks hung. A thread of its own, since every other one is busy with a hunt
// or waits for one.
class InterruptNotice {
 public:
  InterruptNotice(const qradar::Cancellation& cancellation, spdlog::logger& logger)
      : thread_([this, &cancellation, &logger] {
          while (!done_) {
            if (cancellation.requested()) {
              logger.warn(
                  "interrupted: cancelling and deleting the searches in flight; Ctrl-C again "
                  "quits without waiting (they then stay on the console until QRadar expires "
                  "them)");
              return;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
          }
        }) {}
  ~InterruptNotice() { stop(); }
  // From here a signal means something else (hunt --deliver's delivery says its own notice).
  void stop() {
    done_ = true;
    if (thread_.joinable()) thread_.join();
  }
  InterruptNotice(const InterruptNotice&) = delete;
  InterruptNotice& operator=(const InterruptNotice&) = delete;

 private:
  std::atomic<bool> done_{false};
  std::thread thread_;
};

// A query of the user's (or the seed's) sent as written, with a time clause added when it has
// none (cli/query_window.h: the same rule as offline).
// `own_clause`: set when the query has a time clause of its own (sent as written).
core::Result<std::string> withTimeClause(std::string text, const std::string& what,
                                         const std::optional<aql::TimeRange>& window,
                                         CommandContext& context, bool& own_clause) {
  aql::SyntaxError detail;
  auto query = aql::parse(text, &detail);
  if (!query) return queryFileError(query.error(), what, text);
  own_clause = !applyQueryWindow(*query, what, window, context);
  if (own_clause) return text;
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ' || text.back() == ';')) {
    text.pop_back();
  }
  return text + "\n" + aql::printTimeClause(query->time);
}

// The window every hunt of the plan covers, when they share one: "No findings." of a window the
// user did not mean (the console's data is elsewhere in time) must show which one was searched.
// A query of the user's keeps its own time clause: none is claimed for it.
std::optional<aql::TimeRange> sharedWindow(const std::vector<HuntJob>& plan) {
  if (plan.empty()) return std::nullopt;
  const aql::TimeRange& first = plan.front().window;
  const bool shared = std::all_of(plan.begin(), plan.end(), [&](const HuntJob& hunt) {
    return hunt.window.to > hunt.window.from && hunt.window == first;
  });
  if (!shared) return std::nullopt;
  return first;
}

// The time clause a plan's one query of the user's searches by, as written: "LAST 24 HOURS".
std::string ownTimeClause(const std::vector<HuntJob>& plan) {
  if (plan.size() != 1) return "the hunts' own";
  auto query = aql::parse(plan.front().aql);
  if (!query || query->time.kind == aql::TimeClause::Kind::kNone) return "none";
  return core::printableExcerpt(aql::printTimeClause(query->time), 200);
}

std::string windowText(const aql::TimeRange& window) {
  return core::formatIso8601(window.from) + " to " + core::formatIso8601(window.to);
}

// `own_clause`: set when the plan is a query of the user's with its own time clause, which no
// --last, --from or --to changes.
core::Result<std::vector<HuntJob>> planOnline(const po::variables_map& values,
                                              const DetectionSetup& setup,
                                              const std::optional<aql::TimeRange>& window,
                                              core::EpochMs now, CommandContext& context,
                                              bool& own_clause) {
  std::vector<HuntJob> plan;
  const bool seed = values["seed-query"].as<bool>();
  if (seed || values.count("aql") != 0) {
    if (seed && values.count("aql") != 0) {
      return core::makeError(core::ErrorCode::kInvalidArgument,
                             "give --seed-query or --aql, not both");
    }
    std::string text;
    std::string what;
    if (seed) {
      text = std::string(service::seedQueryText());
      what = "the seed query";
    } else {
      what = values["aql"].as<std::string>();
      auto read = readAqlFile(what);
      if (!read) return read.error();
      text = std::move(*read);
      // Sent as written, a `--` comment would be query text: refused as lint refuses it.
      if (auto dash = aql::doubleDashComment(text)) {
        return core::makeError(core::ErrorCode::kInvalidArgument,
                               what + ":" + aql::formatDiagnostic(*dash));
      }
    }
    auto aql = withTimeClause(std::move(text), what, window, context, own_clause);
    if (!aql) return aql.error();
    if (!window && values.count("now") != 0) {
      // The clause sent (its own, or LAST 24 HOURS) counts on the console's clock: a --now
      // given alone moves nothing here, unlike for the built-in hunts (an online trial).
      printDiagnostic(context.streams, *context.redactor, Diagnostic::kWarning,
                      "--now does not move " + what +
                          "'s time clause: the console's clock counts it; give --from and --to "
                          "for another day");
    }
    const std::vector<std::string> names = huntOption(values);
    if (names.size() > 1) {
      return core::makeError(core::ErrorCode::kInvalidArgument,
                             "--aql and --seed-query take one --hunt name");
    }
    HuntJob hunt;
    hunt.name = !names.empty() ? names.front() : (seed ? "seed" : "aql");
    hunt.aql = std::move(*aql);
    // The seed query's aliases, or the named hunt's property names.
    auto mapping = ownQueryMapping(setup, names);
    if (!mapping) return mapping.error();
    hunt.mapping = std::move(*mapping);
    if (auto parsed = aql::parse(hunt.aql); parsed) {  // a bad query is QRadar's to refuse
      // The window given (--last, --from/--to) and added as START/STOP: the instants the
      // console searches, as for the built-in hunts. A clause of the query's own, or the
      // default LAST 24 HOURS, counts on the console's clock: no window is claimed for it.
      if (window && !own_clause) {
        if (auto searched = aql::resolveTimeRange(parsed->time, now); searched) {
          hunt.window = *searched;
        }
      }
      if (auto columns = ownQueryColumns(*parsed)) {
        const detection::FieldMapping logical = service::logicalColumnMapping();
        if (auto status = service::checkDetectableColumns(*columns, hunt.mapping, &logical);
            !status) {
          return status.error().withContext(what);
        }
      }
    }
    plan.push_back(std::move(hunt));
    return plan;
  }
  const aql::TimeRange range =
      window.value_or(aql::TimeRange{now - service::kDefaultHuntWindowMs, now});
  auto planned =
      service::planConfiguredHunts(setup.hunts, *setup.settings, huntOption(values), range);
  if (!planned) return planned.error();
  for (auto& configured : *planned) {
    HuntJob hunt;
    hunt.name = std::move(configured.name);
    hunt.aql = aql::print(configured.query);
    hunt.mapping = std::move(configured.mapping);
    hunt.signals = configured.signals;
    if (configured.upload_query) hunt.upload_aql = aql::print(*configured.upload_query);
    hunt.window = configured.window;
    plan.push_back(std::move(hunt));
  }
  return plan;
}

core::Result<qradar::ArielOptions> arielOptions(const po::variables_map& values,
                                                const config::QRadarConfig& qradar) {
  qradar::ArielOptions options = service::arielOptionsFor(qradar);
  options.prefer_wait_seconds = qradar::ArielOptions().prefer_wait_seconds;
  options.prefetch = !values["no-prefetch"].as<bool>();
  options.deadline_setting = "--timeout";
  if (values.count("timeout") != 0) {
    auto timeout = core::parseDuration(values["timeout"].as<std::string>());
    if (!timeout) return timeout.error().withContext("--timeout");
    if (timeout->count() <= 0) {
      return core::makeError(core::ErrorCode::kInvalidArgument, "--timeout must be positive");
    }
    options.deadline = *timeout;
  }
  if (values.count("page-size") != 0) {
    const auto size = values["page-size"].as<std::int64_t>();
    if (size < 1 || size > 100'000) {
      return core::makeError(core::ErrorCode::kInvalidArgument, "--page-size: 1 to 100000");
    }
    options.page_size = static_cast<std::uint64_t>(size);
    options.page_size_max = options.page_size;  // asked for: every page this size
  }
  if (values.count("row-cap") != 0) {
    const auto cap = values["row-cap"].as<std::int64_t>();
    if (cap < 0) return core::makeError(core::ErrorCode::kInvalidArgument, "--row-cap: 0 or more");
    options.row_cap = static_cast<std::uint64_t>(cap);
  }
  if (values.count("poll-delay") != 0) {
    auto delay = core::parseDuration(values["poll-delay"].as<std::string>());
    if (!delay) return delay.error().withContext("--poll-delay");
    options.min_poll_delay = *delay;
    options.max_poll_delay = std::max(options.max_poll_delay, *delay);
  }
  if (values.count("prefer-wait") != 0) {
    options.prefer_wait_seconds = std::clamp(values["prefer-wait"].as<int>(), 0, 60);
  }
  // Ariel's wait must end well before a request's own time limit.
  const auto request_seconds = static_cast<int>(qradar.timeouts.request.count() / 1000);
  options.prefer_wait_seconds = std::min(options.prefer_wait_seconds, std::max(0, request_seconds));
  return options;
}

// The reference sets exceptions name, read once for the whole run. A set that cannot be read
// falls back on the copy the daemon stored (its state file, opened read-only, when there is
// one); without either it is unknown and exceptions that need it suppress nothing (a warning).
detection::ReferenceSetSnapshot readReferenceSets(const po::variables_map& values,
                                                  const std::string& config_path,
                                                  const DetectionSetup& setup,
                                                  const QRadarConnection& first,
                                                  CommandContext& context) {
  service::ReferenceSetRefresherOptions options;
  options.names = service::referencedSetNames(setup.settings->exceptions);
  if (options.names.empty()) return nullptr;
  options.max_values = static_cast<std::size_t>(setup.reference_set_max_values);
  options.save = false;
  std::unique_ptr<state::StateStore> store;
  std::error_code ec;
  if (!setup.state_path.empty() && std::filesystem::exists(setup.state_path, ec)) {
    auto opened = state::StateStore::open(setup.state_path, {/*create=*/false, /*read_only=*/true});
    if (opened) {
      store = std::move(*opened);
    } else {
      context.logger->warn("stored reference set copies are not available: {}",
                           opened.error().message);
    }
  }
  const core::SystemClock clock;
  service::ReferenceSetRefresher refresher(
      options,
      [&]() { return openConnection(values, config_path, context, ConnectionUse{&first}); },
      store.get(), clock, nullptr, context.logger);
  refresher.loadStored();
  refresher.refresh();
  return refresher.snapshot();
}

// The first request reached no console (cli/qradar_connection.h): no hunt can run. The cause is
// said once, every hunt is listed as not run, and the document says the run is incomplete.
int stopUnreachable(const core::Error& cause, const std::string& token_origin,
                    const std::vector<HuntJob>& plan, service::OutputFormat format,
                    const service::TableOptions& table, const service::HoldOptions& hold,
                    CommandContext& context) {
  const bool refused = cause.code == core::ErrorCode::kAuth;
  // Which token was refused: with the environment and a token file both possible, the one
  // that won is not obvious.
  printDiagnostic(
      context.streams, *context.redactor, Diagnostic::kError,
      (refused ? "the console refuses the credentials (the token from " + token_origin + "): "
               : std::string("the console cannot be reached: ")) +
          cause.message);
  auto writer = service::makeResultWriter(format, context.streams.out, table, hold);
  service::RunReport report;
  // The JSON document carries the cause for each hunt (a reader of the document alone must see
  // why); the table does not repeat the error line above it.
  const std::string why = std::string(refused ? "not run: the console refuses the credentials: "
                                              : "not run: the console cannot be reached: ") +
                          cause.message;
  for (const HuntJob& hunt : plan) {
    report.hunts.push_back(
        service::HuntReport::ended(hunt.name, service::HuntStatus::kFailed, why));
    report.hunts.back().error_said = true;
  }
  writer->setRunCounts({std::nullopt, report.failed()});
  if (const int code = finishRun(*writer, report, format, context); code != core::kExitOk) {
    return code;
  }
  return core::kExitConnection;
}

}  // namespace

void addOnlineHuntOptions(po::options_description& options) {
  po::options_description online("Online hunts (against a QRadar console)");
  online.add_options()("seed-query", po::bool_switch(),
                       "run the seed detection query verbatim (a time clause is added: "
                       "LAST 24 HOURS, or the window given)")(
      "timeout", po::value<std::string>(),
      "deadline for each hunt's search, e.g. 5m (default: qradar.timeouts.hunt_deadline, 15m)")(
      "page-size", po::value<std::int64_t>(),
      "rows per results page, every page (default: qradar.page_size, 1000, growing up to "
      "qradar.page_size_max while rows are small)")(
      "no-prefetch", po::bool_switch(),
      "fetch results pages strictly in turn (default: the next page while this one is "
      "analysed)")(
      "row-cap", po::value<std::int64_t>(),
      "most rows read per search (a hunt with an aggregated upload query runs two); more is "
      "reported and exits 4 (default 100000, 0: no cap)")(
      "prefer-wait", po::value<int>(),
      "seconds Ariel may hold each status read (default 10; 1 while the progress bar shows)")(
      "poll-delay", po::value<std::string>(),
      "first pause between status reads that return early (default 200ms)");
  options.add(online);
  addConnectionOptions(options);
}

int runOnlineHunt(const po::variables_map& values, const DetectionSetup& setup, core::EpochMs now,
                  const std::optional<aql::TimeRange>& window, service::OutputFormat format,
                  const service::TableOptions& table, const service::HoldOptions& hold,
                  HuntDelivery* delivery, CommandContext& context) {
  const std::string config_path =
      values.count("config") != 0 ? values["config"].as<std::string>() : std::string();
  // Planning is local (files, AQL syntax, hunt names): its errors are input errors, said before
  // the console is asked anything (a query file with a typo cost a login).
  bool own_clause = false;
  auto plan = planOnline(values, setup, window, now, context, own_clause);
  if (!plan) return fail(context.streams, plan.error(), core::kExitUsage);
  auto connection =
      openConnection(values, config_path, context,
                     ConnectionUse{nullptr, /*caller_reports_unreachable=*/true, kOfflineInstead});
  if (!connection) return fail(context.streams, connection.error(), core::kExitUsage);
  if (window && window->from >= now) {
    // QRadar has no events after now: the hunt can only come back empty, which would read as
    // a clean result.
    printDiagnostic(context.streams, *context.redactor, Diagnostic::kCaveat,
                    "the window starts at " + core::formatIso8601(window->from) + ", after now (" +
                        core::formatIso8601(now) +
                        "): QRadar holds no events there yet, so finding nothing says nothing "
                        "(choose the window with --now, --last or --from/--to)");
  } else if (const core::EpochMs clock = core::toEpochMs(std::chrono::system_clock::now());
             (window ? window->to : now) > clock + kClockLeewayMs) {
    // A --now ahead of this machine's clock (a typo in the year): the part of the window after
    // the clock holds nothing yet.
    printDiagnostic(context.streams, *context.redactor, Diagnostic::kCaveat,
                    "the window ends at " + core::formatIso8601(window ? window->to : now) +
                        ", after this machine's clock (" + core::formatIso8601(clock) +
                        "): QRadar holds no events after its own now, so that part of the "
                        "window finds nothing (choose the window with --now, --last or "
                        "--from/--to)");
  } else if (window && window->to > now) {
    printDiagnostic(context.streams, *context.redactor, Diagnostic::kWarning,
                    "the window ends at " + core::formatIso8601(window->to) + ", after now (" +
                        core::formatIso8601(now) + "): the part after now holds nothing yet");
  }
  // A window of years (a year typed wrong) is one search per hunt over all of it: each reads
  // every event of its range on the console (an online trial: 10 years went by in silence).
  constexpr core::EpochMs kLongWindowMs = 31LL * 24 * 3'600'000;
  if (window && window->to - window->from > kLongWindowMs) {
    printDiagnostic(context.streams, *context.redactor, Diagnostic::kWarning,
                    "the window spans " +
                        std::to_string((window->to - window->from) / (24 * 3'600'000)) +
                        " days: each hunt searches every event of it on the console in one "
                        "search, which may take long and load the console");
  }
  auto options = arielOptions(values, (*connection)->qradar);
  if (!options) return fail(context.streams, options.error(), core::kExitUsage);
  if ((*connection)->unreachable) {
    const int code = stopUnreachable(*(*connection)->unreachable, (*connection)->token_origin,
                                     *plan, format, table, hold, context);
    // --deliver says that it recorded nothing, as for any incomplete run.
    if (delivery != nullptr) static_cast<void>(delivery->finish(context, /*complete=*/false));
    return code;
  }
  ProgressDisplay display(context.streams.err, ProgressDisplay::wanted(context.streams));
  const LogAboveBars log_above(*context.logger, display);
  if (display.enabled() && values.count("prefer-wait") == 0) {
    // A held status read answers only when the wait ends: the bar would sit at 0% for seconds.
    // Short reads while a person watches; scripts and the daemon keep the longer wait.
    options->prefer_wait_seconds = std::min(options->prefer_wait_seconds, kWatchedPreferWait);
  }

  const qradar::Cancellation cancellation = installInterruptHandler();
  InterruptNotice notice(cancellation, *context.logger);
  service::EngineOptions engine_options;
  engine_options.ariel = *options;
  engine_options.now = now;
  engine_options.show_suppressed = values["show-suppressed"].as<bool>();
  engine_options.reference_sets =
      readReferenceSets(values, config_path, setup, **connection, context);
  if (delivery != nullptr) {
    // Recorded in the state store, as the daemon's are; a killed run's are deleted first.
    engine_options.searches = &delivery->store();
    const auto leftovers = service::deleteRecordedSearches(
        *(*connection)->api, delivery->store(), options->cleanup_timeout, *context.logger);
    if (!leftovers) return fail(context.streams, leftovers.error(), core::kExitState);
  }
  // Ctrl-C after the searches, while the table is built: nothing is printed (exit 130).
  service::TableOptions shown = table;
  shown.stop = cancellation.flag();
  auto writer = service::makeResultWriter(format, context.streams.out, shown, hold);
  HuntBars bars(display, *plan);
  service::RunTotals totals;
  totals.expired_exceptions = service::expiredExceptionIds(setup.settings->exceptions, now);
  totals.unread_reference_sets =
      service::unreadReferenceSets(setup.settings->exceptions, engine_options.reference_sets);
  service::RunReport report;
  int exit_code = core::kExitOk;

  // Up to qradar.max_concurrent_searches hunts at once, each on a connection of its own; the
  // findings still come out grouped by hunt, in plan order (service/ordered_findings.h).
  std::vector<std::unique_ptr<QRadarConnection>> connections;
  connections.push_back(std::move(*connection));
  const std::size_t width =
      service::searchesAtOnce(connections.front()->qradar.max_concurrent_searches, plan->size());
  while (connections.size() < width) {
    auto more =
        openConnection(values, config_path, context, ConnectionUse{connections.front().get()});
    if (!more) break;  // fewer hunts at once; the first connection works
    connections.push_back(std::move(*more));
  }
  std::vector<qradar::ApiClient*> clients;
  for (const auto& open : connections) clients.push_back(open->api.get());
  service::OrderedFindings ordered(*writer, plan->size(), hold.max_bytes);
  std::vector<service::FindingWriter*> writers;
  for (std::size_t i = 0; i < plan->size(); ++i) {
    const HuntJob& hunt = (*plan)[i];
    context.logger->debug("hunt '{}' AQL: {}", hunt.name, hunt.aql);
    writers.push_back(delivery != nullptr ? &delivery->writerFor(ordered.writer(i), *setup.settings,
                                                                 hunt.name, hunt.window)
                                          : &ordered.writer(i));
  }
  std::optional<core::Error> write_error;
  // Why the hunts after the last reported one did not run (Ctrl-C, or an unusable console).
  std::optional<service::HuntReport> not_run;
  // The hunt whose connection failure stopped the run: hunts in flight beside it that fail the
  // same way do not say it again.
  std::optional<std::string> unreachable_from;
  bool interrupted = false;
  std::uint64_t searches_left = 0;  // searches whose DELETE failed
  // Every hunt runs even when one fails; Ctrl-C, a connection failure and a state store that
  // cannot record stop the run (the hunts already running finish and are reported).
  const auto on_hunt_done = [&](std::size_t i, const service::HuntOutcome& outcome) -> bool {
    const HuntJob& hunt = (*plan)[i];
    if (auto flushed = ordered.done(i); !flushed && !write_error) write_error = flushed.error();
    // A hunt that failed on the held output (under its own findings) breaks it for all.
    const std::optional<core::Error> broke_with =
        writer->outputFailure() ? writer->outputFailure() : ordered.failure();
    const bool output_broke = outcome.result == service::HuntResult::kFailed && broke_with;
    if (output_broke && !write_error) write_error = *broke_with;
    bars.stop(hunt.name);
    if (write_error && !not_run) {
      // The held output broke (its cap, a spool folder without room): no later hunt's findings
      // could be held, so none starts.
      not_run = service::HuntReport::ended({}, service::HuntStatus::kFailed,
                                           "not run: " + write_error->message);
      not_run->error_said = true;  // said once, when the run ends
    }
    report.hunts.push_back(huntReport(outcome, *context.redactor));
    searches_left += outcome.cleanup_failures;
    totals.add(outcome.rows, outcome.stats, outcome.suppressed_by_exception);
    if (outcome.result == service::HuntResult::kCancelled) {
      interrupted = true;
      not_run = service::HuntReport::ended({}, service::HuntStatus::kCancelled);
      return false;
    }
    exit_code = service::worseExitCode(exit_code, outcome.exitCode());
    if (output_broke) {
      report.hunts.back().error_said = true;  // the run's end says it, once
      return false;
    }
    if (outcome.result == service::HuntResult::kFailed) {
      const bool unreachable = outcome.exitCode() == core::kExitConnection;
      if (unreachable && unreachable_from) {
        // It ran beside that hunt and failed the same way: failed, not "not run" (it may have
        // searched, and its search may still be on the console), without the cause again.
        report.hunts.back().error =
            "the console could not be reached either (see hunt '" + *unreachable_from + "')";
        report.hunts.back().error_said = true;
        return false;
      }
      printDiagnostic(context.streams, *context.redactor, Diagnostic::kError,
                      outcome.error->withContext("hunt '" + hunt.name + "'").message);
      report.hunts.back().error_said = true;
      // The console is unreachable or refuses the credentials: every other hunt would fail the
      // same way (and each would wait out its retries), so no further hunt starts; they are
      // listed as not run. A search QRadar refused stops only its own hunt.
      if (unreachable) {
        unreachable_from = hunt.name;
        not_run = service::HuntReport::ended(
            {}, service::HuntStatus::kFailed,
            "not run: hunt '" + hunt.name + "' could not reach the console");
        // The table shows them as `not run`; the cause is the error line above it.
        not_run->error_said = true;
        return false;
      }
      return true;
    }
    context.logger->info("hunt '{}': {} in {}, {}, {} suppressed, {}", hunt.name,
                         core::counted(outcome.rows, "row"), core::counted(outcome.pages, "page"),
                         core::counted(outcome.stats.findings, "finding"), outcome.stats.suppressed,
                         core::counted(outcome.requests, "request"));
    if (outcome.result == service::HuntResult::kTruncated) {
      // An error, not a warning: it fails the run (exit 4), so --quiet must still say why.
      printDiagnostic(context.streams, *context.redactor, Diagnostic::kError,
                      "hunt '" + hunt.name + "': Ariel found " +
                          std::to_string(outcome.record_count) + " rows; only " +
                          std::to_string(outcome.rows) + " were read (the row cap, " +
                          std::to_string(engine_options.ariel.row_cap) +
                          " rows per search; raise qradar.row_cap or --row-cap, or narrow the "
                          "window)");
    }
    if (auto parsed = aql::parse(hunt.aql); parsed)
      noteOwnLimit(hunt.name, *parsed, outcome.rows, context);
    return true;
  };
  const auto on_done = [&](std::size_t i, const service::HuntOutcome& outcome) {
    return on_hunt_done(i, outcome) && !write_error;
  };
  service::HuntRunner(*setup.settings, engine_options)
      .run(*plan, writers, clients, bars, cancellation, on_done);
  // Ctrl-C before a hunt could start leaves no outcome to say so.
  if (cancellation.requested() && !interrupted) {
    interrupted = true;
    if (!not_run) not_run = service::HuntReport::ended({}, service::HuntStatus::kCancelled);
  }
  // The hunts that never started, in plan order after the reported ones.
  for (std::size_t i = report.hunts.size(); i < plan->size(); ++i) {
    report.hunts.push_back(
        not_run ? *not_run
                : service::HuntReport::ended({}, service::HuntStatus::kFailed, "not run"));
    report.hunts.back().name = (*plan)[i].name;
  }
  writer->setRunCounts({totals.stats.suppressed, report.failed()});
  if (write_error) {
    report.loseHeldFindings(context.redactor->redact(write_error->message));
    static_cast<void>(finishRun(*writer, report, format, context));
    // Past the output cap is the run's size (exit 4, as a row cap); the rest is the output's.
    return fail(context, *write_error,
                service::isOutputLimit(*write_error) ? core::kExitSearchFailed : core::kExitUsage);
  }
  if (const int code = finishRun(*writer, report, format, context); code != core::kExitOk) {
    return code;
  }
  totals.findings_printed = service::printsFindings(format, report);
  totals.complete = report.complete();
  const std::optional<aql::TimeRange> window_searched = sharedWindow(*plan);
  service::logRunSummary(
      *context.logger,
      window_searched ? "hunt (window " + windowText(*window_searched) + ")" : "hunt", totals);
  if (!interrupted && report.complete() && totals.rows == 0) {
    // Kept under --quiet, as offline: "No findings." of a window no event lies in (a console's
    // events elsewhere in time, a forgotten --now) must say which window that was.
    printDiagnostic(
        context.streams, *context.redactor, Diagnostic::kCaveat,
        (window_searched ? "no hunt returned a row in the window " + windowText(*window_searched)
                         : "the query returned no row within its time clause (" +
                               ownTimeClause(*plan) + ", on the console's clock)") +
            ": \"No findings.\" says nothing of other times " +
            (own_clause ? std::string("(the query's own time clause chooses its window: edit it "
                                      "there)")
                        : std::string("(choose the window with --now, --last or --from/--to)")));
  }
  if (interrupted) {
    // Ctrl-C: the searches in flight were cancelled and deleted on the way out (or could not be:
    // then each is named in a warning above and waits for QRadar's own expiry).
    if (searches_left == 0) {
      return fail(context, "interrupted; every running search was cancelled and deleted",
                  core::kExitInterrupted);
    }
    return fail(context,
                "interrupted; " + core::counted(searches_left, "search", "searches") +
                    " could not be deleted from the console (QRadar removes them when they "
                    "expire)",
                core::kExitInterrupted);
  }
  if (delivery != nullptr) {
    notice.stop();
    exit_code =
        service::worseExitCode(exit_code, delivery->finish(context, exit_code == core::kExitOk));
  }
  if (exit_code != core::kExitOk) return exit_code;
  if (values["fail-on-findings"].as<bool>() && totals.stats.findings > 0) {
    return core::kExitFindings;
  }
  return core::kExitOk;
}

}  // namespace aihunt::cli

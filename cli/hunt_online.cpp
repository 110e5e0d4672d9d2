#include "cli/hunt_online.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "aql/parser.h"
#include "aql/printer.h"
#include "cli/print.h"
#include "cli/progress_bar.h"
#include "cli/qradar_connection.h"
#include "cli/signals.h"
#include "core/clock.h"
#include "core/exit_codes.h"
#include "qradar_client/ariel_client.h"
#include "service/embedded_queries.h"
#include "service/finding_writer.h"
#include "service/hunt_engine.h"
#include "service/hunt_plan.h"
#include "service/hunt_query.h"
#include "service/incident_writer.h"
#include "service/reference_set_refresher.h"
#include "service/run_summary.h"
#include "state/state_store.h"

namespace aihunt::cli {

namespace po = boost::program_options;

namespace {

using service::HuntJob;

// The terminal's view of a run: one progress bar per hunt, drawn only on a TTY.
class BarObserver final : public service::HuntObserver {
 public:
  explicit BarObserver(std::FILE* out) : out_(out) {}
  void start(const std::string& hunt) { bar_.emplace(out_, hunt); }
  void progress(const HuntJob& /*job*/, const qradar::SearchProgress& progress) override {
    if (bar_) bar_->update(progress);
  }
  void stop() { bar_.reset(); }

 private:
  std::FILE* out_;
  std::optional<ProgressBar> bar_;
};

// A query of the user's (or the seed's) sent as written, with a time clause added when it has
// none: without one Ariel searches only the last 60 seconds.
core::Result<std::string> withTimeClause(std::string text, const std::string& what,
                                         const std::optional<aql::TimeRange>& window,
                                         core::EpochMs now, CommandContext& context) {
  aql::SyntaxError detail;
  auto query = aql::parse(text, &detail);
  if (!query) return query.error().withContext(what);
  if (query->time.kind != aql::TimeClause::Kind::kNone) {
    if (window) {
      context.logger->warn("{} has its own time clause; --last/--from/--to are ignored", what);
    }
    return text;
  }
  aql::TimeClause clause;
  if (window) {
    clause = aql::minuteClause(window->from, window->to);
  } else {
    clause.kind = aql::TimeClause::Kind::kLast;  // LAST 24 HOURS, as documented
    clause.amount = service::kDefaultHuntWindowMs / 3'600'000;
    clause.unit = aql::TimeUnit::kHours;
  }
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ' || text.back() == ';')) {
    text.pop_back();
  }
  const std::string added = aql::printTimeClause(clause);
  printFormatted(*context.redactor, context.streams.err,
                 "aihunt: %s has no time clause; added: %s\n", what.c_str(), added.c_str());
  (void)now;
  return text + "\n" + added;
}

core::Result<std::vector<HuntJob>> planOnline(const po::variables_map& values,
                                              const DetectionSetup& setup,
                                              const std::optional<aql::TimeRange>& window,
                                              core::EpochMs now, CommandContext& context) {
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
      auto read = service::readTextFile(what);
      if (!read) return read.error();
      text = std::move(*read);
    }
    auto aql = withTimeClause(std::move(text), what, window, now, context);
    if (!aql) return aql.error();
    HuntJob hunt;
    hunt.name =
        values.count("hunt") != 0 ? values["hunt"].as<std::string>() : (seed ? "seed" : "aql");
    hunt.aql = std::move(*aql);
    hunt.mapping = setup.mapping;  // the seed query's aliases, or the named hunt's columns
    plan.push_back(std::move(hunt));
    return plan;
  }
  const aql::TimeRange range =
      window.value_or(aql::TimeRange{now - service::kDefaultHuntWindowMs, now});
  const std::string only = values.count("hunt") != 0 ? values["hunt"].as<std::string>() : "";
  auto planned = service::planConfiguredHunts(setup.hunts, *setup.settings, only, range);
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
  qradar::ArielOptions options;
  options.deadline = qradar.timeouts.hunt_deadline;
  options.page_size = static_cast<std::uint64_t>(std::max(1, qradar.page_size));
  options.row_cap = static_cast<std::uint64_t>(std::max<std::int64_t>(0, qradar.row_cap));
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
      options, [&]() { return openConnection(values, config_path, context); }, store.get(), clock,
      nullptr, context.logger);
  refresher.loadStored();
  refresher.refresh();
  return refresher.snapshot();
}

}  // namespace

void addOnlineHuntOptions(po::options_description& options) {
  po::options_description online("Online hunts (against a QRadar console)");
  online.add_options()("seed-query", po::bool_switch(),
                       "run the seed detection query verbatim (a time clause is added: "
                       "LAST 24 HOURS, or the window given)")(
      "timeout", po::value<std::string>(),
      "deadline for each hunt's search, e.g. 5m (default: qradar.timeouts.hunt_deadline, 15m)")(
      "page-size", po::value<std::int64_t>(), "rows per results page (default 1000)")(
      "row-cap", po::value<std::int64_t>(),
      "most rows read per hunt; more is reported and exits 4 (default 100000, 0: no cap)")(
      "prefer-wait", po::value<int>(), "seconds Ariel may hold each status read (default 10)")(
      "poll-delay", po::value<std::string>(),
      "first pause between status reads that return early (default 200ms)");
  options.add(online);
  addConnectionOptions(options);
}

int runOnlineHunt(const po::variables_map& values, const DetectionSetup& setup, core::EpochMs now,
                  const std::optional<aql::TimeRange>& window, service::OutputFormat format,
                  const service::TableOptions& table, HuntDelivery* delivery,
                  CommandContext& context) {
  const std::string config_path =
      values.count("config") != 0 ? values["config"].as<std::string>() : std::string();
  auto connection = openConnection(values, config_path, context);
  if (!connection) return fail(context.streams, connection.error(), core::kExitUsage);
  auto plan = planOnline(values, setup, window, now, context);
  if (!plan) return fail(context.streams, plan.error(), exitCodeFor(plan.error()));
  auto options = arielOptions(values, (*connection)->qradar);
  if (!options) return fail(context.streams, options.error(), core::kExitUsage);

  const qradar::Cancellation cancellation = installInterruptHandler();
  service::EngineOptions engine_options;
  engine_options.ariel = *options;
  engine_options.now = now;
  engine_options.show_suppressed = values["show-suppressed"].as<bool>();
  service::HuntEngine engine(*(*connection)->api, *setup.settings, engine_options);
  engine.setReferenceSets(readReferenceSets(values, config_path, setup, context));
  auto writer = service::makeResultWriter(format, context.streams.out, table);
  std::size_t hunts_failed = 0;
  BarObserver bars(context.streams.err);
  service::RunTotals totals;
  int exit_code = core::kExitOk;
  // Every hunt runs even when one fails; Ctrl-C stops the run.
  for (const auto& hunt : *plan) {
    context.logger->debug("hunt '{}' AQL: {}", hunt.name, hunt.aql);
    bars.start(hunt.name);
    std::unique_ptr<DeliveringWriter> delivering;
    if (delivery != nullptr) delivering = delivery->writerFor(*writer, *setup.settings, hunt.name);
    service::FindingWriter& sink =
        delivering ? static_cast<service::FindingWriter&>(*delivering) : *writer;
    const service::HuntOutcome outcome = engine.run(hunt, sink, bars, cancellation);
    bars.stop();
    if (delivering) {
      if (auto committed = delivery->finishHunt(*delivering); !committed) {
        static_cast<void>(writer->finish());
        return fail(context, committed.error(), core::kExitState);
      }
    }
    totals.add(outcome.rows, outcome.stats, outcome.suppressed_by_exception);
    exit_code = service::worseExitCode(exit_code, outcome.exitCode());
    if (outcome.result == service::HuntResult::kCancelled) {
      static_cast<void>(writer->finish());
      return fail(context.streams, "interrupted; the search was cancelled and deleted",
                  core::kExitSearchFailed);
    }
    if (outcome.result == service::HuntResult::kFailed) {
      ++hunts_failed;
      printFormatted(*context.redactor, context.streams.err, "aihunt: error: hunt '%s': %s\n",
                     hunt.name.c_str(), context.redactor->redact(outcome.error->message).c_str());
      // The console is unreachable or refuses the credentials: every other hunt would fail the
      // same way, so the run stops here. A search QRadar refused stops only its own hunt.
      if (outcome.exitCode() == core::kExitConnection) break;
      continue;
    }
    context.logger->info("hunt '{}': {} rows in {} pages, {} findings, {} suppressed, {} requests",
                         hunt.name, outcome.rows, outcome.pages, outcome.stats.findings,
                         outcome.stats.suppressed, outcome.requests);
    if (outcome.result == service::HuntResult::kTruncated) {
      printFormatted(*context.redactor, context.streams.err,
                     "aihunt: warning: hunt '%s': Ariel found %llu rows; only the first %llu were "
                     "read (row cap; raise --row-cap or narrow the window)\n",
                     hunt.name.c_str(), static_cast<unsigned long long>(outcome.record_count),
                     static_cast<unsigned long long>(outcome.rows));
    }
  }
  writer->setRunCounts({totals.stats.suppressed, hunts_failed});
  if (auto status = writer->finish(); !status) {
    return fail(context.streams, status.error(), core::kExitUsage);
  }
  service::logRunSummary(*context.logger, "hunt", totals);
  if (delivery != nullptr) exit_code = service::worseExitCode(exit_code, delivery->finish(context));
  if (exit_code != core::kExitOk) return exit_code;
  if (values["fail-on-findings"].as<bool>() && totals.stats.findings > 0) {
    return core::kExitFindings;
  }
  return core::kExitOk;
}

}  // namespace aihunt::cli

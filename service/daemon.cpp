#include "service/daemon.h"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <functional>
#include <iterator>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include "aql/printer.h"
#include "core/exit_codes.h"
#include "core/text.h"
#include "core/time.h"
#include "detection/finding.h"
#include "qradar_client/events_catalog.h"
#include "service/console_searches.h"
#include "service/grace_watch.h"
#include "service/hunt_engine.h"
#include "service/hunt_query.h"
#include "service/instrumented_transport.h"
#include "service/ledger_writer.h"
#include "service/mapped_properties.h"
#include "service/run_summary.h"

namespace aihunt::service {
namespace {

using Clock = std::chrono::steady_clock;

class SilentObserver final : public HuntObserver {};

double seconds(core::EpochMs ms) { return static_cast<double>(ms) / 1000.0; }

// Whole intervals between the ledger's end and the horizon: what a hunt owes.
// The searches the scheduler would run for the lag: whole `every` steps, merged up to
// max_window per search while catching up (as dueWindows() plans them), so that the gauge counts
// down one per window hunted (a chaos trial saw 20 pending with 1 left to run).
double pendingWindows(const config::HuntConfig& hunt, const DuePlan& plan) {
  const core::EpochMs every = std::max<core::EpochMs>(hunt.schedule.every.count(), 60'000);
  const core::EpochMs steps = plan.lag / every;
  const core::EpochMs per_window =
      std::max<core::EpochMs>(1, std::max(every, hunt.schedule.max_window.count()) / every);
  const core::EpochMs searches = (steps + per_window - 1) / per_window;  // whole searches
  return static_cast<double>(searches);
}

std::string errorText(const core::Error& error) { return error.message; }

}  // namespace

ScheduleSpec scheduleOf(const config::HuntConfig& hunt) {
  ScheduleSpec spec;
  spec.every = hunt.schedule.every.count();
  spec.overlap = hunt.schedule.overlap.count();
  spec.delay = hunt.schedule.delay.count();
  spec.catch_up_max = hunt.schedule.catch_up_max.count();
  spec.max_window = std::max(hunt.schedule.max_window.count(), spec.every);
  return spec;
}

void WindowRunner::noteUnknownReferenceSets(std::uint64_t checks) {
  if (checks == 0) return;
  metrics_.add("aihunt_reference_set_unknown_checks_total", {}, static_cast<double>(checks));
  unknown_set_checks_ += checks;
}

void WindowRunner::sayUnknownReferenceSets(const std::string& hunt) {
  if (unknown_set_checks_ == 0) return;
  std::string unknown;
  for (const auto& name : referencedSetNames(config_.settings.exceptions)) {
    if (reference_sets_ != nullptr && reference_sets_->readAt(name)) continue;
    unknown += (unknown.empty() ? "'" : ", '") + name + "'";
  }
  logger_->warn("hunt '{}': {} not suppressed by exceptions naming reference sets never read ({})",
                hunt, core::counted(unknown_set_checks_, "finding was", "findings were"), unknown);
  unknown_set_checks_ = 0;
}

// An exception that expires while the daemon runs stops suppressing without a config reload:
// the findings it would have hidden are raised, and the log says why, window by window.
void WindowRunner::warnExpiredExceptions(const std::string& hunt, std::uint64_t hits,
                                         core::EpochMs now) {
  if (hits == 0) return;
  metrics_.add("aihunt_expired_exception_matches_total", {hunt}, static_cast<double>(hits));
  std::string names;
  for (const std::string& id : expiredExceptionIds(config_.settings.exceptions, now)) {
    names += (names.empty() ? "'" : ", '") + id + "'";
  }
  logger_->warn(
      "hunt '{}': {} an exception that has expired{}; raised, not suppressed (renew its expires "
      "date or remove it)",
      hunt, core::counted(hits, "finding matched", "findings matched"),
      names.empty() ? "" : " (expired: " + names + ")");
}

void WindowRunner::run(QRadarConnection& connection, const config::HuntConfig& hunt,
                       const std::vector<PlannedWindow>& windows, core::EpochMs now,
                       const qradar::Cancellation& cancellation, HuntRunReport& report) {
  runWindows(connection, hunt, windows, now, cancellation, report);
  sayUnknownReferenceSets(hunt.name);
}

void WindowRunner::runWindows(QRadarConnection& connection, const config::HuntConfig& hunt,
                              const std::vector<PlannedWindow>& windows, core::EpochMs now,
                              const qradar::Cancellation& cancellation, HuntRunReport& report) {
  report.hunt = hunt.name;
  EngineOptions options;
  options.ariel = arielOptionsFor(config_.qradar.value_or(config::QRadarConfig()));
  options.now = now;
  options.searches = &store_;
  HuntEngine engine(*connection.api, config_.settings, options);
  SilentObserver observer;
  const bool first_seen = hunt.signals.has(detection::Signal::kFirstSeen);
  cut_gap_end_.reset();
  for (const auto& window : windows) {
    if (cancellation.requested()) {
      report.exit_code = worseExitCode(report.exit_code, core::kExitSearchFailed);
      report.error = "interrupted";
      return;
    }
    // A query that cannot be built (config values the builder refuses) stops the hunt's run.
    const auto unplannable = [&](const core::Error& error) {
      report.exit_code = worseExitCode(report.exit_code, core::kExitUsage);
      report.error = errorText(error);
      metrics_.add("aihunt_hunt_runs_total", {hunt.name, "failed"});
      logger_->error("hunt '{}': {}", hunt.name, report.error);
    };
    auto query = huntQuery(hunt, config_.settings, window.search_from, window.to,
                           /*streamed=*/true);
    if (!query) return unplannable(query.error());
    HuntJob job;
    job.name = hunt.name;
    job.aql = aql::print(*query);
    job.mapping = hunt.aql.empty() ? logicalColumnMapping() : hunt.columns;
    job.signals = hunt.signals;
    // A refresh between windows is seen by the next window, never half-way through one.
    engine.setReferenceSets(reference_sets_ != nullptr ? reference_sets_->snapshot() : nullptr);
    job.window = {window.search_from, window.to};
    auto upload = uploadQuery(hunt, config_.settings, window.search_from, window.to);
    if (!upload) return unplannable(upload.error());
    if (*upload) job.upload_aql = aql::print(**upload);
    LedgerWriter writer(store_, config_.settings, hunt.name, sinks_, now, first_seen);
    writer.setOverlappingTotalsRepeat(overlapping_totals_repeat_);
    writer.setMetrics(&metrics_);
    writer.setWindow(window.from, window.to);
    logger_->debug("hunt '{}' window [{}, {}) AQL: {}", hunt.name, core::formatIso8601(window.from),
                   core::formatIso8601(window.to), job.aql);
    const HuntOutcome outcome = engine.run(job, writer, observer, cancellation);
    report.left_on_console.insert(report.left_on_console.end(), outcome.left_on_console.begin(),
                                  outcome.left_on_console.end());
    metrics_.add("aihunt_rows_read_total", {hunt.name}, static_cast<double>(outcome.rows));
    metrics_.add("aihunt_qradar_requests_total", {hunt.name},
                 static_cast<double>(outcome.requests));
    metrics_.add("aihunt_qradar_retries_total", {hunt.name}, static_cast<double>(outcome.retries));
    for (const auto& [exception, count] : outcome.suppressed_by_exception) {
      if (count > 0)
        metrics_.add("aihunt_suppressed_total", {exception}, static_cast<double>(count));
    }
    noteUnknownReferenceSets(outcome.stats.unknown_reference_set_checks);
    report.rows += outcome.rows;
    if (outcome.result == HuntResult::kFailed || outcome.result == HuntResult::kCancelled) {
      const core::Error& error = *outcome.error;
      report.exit_code = worseExitCode(report.exit_code, outcome.exitCode());
      if (error.code == core::ErrorCode::kAuth) report.refused = true;
      // A search cancelled by the stop reads as the hunts stopped between windows do.
      report.error = outcome.result == HuntResult::kCancelled ? "interrupted" : errorText(error);
      metrics_.add("aihunt_hunt_runs_total",
                   {hunt.name, std::string(huntResultName(outcome.result))});
      metrics_.add("aihunt_searches_total",
                   {outcome.result == HuntResult::kCancelled ? "cancelled" : "failed"});
      if (error.code == core::ErrorCode::kState) metrics_.add("aihunt_state_errors_total");
      if (outcome.result == HuntResult::kFailed) {
        logger_->error("hunt '{}' window [{}, {}): {}", hunt.name, core::formatIso8601(window.from),
                       core::formatIso8601(window.to), report.error);
      }
      return;
    }
    if (outcome.result == HuntResult::kTruncated) {
      if (!recordTruncated(hunt.name, window, outcome, options.ariel.row_cap, writer, now,
                           report)) {
        return;
      }
      continue;
    }
    state::WindowRecord record;
    record.from = window.from;
    record.to = window.to;
    record.rows = outcome.rows;
    record.suppressed = outcome.stats.suppressed;
    if (auto done = writer.complete(record); !done) {
      report.exit_code = worseExitCode(report.exit_code, core::kExitState);
      report.error = errorText(done.error());
      metrics_.add("aihunt_state_errors_total");
      logger_->error("hunt '{}': recording window [{}, {}): {}", hunt.name,
                     core::formatIso8601(window.from), core::formatIso8601(window.to),
                     report.error);
      return;
    }
    metrics_.add("aihunt_hunt_runs_total",
                 {hunt.name, std::string(huntResultName(outcome.result))});
    metrics_.add("aihunt_searches_total", {"completed"});
    metrics_.add("aihunt_finding_repeats_total", {hunt.name},
                 static_cast<double>(writer.repeats()));
    metrics_.set("aihunt_last_window_end_seconds", {hunt.name}, seconds(window.to));
    report.windows += 1;
    report.findings += writer.added();
    report.repeats += writer.repeats();
    // Quiet windows are the norm; they are logged at debug level.
    // aihunt's own LEEF events come back in later windows (QRadar stamps them on arrival): the
    // skip is said, so that a window of rows and no findings does not look like a miss.
    std::string skipped;
    if (outcome.stats.own_events_skipped > 0) {
      skipped += ", " + std::to_string(outcome.stats.own_events_skipped) +
                 " of aihunt's own LEEF events skipped";
    }
    if (outcome.stats.browser_events_skipped > 0) {
      skipped +=
          ", " + core::counted(outcome.stats.browser_events_skipped, "browser event") + " skipped";
    }
    if (outcome.stats.repaired_rows > 0) {
      // Read all the same (core/json_repair.h): a planted row does not hold the window back.
      skipped += ", " + core::counted(outcome.stats.repaired_rows, "row") +
                 " with text that is not valid UTF-8 (replaced with U+FFFD)";
      metrics_.add("aihunt_repaired_rows_total", {hunt.name},
                   static_cast<double>(outcome.stats.repaired_rows));
    }
    logger_->log(outcome.rows > 0 ? spdlog::level::info : spdlog::level::debug,
                 "hunt '{}' window [{}, {}): {}, {}, {}, {} suppressed{}", hunt.name,
                 core::formatIso8601(window.from), core::formatIso8601(window.to),
                 core::counted(outcome.rows, "row"), core::counted(writer.added(), "new finding"),
                 core::counted(writer.repeats(), "repeat"), outcome.stats.suppressed, skipped);
    warnExpiredExceptions(hunt.name, outcome.stats.expired_exception_hits, now);
  }
}

void WindowRunner::stateFailure(const std::string& hunt, const PlannedWindow& window,
                                const core::Error& error, HuntRunReport& report) {
  // As for a window that cannot be recorded: the hunt stops here, so that no later window moves
  // the ledger past one that is neither hunted nor a gap.
  report.exit_code = worseExitCode(report.exit_code, core::kExitState);
  report.error = errorText(error);
  metrics_.add("aihunt_state_errors_total");
  logger_->error("hunt '{}': recording the cut window [{}, {}): {}", hunt,
                 core::formatIso8601(window.from), core::formatIso8601(window.to), report.error);
}

bool WindowRunner::keepCutFindings(const std::string& hunt, const PlannedWindow& window,
                                   LedgerWriter& writer, HuntRunReport& report) {
  // A search cut at the row cap: counted, and the findings of the rows read committed as any
  // window's are.
  ++report.truncated;
  metrics_.add("aihunt_hunt_runs_total", {hunt, "truncated"});
  metrics_.add("aihunt_searches_total", {"completed"});
  if (auto committed = writer.finish(); !committed) {
    stateFailure(hunt, window, committed.error(), report);
    return false;
  }
  report.findings += writer.added();
  report.repeats += writer.repeats();
  metrics_.add("aihunt_finding_repeats_total", {hunt}, static_cast<double>(writer.repeats()));
  return true;
}

bool WindowRunner::recordTruncated(const std::string& hunt, const PlannedWindow& window,
                                   const HuntOutcome& outcome, std::uint64_t row_cap,
                                   LedgerWriter& writer, core::EpochMs now, HuntRunReport& report) {
  // The rows past the cap were never read, so the window is not marked done (an operator's
  // trial: it was, and the rows were lost for good with no gap listed). It is a gap instead:
  // `state gaps` lists it, the GAPS column and aihunt_gaps_total count it, and a backfill with a
  // larger qradar.row_cap hunts it. The schedule moves on past it, since the same search would
  // stop at the same cap. The findings of the rows read are committed as any window's are.
  report.exit_code = worseExitCode(report.exit_code, core::kExitSearchFailed);
  if (!keepCutFindings(hunt, window, writer, report)) return false;
  const std::string cut = "Ariel found " + core::counted(outcome.record_count, "row") + "; only " +
                          std::to_string(outcome.rows) + (outcome.rows == 1 ? " was" : " were") +
                          " read (qradar.row_cap, " + core::counted(row_cap, "row") +
                          " per search), " + core::counted(writer.added(), "new finding");
  const auto stateFailed = [&](const core::Error& error) {
    stateFailure(hunt, window, error, report);
    return false;
  };
  // A forced backfill over windows already hunted in full: those stay as they were.
  auto held = store_.windows(hunt, window.from, window.to);
  if (!held) return stateFailed(held.error());
  core::EpochMs covered = window.from;
  for (const auto& done : *held) {
    if (done.from <= covered) covered = std::max(covered, done.to);
  }
  if (covered >= window.to) {
    report.error = "a window stopped at qradar.row_cap (" + cut + "); its earlier search stays";
    logger_->error(
        "hunt '{}' window [{}, {}): {}: the ledger keeps the earlier search, which "
        "read it whole",
        hunt, core::formatIso8601(window.from), core::formatIso8601(window.to), cut);
    return true;
  }
  auto recorded = store_.recordGap(state::Gap{hunt, window.from, window.to, now});
  if (!recorded) return stateFailed(recorded.error());
  if (*recorded) metrics_.add("aihunt_gaps_total", {hunt});
  metrics_.add("aihunt_gap_seconds_total", {hunt}, seconds(window.to - window.from));
  // GAPS counts stretches, as `state gaps` lists them: consecutive cut windows extend one gap.
  if (cut_gap_end_ != window.from) ++report.gaps;
  cut_gap_end_ = window.to;
  report.error = "a window stopped at qradar.row_cap (" + cut + "): recorded as a gap";
  logger_->error(
      "hunt '{}' window [{}, {}): {}: the window is recorded as a gap, not as hunted (raise "
      "qradar.row_cap, then 'aihunt backfill' hunts it)",
      hunt, core::formatIso8601(window.from), core::formatIso8601(window.to), cut);
  return true;
}

struct Daemon::Impl {
  DaemonDeps deps;
  DaemonOptions options;

  mutable std::mutex mutex;
  std::condition_variable changed;
  SharedConfig config;
  std::uint64_t generation = 0;
  // The config generation whose mapped properties were compared with the console's catalog,
  // and the hunts whose aihunt_mapped_properties_missing it set.
  std::optional<std::uint64_t> catalog_checked;
  std::set<std::string> catalog_gauges;
  std::deque<std::string> queue;
  std::set<std::string> busy;        // queued or running
  std::set<std::string> said_ahead;  // hunts whose ledger ends after now, said once each
  std::map<std::string, HuntRunReport> reports;
  std::map<std::string, Clock::time_point> retry_at;
  // The console refused the credentials: no hunt connects, and the readiness probe asks nothing,
  // until then. Each refused request is a failed login, and QRadar locks a host out after a few
  // (per host by default, IBM); one request per hold, the hold doubling from 30 s to 10 min
  // while the console keeps refusing, instead of one per hunt every 30 s.
  Clock::time_point refused_until{};
  std::chrono::milliseconds refused_hold{0};  // the hold the last refusal started
  int refusals = 0;
  // Until a connection shows the console takes the token (`token_taken`: false at the start,
  // after a reload and after a refusal), one connection at a time tries it (a worker's or the
  // probe's, `refusal_trial` while it does); the others wait for its answer instead of each
  // sending the token at the same moment.
  bool refusal_trial = false;
  bool token_taken = false;
  std::map<std::string, int> failures;
  bool stopping = false;
  // --once: why the console is out of reach (a refused connection, a refused token). Every other
  // hunt would fail the same way after its retries, so none starts; each is reported not run.
  std::string unreachable;
  int unreachable_exit = core::kExitOk;  // its exit code: 3 out of reach or refused, 2 set-up
  std::vector<std::thread> workers;
  // Searches an earlier process recorded as held on the console and never cleaned up (read once,
  // before any worker starts a search): deleted by the first worker to reach the console, and
  // those it could not delete by the next.
  std::vector<state::ConsoleSearch> leftovers;

  std::atomic<bool> state_ok{true};
  std::atomic<std::int64_t> qradar_ok_at{0};  // steady ms of the last answer from the console
  // Steady ms of the last accepted reload: an answer from before it came from the config before
  // (another token, perhaps another console), so it does not keep /readyz ready once the probe
  // finds the new one failing.
  std::atomic<std::int64_t> reloaded_at{0};
  // Why the console was last found unusable (a refused token, no answer), for /readyz; cleared
  // by the next answer. Its own lock: /readyz reads it on the health server's thread.
  mutable std::mutex problem_mutex;
  std::string qradar_problem;
  // Why the state store last failed, for /readyz; cleared, and state_ok set again, when a hunt
  // commits a window (a disk that was full has room again).
  std::string state_problem;
  void noteStateFailed(const std::string& why) {
    state_ok = false;
    const std::lock_guard lock(problem_mutex);
    state_problem = why;
  }
  void noteStateWorked() {
    if (!state_ok.exchange(true)) deps.logger->info("the state store records again");
    const std::lock_guard lock(problem_mutex);
    state_problem.clear();
  }
  void noteQRadarProblem(std::string why) {
    const std::lock_guard lock(problem_mutex);
    qradar_problem = std::move(why);
  }
  // Called without `mutex` held (the probe, a hunt after a whole search).
  void noteQRadarAnswered() {
    qradar_ok_at = steadyMs();
    {
      const std::lock_guard lock(problem_mutex);
      qradar_problem.clear();
    }
    if (console_lost.exchange(false)) consoleBack();
  }
  // The probe found the console lost (no answer, or 5xx). Its first answer then wakes the hunts
  // backing off (consoleBack()). When nothing has answered since a reload, the last answer was
  // the old config's (another token or console), and /readyz says so now rather than
  // ready_within after that answer (a trial waited five minutes).
  void noteConsoleFailing() {
    console_lost = true;
    if (qradar_ok_at.load() < reloaded_at.load()) qradar_ok_at = 0;
  }
  // The first answer after the probe found the console lost (no answer, or 5xx): said, and the
  // hunts backing off from it (up to 5 minutes) try now, since /readyz says it is back and a
  // hunt that waited on would turn more of its backlog into a gap (a trial). Only those whose
  // last failure was the console out of reach; their failure counts stay, so a console that
  // fails again backs off as before.
  void consoleBack() {
    std::size_t woken = 0;
    {
      const std::lock_guard lock(mutex);
      const auto at = Clock::now();
      for (const std::string& name : lost_console_hunts) {
        auto it = retry_at.find(name);
        if (it == retry_at.end() || it->second <= at || it->second <= refused_until) continue;
        retry_at.erase(it);
        ++woken;
      }
      lost_console_hunts.clear();
    }
    deps.logger->info("the console answers again{}",
                      woken == 0
                          ? std::string()
                          : ": " + core::counted(woken, "hunt") + " backing off from it try now");
    changed.notify_all();
  }
  std::atomic<bool> config_file_ok{true};  // the last reload, if any, was accepted
  bool probe_said_lost = false;  // the main loop's: the probe's lost console is in the log
  // The probe found the console lost (no answer, or 5xx) and no answer has come since.
  std::atomic<bool> console_lost{false};
  // Under `mutex`: hunts whose last failure was the console out of reach (consoleBack()).
  std::set<std::string> lost_console_hunts;
  // The kind of the console's unreachability as last said (ErrorCode, refused), and when (under
  // `mutex`): other hunts finding the same within a minute say it at debug level.
  std::string unreachable_said;
  Clock::time_point unreachable_said_at{};

  Impl(DaemonDeps d, DaemonOptions o, SharedConfig c)
      : deps(std::move(d)), options(o), config(std::move(c)) {}

  static std::int64_t steadyMs() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now().time_since_epoch())
        .count();
  }

  core::EpochMs now() const { return core::toEpochMs(deps.clock.now()); }

  const config::HuntConfig* findHunt(const config::Config& cfg, const std::string& name) const {
    for (const auto& hunt : cfg.hunts) {
      if (hunt.name == name) return &hunt;
    }
    return nullptr;
  }

  // The splay holds each hunt back by its own share, so hunts do not all start at once.
  static core::EpochMs splayOffset(const config::HuntConfig& hunt) {
    const core::EpochMs splay = hunt.schedule.splay.count();
    if (splay <= 0) return 0;
    return static_cast<core::EpochMs>(std::hash<std::string>{}(hunt.name) %
                                      static_cast<std::size_t>(splay));
  }

  // The lag and pending-window gauges, as the scheduler sees the hunt at `at` (splay included,
  // so that the gauges and the schedule agree), from where it is scheduled (the ledger's end, or
  // a gap's after it). Returns the plan for one window.
  DuePlan publishLag(const config::HuntConfig& hunt, std::optional<core::EpochMs> scheduled,
                     std::optional<core::EpochMs> ledger_end, core::EpochMs at) {
    DuePlan plan = dueWindows(scheduleOf(hunt), scheduled, at - splayOffset(hunt), 1);
    // From the ledger, so that a restart shows it before the hunt's next window; a hunted
    // window's end, never a gap's (a review: an outage's gap would keep it near now, and an alert
    // on how long nothing was hunted would never fire).
    if (ledger_end) {
      deps.metrics.set("aihunt_last_window_end_seconds", {hunt.name}, seconds(*ledger_end));
    }
    deps.metrics.set("aihunt_window_lag_seconds", {hunt.name}, seconds(plan.lag));
    deps.metrics.set("aihunt_windows_pending", {hunt.name}, pendingWindows(hunt, plan));
    return plan;
  }

  // After a hunt's turn. A reload during the turn may have removed or turned off the hunt: its
  // gauges, which the turn set again, go (checked under the lock the reload takes, so that the
  // two cannot cross).
  void updateLag(const config::HuntConfig& hunt) {
    auto scheduled = deps.store.scheduledThrough(hunt.name);
    auto end = deps.store.ledgerEnd(hunt.name);
    const std::lock_guard lock(mutex);
    if (runningHunts(*config).count(hunt.name) == 0) {
      removeHuntGauges(hunt.name);
      return;
    }
    if (!scheduled || !end) return;
    publishLag(hunt, *scheduled, *end, now());
  }

  void removeHuntGauges(const std::string& name) {
    for (const char* gauge : {"aihunt_window_lag_seconds", "aihunt_windows_pending",
                              "aihunt_last_window_end_seconds"}) {
      deps.metrics.removeGauge(gauge, {name});
    }
  }

  // A ledger that ends after now (an earlier run given a later --now, a clock set back) makes
  // every run hunt nothing, quietly, until the clock catches up: said once per hunt, with what
  // to do if the clock was ahead when those windows were hunted. They were then searched before
  // their events could all be in QRadar, and only a forced backfill searches them again. Not
  // done by itself: a clock that is behind now (a boot before time sync) looks the same from
  // here, and forgetting good windows then records false gaps (a review).
  void noteLedgerAhead(const std::string& name, std::optional<core::EpochMs> end,
                       core::EpochMs at) {
    if (!end || *end <= at) return;
    {
      std::lock_guard lock(mutex);
      if (!said_ahead.insert(name).second) return;
    }
    deps.logger->warn(
        "hunt '{}': the ledger ends at {}, after now ({}): no window is due until then (was an "
        "earlier run given a later --now, or the clock set back?). If the clock ran ahead when "
        "those windows were hunted, they were searched too early: stop aihunt and run 'aihunt "
        "state rewind --hunt {} --to <when the clock went wrong>' (-c with the config), and the "
        "next start hunts them again (or, once now is past {}, 'aihunt backfill --force')",
        name, core::formatIso8601(*end), core::formatIso8601(at), name, core::formatIso8601(*end));
  }

  // The windows of `hunt` due at `at`, at most `most` (the schedule's splay held back, except
  // under --once, which queues every hunt at once and plans with now).
  DuePlan duePlan(const config::HuntConfig& hunt, std::optional<core::EpochMs> end,
                  core::EpochMs at, std::size_t most) const {
    const core::EpochMs planned_at = options.once ? at : at - splayOffset(hunt);
    return dueWindows(scheduleOf(hunt), end, planned_at, most);
  }

  // Whether the hunt's turn needs the console: a window due, or searches a killed run left on
  // it. A turn that needs nothing asks nothing: a cron tick with no window due made a failed
  // login of every hunt when the token was wrong (a trial), and showed each as failed.
  bool needsConsole(const config::Config& cfg, const std::string& name) {
    {
      const std::lock_guard lock(mutex);
      if (!leftovers.empty()) return true;
    }
    const config::HuntConfig* hunt = findHunt(cfg, name);
    if (hunt == nullptr) return false;
    auto end = deps.store.scheduledThrough(name);
    if (!end) return false;  // the turn reports the store's error, which needs no console
    return !duePlan(*hunt, *end, now(), 1).windows.empty();
  }

  // True when the console refused the credentials during the hunt. Without a connection
  // (needsConsole() found nothing due), only what needs none is done: a gap recorded, the
  // gauges; a window that came due since that check waits for the next turn.
  bool huntOnce(const std::string& name, const SharedConfig& cfg, QRadarConnection* connection) {
    const config::HuntConfig* hunt = findHunt(*cfg, name);
    if (hunt == nullptr) return false;  // removed by a reload
    HuntRunReport turn;
    turn.hunt = name;
    const core::EpochMs at = now();
    // From the end of a gap recorded past the ledger (a turn that failed after recording it):
    // that stretch is not hunted, nor recorded again.
    auto end = deps.store.scheduledThrough(name);
    if (!end) {
      noteStateFailed(end.error().message);
      turn.exit_code = core::kExitState;
      turn.error = end.error().message;
      deps.logger->error("hunt '{}': reading the ledger: {}", name, turn.error);
    } else {
      noteLedgerAhead(name, *end, at);
      const std::size_t most = options.once ? SIZE_MAX : options.windows_per_turn;
      // Planned as it was scheduled (schedule(), publishLag()): with the splay held back, so
      // that a turn that starts late does not take a window before its splay has passed.
      DuePlan plan = duePlan(*hunt, *end, at, most);
      if (connection == nullptr) plan.windows.clear();
      bool gap_ok = true;
      if (plan.gap) {
        state::Gap gap{name, plan.gap->from, plan.gap->to, at};
        if (auto recorded = deps.store.recordGap(gap); !recorded) {
          gap_ok = false;
          noteStateFailed(recorded.error().message);
          turn.exit_code = core::kExitState;
          turn.error = recorded.error().message;
        } else {
          // An outage's later turns extend its gap: one gap in the metric, its seconds counted
          // once each; the run's table counts the stretch this run left, as its warning says.
          ++turn.gaps;
          if (*recorded) deps.metrics.add("aihunt_gaps_total", {name});
          deps.metrics.add("aihunt_gap_seconds_total", {name}, seconds(gap.to - gap.from));
          deps.logger->warn(
              "hunt '{}': [{}, {}) is older than catch_up_max and will not be hunted (a gap; "
              "'aihunt backfill' can hunt it)",
              name, core::formatIso8601(gap.from), core::formatIso8601(gap.to));
        }
      }
      if (gap_ok && !plan.windows.empty() && options.once && deps.stop.requested()) {
        // Stopped before its turn came (more hunts than max_concurrent_searches): windows were
        // due and none ran, which is not the same as a run the signal cut short. A hunt with
        // nothing due ends ok, as it would have.
        turn.exit_code = core::kExitSearchFailed;
        turn.error = "not run: stopped before its turn";
      } else if (gap_ok && !plan.windows.empty()) {
        WindowRunner runner(*cfg, deps.store, deps.outbox.sinkNames(), deps.metrics, deps.logger);
        runner.setReferenceSets(deps.reference_sets);
        runner.run(*connection, *hunt, plan.windows, at, deps.stop, turn);
        if (turn.exit_code == core::kExitState) {
          noteStateFailed(turn.error);
        } else if (turn.windows > 0) {
          noteStateWorked();
        }
        // The console answered a whole search (one cut at the row cap included).
        if (turn.windows > 0 || turn.truncated > 0) noteQRadarAnswered();
      }
    }
    updateLag(*hunt);
    std::lock_guard lock(mutex);
    // No longer held by anyone: the main loop (every 30 s) or the next hunt deletes them.
    leftovers.insert(leftovers.end(), turn.left_on_console.begin(), turn.left_on_console.end());
    HuntRunReport& total = reports[name];
    total.hunt = name;
    total.windows += turn.windows;
    total.rows += turn.rows;
    total.findings += turn.findings;
    total.repeats += turn.repeats;
    total.gaps += turn.gaps;
    total.exit_code = worseExitCode(total.exit_code, turn.exit_code);
    if (!turn.error.empty()) total.error = turn.error;
    if (options.once && turn.exit_code == core::kExitConnection && turn.windows == 0 &&
        unreachable.empty()) {
      unreachable = "hunt '" + name + "' could not reach the console, or its token was refused";
      unreachable_exit = core::kExitConnection;
    }
    if (turn.exit_code == core::kExitConnection) {
      lost_console_hunts.insert(name);
    } else {
      lost_console_hunts.erase(name);
    }
    if (turn.exit_code != core::kExitOk && turn.exit_code != core::kExitFindings) {
      const int n = ++failures[name];
      const auto backoff = std::min<std::chrono::milliseconds>(
          std::chrono::minutes(5), std::chrono::seconds(5) * (1 << std::min(n - 1, 6)));
      retry_at[name] = Clock::now() + backoff;
    } else {
      failures.erase(name);
      retry_at.erase(name);
    }
    return turn.refused;
  }

  // Under the mutex: the console refused the credentials. Every hunt waits out the hold; a
  // refusal within a hold (hunts that connected side by side) does not lengthen it.
  void holdAfterRefusal(const config::Config& cfg) {
    token_taken = false;
    // Not ready from now: a refused token is no passing outage that ready_within should ride out
    // (a trial: /readyz said ready for five minutes after a reload brought a wrong token).
    qradar_ok_at = 0;
    const auto at = Clock::now();
    if (at >= refused_until || refusals == 0) ++refusals;
    const auto hold = std::min<std::chrono::milliseconds>(
        std::chrono::minutes(10), std::chrono::seconds(30) * (1 << std::min(refusals - 1, 5)));
    if (at + hold > refused_until) {
      refused_until = at + hold;
      refused_hold = hold;
    }
    // The sinks that send with the token wait as long (a trial: the offense-note sink went on
    // logging in on its own backoff, 8 refused requests in two minutes).
    deps.outbox.holdConsole(refused_until);
    noteQRadarProblem("the console refuses the token; nothing is sent for " +
                      core::formatDuration(refused_hold) +
                      " (each refused request counts as a failed login)");
    for (const auto& hunt : cfg.hunts) {
      auto& when = retry_at[hunt.name];
      when = std::max(when, refused_until);
    }
  }

  // In a hold, or after one until a worker's connection has shown the console takes the token:
  // the probe sends nothing.
  [[nodiscard]] bool refusedNow() const {
    const std::lock_guard lock(mutex);
    return Clock::now() < refused_until || refusals > 0;
  }

  // --once, under the mutex: the console was found out of reach (or refusing the token) by
  // another hunt, so `name` is reported not run rather than tried again.
  bool notRunForUnreachable(const std::string& name) {
    if (!options.once || unreachable.empty()) return false;
    HuntRunReport& total = reports[name];
    total.hunt = name;
    total.exit_code = worseExitCode(total.exit_code, core::kExitConnection);
    total.error = "not run: " + unreachable;
    busy.erase(name);
    changed.notify_all();
    return true;
  }

  // Under the mutex: a connection that failed before any window (no run is counted), by why.
  void countConnectFailure(const core::Result<std::unique_ptr<QRadarConnection>>& opened) {
    std::string reason = "setup";
    if (opened && (*opened)->unreachable) {
      reason = (*opened)->unreachable->code == core::ErrorCode::kAuth ? "refused" : "unreachable";
    }
    deps.metrics.add("aihunt_qradar_connect_failures_total", {reason});
  }

  // --once, under the mutex: a hunt whose connection failed the same way (the same exit code)
  // as another hunt's that, running beside it, already failed and said why. Its row points there
  // (as a hunt that never started) rather than say it again, and its turn ends.
  bool sameCauseSaid(HuntRunReport& total, int exit_code) {
    if (!options.once || unreachable.empty() || exit_code != unreachable_exit) return false;
    total.error = "not run: " + unreachable;
    retry_at[total.hunt] = Clock::now() + std::chrono::seconds(30);
    busy.erase(total.hunt);
    changed.notify_all();
    return true;
  }

  void worker() {
    std::unique_ptr<QRadarConnection> connection;
    std::uint64_t connected_generation = 0;
    while (true) {
      std::string name;
      SharedConfig cfg;
      std::uint64_t gen = 0;
      {
        std::unique_lock lock(mutex);
        changed.wait(lock, [&] { return stopping || !queue.empty(); });
        if (queue.empty()) return;
        name = queue.front();
        queue.pop_front();
        cfg = config;
        gen = generation;
        if (notRunForUnreachable(name)) continue;
      }
      if ((!connection || connected_generation != gen) && !needsConsole(*cfg, name)) {
        huntOnce(name, cfg, nullptr);
        const std::lock_guard lock(mutex);
        busy.erase(name);
        changed.notify_all();
        continue;
      }
      if (!connection || connected_generation != gen) {
        bool trial = false;
        {
          // Until the console has taken the token (at the start, after a reload or a refusal),
          // one connection at a time asks it, and the others wait for its answer: each refused
          // one is a failed login, and five hunts side by side were five at once.
          std::unique_lock lock(mutex);
          changed.wait(lock, [&] { return stopping || !refusal_trial; });
          if (stopping) {
            busy.erase(name);
            changed.notify_all();
            continue;
          }
          if (notRunForUnreachable(name)) continue;
          // Queued before the console refused another hunt's connection: not tried until the
          // hold ends (a try would be one more failed login).
          if (Clock::now() < refused_until) {
            retry_at[name] = refused_until;
            busy.erase(name);
            changed.notify_all();
            continue;
          }
          trial = !token_taken;
          if (trial) refusal_trial = true;
        }
        auto opened = deps.connect(*cfg);
        // Under the mutex, in the same hold of it as what the answer changes (a hold, --once's
        // cause): a waiting connection sees both together, never a finished trial without them.
        const auto endTrial = [&] {
          if (trial) refusal_trial = false;
          trial = false;
        };
        if (opened && !(*opened)->unreachable) {  // the console took the token
          {
            std::lock_guard lock(mutex);
            endTrial();
            refusals = 0;
            token_taken = true;
          }
          changed.notify_all();
        }
        if (!opened) {
          std::lock_guard lock(mutex);
          endTrial();
          countConnectFailure(opened);
          HuntRunReport& total = reports[name];
          total.hunt = name;
          total.exit_code = worseExitCode(total.exit_code, exitCodeFor(opened.error()));
          if (sameCauseSaid(total, exitCodeFor(opened.error()))) continue;
          deps.logger->error("hunt '{}': connecting to QRadar: {}", name, opened.error().message);
          total.error = opened.error().message;
          if (options.once) {
            // The cause (a token file, a CA file, a URL) is on that hunt's row; each other row
            // points there rather than repeat it.
            unreachable = "the connection could not be set up (hunt '" + name + "' says why)";
            unreachable_exit = exitCodeFor(opened.error());
          }
          retry_at[name] = Clock::now() + std::chrono::seconds(30);
          if (exitCodeFor(opened.error()) == core::kExitConnection) {
            lost_console_hunts.insert(name);
          }
          busy.erase(name);
          changed.notify_all();
          continue;
        }
        if ((*opened)->unreachable) {
          // The first request found no console, or the token refused: every search would fail
          // the same way, so none is created. The connection is not kept: the next turn asks the
          // console again.
          const core::Error why = *(*opened)->unreachable;
          const bool refused = why.code == core::ErrorCode::kAuth;
          std::lock_guard lock(mutex);
          endTrial();
          // No window is tried, so aihunt_hunt_runs_total does not move: this is the counter an
          // alert on a console out of reach (or a revoked token) reads.
          countConnectFailure(opened);
          HuntRunReport& total = reports[name];
          total.hunt = name;
          total.exit_code = worseExitCode(total.exit_code, exitCodeFor(why));
          if (sameCauseSaid(total, exitCodeFor(why))) continue;
          if (refused && !options.once) holdAfterRefusal(*cfg);
          // Every hunt finds the same: said once per turn of the outage, not once per hunt.
          // Keyed on the kind of failure, not its text: curl's names the milliseconds it waited.
          const auto said_now = Clock::now();
          const std::string kind =
              std::to_string(static_cast<int>(why.code)) + (refused ? "r" : "");
          const bool said =
              kind == unreachable_said && said_now - unreachable_said_at < std::chrono::seconds(60);
          deps.logger->log(
              said ? spdlog::level::debug : spdlog::level::err, "hunt '{}': {}: {}{}", name,
              // Which token: with the environment and a token file both possible, the one that
              // won is not obvious (as hunt says it).
              refused ? "the console refuses the credentials (the token from " +
                            (*opened)->token_origin + ")"
                      : std::string("the console cannot be reached"),
              why.message,
              options.once ? std::string()
              : refused
                  ? " (no hunt tries again for at least " + core::formatDuration(refused_hold) +
                        ": each refused request is a failed login, and the console may lock "
                        "this host out)"
                  : std::string(" (each hunt tries again in 30 s)"));
          if (!said) {
            unreachable_said = kind;
            unreachable_said_at = said_now;
          }
          total.error = why.message;
          if (!refused) noteQRadarProblem("the console cannot be reached: " + why.message);
          if (options.once) {
            unreachable =
                refused ? "the console refuses the credentials" : "the console cannot be reached";
            unreachable_exit = exitCodeFor(why);
          }
          retry_at[name] = std::max(Clock::now() + std::chrono::seconds(30), refused_until);
          if (!refused) lost_console_hunts.insert(name);
          busy.erase(name);
          changed.notify_all();
          continue;
        }
        connection = std::move(*opened);
        connected_generation = gen;
      }
      checkMappedProperties(*connection, *cfg, gen);
      deleteLeftovers(*connection, *cfg);
      const bool refused = huntOnce(name, cfg, connection.get());
      if (refused && !options.once) {
        // The console refused the token on this kept connection (revoked or expired since it
        // was opened): the connection goes, and every hunt holds as after a refused connect.
        connection.reset();
        std::lock_guard lock(mutex);
        holdAfterRefusal(*cfg);
        deps.logger->error(
            "hunt '{}': the console refuses the credentials (no hunt tries again for at least {}: "
            "each "
            "refused request is a failed login, and the console may lock this host out)",
            name, core::formatDuration(refused_hold));
      }
      // A token revoked while the connection was kept: the window's run failed, and the refusal
      // is counted where an alert on a refused token looks, as the probe's is (after the hold, so
      // that whoever reads the counter finds the hold in place).
      if (refused) deps.metrics.add("aihunt_qradar_connect_failures_total", {"refused"});
      std::lock_guard lock(mutex);
      busy.erase(name);
      changed.notify_all();
    }
  }

  // Once per config, before a hunt's turn, until a read succeeds: the mapped properties the
  // console's events catalog does not list. A console refuses a search that names one, so such
  // a hunt fails at every window; said here by name, with a gauge per hunt (0 for every other
  // hunt, and for one a reload removed or turned off). The read is not retried and ends at the
  // stop: the next turn asks again. A refused token is left to the hunt's own requests, whose
  // refusal holds every hunt (one more try here would be one more failed login).
  void checkMappedProperties(QRadarConnection& connection, const config::Config& cfg,
                             std::uint64_t gen) {
    {
      const std::lock_guard lock(mutex);
      if (catalog_checked == gen) return;
      catalog_checked = gen;
    }
    auto catalog = qradar::readEventsCatalog(
        *connection.api, qradar::CatalogRead{.retry = false, .abort_flag = deps.stop.flag()});
    if (!catalog || catalog->empty()) {
      deps.logger->debug("reading the events catalog: {}",
                         catalog ? std::string("it lists no columns") : catalog.error().message);
      const bool refused = !catalog && catalog.error().code == core::ErrorCode::kAuth;
      const std::lock_guard lock(mutex);
      if (catalog_checked == gen && !refused) catalog_checked.reset();
      return;
    }
    const std::vector<MappedProperty> missing = missingMappedProperties(*catalog, cfg.hunts);
    const std::lock_guard lock(mutex);
    // A reload while the catalog was read: the newer config's own check says what holds.
    if (gen != generation) return;
    std::set<std::string> counted;
    for (const auto& hunt : cfg.hunts) {
      const auto count =
          std::count_if(missing.begin(), missing.end(),
                        [&](const MappedProperty& m) { return m.hunt == hunt.name; });
      deps.metrics.set("aihunt_mapped_properties_missing", {hunt.name}, static_cast<double>(count));
      counted.insert(hunt.name);
    }
    for (const std::string& gone : catalog_gauges) {
      if (counted.count(gone) == 0) deps.metrics.set("aihunt_mapped_properties_missing", {gone}, 0);
    }
    catalog_gauges = std::move(counted);
    for (const auto& [hunt, property] : missing) {
      deps.logger->warn(
          "hunt '{}': the console's events catalog has no property \"{}\" (hunts[].fields): a "
          "console refuses a search that names one, so this hunt fails at every window until "
          "the property exists or the mapping is corrected",
          hunt, property);
    }
  }

  void readLeftovers() {
    auto recorded = deps.store.consoleSearches();
    if (!recorded) {
      noteStateFailed(recorded.error().message);
      deps.metrics.add("aihunt_state_errors_total");
      deps.logger->error("reading the searches an earlier run held: {}", recorded.error().message);
      return;
    }
    if (recorded->empty()) return;
    deps.logger->warn(
        "{} recorded as held on the console by an earlier run that did not delete {} (killed, "
        "or its delete failed): deleted once the console answers",
        core::counted(recorded->size(), "search is", "searches are"),
        recorded->size() == 1 ? "it" : "them");
    const std::lock_guard lock(mutex);
    leftovers = std::move(*recorded);
  }

  bool haveLeftovers() const {
    const std::lock_guard lock(mutex);
    return !leftovers.empty();
  }

  // Deletes the leftovers through `connection` (a worker's before its hunt, or the main loop's
  // while no hunt runs): those it could not delete are tried again by the next caller.
  void deleteLeftovers(QRadarConnection& connection, const config::Config& cfg) {
    std::vector<state::ConsoleSearch> mine;
    {
      const std::lock_guard lock(mutex);
      mine.swap(leftovers);
    }
    if (mine.empty()) return;
    const qradar::Millis timeout =
        arielOptionsFor(cfg.qradar.value_or(config::QRadarConfig())).cleanup_timeout;
    const LeftoverSweep sweep =
        deleteLeftoverSearches(*connection.api, deps.store, mine, timeout, *deps.logger);
    if (sweep.deleted > 0) {
      deps.metrics.add("aihunt_leftover_searches_total", {"deleted"},
                       static_cast<double>(sweep.deleted));
    }
    if (sweep.gone > 0) {
      deps.metrics.add("aihunt_leftover_searches_total", {"gone"}, static_cast<double>(sweep.gone));
    }
    if (sweep.elsewhere > 0) {
      // Left recorded: a run connected to that console deletes them (a changed qradar.url).
      deps.logger->warn(
          "{} recorded for another console ({}) than {}: left for a run connected to it "
          "(forgotten a week after they were made)",
          core::counted(sweep.elsewhere, "search was", "searches were"), sweep.elsewhere_consoles,
          consoleKey(*connection.api));
    }
    const std::lock_guard lock(mutex);
    leftovers.insert(leftovers.end(), sweep.kept.begin(), sweep.kept.end());
  }

  // The main loop's share: leftovers are deleted even while no hunt runs (a full outbox pauses
  // hunting; a slow schedule may owe nothing for an hour), on a connection of its own.
  void deleteLeftoversNow(std::unique_ptr<QRadarConnection>& probe) {
    if (!haveLeftovers() || refusedNow()) return;
    const SharedConfig cfg = currentConfig();
    if (openProbe(probe, *cfg)) deleteLeftovers(*probe, *cfg);
  }

  SharedConfig currentConfig() const {
    const std::lock_guard lock(mutex);
    return config;
  }

  // The main loop's own connection (the readiness probe's), opened when first needed.
  // `asked`, when given, is set when the console was asked (connected to), whatever it answered.
  bool openProbe(std::unique_ptr<QRadarConnection>& probe, const config::Config& cfg,
                 bool* asked = nullptr) {
    if (asked != nullptr) *asked = probe != nullptr;
    if (probe) return true;
    bool trial = false;
    {
      const std::lock_guard lock(mutex);
      // A hold, or another connection trying the token: asked again next round.
      if (Clock::now() < refused_until || refusals > 0 || refusal_trial) return false;
      trial = !token_taken;
      if (trial) refusal_trial = true;
    }
    if (asked != nullptr) *asked = true;
    auto opened = deps.connect(cfg);
    {
      // The trial's end and the hold a refusal starts, seen together (as a worker's).
      const std::lock_guard lock(mutex);
      if (trial) refusal_trial = false;
      if (opened && !(*opened)->unreachable) {
        token_taken = true;
      } else {
        countConnectFailure(opened);
        if (opened && (*opened)->unreachable->code == core::ErrorCode::kAuth) {
          holdAfterRefusal(cfg);
        }
      }
    }
    changed.notify_all();
    if (!opened) return false;
    if ((*opened)->unreachable) {
      // Not kept: a request on it would be one more failed login, or wait for a console that
      // is not there. The next round connects again.
      if ((*opened)->unreachable->code != core::ErrorCode::kAuth) {
        noteQRadarProblem("the console cannot be reached: " + (*opened)->unreachable->message);
        noteConsoleFailing();
      }
      return false;
    }
    probe = std::move(*opened);
    return true;
  }

  // Queues every enabled hunt that is idle, not backing off, and owes a window.
  // `enqueue` false: only the gauges are read (hunting pauses while the outbox is full, and the
  // lag they show must still grow).
  void schedule(bool all, bool enqueue = true) {
    SharedConfig cfg;
    {
      std::lock_guard lock(mutex);
      cfg = config;
    }
    const core::EpochMs at = now();
    for (const auto& hunt : cfg->hunts) {
      if (!hunt.enabled) continue;
      bool waits = false;  // running, or backing off after a failure
      {
        std::lock_guard lock(mutex);
        waits = busy.count(hunt.name) != 0;
        if (auto it = retry_at.find(hunt.name); it != retry_at.end() && Clock::now() < it->second) {
          waits = true;
        }
      }
      if (waits && all) continue;
      if (!all) {
        // Read for a hunt that waits too: its lag and pending windows keep growing while it
        // backs off from a console that is down, and the gauges must show it.
        auto scheduled = deps.store.scheduledThrough(hunt.name);
        auto end = deps.store.ledgerEnd(hunt.name);
        if (!scheduled || !end) {
          noteStateFailed(!scheduled ? scheduled.error().message : end.error().message);
          continue;
        }
        // Said here too: a hunt whose ledger ends after now has nothing due and never reaches
        // huntOnce, where --once says it.
        noteLedgerAhead(hunt.name, *scheduled, at);
        const DuePlan plan = publishLag(hunt, *scheduled, *end, at);
        if (!enqueue || waits || (plan.windows.empty() && !plan.gap)) continue;
      }
      std::lock_guard lock(mutex);
      busy.insert(hunt.name);
      queue.push_back(hunt.name);
      changed.notify_all();
    }
  }

  bool idle() const {
    std::lock_guard lock(mutex);
    return busy.empty();
  }

  void startWorkers(std::size_t count) {
    for (std::size_t i = 0; i < count; ++i) workers.emplace_back([this] { worker(); });
  }

  void stopWorkers() {
    {
      std::lock_guard lock(mutex);
      stopping = true;
      queue.clear();
      for (auto it = busy.begin(); it != busy.end();) it = busy.erase(it);
    }
    changed.notify_all();
    for (auto& thread : workers) {
      if (thread.joinable()) thread.join();
    }
    workers.clear();
  }

  void reload() {
    auto loaded = deps.load_config();
    if (!loaded) {
      // Before the counter: whoever sees the refusal counted sees /readyz say it.
      config_file_ok = false;
      deps.metrics.add("aihunt_config_reloads_total", {"rejected"});
      // One log line: the errors, listed a line each in the message, joined with "; ".
      std::string errors = loaded.error().message;
      for (std::size_t at = 0; (at = errors.find(":\n  ", at)) != std::string::npos;) {
        errors.replace(at, 4, ": ");
      }
      for (std::size_t at = 0; (at = errors.find("\n  ", at)) != std::string::npos;) {
        errors.replace(at, 3, "; ");
      }
      deps.logger->error("config reload refused; the running config stays: {}", errors);
      return;
    }
    config_file_ok = true;
    reloaded_at = steadyMs();
    std::lock_guard lock(mutex);
    const std::set<std::string> before = runningHunts(*config);
    config = std::move(*loaded);
    ++generation;
    // A new token (or console) is tried at once, by one connection first: the hold was for the
    // old one.
    token_taken = false;
    deps.outbox.retryConsoleNow();  // the sinks that send with it, too
    if (Clock::now() < refused_until) {
      for (auto it = retry_at.begin(); it != retry_at.end();) {
        it = it->second <= refused_until ? retry_at.erase(it) : std::next(it);
      }
      refused_until = {};
      refusals = 0;
    }
    deps.metrics.add("aihunt_config_reloads_total", {"ok"});
    // Said as config check says it: every hunt, and how many of them are off.
    const std::size_t off = config->hunts.size() - runningHunts(*config).size();
    deps.logger->info("config reloaded: {} hunts{}", config->hunts.size(),
                      off == 0 ? std::string() : ", " + std::to_string(off) + " turned off");
    noteHuntsChanged(before, runningHunts(*config));
  }

  static std::set<std::string> runningHunts(const config::Config& cfg) {
    std::set<std::string> names;
    for (const auto& hunt : cfg.hunts) {
      if (hunt.enabled) names.insert(hunt.name);
    }
    return names;
  }

  // A reload that removes or turns off a hunt takes its per-hunt gauges away: a lag frozen at
  // its last value would read as a hunt that keeps up. A hunt under a new name starts a ledger
  // of its own, so a rename raises again what the old name raised: said, by name.
  void noteHuntsChanged(const std::set<std::string>& before, const std::set<std::string>& after) {
    std::vector<std::string> gone;
    std::vector<std::string> added;
    std::set_difference(before.begin(), before.end(), after.begin(), after.end(),
                        std::back_inserter(gone));
    std::set_difference(after.begin(), after.end(), before.begin(), before.end(),
                        std::back_inserter(added));
    const auto list = [](const std::vector<std::string>& names) {
      std::string text;
      for (const std::string& name : names) text += (text.empty() ? "" : ", ") + name;
      return text;
    };
    for (const std::string& name : gone) removeHuntGauges(name);
    if (!gone.empty()) {
      deps.logger->info("hunts no longer run: {} (their ledgers stay in the state file)",
                        list(gone));
    }
    // A hunt turned back on carries on with its ledger; one the state has no ledger for is new
    // (or renamed: its old name's findings are raised again under the new one).
    std::vector<std::string> fresh;
    for (const std::string& name : added) {
      auto end = deps.store.ledgerEnd(name);
      if (end && !*end) fresh.push_back(name);
    }
    for (const std::string& name : added) zeroHuntCounters(deps.metrics, name);
    if (!added.empty()) deps.logger->info("hunts now run: {}", list(added));
    if (!fresh.empty()) {
      deps.logger->info(
          "no ledger yet for {}: hunted afresh from schedule.catch_up_max (a hunt renamed "
          "raises again what its old name raised)",
          list(fresh));
    }
  }

  // False when it asked nothing: a hold, another connection trying the token.
  bool probeQRadar(std::unique_ptr<QRadarConnection>& probe) {
    if (refusedNow()) return false;  // the console is known to refuse; asking is a failed login
    bool asked = false;
    if (!openProbe(probe, *currentConfig(), &asked)) return asked;
    qradar::ApiCall call;
    call.path = "/api/ariel/databases";
    call.retry = false;
    call.abort_flag = deps.stop.flag();
    // The main loop waits for it (deliveries, reloads): a console that takes the connection and
    // hangs holds the loop no longer than a fifth of ready_within (at most the request timeout).
    call.timeout =
        std::max<std::chrono::milliseconds>(std::chrono::seconds(1), options.ready_within / 5);
    auto answer = probe->api->call(call);
    if (answer && answer->status >= 200 && answer->status < 300) {
      noteQRadarAnswered();
      probe_said_lost = false;
    }
    // A console lost while the daemon runs (its kept connections found nothing): /readyz says
    // why once it fails, as after a start with the console away (a trial saw no detail line).
    if (!answer || answer->status >= 500) noteConsoleFailing();
    if (!answer) {
      noteQRadarProblem("the console cannot be reached: " + answer.error().message);
      probe.reset();  // connected again next round, from its first request
      // In the log too, once an outage (no hunt may be due to say it): a trial saw none.
      if (!probe_said_lost) {
        deps.logger->error("the console cannot be reached (readiness probe): {}",
                           answer.error().message);
        probe_said_lost = true;
      }
    } else if (answer->status >= 500) {
      noteQRadarProblem("the console answers HTTP " + std::to_string(answer->status));
    }
    if (answer && answer->status == 401) {
      // The token, refused on the probe's kept connection: every hunt and the probe hold. A
      // refused connection as the metric counts them (a trial saw it stay 0 for two minutes
      // after the token was revoked).
      probe.reset();
      deps.metrics.add("aihunt_qradar_connect_failures_total", {"refused"});
      const std::lock_guard lock(mutex);
      holdAfterRefusal(*config);
      // In the log too, as a hunt's refusal is: when the probe asks first, no hunt tries (and
      // says) anything until the hold ends, and the log was silent about the token meanwhile.
      deps.logger->error(
          "the console refuses the credentials (readiness probe; no hunt tries again for at least "
          "{}: each "
          "refused request is a failed login, and the console may lock this host out)",
          core::formatDuration(refused_hold));
    }
    return true;
  }

  // Said at the end of a run: what it leaves on the console for the next start.
  void sayLeftovers() {
    std::size_t left = 0;
    {
      const std::lock_guard lock(mutex);
      left = leftovers.size();
    }
    if (left == 0) return;
    deps.logger->warn("{} on the console, recorded in the state file: the next start deletes {}",
                      core::counted(left, "search is left", "searches are left"),
                      left == 1 ? "it" : "them");
  }

  DaemonReport finish(std::uint64_t delivered) {
    sayLeftovers();
    DaemonReport report;
    report.delivered = delivered;
    std::lock_guard lock(mutex);
    for (const auto& hunt : config->hunts) {
      if (!hunt.enabled) continue;
      auto it = reports.find(hunt.name);
      HuntRunReport entry;
      if (it != reports.end()) entry = it->second;
      entry.hunt = hunt.name;
      report.exit_code = worseExitCode(report.exit_code, entry.exit_code);
      report.hunts.push_back(std::move(entry));
    }
    return report;
  }

  void refreshReferenceSets() {
    if (deps.reference_sets != nullptr) deps.reference_sets->refreshIfDue();
  }

  DaemonReport runOnce() {
    const GraceWatch watch(deps.stop, options.grace, deps.abandon_deliveries, [this] {
      deps.logger->info(
          "stopping: cancelling the searches in flight, then delivering what was found (both "
          "within {} of the signal; what is left waits in the outbox for the next run)",
          core::formatDuration(options.grace));
    });
    refreshReferenceSets();
    readLeftovers();
    startWorkers(workerCount());
    schedule(/*all=*/true);
    {
      std::unique_lock lock(mutex);
      changed.wait(lock, [&] { return busy.empty(); });
    }
    stopWorkers();
    if (deps.stop.requested()) {
      // Said once, before the table: its "interrupted" rows all have this one cause.
      deps.logger->warn(
          "stopped by a signal: the hunts still running stopped at once (their searches "
          "cancelled and deleted, or named above if a delete failed); the windows not hunted "
          "stay due for the next run");
    }
    // Deliver everything; a sink that fails keeps its rows for the next run. Stopped (before or
    // while delivering), the delivery ends with the grace period, as the daemon's flush does:
    // the watch then cancels a delivery under way, and the rows wait for the next run.
    const DrainReport drained =
        deps.stop.requested() ? deps.outbox.flush(watch.deadline()) : deps.outbox.drainAll();
    DaemonReport report = finish(drained.delivered);
    report.outbox_empty = drained.empty;
    report.sinks = drained.sinks;
    if (!drained.empty) report.exit_code = worseExitCode(report.exit_code, core::kExitSearchFailed);
    return report;
  }

  std::size_t workerCount() const {
    std::lock_guard lock(mutex);
    const int wanted = config->qradar ? config->qradar->max_concurrent_searches : 1;
    return static_cast<std::size_t>(std::clamp(wanted, 1, 32));
  }

  DaemonReport runForever() {
    const GraceWatch watch(deps.stop, options.grace, deps.abandon_deliveries, [this] {
      deps.logger->info(
          "stopping: cancelling in-flight searches, then flushing the outbox (both within {} of "
          "the signal)",
          core::formatDuration(options.grace));
    });
    readLeftovers();
    startWorkers(workerCount());
    std::unique_ptr<QRadarConnection> probe;
    auto next_probe = Clock::now();
    auto next_sweep = Clock::now();
    auto next_prune = Clock::now();
    std::uint64_t delivered = 0;
    bool paused = false;
    bool state_lost = false;
    bool probe_due = false;  // a reload asks the console at once
    while (!deps.stop.requested()) {
      // A state file deleted or replaced under the daemon (a folder cleaned by hand, a backup
      // restored in place): all it records from now on would be lost at the next start, and
      // every window hunted meanwhile raised again. It stops as on SIGTERM instead (in-flight
      // searches end at once: a stuck one held the exit for its whole deadline, a review; the
      // grace period counts from here), and exits as for damaged state (5), which a person must
      // look at; what it has raised is still delivered.
      if (auto here = deps.store.stillInPlace(); !here) {
        deps.logger->error(
            "{}; stopping as on SIGTERM (in-flight searches are cancelled, the outbox is "
            "flushed), then exiting 5: restart aihunt to use the file now at that path, or a new "
            "one",
            here.error().message);
        noteStateFailed(here.error().message);
        deps.metrics.add("aihunt_state_errors_total");
        state_lost = true;
        deps.stop.request();
        break;
      }
      if (deps.reload != nullptr && deps.reload->exchange(false)) {
        reload();
        probe.reset();
        probe_due = true;
        // A new token or console is asked at once: /readyz should not say the old one's
        // refusal for up to another 30 s, nor wait for a hunt's whole catch-up turn.
        next_probe = Clock::now();
        next_sweep = Clock::now();
      }
      const bool full = deps.outbox.full();
      if (full != paused) {
        paused = full;
        if (full) {
          deps.logger->error(
              "hunting paused: a sink's outbox is full; it resumes once the sink "
              "delivers");
        } else {
          deps.logger->info("hunting resumed");
        }
      }
      refreshReferenceSets();
      schedule(/*all=*/false, /*enqueue=*/!full);
      delivered += deps.outbox.drain(Clock::now() + options.tick).delivered;
      if (Clock::now() >= next_probe) {
        // After a reload whatever the last answer: it may have been the old token's.
        if (probe_due || steadyMs() - qradar_ok_at.load() > options.ready_within.count() / 5) {
          // Skipped while a hunt tries the new token: asked at the next tick instead.
          probe_due = !probeQRadar(probe);
        }
        if (!probe_due) {
          next_probe = Clock::now() + std::min<std::chrono::milliseconds>(
                                          std::chrono::seconds(30), options.ready_within / 10);
        }
      }
      // Every 30 s whatever ready_within is: a search the console will not delete is said at
      // each try.
      if (Clock::now() >= next_sweep) {
        deleteLeftoversNow(probe);
        next_sweep = Clock::now() + std::chrono::seconds(30);
      }
      if (Clock::now() >= next_prune) {
        SharedConfig cfg;
        {
          std::lock_guard lock(mutex);
          cfg = config;
        }
        auto pruned = deps.store.pruneSeen(now() - cfg->state.retention.count());
        if (!pruned) {
          // Tried again in an hour; meanwhile the store only grows.
          deps.metrics.add("aihunt_state_errors_total");
          deps.logger->error("forgetting finding ids past retention: {}", pruned.error().message);
        } else if (*pruned > 0) {
          deps.logger->info("forgot {} finding ids past retention", *pruned);
        }
        next_prune = Clock::now() + std::chrono::hours(1);
      }
      std::unique_lock lock(mutex);
      changed.wait_for(lock, options.tick, [&] { return deps.stop.requested(); });
    }
    // The grace period counts from the stop, not from the end of the cancellation: a slow
    // console must not push the exit past what the supervisor waits for (systemd's
    // TimeoutStopSec, Kubernetes' terminationGracePeriodSeconds) before it kills.
    const auto deadline = watch.deadline();
    stopWorkers();
    const DrainReport drained = deps.outbox.flush(deadline);
    delivered += drained.delivered;
    DaemonReport report = finish(delivered);
    report.outbox_empty = drained.empty;
    report.sinks = drained.sinks;
    // A requested stop is a clean exit.
    report.exit_code = state_lost ? core::kExitState : core::kExitOk;
    return report;
  }
};

Daemon::Daemon(DaemonDeps deps, DaemonOptions options, SharedConfig config)
    : impl_(std::make_unique<Impl>(std::move(deps), options, std::move(config))) {}

Daemon::~Daemon() { impl_->stopWorkers(); }

DaemonReport Daemon::run() {
  {
    const std::lock_guard lock(impl_->mutex);
    for (const std::string& hunt : Impl::runningHunts(*impl_->config)) {
      zeroHuntCounters(impl_->deps.metrics, hunt);
    }
  }
  return impl_->options.once ? impl_->runOnce() : impl_->runForever();
}

Daemon::Readiness Daemon::readiness() const {
  Readiness ready;
  ready.state_ok = impl_->state_ok.load();
  ready.config_file_ok = impl_->config_file_ok.load();
  const std::int64_t at = impl_->qradar_ok_at.load();
  ready.qradar_ok = at != 0 && Impl::steadyMs() - at < impl_->options.ready_within.count();
  // Delivery records in the same store: a store that cannot say what was delivered is as
  // unready as one that cannot record a window (each clears when its own next write works).
  const std::optional<std::string> delivery = impl_->deps.outbox.stateProblem();
  const std::lock_guard lock(impl_->problem_mutex);
  ready.qradar_problem = impl_->qradar_problem;
  ready.state_problem = impl_->state_problem;
  if (delivery) {
    ready.state_ok = false;
    ready.state_problem += (ready.state_problem.empty() ? "" : "; ") + *delivery;
  }
  return ready;
}

}  // namespace aihunt::service

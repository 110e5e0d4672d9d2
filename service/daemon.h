#pragma once
// `aihunt run`: every enabled hunt on its schedule, through the one hunt engine, into the state
// store and its outbox, for months. Workers (qradar.max_concurrent_searches of them, each with
// its own console connection) take hunts from a queue; a hunt is never queued twice, so it never
// runs twice at once, and a hunt slower than its interval only lags (a metric). The loop drains
// the outbox into the sinks, pauses hunting while a sink is full, reloads the config on request
// (a bad one is refused and the running one kept), and on stop cancels and deletes in-flight
// searches, then flushes the outbox within the grace period.
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <spdlog/logger.h>

#include "config/config.h"
#include "core/clock.h"
#include "core/logging.h"
#include "core/metrics.h"
#include "core/result.h"
#include "qradar_client/cancellation.h"
#include "service/outbox.h"
#include "service/qradar_connection.h"
#include "service/reference_set_refresher.h"
#include "service/scheduler.h"
#include "state/state_store.h"

namespace aihunt::service {

// What one run of the daemon hunts with: the loaded config (hunts, detection settings, outputs).
using SharedConfig = std::shared_ptr<const config::Config>;

struct DaemonDeps {
  state::StateStore& store;
  Outbox& outbox;
  core::Metrics& metrics;
  const core::Clock& clock;  // "now" for windows; --now fixes it
  std::shared_ptr<spdlog::logger> logger;
  // Opens one console connection (a worker's, or the readiness probe's).
  std::function<core::Result<std::unique_ptr<QRadarConnection>>(const config::Config&)> connect;
  // SIGTERM/SIGINT; the daemon asks for it itself when its state file is moved away.
  qradar::Cancellation& stop;
  std::atomic<bool>* reload = nullptr;                      // SIGHUP; cleared when handled
  std::function<core::Result<SharedConfig>()> load_config;  // for reloads
  // Reads the reference sets exceptions name; null when none is named.
  ReferenceSetRefresher* reference_sets = nullptr;
  // Set by the daemon when the stop's grace period is over; the console sinks' requests end on
  // it (a delivery retrying a slow console would otherwise hold the exit), and so do the hunts'
  // searches' clean-up and creates when `connect` gives their connections this flag (the CLI
  // does). Null: none to end.
  std::atomic<bool>* abandon_deliveries = nullptr;
};

struct DaemonOptions {
  bool once = false;                        // every due window of every hunt, deliver, exit
  std::chrono::milliseconds grace{30'000};  // from the stop: cancelling, then flushing the outbox
  std::chrono::milliseconds tick{1'000};    // how often the loop looks at the schedule
  std::size_t windows_per_turn = 4;         // a hunt's windows per queue turn (others get a go)
  // Readiness fails once the console has not answered for this long; the console is probed
  // after a fifth of it without an answer, then every tenth (at most every 30 s).
  std::chrono::milliseconds ready_within{5 * 60'000};
};

class LedgerWriter;
struct HuntOutcome;

// Per hunt, what a run did (for --once's summary and exit code).
struct HuntRunReport {
  std::string hunt;
  std::uint64_t windows = 0;
  std::uint64_t rows = 0;
  std::uint64_t findings = 0;
  std::uint64_t repeats = 0;
  std::uint64_t gaps = 0;
  std::uint64_t truncated = 0;  // windows whose search stopped at qradar.row_cap
  int exit_code = 0;
  std::string error;  // the last failure, redacted
  // The console refused the credentials (a token revoked or expired while the connection was
  // kept, or one a pinned API version first sent with a search).
  bool refused = false;
  // Searches whose delete failed, still on the console and recorded in the state store.
  std::vector<state::ConsoleSearch> left_on_console;
};

struct DaemonReport {
  std::vector<HuntRunReport> hunts;
  std::uint64_t delivered = 0;
  bool outbox_empty = true;
  std::vector<SinkDrain> sinks;  // per sink: delivered at the end, what waits and why
  int exit_code = 0;
};

// One hunt's due windows, hunted oldest first into the store: what --once, the daemon's workers
// and backfill all do. Stops at the first failed window (the ledger then ends before it).
class WindowRunner {
 public:
  WindowRunner(const config::Config& config, state::StateStore& store,
               std::vector<std::string> sinks, core::Metrics& metrics,
               std::shared_ptr<spdlog::logger> logger)
      : config_(config),
        store_(store),
        sinks_(std::move(sinks)),
        metrics_(metrics),
        logger_(std::move(logger)) {}

  // Each window's exceptions see the refresher's snapshot as it is when the window starts.
  void setReferenceSets(const ReferenceSetRefresher* refresher) { reference_sets_ = refresher; }

  // `backfill --force`: windows hunted again, cut from --from by max_window rather than as the
  // daemon cut them, so an upload total over one spans several of the daemon's totals and none
  // covers it. A total is then a repeat when one of its source, user and provider was raised over
  // an overlapping window (LedgerWriter::setOverlappingTotalsRepeat), as hunt --deliver's are.
  void setOverlappingTotalsRepeat(bool on) { overlapping_totals_repeat_ = on; }

  // Hunts `windows` of `hunt` in order; `report` accumulates.
  void run(QRadarConnection& connection, const config::HuntConfig& hunt,
           const std::vector<PlannedWindow>& windows, core::EpochMs now,
           const qradar::Cancellation& cancellation, HuntRunReport& report);

 private:
  const config::Config& config_;
  state::StateStore& store_;
  std::vector<std::string> sinks_;
  core::Metrics& metrics_;
  bool overlapping_totals_repeat_ = false;
  void runWindows(QRadarConnection& connection, const config::HuntConfig& hunt,
                  const std::vector<PlannedWindow>& windows, core::EpochMs now,
                  const qradar::Cancellation& cancellation, HuntRunReport& report);
  // Findings an exception could not judge because a set it names was never read: counted in
  // aihunt_reference_set_unknown_checks_total per window, and said in one warning per run of
  // the hunt's windows (a catch-up of a day would otherwise say it 24 times).
  void noteUnknownReferenceSets(std::uint64_t checks);
  void sayUnknownReferenceSets(const std::string& hunt);
  void warnExpiredExceptions(const std::string& hunt, std::uint64_t hits, core::EpochMs now);
  // A window whose search stopped at qradar.row_cap: its findings kept, the window a gap.
  // A cut search's count and findings; false when the state store failed (exit 5, said).
  [[nodiscard]] bool keepCutFindings(const std::string& hunt, const PlannedWindow& window,
                                     LedgerWriter& writer, HuntRunReport& report);
  void stateFailure(const std::string& hunt, const PlannedWindow& window, const core::Error& error,
                    HuntRunReport& report);
  // False when the state store failed (the hunt's run stops there, exit 5).
  [[nodiscard]] bool recordTruncated(const std::string& hunt, const PlannedWindow& window,
                                     const HuntOutcome& outcome, std::uint64_t row_cap,
                                     LedgerWriter& writer, core::EpochMs now,
                                     HuntRunReport& report);
  std::uint64_t unknown_set_checks_ = 0;
  std::optional<core::EpochMs> cut_gap_end_;  // the end of the gap the last cut window made

  std::shared_ptr<spdlog::logger> logger_;
  const ReferenceSetRefresher* reference_sets_ = nullptr;
};

ScheduleSpec scheduleOf(const config::HuntConfig& hunt);

class Daemon {
 public:
  Daemon(DaemonDeps deps, DaemonOptions options, SharedConfig config);
  ~Daemon();
  Daemon(const Daemon&) = delete;
  Daemon& operator=(const Daemon&) = delete;

  // Runs until stopped (or, with `once`, until every due window is hunted and delivered).
  DaemonReport run();
  // For /readyz: config loaded, state writable, QRadar answered within the last interval.
  struct Readiness {
    bool state_ok = true;
    bool qradar_ok = false;
    // False after a reload (SIGHUP) was refused, until one is accepted: the daemon runs on, but
    // a restart would stop on the file as it is.
    bool config_file_ok = true;
    // Why the console was last found unusable (a refused token, no answer); empty once it
    // answered again, or before anything was found.
    std::string qradar_problem;
    std::string state_problem;  // why the state store last failed, while state_ok is false
  };
  [[nodiscard]] Readiness readiness() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace aihunt::service

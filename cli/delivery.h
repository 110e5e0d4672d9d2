#pragma once
// Where findings go beyond the terminal: the state store (the ledger of findings already raised,
// and the outbox) and the sinks that drain it (the JSONL file, LEEF over syslog, QRadar's
// reference sets), built from a config's outputs: and state: sections. `aihunt run`, `aihunt
// backfill` and `aihunt hunt --deliver` open them the same way, so a finding goes to the same
// places, once, whichever command found it.
#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <boost/program_options.hpp>

#include "aql/time_window.h"
#include "cli/command.h"
#include "cli/print.h"
#include "config/config.h"
#include "core/metrics.h"
#include "core/result.h"
#include "core/time.h"
#include "qradar_client/syslog_sender.h"
#include "service/daemon.h"
#include "service/finding_writer.h"
#include "service/ledger_writer.h"
#include "service/outbox.h"
#include "service/reference_set_sink.h"
#include "state/instance_lock.h"
#include "state/state_store.h"

namespace aihunt::cli {

// A config file loaded for delivery, with its warnings logged (unless `quiet`: a caller that
// loaded the same file for its detection settings has logged them already).
core::Result<service::SharedConfig> loadDeliveryConfig(const std::string& path,
                                                       CommandContext& context, bool quiet = false);

// The qradar: section of the config a run uses, shared by its console connectors. The daemon
// replaces it on a SIGHUP reload; an edit of the file without one changes nothing. A sink's lane
// may open a connection while a reload replaces it, so it is read and replaced under a lock.
class ConsoleSettings {
 public:
  void set(std::optional<config::QRadarConfig> section) {
    const std::lock_guard lock(mutex_);
    section_ = std::move(section);
    warned_ = false;  // a reload may bring a console the warnings have not been said for
  }
  [[nodiscard]] std::optional<config::QRadarConfig> get() const {
    const std::lock_guard lock(mutex_);
    return section_;
  }
  // True for the first connection since the section was set: its security and URL warnings
  // (plain http://, --insecure, a path in the URL) are said once, not by every connection the
  // hunts and sinks open.
  bool takeWarnings() {
    const std::lock_guard lock(mutex_);
    return !std::exchange(warned_, true);
  }

 private:
  mutable std::mutex mutex_;
  std::optional<config::QRadarConfig> section_;
  bool warned_ = false;
};
using ConsoleSection = std::shared_ptr<ConsoleSettings>;

// The flag that ends every request of the console sinks and the refresher: the daemon sets it
// when the stop's grace period is over, so that a delivery retrying a slow console does not
// hold the exit past it (the findings stay in the outbox).
using AbandonFlag = std::shared_ptr<std::atomic<bool>>;

// Opens a console connection from the command line and `section` each time it is called, for
// what talks to the console on its own (the reference-set and offense-note sinks, the refresher
// of the sets exceptions name); its transport reports request latency to `metrics`, and its
// requests end once `abandon` turns true.
service::QRadarConnector consoleConnector(const boost::program_options::variables_map& values,
                                          ConsoleSection section, CommandContext& context,
                                          core::Metrics& metrics, AbandonFlag abandon);

// Where and how outputs.leef sends (the LEEF sink's connection; `aihunt check` tries the same).
qradar::SyslogSenderOptions leefSyslogOptions(const config::LeefOutput& output);

struct Delivery {
  // The config's qradar: section, which the console sinks connect with (openDelivery sets it).
  ConsoleSection console = std::make_shared<ConsoleSettings>();
  state::InstanceLock lock;  // held while the store is open (state/instance_lock.h)
  std::unique_ptr<state::StateStore> store;
  core::Metrics metrics;
  AbandonFlag abandon = std::make_shared<std::atomic<bool>>(false);
  std::unique_ptr<service::Outbox> outbox;
};

// Locks the state file against a second writer, opens the state store (--state-reset moves a
// damaged one aside first), builds the configured
// sinks, and rolls back batches a crash left half-delivered. A failure is printed; the return
// value is the exit code (0 when `delivery` is ready).
int openDelivery(const boost::program_options::variables_map& values, const config::Config& cfg,
                 CommandContext& context, Delivery& delivery);

// "aihunt-findings.jsonl, LEEF syslog siem:6514 and QRadar reference sets"; empty: no sink.
// Where each sink delivers, as a person names it: the JSONL file's path, "LEEF syslog
// host:port", "QRadar reference sets", "QRadar offense notes".
std::string destinationName(const config::OutputsConfig& outputs, const std::string& sink);

// One line for a drain's deliveries, per destination: "delivered: 23 to findings.jsonl, 0 to
// LEEF syslog host:514 (23 waiting), ..." (each new finding goes once to each destination).
std::string describeDeliveries(const config::OutputsConfig& outputs,
                               const std::vector<service::SinkDrain>& sinks);

// Each destination a drain left holding findings, with the count and its last error, on stderr
// whatever the log level: a run that exits 4 for it must say which and why (the log's warning
// may be filtered out).
void printPendingSinks(const config::OutputsConfig& outputs,
                       const std::vector<service::SinkDrain>& sinks, Diagnostic kind,
                       CommandContext& context);

// A terminal writer that also stages each finding for the ledger and the outbox, for `aihunt
// hunt --deliver`. The ledger skips suppressed findings and findings already raised (by any run
// or the daemon); first_seen is left to the daemon, so what is printed is what is delivered.
// Nothing is committed until commit(): the run commits every hunt's findings at its end, and
// only when it is complete (an incomplete run prints no findings, so it delivers none). The
// terminal writer is shared by every hunt of the run and finished by its owner.
class DeliveringWriter final : public service::FindingWriter {
 public:
  // `window`: the range the hunt searched, written into each outbox payload as the daemon's
  // windows are (offense notes name it); none for a query with a time clause of its own.
  DeliveringWriter(service::FindingWriter& terminal, Delivery& delivery,
                   const detection::DetectionSettings& settings, std::string hunt,
                   core::EpochMs now, std::optional<aql::TimeRange> window);
  [[nodiscard]] core::Status write(const detection::Finding& finding) override;
  [[nodiscard]] core::Status pageDone() override;
  [[nodiscard]] core::Status finish() override;
  // Records the staged findings in the ledger and the outbox, in one transaction.
  [[nodiscard]] core::Status commit();
  [[nodiscard]] std::uint64_t added() const { return ledger_.added(); }
  [[nodiscard]] std::uint64_t repeats() const { return ledger_.repeats(); }

 private:
  service::FindingWriter& terminal_;
  service::LedgerWriter ledger_;
};

// `aihunt hunt --deliver`: one on-demand run's findings through the configured sinks too.
class HuntDelivery {
 public:
  // Loads the config's outputs: and state: sections and opens the store and the sinks; the
  // return value is the exit code (0: `out` is ready).
  static int open(const boost::program_options::variables_map& values,
                  const std::string& config_path, core::EpochMs now, CommandContext& context,
                  std::unique_ptr<HuntDelivery>& out);

  // The writer for one hunt (kept here until finish()): the terminal's, plus the ledger.
  DeliveringWriter& writerFor(service::FindingWriter& terminal,
                              const detection::DetectionSettings& settings, const std::string& hunt,
                              std::optional<aql::TimeRange> window = std::nullopt);
  // A complete run: commits every hunt's findings to the ledger and the outbox, drains the
  // outbox into every sink and says on stderr what went where. Returns the exit code the
  // delivery alone deserves (4 when findings are left in the outbox: the next run or the daemon
  // delivers them; 5 when the state store cannot record). An incomplete run (a hunt failed, was
  // cut short or not run) records and delivers nothing, and says so.
  // Ctrl-C or SIGTERM while it delivers: the delivery ends `--grace` after the signal (a
  // delivery still retrying a slow console is cut off), and what is left waits in the outbox
  // (exit 4, as for a delivery that failed: the hunts completed and their findings are printed).
  int finish(CommandContext& context, bool complete);

  // Whether a sink talks to the console (reference sets, offense notes): the connection
  // options are then used, offline too.
  [[nodiscard]] bool usesConsole() const {
    return config_->outputs.reference_sets.enabled || config_->outputs.offense_notes.enabled;
  }

  // The state store the findings are recorded in; it also records the searches held on the
  // console (service/console_searches.h).
  [[nodiscard]] state::StateStore& store() { return *delivery_.store; }

 private:
  service::SharedConfig config_;
  Delivery delivery_;
  core::EpochMs now_ = 0;
  std::chrono::milliseconds grace_{30'000};
  std::vector<std::unique_ptr<DeliveringWriter>> writers_;
};

}  // namespace aihunt::cli

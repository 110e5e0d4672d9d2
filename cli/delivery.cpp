#include "cli/delivery.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <vector>

#include "cli/print.h"
#include "cli/qradar_connection.h"
#include "cli/signals.h"
#include "config/environment.h"
#include "config/loader.h"
#include "core/display_text.h"
#include "core/exit_codes.h"
#include "core/text.h"
#include "core/time.h"
#include "service/grace_watch.h"
#include "service/instrumented_transport.h"
#include "service/jsonl_sink.h"
#include "service/leef_sink.h"
#include "service/offense_notes_sink.h"
#include "service/qradar_connection.h"
#include "service/reference_set_sink.h"

namespace aihunt::cli {

namespace po = boost::program_options;

core::Result<service::SharedConfig> loadDeliveryConfig(const std::string& path,
                                                       CommandContext& context, bool quiet) {
  config::LoadOptions options;
  options.resolve_token = false;  // the connection resolves it, and keeps it out of the config
  config::LoadOutcome outcome = config::loadConfigFile(path, config::ProcessEnvironment(), options);
  if (!quiet) {
    for (const auto& warning : outcome.warnings) context.logger->warn("{}", warning.describe());
  }
  if (!outcome.ok()) {
    return core::makeError(core::ErrorCode::kConfig, config::describeErrors(outcome.errors));
  }
  return service::SharedConfig(std::make_shared<config::Config>(std::move(*outcome.config)));
}

service::QRadarConnector consoleConnector(const po::variables_map& values, ConsoleSection section,
                                          CommandContext& context, core::Metrics& metrics,
                                          AbandonFlag abandon) {
  core::Metrics* counted = &metrics;
  return
      [values, section = std::move(section), &context, counted,
       abandon = std::move(abandon)]() -> core::Result<std::unique_ptr<service::QRadarConnection>> {
        auto request = connectionRequest(values, section->get());
        if (!request) return request.error();
        request->metrics = counted;
        request->abort_flag = abandon.get();
        request->warn = section->takeWarnings();
        // A sink or the reference-set reader holds its connection for many batches: one whose
        // console was away, or whose API version could not be settled, is not kept (the
        // caller tries again later with a new one).
        request->require_negotiated_version = true;
        auto opened = service::openConnection(std::move(*request), *context.environment,
                                              context.redactor, context.logger);
        if (opened && (*opened)->unreachable) return *(*opened)->unreachable;
        return opened;
      };
}

qradar::SyslogSenderOptions leefSyslogOptions(const config::LeefOutput& output) {
  qradar::SyslogSenderOptions syslog;
  syslog.host = output.host;
  syslog.port = static_cast<std::uint16_t>(output.port);
  syslog.transport = output.protocol == config::LeefProtocol::kTls ? qradar::SyslogTransport::kTls
                                                                   : qradar::SyslogTransport::kTcp;
  syslog.ca_file = output.ca_file;
  return syslog;
}

namespace {

std::unique_ptr<service::Sink> leefSink(const config::LeefOutput& output, CommandContext& context,
                                        const AbandonFlag& abandon) {
  service::LeefSinkOptions leef;
  leef.syslog = leefSyslogOptions(output);
  // A connect or send under way at the end of a stop's grace period ends there, as the console
  // sinks' requests do (its batch stays in the outbox).
  leef.syslog.abort_flag = abandon;
  leef.encoder.hostname = output.hostname.empty() ? service::machineHostName() : output.hostname;
  leef.encoder.product_version = AIHUNT_VERSION;
  if (output.protocol == config::LeefProtocol::kTcp) {
    context.logger->warn("outputs.leef: protocol tcp sends findings in plain text; use tls");
  }
  return std::make_unique<service::LeefSink>(leef, context.logger);
}

std::vector<std::unique_ptr<service::Sink>> buildSinks(
    const po::variables_map& values, const ConsoleSection& console, const config::Config& cfg,
    CommandContext& context, core::Metrics& metrics, const AbandonFlag& abandon) {
  std::vector<std::unique_ptr<service::Sink>> sinks;
  if (!cfg.outputs.jsonl.path.empty()) {
    service::JsonlSinkOptions jsonl;
    jsonl.path = cfg.outputs.jsonl.path;
    jsonl.max_bytes = cfg.outputs.jsonl.max_bytes;
    jsonl.keep = cfg.outputs.jsonl.keep;
    sinks.push_back(std::make_unique<service::JsonlSink>(jsonl));
  }
  if (cfg.outputs.leef.enabled) sinks.push_back(leefSink(cfg.outputs.leef, context, abandon));
  if (cfg.outputs.reference_sets.enabled) {
    service::ReferenceSetSinkOptions reference;
    reference.sets = cfg.outputs.reference_sets.sets;
    reference.metrics = &metrics;
    sinks.push_back(std::make_unique<service::ReferenceSetSink>(
        reference, consoleConnector(values, console, context, metrics, abandon), context.logger));
  }
  // After the LEEF sink, and `delay` after it delivered each finding: by then QRadar's rule has
  // made the offense from the LEEF event (docs/operations.md).
  if (cfg.outputs.offense_notes.enabled) {
    service::OffenseNotesSinkOptions notes;
    notes.match_description = cfg.outputs.offense_notes.match_description;
    notes.match_rule = cfg.outputs.offense_notes.match_rule;
    notes.max_note_chars = static_cast<std::size_t>(cfg.outputs.offense_notes.max_note_chars);
    notes.delay = cfg.outputs.offense_notes.delay;
    notes.wait_for_offense = cfg.outputs.offense_notes.wait_for_offense;
    notes.leef_enabled = cfg.outputs.leef.enabled;
    notes.metrics = &metrics;
    sinks.push_back(std::make_unique<service::OffenseNotesSink>(
        notes, consoleConnector(values, console, context, metrics, abandon), context.logger));
  }
  if (sinks.empty()) context.logger->warn("outputs: {}", config::kNoDestination);
  return sinks;
}

// Findings queued for a sink that this config does not enable (it was turned off after they
// were raised) stay in the outbox and go out when it is enabled again; nothing else would ever
// mention them, so each such sink is named at start, whatever the log level.
void warnUnconfiguredOutbox(state::StateStore& store, const std::vector<std::string>& configured,
                            CommandContext& context) {
  for (const std::string_view name : service::kSinkNames) {
    if (std::find(configured.begin(), configured.end(), name) != configured.end()) continue;
    auto depth = store.outboxDepth(std::string(name));
    if (!depth || *depth == 0) continue;
    printDiagnostic(context.streams, *context.redactor, Diagnostic::kWarning,
                    core::counted(*depth, "finding") + " in the outbox of sink '" +
                        std::string(name) + "' wait for outputs." + std::string(name) +
                        ", which this config does not enable; they are delivered when it is "
                        "enabled again");
  }
}

}  // namespace

int openDelivery(const po::variables_map& values, const config::Config& cfg,
                 CommandContext& context, Delivery& delivery) {
  // The file SQLite opens, links followed: the lock, --state-reset's move and the open all take
  // it, so that a symlinked state.path is one store with one lock (a moved link would leave the
  // file where it was, and a new file under the link's name with a lock of its own).
  const std::string state_path = state::realStatePath(cfg.state.path);
  // Before --state-reset: another process's store is not moved aside under it.
  auto lock = state::InstanceLock::acquire(state_path);
  if (!lock) return fail(context, lock.error(), core::kExitState);
  delivery.lock = std::move(*lock);
  if (values.count("state-reset") != 0 && values["state-reset"].as<bool>()) {
    // Only aihunt's own file: a wrong state.path must not move another program's file aside.
    if (auto ours = state::checkNotForeign(state_path); !ours) {
      return fail(context, ours.error(), core::kExitState);
    }
    // Only a damaged file: a sound one moved aside would raise every finding again.
    if (std::filesystem::exists(state_path)) {
      auto problems = state::checkStateFile(state_path);
      // Another program's file (kConfig), found through its log: left where it is.
      if (!problems && problems.error().code == core::ErrorCode::kConfig) {
        return fail(context, problems.error(), core::kExitState);
      }
      if (problems && problems->empty()) {
        return fail(context,
                    "state file " + state_path +
                        " is sound: --state-reset moves only a damaged file aside (a fresh "
                        "store raises every finding again). To start afresh on purpose, stop "
                        "aihunt and move the file yourself",
                    core::kExitUsage);
      }
    }
    // Stamped with the wall clock, not the hunts' `now` (--now): the name says when the file
    // was set aside, for whoever finds it later.
    const bool leftover_log = std::filesystem::exists(state_path + "-wal");
    auto moved = state::moveAside(state_path, core::toEpochMs(std::chrono::system_clock::now()));
    if (!moved) return fail(context, moved.error(), core::kExitState);
    if (!moved->empty()) {
      context.logger->warn("state file moved aside to {}; starting afresh", *moved);
    } else if (leftover_log) {
      // Said too: a store was there once, and whatever its log held is no longer counted.
      context.logger->warn(
          "state file {} was missing; its log {}-wal was moved aside beside it "
          "(named {}.corrupt-...); starting afresh",
          state_path, state_path, state_path);
    }
  }
  auto store = state::StateStore::open(state_path, state::OpenOptions{});
  if (!store) return fail(context, store.error(), core::kExitState);
  delivery.store = std::move(*store);
  delivery.console->set(cfg.qradar);
  auto sinks =
      buildSinks(values, delivery.console, cfg, context, delivery.metrics, delivery.abandon);
  service::declareDaemonMetrics(delivery.metrics);
  delivery.metrics.set("aihunt_build_info", {AIHUNT_VERSION}, 1);
  service::OutboxOptions outbox;
  outbox.max_rows = static_cast<std::uint64_t>(cfg.state.outbox_max_rows);
  delivery.outbox = std::make_unique<service::Outbox>(*delivery.store, std::move(sinks), outbox,
                                                      delivery.metrics, context.logger);
  for (const std::string& sink : delivery.outbox->sinkNames()) {
    service::zeroSinkCounters(delivery.metrics, sink);
  }
  if (auto recovered = delivery.outbox->recover(); !recovered) {
    return fail(context, recovered.error(), core::kExitState);
  }
  warnUnconfiguredOutbox(*delivery.store, delivery.outbox->sinkNames(), context);
  return core::kExitOk;
}

std::string destinationName(const config::OutputsConfig& outputs, const std::string& sink) {
  if (sink == "jsonl") return outputs.jsonl.path;
  if (sink == "leef") {
    return "LEEF syslog " + outputs.leef.host + ":" + std::to_string(outputs.leef.port);
  }
  if (sink == "reference_sets") return "QRadar reference sets";
  if (sink == "offense_notes") return "QRadar offense notes";
  return sink;
}

std::string describeDeliveries(const config::OutputsConfig& outputs,
                               const std::vector<service::SinkDrain>& sinks) {
  if (sinks.empty()) return "delivered: nothing (outputs: has no destination)";
  std::string line = "delivered:";
  for (std::size_t i = 0; i < sinks.size(); ++i) {
    const service::SinkDrain& sink = sinks[i];
    line += (i == 0 ? " " : ", ") + std::to_string(sink.delivered) + " to " +
            destinationName(outputs, sink.name);
    std::string aside = sink.detail;
    if (sink.waiting > sink.held) {
      aside += (aside.empty() ? "" : "; ") + std::to_string(sink.waiting - sink.held) + " waiting";
    }
    if (sink.held > 0) aside += (aside.empty() ? "" : "; ") + std::to_string(sink.held) + " held";
    if (!aside.empty()) line += " (" + aside + ")";
  }
  return line;
}

DeliveringWriter::DeliveringWriter(service::FindingWriter& terminal, Delivery& delivery,
                                   const detection::DetectionSettings& settings, std::string hunt,
                                   core::EpochMs now, std::optional<aql::TimeRange> window)
    : terminal_(terminal),
      ledger_(*delivery.store, settings, std::move(hunt), delivery.outbox->sinkNames(), now,
              /*first_seen=*/false) {
  if (window && window->from < window->to) ledger_.setWindow(window->from, window->to);
  ledger_.setOverlappingTotalsRepeat(true);
}

core::Status DeliveringWriter::write(const detection::Finding& finding) {
  if (auto recorded = ledger_.write(finding); !recorded) return recorded;
  return terminal_.write(finding);
}

core::Status DeliveringWriter::pageDone() { return terminal_.pageDone(); }

// Nothing to do per hunt: the run commits at its end (HuntDelivery::finish).
core::Status DeliveringWriter::finish() { return {}; }

core::Status DeliveringWriter::commit() { return ledger_.finish(); }

int HuntDelivery::open(const po::variables_map& values, const std::string& config_path,
                       core::EpochMs now, CommandContext& context,
                       std::unique_ptr<HuntDelivery>& out) {
  if (config_path.empty()) {
    return fail(context,
                "--deliver needs --config FILE: the config's outputs section says where findings "
                "go, and its state section where the ledger of findings already raised is kept",
                core::kExitUsage);
  }
  auto grace = core::parseDuration(values["grace"].as<std::string>());
  if (!grace) return fail(context, grace.error().withContext("--grace"), core::kExitUsage);
  auto loaded = loadDeliveryConfig(config_path, context, /*quiet=*/true);
  if (!loaded) return fail(context, loaded.error(), core::kExitUsage);
  // Nothing to deliver to: the run would only mark its findings raised, and the next run with a
  // destination would never send them.
  if (!config::hasDestination((*loaded)->outputs)) {
    return fail(context,
                "--deliver: the config's outputs name no destination (outputs.jsonl.path, "
                "outputs.leef, outputs.reference_sets or outputs.offense_notes): nothing would "
                "be delivered, and the findings would be marked raised all the same",
                core::kExitUsage);
  }
  auto delivery = std::make_unique<HuntDelivery>();
  delivery->grace_ = *grace;
  delivery->config_ = *loaded;
  delivery->now_ = now;
  if (const int code = openDelivery(values, *delivery->config_, context, delivery->delivery_);
      code != core::kExitOk) {
    return code;
  }
  out = std::move(delivery);
  return core::kExitOk;
}

DeliveringWriter& HuntDelivery::writerFor(service::FindingWriter& terminal,
                                          const detection::DetectionSettings& settings,
                                          const std::string& hunt,
                                          std::optional<aql::TimeRange> window) {
  return *writers_.emplace_back(
      std::make_unique<DeliveringWriter>(terminal, delivery_, settings, hunt, now_, window));
}

int HuntDelivery::finish(CommandContext& context, bool complete) {
  const config::Config& cfg = *config_;
  if (!complete) {
    // What is delivered is what a complete run prints; an incomplete run prints no findings.
    // Its outbox holds nothing of this run, so nothing is sent later either.
    printDiagnostic(context.streams, *context.redactor, Diagnostic::kNote,
                    "--deliver: nothing recorded in " + cfg.state.path +
                        " or delivered, since the run is incomplete; run it again once every "
                        "hunt can complete");
    return core::kExitOk;
  }
  std::uint64_t added = 0;
  std::uint64_t repeats = 0;
  for (const auto& writer : writers_) {
    if (auto committed = writer->commit(); !committed) {
      return fail(context, committed.error(), core::kExitState);
    }
    added += writer->added();
    repeats += writer->repeats();
  }
  // The findings are recorded: from here a stop only shortens the delivery, as `run`'s does.
  const qradar::Cancellation stop = installInterruptHandler();
  const service::GraceWatch watch(stop, grace_, delivery_.abandon.get(), [&] {
    context.logger->warn(
        "interrupted: delivering for at most {} more; what is left waits in the outbox of {} for "
        "'aihunt run' (Ctrl-C again quits at once)",
        core::formatDuration(grace_), core::printableExcerpt(cfg.state.path));
  });
  const service::DrainReport drained =
      stop.requested() ? delivery_.outbox->flush(watch.deadline()) : delivery_.outbox->drainAll();
  printDiagnostic(context.streams, *context.redactor, Diagnostic::kNote,
                  core::counted(added, "new finding") + " recorded in " + cfg.state.path + " (" +
                      std::to_string(repeats) +
                      " raised before or earlier in this run, not sent again); " +
                      describeDeliveries(cfg.outputs, drained.sinks));
  // Rows held back on purpose (offense notes) are said either way; only others fail the run.
  printPendingSinks(cfg.outputs, drained.sinks, Diagnostic::kError, context);
  if (!drained.empty && stop.requested()) {
    // The hunts completed and their findings are printed: exit 4, as for any delivery left
    // unfinished, not 130, which says that stdout holds no findings.
    return fail(context,
                "interrupted while delivering: the findings not delivered wait in the outbox of " +
                    cfg.state.path + "; 'aihunt run' delivers them",
                core::kExitSearchFailed);
  }
  if (!drained.empty) {
    return fail(context,
                "some findings could not be delivered and wait in the outbox of " + cfg.state.path +
                    "; 'aihunt run' delivers them",
                core::kExitSearchFailed);
  }
  return core::kExitOk;
}

namespace {

// Rows a sink holds back on purpose (offense notes wait for QRadar to make the offenses): what
// happens next, not a failure.
void printHeldSink(const config::OutputsConfig& outputs, const service::SinkDrain& sink,
                   CommandContext& context) {
  std::string message = core::counted(sink.held, "finding") + " for " +
                        destinationName(outputs, sink.name) + " (sink '" + sink.name + "') " +
                        (sink.held == 1 ? "is" : "are") + " held in the outbox";
  // Two reasons, said apart: a due time not reached yet, and LEEF not having delivered the
  // finding (which no run changes while outputs.leef is off).
  const std::uint64_t timed = sink.held - std::min(sink.held, sink.held_for_leader);
  std::vector<std::string> parts;
  if (timed > 0 && sink.next_due) {
    // Due already: the run ended before it got to them (a stop, or a pass's limit).
    const bool overdue = *sink.next_due <= core::toEpochMs(std::chrono::system_clock::now());
    std::string part = (timed == sink.held ? std::string() : std::to_string(timed) + " ") +
                       (overdue ? "due since " + core::formatIso8601(*sink.next_due) +
                                      " (the run ended before it delivered them)"
                                : "until " + core::formatIso8601(*sink.next_due) +
                                      (timed == 1 ? "" : " at the earliest"));
    if (sink.name == "offense_notes") {
      const std::uint64_t retrying = std::min(sink.held_retrying, timed);
      if (retrying < timed && !overdue) {
        part += ", for QRadar's rule to make their offenses first (outputs.offense_notes.delay)";
      }
      if (retrying > 0) {
        part += std::string(retrying < timed ? "; " : ": ") +
                (retrying == timed ? std::string(timed == 1 ? "it" : "they")
                                   : std::to_string(retrying) + " of them") +
                " found no open aihunt offense yet and " + (retrying == 1 ? "is" : "are") +
                " tried again, up to the first try after outputs.offense_notes.wait_for_offense "
                "has passed since " +
                (retrying == 1 ? "it was" : "they were") + " first due";
      }
    }
    parts.push_back(part);
  }
  if (sink.held_for_leader > 0) {
    std::string part =
        (sink.held_for_leader == sink.held ? std::string()
                                           : std::to_string(sink.held_for_leader) + " ") +
        "until the LEEF events of their findings are delivered";
    if (!outputs.leef.enabled) part += " (outputs.leef is off: they wait until it is on again)";
    parts.push_back(part);
  }
  for (std::size_t i = 0; i < parts.size(); ++i) message += (i == 0 ? " " : "; ") + parts[i];
  message += "; the daemon, or the next 'aihunt run', delivers them";
  printDiagnostic(context.streams, *context.redactor, Diagnostic::kNote, message);
}

}  // namespace

void printPendingSinks(const config::OutputsConfig& outputs,
                       const std::vector<service::SinkDrain>& sinks, Diagnostic kind,
                       CommandContext& context) {
  for (const service::SinkDrain& sink : sinks) {
    if (sink.held > 0) printHeldSink(outputs, sink, context);
    const std::uint64_t waiting = sink.waiting - std::min(sink.waiting, sink.held);
    if (waiting == 0) continue;
    std::string message = core::counted(waiting, "finding") + " for " +
                          destinationName(outputs, sink.name) + " (sink '" + sink.name +
                          (waiting == 1 ? "') waits" : "') wait") +
                          " in the outbox for the next run";
    // One line: a sink's error can quote the console (a set's type, a task's message), and a
    // line break there would let it write a diagnostic line of its own.
    if (!sink.error.empty()) {
      message += ": " + core::displayText(sink.error, core::DisplayOptions{.keep_tab = false});
    }
    printDiagnostic(context.streams, *context.redactor, kind, message);
  }
}

}  // namespace aihunt::cli

// `aihunt hunt --offline EVENTS.jsonl`: the hunts' AQL evaluated locally over exported events,
// then the detection; no QRadar involved. (Hunts against a live console arrive with the client.)
#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <span>
#include <sstream>

#include "aql/lint.h"
#include "aql/lookups_file.h"
#include "aql/parser.h"
#include "cli/aql_file.h"
#include "cli/command.h"
#include "cli/delivery.h"
#include "cli/detection_setup.h"
#include "cli/hunt_online.h"
#include "cli/hunt_option.h"
#include "cli/print.h"
#include "cli/qradar_connection.h"
#include "cli/query_window.h"
#include "cli/run_output.h"
#include "cli/signals.h"
#include "cli/time_options.h"
#include "cli/view_options.h"
#include "core/exit_codes.h"
#include "core/text.h"
#include "core/time.h"
#include "results/byte_source.h"
#include "results/decompress.h"
#include "service/detectable_fields.h"
#include "service/embedded_queries.h"
#include "service/finding_writer.h"
#include "service/hunt_plan.h"
#include "service/hunt_query.h"
#include "service/incident_writer.h"
#include "service/offline_hunt.h"
#include "service/run_summary.h"

namespace aihunt::cli {

namespace po = boost::program_options;

namespace {

// The hunts to run: one query file, one configured hunt, or every enabled hunt.
core::Result<std::vector<service::OfflineHunt>> planHunts(
    const po::variables_map& values, const DetectionSetup& setup,
    const std::optional<aql::TimeRange>& given, const aql::TimeRange& window,
    CommandContext& context) {
  std::vector<service::OfflineHunt> plan;
  const bool seed = values["seed-query"].as<bool>();
  if (values.count("aql") != 0 || seed) {
    if (seed && values.count("aql") != 0) {
      return core::makeError(core::ErrorCode::kInvalidArgument,
                             "give --seed-query or --aql, not both");
    }
    // The seed query is built in (service/embedded_queries.h), as online.
    const std::string path = seed ? "the seed query" : values["aql"].as<std::string>();
    auto text =
        seed ? core::Result<std::string>(std::string(service::seedQueryText())) : readAqlFile(path);
    if (!text) return text.error();
    // A `--` comment would be query text: refused as lint refuses it, before the syntax error
    // its words make (or the nothing a one-word one matches).
    if (auto dash = aql::doubleDashComment(*text)) {
      return core::makeError(core::ErrorCode::kInvalidArgument,
                             path + ":" + aql::formatDiagnostic(*dash));
    }
    aql::SyntaxError detail;
    auto query = aql::parse(*text, &detail);
    if (!query) return queryFileError(query.error(), path, *text);
    for (const auto& diagnostic : aql::lintQuery(*query)) {
      // The missing time clause is settled below, as online.
      if (diagnostic.code == "no-time-clause") continue;
      // What QRadar refuses (an unknown function, a wrong argument count) the evaluator cannot
      // run either: refused here, once, before any event is read.
      if (diagnostic.severity == aql::Severity::kError) {
        return core::makeError(core::ErrorCode::kInvalidArgument,
                               path + ":" + aql::formatDiagnostic(diagnostic));
      }
      // Offline there is no console whose zone it would be: the evaluator reads it as UTC (a
      // trial read the warning as if a console's zone applied).
      context.logger->warn(
          "{}:{}{}", path, aql::formatDiagnostic(diagnostic),
          diagnostic.code == "zoneless-time" ? " (offline it is read as UTC)" : "");
    }
    const std::vector<std::string> names = huntOption(values);
    if (names.size() > 1) {
      return core::makeError(core::ErrorCode::kInvalidArgument, "--aql takes one --hunt name");
    }
    applyQueryWindow(*query, path, given, context);
    if (query->database == aql::Database::kFlows) {
      // The file is whatever was exported: a trial's FROM flows over an events export gave
      // findings "from flows" without a word.
      context.logger->warn(
          "{}: the query reads FROM flows; offline it runs over the file given, whatever it "
          "holds (export flows to search flows)",
          path);
    }
    service::OfflineHunt hunt;
    hunt.name = !names.empty() ? names.front() : (seed ? "seed" : "aql");
    hunt.query = std::move(*query);
    // Columns named like the seed query's aliases, or like our logical fields.
    auto mapping = ownQueryMapping(setup, names);
    if (!mapping) return mapping.error();
    hunt.mapping = std::move(*mapping);
    hunt.fallback_mapping = service::logicalColumnMapping();
    // Refused here, before any event is read and without a hunts table that reads as a run.
    auto columns = ownQueryColumns(hunt.query);
    if (!columns) {
      return core::makeError(core::ErrorCode::kInvalidArgument,
                             path +
                                 ": SELECT * cannot run offline: exported events have no fixed "
                                 "columns to map to fields; name the columns (with aliases such "
                                 "as AS \"DestinationURL\", as the seed query does)");
    }
    if (auto status =
            service::checkDetectableColumns(*columns, hunt.mapping, &*hunt.fallback_mapping);
        !status) {
      return status.error().withContext(path);
    }
    plan.push_back(std::move(hunt));
    return plan;
  }
  auto planned =
      service::planConfiguredHunts(setup.hunts, *setup.settings, huntOption(values), window);
  if (!planned) return planned.error();
  for (auto& configured : *planned) {
    service::OfflineHunt hunt;
    hunt.name = std::move(configured.name);
    hunt.query = std::move(configured.query);
    hunt.mapping = std::move(configured.mapping);
    hunt.fallback_mapping = service::logicalColumnMapping();
    hunt.signals = configured.signals;
    hunt.upload_query = std::move(configured.upload_query);
    plan.push_back(std::move(hunt));
  }
  return plan;
}

// The events the run's hunts read, in time (every hunt reads the same file).
struct EventsSeen {
  std::uint64_t events = 0;
  std::uint64_t in_window = 0;
  std::uint64_t without_time = 0;  // the first hunt's count (every hunt reads the same file)
  core::EpochMs earliest = 0;
  core::EpochMs latest = 0;
  std::optional<aql::TimeRange> window;  // the first hunt's
  bool one_window = true;                // every hunt's is the first's

  void add(const aql::EventTimes& times) {
    if (!window) {
      window = times.window;
      without_time = times.without_time;
    } else if (times.window != window) {
      one_window = false;
    }
    if (times.events == 0) return;
    earliest = events == 0 ? times.earliest : std::min(earliest, times.earliest);
    latest = events == 0 ? times.latest : std::max(latest, times.latest);
    events += times.events;
    in_window += times.in_window;
  }
};

// Events read, none of them inside the window: "No findings." alone would read as "nothing
// happened", when the window missed the data (an old export, a wrong --now).
void noteEmptyWindow(const EventsSeen& seen, const std::string& events_path,
                     CommandContext& context) {
  if (seen.window && seen.events == 0) {
    // An empty or cut-short export reads as "No findings." too: a warning, not a result.
    printDiagnostic(context.streams, *context.redactor, Diagnostic::kCaveat,
                    "no event with a start time was read from " + events_path +
                        ": is the export empty? (\"No findings\" says nothing about the window)");
    return;
  }
  if (seen.window && seen.events > 0 && seen.without_time > 0) {
    printDiagnostic(context.streams, *context.redactor, Diagnostic::kWarning,
                    core::counted(seen.without_time, "event") + " of " + events_path +
                        " had no starttime that is a number (epoch milliseconds) and fell in "
                        "no window");
  }
  if (seen.events == 0 || seen.in_window != 0 || !seen.window) return;
  // Times before 1973 are nearly always epoch seconds read as milliseconds (a trial).
  const bool seconds = seen.latest < core::kEpochSecondsSuspectBelowMs;
  // Kept under --quiet: "No findings." alone would pass for a clean window.
  printDiagnostic(
      context.streams, *context.redactor, Diagnostic::kCaveat,
      "none of the events read falls inside the window " + core::formatIso8601(seen.window->from) +
          " to " + core::formatIso8601(seen.window->to) + "; their starttime runs from " +
          core::formatIso8601(seen.earliest) + " to " + core::formatIso8601(seen.latest) +
          (seconds ? " (is starttime in epoch seconds? QRadar gives epoch milliseconds: "
                     "multiply it by 1000)"
                   : " (choose the window with --now, --last or --from/--to)"));
}

// What a first line that is no event most often means: a whole JSON document rather than one
// event per line. Empty when the file's start says nothing (or is compressed).
std::string firstLineHint(const std::string& events_path) {
  std::ifstream in(events_path, std::ios::binary);
  std::string head(4096, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<std::size_t>(in.gcount()));
  if (head.find('\0') != std::string::npos) {
    // JSON text holds no NUL byte; UTF-16 without a byte order mark has one in every ASCII
    // character (with a mark, the file is named as UTF-16 before it is read).
    return " (the file holds NUL bytes: UTF-16 text without a byte order mark? convert it to "
           "UTF-8 first, e.g. iconv -f UTF-16LE -t UTF-8 FILE)";
  }
  const std::string_view text = core::trim(head);
  if (text.empty() || (text.front() != '{' && text.front() != '[')) return {};
  if (text.front() == '{' && text.find("\"events\"") != std::string_view::npos) {
    return " (this looks like an Ariel results document, {\"events\": [...]}: results go to "
           "'aihunt triage'; --offline reads raw events, one JSON object per line)";
  }
  return " (--offline reads one JSON object per line, JSON Lines; a pretty-printed document or a "
         "JSON array is not read)";
}

// The first line of a file, decompressed as the hunts read it (a rotated findings file is
// often gzip), up to 64 KiB; empty when it cannot be read.
std::string firstLineOf(const std::string& path) {
  auto input = results::openInput(path);
  if (!input) return {};
  auto source = results::decompressing(std::move(*input));
  if (!source) return {};
  std::string head(64 * 1024, '\0');
  std::size_t filled = 0;
  while (filled < head.size()) {
    auto got = (*source)->read(std::span<char>(head.data() + filled, head.size() - filled));
    if (!got || *got == 0) break;
    filled += *got;
  }
  head.resize(filled);
  return head.substr(0, head.find('\n'));
}

// What events without a start time most often are, from the first line's keys: events whose
// starttime is text, aihunt's own findings or incidents, or rows of Ariel results (columns a
// query named).
std::string wrongKindHint(const std::string& events_path) {
  const std::string line = firstLineOf(events_path);
  // One document on one line, `{"events": [...]}` as the API gives it: its events' starttime is
  // a number, only not at the top (a trial was sent between hunt and triage by the hints).
  std::string_view head = core::trim(line);
  if (!head.empty() && head.front() == '{') head = core::trim(head.substr(1));
  if (head.starts_with("\"events\"") || head.starts_with("\"flows\"")) {
    return " (this is one JSON document, {\"events\": [...]}, not one event per line: QRadar's "
           "events (starttime, sourceip, properties by name) are read one a line, e.g. jq -c "
           "'.events[]' FILE > events.jsonl; rows of a query's results, with the columns it "
           "named, go to 'aihunt triage FILE' as they are)";
  }
  if (line.find("\"starttime\"") != std::string::npos) {
    return " (these events hold a starttime, not as a number: convert it to epoch "
           "milliseconds, as QRadar gives it)";
  }
  if (line.find("\"finding_id\"") != std::string::npos &&
      line.find("\"schema_version\"") != std::string::npos) {
    return " (these are aihunt's own findings: 'aihunt incidents FILE' folds them into "
           "incidents)";
  }
  if (line.find("\"incident_id\"") != std::string::npos) {
    return " (these are aihunt's incidents, what 'aihunt incidents' prints: give it the findings "
           "they were folded from)";
  }
  return " (rows exported from Ariel's results, with the columns a query named, go to 'aihunt "
         "triage FILE'; --offline reads QRadar's events)";
}

// The hunts the run has not reported yet fail with `message`, said once already.
void markRestFailed(service::RunReport& run, const std::vector<service::OfflineHunt>& plan,
                    const std::string& message) {
  for (const auto& rest : std::span(plan).subspan(run.hunts.size())) {
    run.hunts.push_back(
        service::HuntReport::ended(rest.name, service::HuntStatus::kFailed, message));
    run.hunts.back().error_said = true;
  }
}

// The run's held output broke at a hunt that failed with `message`: the hunts that ended well
// before it lose their findings with it (they fail too), and the hunts after it do not run.
void markOutputLost(service::RunReport& run, const std::vector<service::OfflineHunt>& plan,
                    const std::string& message) {
  run.loseHeldFindings(message);
  markRestFailed(run, plan, "not run: " + message);
}

}  // namespace

int runHuntCommand(const std::vector<std::string>& args, CommandContext& context) {
  po::options_description options(
      "aihunt hunt: run hunts on a QRadar console (--qradar-url), or over exported events "
      "(--offline EVENTS.jsonl)");
  options.add_options()("help,h", "show this help")(
      "offline", po::value<std::string>(),
      "QRadar-shaped events, one JSON object per line (starttime in epoch ms, sourceip, ..., "
      "custom properties by name)")("config,c", po::value<std::string>(),
                                    "config file (default: the built-in pack and hunts)");
  addHuntOption(options,
                "run only these hunts: repeat or separate with commas (default: every enabled "
                "hunt; 'aihunt hunts' lists them)");
  options.add_options()(
      "aql", po::value<std::string>(),
      "run this AQL file instead of the hunts (its columns named like the seed query's "
      "aliases or like our logical fields)")(
      "lookups", po::value<std::string>(),
      "id -> name tables for CATEGORYNAME(), LOGSOURCENAME() and QIDNAME() (JSON)")(
      "format,f", po::value<std::string>()->default_value("table"), "table, json, jsonl or csv")(
      "show-suppressed", po::bool_switch(), "also print findings that an exception suppressed")(
      "fail-on-findings", po::bool_switch(), "exit 1 when any unsuppressed finding is printed")(
      "skip-bad-lines", po::bool_switch(),
      "with --offline: pass over lines of the events file that hold no event (not JSON, or not "
      "an object), count them and say so, instead of failing the run (a line whose only fault is "
      "text that is not UTF-8 is read with U+FFFD in its place, not passed over)")(
      "deliver", po::bool_switch(),
      "also record the findings in the config's state store and send the new ones through its "
      "outputs (JSONL, LEEF, reference sets), as 'aihunt run' does; needs --config")(
      "grace", po::value<std::string>()->default_value("30s"),
      "with --deliver, after Ctrl-C or SIGTERM while delivering: findings are delivered until "
      "this long after the signal (a delivery still retrying then is cut off, its findings "
      "kept in the outbox)");
  addViewOptions(options);
  addTimeOptions(options);
  addLoggingOptions(options);
  addOnlineHuntOptions(options);
  po::variables_map values;
  if (!parseOptions(args, options, {}, values, context.streams)) return core::kExitUsage;
  if (values.count("help") != 0)
    return printHelp(
        options,
        "\nThe window defaults to --last 24h for hunts. An --aql query (and --seed-query) keeps "
        "its own time clause (a --last/--from/--to beside it is ignored, with a warning); one "
        "without gets the window given, or LAST 24 HOURS, and stderr says which: the same "
        "online and offline.\n"
        "Findings are printed when the run ends, and only when every hunt completed: a run "
        "with a failed, interrupted or truncated hunt prints no findings on stdout (--format "
        "json prints its envelope with \"complete\": false, each hunt's status and the findings "
        "of the hunts that ran). Every "
        "hunt runs even when one fails (online, a connection or authentication failure stops "
        "the rest; offline, a bad events file does); a table of the hunts follows on stderr. "
        "Output held past --max-output (1 GiB) "
        "fails the run (exit 4). Formats and fields: docs/output.md.\n"
        "Exit codes: 0 ok, 1 findings with --fail-on-findings, 2 usage, config or input "
        "error or unwritable output, 3 connection, TLS or authentication failure, 4 search failed "
        "or timed out, "
        "hit the row cap or the output cap, or (--deliver) findings could not be delivered and "
        "wait in the outbox, 5 the state file is damaged or unwritable (--deliver), 6 another "
        "aihunt holds the state file (--deliver), 130 "
        "interrupted (Ctrl-C or SIGTERM; the search is cancelled and deleted first; with "
        "--deliver, a stop while delivering, once the hunts completed, exits 4).\n",
        context.streams);
  if (!setUpLogging(values, context)) return core::kExitUsage;
  auto format = service::parseOutputFormat(values["format"].as<std::string>());
  if (!format) return fail(context.streams, format.error(), core::kExitUsage);
  auto times = resolveTimes(values);
  if (!times) return fail(context.streams, times.error(), core::kExitUsage);
  const core::EpochMs now = times->now;
  const std::optional<aql::TimeRange>& window = times->window;

  aql::LookupTables lookups;
  if (values.count("lookups") != 0) {
    auto loaded = aql::loadLookupTables(values["lookups"].as<std::string>());
    if (!loaded) return fail(context.streams, loaded.error(), core::kExitUsage);
    lookups = std::move(*loaded);
  }
  const bool own_query = values.count("aql") != 0 || values["seed-query"].as<bool>();
  const std::string config_path =
      values.count("config") != 0 ? values["config"].as<std::string>() : std::string();
  auto setup = loadDetectionSetup(config_path, std::string(), context);
  if (!setup) return fail(context.streams, setup.error(), core::kExitUsage);
  auto table = resolveTableOptions(values, *format, *setup, context.streams.out, context);
  if (!table) return fail(context.streams, table.error(), core::kExitUsage);
  auto hold = holdOptions(context, values);
  if (!hold) return fail(context.streams, hold.error(), core::kExitUsage);
  if (!values["grace"].defaulted() && !values["deliver"].as<bool>()) {
    return fail(context.streams,
                "--grace bounds --deliver's delivery after Ctrl-C or SIGTERM; without --deliver a "
                "stop ends the hunt at once: add --deliver, or leave --grace out",
                core::kExitUsage);
  }
  std::unique_ptr<HuntDelivery> delivery;
  if (values["deliver"].as<bool>() && values.count("offline") == 0) {
    // Online: what the console connection needs is checked before the state file is opened,
    // so that a hunt refused for it leaves no state behind.
    auto request = connectionRequest(values, config_path);
    if (!request) return fail(context.streams, request.error(), core::kExitUsage);
    request->without_console = kOfflineInstead;
    if (auto status = service::checkConnectionSettings(*request, *context.environment); !status) {
      return fail(context.streams, status.error(), core::kExitUsage);
    }
  }
  if (values["skip-bad-lines"].as<bool>() && values.count("offline") == 0) {
    return fail(context.streams,
                "--skip-bad-lines passes over bad lines of an events file: only with --offline",
                core::kExitUsage);
  }
  if (values["deliver"].as<bool>()) {
    if (auto ahead = nowNotAhead(values, now); !ahead) {
      return fail(context.streams, ahead.error(), core::kExitUsage);
    }
    if (const int code = HuntDelivery::open(values, config_path, now, context, delivery);
        code != core::kExitOk) {
      return code;
    }
  }

  if (values.count("offline") == 0) {
    return runOnlineHunt(values, *setup, now, window, *format, *table, *hold, delivery.get(),
                         context);
  }
  // Console and search options given with --offline would read as an online hunt that found
  // nothing, or as a cap or deadline that held: every one given is named. The list is the
  // online options' own, so that a new one is never left out (--seed-query runs offline too).
  // With --deliver to the console's sinks (reference sets, offense notes), the connection
  // options are used.
  po::options_description online_only;
  addOnlineHuntOptions(online_only);
  po::options_description connection;
  addConnectionOptions(connection);
  const bool delivers = delivery != nullptr && delivery->usesConsole();
  std::vector<std::string> unused;
  for (const auto& option : online_only.options()) {
    const std::string& name = option->long_name();
    if (name == "seed-query" || (delivers && connection.find_nothrow(name, false) != nullptr)) {
      continue;
    }
    if (values.count(name) != 0 && !values[name].defaulted()) unused.push_back("--" + name);
  }
  if (!unused.empty()) {
    std::string names;
    for (const std::string& name : unused) names += (names.empty() ? "" : ", ") + name;
    printDiagnostic(context.streams, *context.redactor, Diagnostic::kWarning,
                    names + (unused.size() == 1 ? ": an option" : ": options") +
                        " of online hunts, not used by an offline hunt (--offline reads the "
                        "events file only)");
  }
  const aql::TimeRange default_window{now - service::kDefaultHuntWindowMs, now};
  auto plan = planHunts(values, *setup, window, window.value_or(default_window), context);
  if (!plan) return fail(context.streams, plan.error(), core::kExitUsage);

  service::OfflineOptions offline;
  offline.now = now;
  offline.lookups = &lookups;
  offline.show_suppressed = values["show-suppressed"].as<bool>();
  offline.skip_bad_lines = values["skip-bad-lines"].as<bool>();
  offline.spill_dir = hold->spool_dir;  // $TMPDIR, like the held output
  // Generated hunts carry the window; an own query its time clause (cli/query_window.h).
  if (!own_query) offline.range = window.value_or(default_window);

  const std::string events = values["offline"].as<std::string>();
  // An events file that cannot be opened is said once, before any hunt (each would say it).
  // "-" is a file name here, as for the hunts: each reads the events again. So a pipe or a
  // FIFO (<(zcat ...), /dev/stdin) is refused before it is opened: the first hunt would drain
  // it and every other would find nothing, yet report ok (a FIFO would block the next open).
  const std::string events_path = events == "-" ? "./-" : events;
  struct stat info {};
  const bool exists = ::stat(events_path.c_str(), &info) == 0;
  if (exists && S_ISDIR(info.st_mode)) {
    return fail(context,
                "events file '" + core::printableExcerpt(events, 200) +
                    "' is a folder: give the export file in it (one JSON object per line, "
                    "plain, .gz or .zst)",
                core::kExitUsage);
  }
  if (exists && !S_ISREG(info.st_mode)) {
    return fail(context,
                "events file '" + core::printableExcerpt(events, 200) +
                    "' is not a regular file (a pipe, a FIFO or a device): every hunt reads the "
                    "events again, so --offline needs a file; save the stream first (zcat "
                    "export.gz > events.jsonl), or give the .gz or .zst export as it is",
                core::kExitUsage);
  }
  if (auto opened = results::openInput(events_path); !opened) {
    core::Error error = opened.error().withContext("events file");
    // `--offline -` meant standard input, as other commands read it: say why it is a file here.
    if (events == "-") {
      error.message +=
          " (here '-' is a file named '-', not standard input: every hunt reads the "
          "events again, so --offline needs a file; save the stream first)";
    }
    return fail(context, error, core::kExitUsage);
  }
  // Ctrl-C ends the hunt at its next read and starts no other, as online; after the hunts, it
  // stops a table still being built.
  const qradar::Cancellation cancellation = installInterruptHandler();
  table->stop = cancellation.flag();
  auto writer = service::makeResultWriter(*format, context.streams.out, *table, *hold);
  service::RunTotals totals;
  service::RunReport run;
  int exit_code = core::kExitOk;
  EventsSeen seen;
  offline.stop = cancellation.flag();
  offline.events_stamp = service::stampOf(events_path);
  bool input_failed = false;
  offline.input_failed = &input_failed;
  bool interrupted = false;
  // --skip-bad-lines: the lines passed over and the first of them (every hunt reads the same).
  std::optional<std::pair<std::uint64_t, std::string>> skipped;
  // Lines read with U+FFFD in place of text that is not UTF-8, and the first of them.
  std::optional<std::pair<std::uint64_t, std::uint64_t>> repaired;
  // Every hunt runs even when one fails (a bad column, a query the evaluator refuses).
  totals.expired_exceptions = service::expiredExceptionIds(setup->settings->exceptions, now);
  totals.unread_reference_sets = service::unreadReferenceSets(setup->settings->exceptions, nullptr);
  for (const auto& hunt : *plan) {
    if (interrupted || cancellation.requested()) {
      interrupted = true;
      run.hunts.push_back(service::HuntReport::ended(hunt.name, service::HuntStatus::kCancelled));
      continue;
    }
    service::FindingWriter& sink = delivery
                                       ? static_cast<service::FindingWriter&>(delivery->writerFor(
                                             *writer, *setup->settings, hunt.name, offline.range))
                                       : *writer;
    service::OfflineReport report;
    const core::Status status =
        service::runOfflineHunt(events, hunt, *setup->settings, sink, offline, report);
    // Counted also when the hunt failed or was interrupted, as online: what it read and found.
    const auto counted = [&](service::HuntStatus outcome,
                             std::string error) -> service::HuntReport& {
      service::HuntReport& ended =
          run.hunts.emplace_back(service::HuntReport::ended(hunt.name, outcome, std::move(error)));
      ended.rows = report.rows;
      ended.findings = report.stats.findings;
      ended.suppressed = report.stats.suppressed;
      ended.skipped_lines = report.skipped_lines;
      ended.repaired_lines = report.repaired_lines;
      totals.add(report.rows, report.stats, report.suppressed_by_exception);
      return ended;
    };
    if (!status && status.error().code == core::ErrorCode::kCancelled) {
      interrupted = true;
      counted(service::HuntStatus::kCancelled, {});
      continue;
    }
    if (!status) {
      std::string message = context.redactor->redact(status.error().message);
      if (input_failed && message.find("events line 1: ") != std::string::npos) {
        message += firstLineHint(events);
      } else if (input_failed && message.find(": events line ") != std::string::npos) {
        message += "; --skip-bad-lines passes over such lines and counts them";
      }
      counted(service::HuntStatus::kFailed, message).error_said = true;
      printDiagnostic(context.streams, *context.redactor, Diagnostic::kError, message);
      if (input_failed) {
        // Every hunt reads the same events: the others would fail the same way. Said once.
        markRestFailed(run, *plan, message);
        exit_code = service::worseExitCode(exit_code, core::kExitUsage);
        break;
      }
      // Held output past its cap is the run's size, as a row cap online; the rest is input.
      exit_code = service::worseExitCode(exit_code, service::isOutputLimit(status.error())
                                                        ? core::kExitSearchFailed
                                                        : core::kExitUsage);
      if (writer->outputFailure()) {
        // The held output broke (its cap, a spool folder without room): the findings held so
        // far are cut short and no later hunt's could be held. Said once; no hunt runs on.
        markOutputLost(run, *plan, message);
        break;
      }
      continue;
    }
    for (const auto field : report.unbound_fields) {
      context.logger->debug("hunt '{}': no column for field {}", hunt.name,
                            detection::fieldName(field));
    }
    if (report.skipped_lines > 0 && report.times.events + report.times.without_time == 0) {
      // Every line was passed over (a UTF-16 export, a binary file): "No findings." would pass
      // for a clean result. An input error, as without --skip-bad-lines.
      const std::string message = context.redactor->redact(
          events + ": no line holds an event (all " + core::counted(report.skipped_lines, "line") +
          " passed over, --skip-bad-lines); the first: " + report.first_skipped);
      printDiagnostic(context.streams, *context.redactor, Diagnostic::kError, message);
      markRestFailed(run, *plan, message);  // this hunt and the rest: the same events
      exit_code = service::worseExitCode(exit_code, core::kExitUsage);
      break;
    }
    if (report.times.events == 0 && report.times.without_time > 0) {
      // Lines that are JSON objects, none with a start time a search can place: not QRadar's
      // events (Ariel results exported by a query, aihunt's own findings). "No findings." would
      // pass for a clean run; every hunt would read them the same way.
      const std::string message = context.redactor->redact(
          events + ": none of the " + core::counted(report.times.without_time, "event") +
          " has a starttime that is a number (epoch milliseconds, as QRadar's API and exports "
          "give it; text or ISO 8601 times are not read), so no hunt can place them in a "
          "window" +
          wrongKindHint(events));
      printDiagnostic(context.streams, *context.redactor, Diagnostic::kError, message);
      markRestFailed(run, *plan, message);
      exit_code = service::worseExitCode(exit_code, core::kExitUsage);
      break;
    }
    // After the checks above: a hunt whose input failed them is not reported as having run.
    context.logger->info("hunt '{}': {}, {}, {} suppressed", hunt.name,
                         core::counted(report.rows, "row"),
                         core::counted(report.stats.findings, "finding"), report.stats.suppressed);
    counted(service::HuntStatus::kOk, {});
    seen.add(report.times);
    noteOwnLimit(hunt.name, hunt.query, report.rows, context);
    // The most any hunt passed over: a hunt whose LIMIT ended its scan early read fewer lines.
    if (report.skipped_lines > 0 && (!skipped || report.skipped_lines > skipped->first)) {
      skipped = std::make_pair(report.skipped_lines, report.first_skipped);
    }
    if (report.repaired_lines > 0 && (!repaired || report.repaired_lines > repaired->first)) {
      repaired = std::make_pair(report.repaired_lines, report.first_repaired_line);
    }
  }
  writer->setRunCounts({totals.stats.suppressed, run.failed()});
  if (const int code = finishRun(*writer, run, *format, context); code != core::kExitOk) {
    return code;
  }
  if (interrupted) return fail(context, "interrupted", core::kExitInterrupted);
  noteEmptyWindow(seen, events, context);
  if (skipped) {
    // Kept under --quiet: the findings leave those lines out.
    printDiagnostic(context.streams, *context.redactor, Diagnostic::kCaveat,
                    "passed over " + core::counted(skipped->first, "line") + " of " + events +
                        (skipped->first == 1 ? " that is not an event (--skip-bad-lines): no "
                                               "hunt searched it: "
                                             : " that are not events (--skip-bad-lines): no "
                                               "hunt searched them; the first: ") +
                        skipped->second);
  }
  if (repaired) {
    // Searched, unlike passed-over lines, but their text is not quite the file's: a finding's
    // fields show U+FFFD where the bytes were, and the line number leads to the original.
    printDiagnostic(
        context.streams, *context.redactor, Diagnostic::kWarning,
        "read " + core::counted(repaired->first, "line") + " of " + events +
            " with U+FFFD in place of text that is not valid UTF-8 (or a lone UTF-16 surrogate "
            "escape); the first: events line " +
            std::to_string(repaired->second));
  }
  // A run whose held output broke has said so; its totals would read as a result (as online).
  totals.findings_printed = service::printsFindings(*format, run);
  totals.complete = run.complete();
  if (!writer->outputFailure()) {
    // The window searched, as online: "No findings." must show which one it was.
    service::logRunSummary(*context.logger,
                           seen.window && seen.one_window
                               ? "offline hunt (window " + core::formatIso8601(seen.window->from) +
                                     " to " + core::formatIso8601(seen.window->to) + ")"
                               : std::string("offline hunt"),
                           totals);
  }
  if (delivery) {
    if (const int code = delivery->finish(context, exit_code == core::kExitOk);
        code != core::kExitOk) {
      return code;
    }
  }
  if (exit_code != core::kExitOk) return exit_code;
  if (values["fail-on-findings"].as<bool>() && totals.stats.findings > 0) {
    return core::kExitFindings;
  }
  return core::kExitOk;
}

}  // namespace aihunt::cli

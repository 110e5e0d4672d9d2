// `aihunt triage`: exported Ariel results through the detection, findings on stdout.
#include <algorithm>
#include <chrono>
#include <fstream>
#include <sstream>

#include "cli/command.h"
#include "cli/detection_setup.h"
#include "cli/print.h"
#include "cli/run_output.h"
#include "cli/time_options.h"
#include "cli/view_options.h"
#include "core/exit_codes.h"
#include "core/text.h"
#include "core/time.h"
#include "results/byte_source.h"
#include "results/row_splitter.h"
#include "service/detectable_fields.h"
#include "service/finding_writer.h"
#include "service/incident_writer.h"
#include "service/run_report.h"
#include "service/run_summary.h"
#include "service/triage.h"

namespace aihunt::cli {
namespace {

// Rows whose URL or command line sat in a column this mapping does not read: "No findings" (or
// fewer) would pass for a clean result, so this is said under --quiet too. One --hunt (or none)
// is suggested only when it reads every such column; otherwise the columns need renaming.
void warnUnreadColumns(const service::UnreadColumns& found, const detection::FieldMapping& mapping,
                       const std::vector<std::string>& seen, CommandContext& context) {
  const auto& unread = found.columns;
  if (unread.empty()) return;
  std::string columns;
  std::string renames;
  for (const auto& entry : unread) {
    const std::string field(detection::fieldName(entry.field));
    const std::string& reader = entry.readers.front();
    const std::string& read_as = mapping.column(entry.field);
    // The field is read from another column these rows hold (rows of two exports mixed):
    // renaming would make two columns of one name.
    const bool read_elsewhere =
        !read_as.empty() && std::find(seen.begin(), seen.end(), read_as) != seen.end();
    // Named as it is spelled there, or in the reader's spelling when that differs
    // ("'User Agent' (the user_agent, 'UserAgent' in the seed query's names)").
    const bool spelled_otherwise = !core::iequals(entry.first_reader_names, entry.column);
    columns += (columns.empty() ? "'" : ", '") + entry.column + "' (the " + field +
               (spelled_otherwise ? ", '" + entry.first_reader_names + "'" : std::string()) +
               (reader.empty() ? " in the seed query's names" : " in hunt " + reader + "'s names") +
               (read_elsewhere ? "; the " + field + " is read from '" + read_as + "' here)" : ")");
    if (read_elsewhere) continue;
    renames += (renames.empty() ? "the " : ", the ") + field + " as '" +
               (read_as.empty() || read_as == field ? field : read_as + "' or '" + field) + "'";
  }
  std::string advice = renames.empty() ? "triage the rows that hold " +
                                             std::string(unread.size() == 1 ? "it" : "them") +
                                             " on their own, with the --hunt whose names they have"
                                       : "export " + renames;
  if (found.reads_all) {
    advice = (found.reads_all->empty() ? "leave out --hunt" : "give --hunt " + *found.reads_all) +
             " (it reads every such column these rows hold), or " + advice;
  }
  printDiagnostic(context.streams, *context.redactor, Diagnostic::kCaveat,
                  (unread.size() == 1 ? "a column was not read: " : "columns were not read: ") +
                      columns + "; " + (unread.size() == 1 ? "its" : "their") +
                      " values were not examined, which may hide findings: " + advice);
}

// The keys that only aihunt's own findings hold together (docs/output.md): such rows are not
// Ariel results, and read as rows they would lose their evidence and scores without a word.
const std::vector<std::string> kFindingKeys = {"finding_id", "schema_version", "risk_score"};

bool holdsFindings(const std::vector<std::string>& seen) {
  return std::all_of(kFindingKeys.begin(), kFindingKeys.end(), [&](const std::string& key) {
    return std::find(seen.begin(), seen.end(), key) != seen.end();
  });
}

// Whether the file starts as aihunt's JSON document does (docs/output.md): its schema version
// and its hunts, within the first few KiB. Standard input cannot be read again: false.
bool documentHoldsFindings(const std::string& path) {
  if (path == "-") return false;
  std::ifstream in(path, std::ios::binary);
  std::string head(4096, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<std::size_t>(in.gcount()));
  return head.find("\"schema_version\"") != std::string::npos &&
         head.find("\"view\":\"findings\"") != std::string::npos;
}

}  // namespace

namespace po = boost::program_options;

int runTriageCommand(const std::vector<std::string>& args, CommandContext& context) {
  po::options_description options("aihunt triage: run the detection over exported Ariel results");
  options.add_options()("help,h", "show this help")(
      "input,i", po::value<std::string>(),
      "results to read: an Ariel results document ({\"events\":[...]}), a JSON array of rows "
      "or JSON Lines; '-' for standard input")("config,c", po::value<std::string>(),
                                               "config file (default: the built-in content pack)")(
      "hunt", po::value<std::string>(),
      "the configured hunt whose field mapping names the columns (default: the seed query's "
      "column names; the names aihunt's own hunt queries give their columns, and QRadar's "
      "starttime, are read either way)")(
      "format,f", po::value<std::string>()->default_value("table"), "table, json, jsonl or csv")(
      "show-suppressed", po::bool_switch(), "also print findings that an exception suppressed")(
      "fail-on-findings", po::bool_switch(), "exit 1 when any unsuppressed finding is printed")(
      "now", po::value<std::string>(),
      (std::string("the time exceptions' expiry is judged against (default: the clock): ") +
       kTimestampForms)
          .c_str())("max-row-bytes", po::value<long long>()->default_value(4LL << 20),
                    "largest row accepted, 1024 to 1073741824 (1 GiB); a larger row is an input "
                    "error (memory grows only as far as the longest row needs)")(
      "threads", po::value<long long>(),
      "threads that examine rows, 1 to 64 (default: one per CPU this process may use, at most "
      "8); the findings come out in input order either way");
  addViewOptions(options);
  addLoggingOptions(options);
  po::positional_options_description positional;
  positional.add("input", 1);
  po::variables_map values;
  if (!parseOptions(args, options, positional, values, context.streams)) return core::kExitUsage;
  if (values.count("help") != 0)
    return printHelp(
        options,
        "\nThe findings are printed once the whole input was read: input that "
        "breaks off prints none (--format json: an envelope with \"complete\": "
        "false and the hunt failed, listing and counting the findings of the rows read before "
        "the break). Formats and fields: docs/output.md.\n"
        "Exit codes: 0 ok, 1 findings with --fail-on-findings, 2 usage, config "
        "or input error or unwritable output, 4 the findings passed the output cap (--max-output, "
        "1 GiB). Ctrl-C ends "
        "it at once, printing nothing (130 in a shell).\n",
        context.streams);
  if (!setUpLogging(values, context)) return core::kExitUsage;
  if (values.count("input") == 0) {
    return fail(context.streams, "triage needs --input FILE (or '-' for stdin)", core::kExitUsage);
  }
  auto format = service::parseOutputFormat(values["format"].as<std::string>());
  if (!format) return fail(context.streams, format.error(), core::kExitUsage);

  service::TriageOptions triage;
  triage.show_suppressed = values["show-suppressed"].as<bool>();
  // Read signed: Boost reads "-5" into an unsigned type as a huge number, not as an error.
  const long long max_row_bytes = values["max-row-bytes"].as<long long>();
  triage.limits.raised_by = "--max-row-bytes";
  // No row is a gigabyte: a larger value is a typo (an extra digit or two).
  constexpr long long kMaxRowBytesLimit = 1LL << 30;
  if (max_row_bytes < 1024 || max_row_bytes > kMaxRowBytesLimit) {
    return fail(context.streams,
                "--max-row-bytes must be from 1024 to 1073741824 (1 GiB), not " +
                    std::to_string(max_row_bytes),
                core::kExitUsage);
  }
  triage.limits.max_row_bytes = static_cast<std::size_t>(max_row_bytes);
  if (values.count("threads") != 0) {
    const long long threads = values["threads"].as<long long>();
    if (threads < 1 || threads > service::kMaxTriageThreads) {
      return fail(context.streams,
                  "--threads must be from 1 to " + std::to_string(service::kMaxTriageThreads),
                  core::kExitUsage);
    }
    triage.threads = static_cast<unsigned>(threads);
  }
  auto now = resolveNow(values);
  if (!now) return fail(context.streams, now.error(), core::kExitUsage);
  triage.now = *now;

  auto setup = loadDetectionSetup(
      values.count("config") != 0 ? values["config"].as<std::string>() : std::string(),
      values.count("hunt") != 0 ? values["hunt"].as<std::string>() : std::string(), context);
  if (!setup) return fail(context.streams, setup.error(), core::kExitUsage);
  triage.hunt = setup->hunt_name;

  auto input = results::openInput(values["input"].as<std::string>());
  if (!input) return fail(context.streams, input.error(), core::kExitUsage);

  auto table = resolveTableOptions(values, *format, *setup, context.streams.out, context);
  if (!table) return fail(context.streams, table.error(), core::kExitUsage);
  auto hold = holdOptions(context, values);
  if (!hold) return fail(context.streams, hold.error(), core::kExitUsage);
  auto writer = service::makeResultWriter(*format, context.streams.out, *table, *hold);
  triage.watched_columns = service::detectableColumnNamesAnywhere(setup->hunts);
  triage.watched_columns.insert(triage.watched_columns.end(), kFindingKeys.begin(),
                                kFindingKeys.end());
  auto report = service::runTriage(**input, *setup->settings, setup->mapping, *writer, triage);
  if (report.failure && report.rows == 0 &&
      report.failure->message.find("JSON document") != std::string::npos &&
      documentHoldsFindings(values["input"].as<std::string>())) {
    // hunt or triage --format json: aihunt's findings document, named as such.
    report.failure->message +=
        "; this is aihunt's findings document (--format json): its findings fold into incidents "
        "with jq -c '.findings[]' FILE | aihunt incidents -";
  }
  if (report.failure && report.rows == 0 &&
      report.failure->message.find(results::kReadsLikeCsv) != std::string::npos) {
    report.failure->message +=
        "; triage does not read CSV (a Log Activity export?): run the search with 'aihunt hunt' "
        "against the console, or fetch its results as JSON with GET "
        "/api/ariel/searches/{search_id}/results (docs/qradar-setup.md)";
  }
  if (report.nothing_detectable) {
    // The rows' columns may be another mapping's names (an export made for a configured hunt):
    // the hunt to give is named, rather than only its option.
    const auto unread =
        service::unreadDetectableColumns(report.watched_seen, report.unread_columns, setup->hunts);
    if (unread.reads_all) {
      report.failure->message =
          (unread.reads_all->empty()
               ? "these rows' columns are the seed query's names: leave out --hunt"
               : "these rows' columns are the names of hunt '" + *unread.reads_all +
                     "': give --hunt " + *unread.reads_all) +
          " (" + report.failure->message + ")";
    }
  }
  const bool findings_given = !report.failure && holdsFindings(report.watched_seen);
  if (findings_given) {
    report.failure = core::makeError(
        core::ErrorCode::kParse,
        "these rows are aihunt's own findings (finding_id, schema_version, risk_score), not "
        "Ariel results: 'aihunt incidents FILE' folds them into incidents");
  }
  context.logger->debug("triage: {} thread(s) examined the rows", report.threads);
  // The findings are printed once the input was read to its end: a file that breaks off
  // half-way prints none (--format json: its envelope says "complete": false, and lists the
  // findings of the rows read before the break).
  service::RunReport run;
  run.hunts.push_back(service::HuntReport::ended(triage.hunt.empty() ? "triage" : triage.hunt,
                                                 service::HuntStatus::kOk));
  // The counts are those of the rows read, failed or not, as a hunt's are: a JSON document that
  // lists the findings of the rows before a break lists their number too, and past the output
  // cap the document lists none (what was held is dropped) but counts what was found until then.
  run.hunts.back().rows = report.rows;
  run.hunts.back().findings = report.stats.findings;
  run.hunts.back().suppressed = report.stats.suppressed;
  if (report.failure) {
    run.hunts.back().status = service::HuntStatus::kFailed;
    // Findings read as rows lost their evidence and scores: none is listed, even in JSON, nor
    // counted as found.
    if (findings_given) {
      run.output_ok = false;
      run.hunts.back().findings = 0;
      run.hunts.back().suppressed = 0;
    }
    run.hunts.back().error = context.redactor->redact(report.failure->message);
    static_cast<void>(writer->finishRun(run));  // the error line below says it all
    if (service::isOutputLimit(*report.failure)) {
      return fail(context.streams, *report.failure, core::kExitSearchFailed);
    }
    // Bad input: the error names the file it is in.
    const std::string name = values["input"].as<std::string>();
    return fail(context.streams, report.failure->withContext(name == "-" ? "standard input" : name),
                core::kExitUsage);
  }
  // The table's footer counts the suppressed findings, and the rows --show-suppressed shows of
  // them, as hunt's and incidents' do (a trial's footer said 20 findings under 24 rows).
  writer->setRunCounts({report.stats.suppressed, std::nullopt});
  if (auto status = writer->finishRun(run); !status) {
    return fail(context.streams, status.error(), core::kExitUsage);
  }

  if (report.rows == 0) {
    // A zero-byte file (an export that failed) reads as "No findings." too: a warning, as for
    // an offline hunt's events.
    const std::string name = values["input"].as<std::string>();
    printDiagnostic(context.streams, *context.redactor, Diagnostic::kCaveat,
                    "no result row was read from " + (name == "-" ? "standard input" : name) +
                        ": is the export empty? (\"No findings\" says nothing about the events)");
  }
  if (report.stats.findings > 0 && report.rows_with_event_time == 0) {
    // Findings without a time still print, but an analyst should know why the column is empty.
    const std::string& column = setup->mapping.column(detection::Field::kEventTime);
    printDiagnostic(context.streams, *context.redactor, Diagnostic::kWarning,
                    "no row has an event time column (" +
                        (column.empty() ? std::string() : "'" + column + "', ") +
                        "'event_time' or QRadar's 'starttime', in epoch milliseconds), so every "
                        "finding's event_time is null: export the time under one of those names");
  }
  if (report.rows_with_early_time > 0) {
    // The findings print dated 1970-1972, which an analyst may take at its word (a trial).
    printDiagnostic(context.streams, *context.redactor, Diagnostic::kWarning,
                    core::counted(report.rows_with_early_time, "row") +
                        " had an event time before 1973 as epoch milliseconds, and their "
                        "findings are dated so: is the time column in epoch seconds? QRadar "
                        "gives epoch milliseconds (multiply it by 1000)");
  }
  if (report.stats.unreadable_event_times > 0) {
    // Printed as given, the time reads as one in the table, but no window (incidents --last,
    // the daemon's) can place it (a trial's "Nov 26, 2026, 9:14:04 AM" from a UI export).
    printDiagnostic(
        context.streams, *context.redactor, Diagnostic::kWarning,
        core::counted(report.stats.unreadable_event_times, "finding") + " had an event time " +
            "that is not a time aihunt reads, kept as the text given: export the time as epoch "
            "milliseconds (QRadar's starttime) or ISO 8601 (2026-11-26T09:14:04Z)");
  }
  warnUnreadColumns(
      service::unreadDetectableColumns(report.watched_seen, report.unread_columns, setup->hunts),
      setup->mapping, report.watched_seen, context);
  service::RunTotals totals;
  totals.expired_exceptions = service::expiredExceptionIds(setup->settings->exceptions, triage.now);
  totals.unread_reference_sets = service::unreadReferenceSets(setup->settings->exceptions, nullptr);
  totals.add(report.rows, report.stats, report.suppressed_by_exception);
  service::logRunSummary(*context.logger, "triage", totals);
  const auto& stats = report.stats;
  if (values["fail-on-findings"].as<bool>() && stats.findings > 0) return core::kExitFindings;
  return core::kExitOk;
}

}  // namespace aihunt::cli

// `aihunt incidents FILE...`: the incidents view of findings aihunt already wrote (the daemon's
// JSONL sink, its rotated and compressed files, `hunt` or `triage --format jsonl`). The analyst's
// view of what the daemon found, without running a hunt again.
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "cli/command.h"
#include "cli/detection_setup.h"
#include "cli/print.h"
#include "cli/run_output.h"
#include "cli/time_options.h"
#include "cli/view_options.h"
#include "core/exit_codes.h"
#include "core/time.h"
#include "results/byte_source.h"
#include "results/decompress.h"
#include "results/finding_reader.h"
#include "results/row_splitter.h"
#include "service/incident_writer.h"
#include "service/run_report.h"

namespace aihunt::cli {
namespace {

namespace po = boost::program_options;

struct ReadCounts {
  std::uint64_t findings = 0;  // rows read, each a finding
  std::uint64_t repeated = 0;  // a finding_id already read (a sink delivers at least once)
  // In the window, suppressed by an exception: left out, or folded with --show-suppressed (and
  // counted either way, as hunt and triage count them).
  std::uint64_t suppressed = 0;
  std::uint64_t outside = 0;           // left out: outside --last/--from/--to
  std::uint64_t written = 0;           // handed to the view
  std::uint64_t shown_suppressed = 0;  // of those, suppressed (--show-suppressed)
  // The event times of the findings left outside the window (valid when `timed` > 0): what
  // the window missed, said when nothing was in it.
  std::uint64_t timed = 0;
  core::EpochMs earliest = 0;
  core::EpochMs latest = 0;
};

std::string shownName(const std::string& path) { return path == "-" ? "standard input" : path; }

// Reads the findings of one file into `writer`. Errors name the file and the line.
core::Status readFile(const std::string& path, const std::optional<aql::TimeRange>& window,
                      bool show_suppressed, std::unordered_set<std::string>& seen,
                      service::ResultWriter& writer, ReadCounts& counts) {
  auto input = results::openInput(path);
  if (!input) return input.error().withContext(shownName(path));
  // Rotated files are often compressed (logrotate's gzip): read as they are.
  auto source = results::decompressing(std::move(*input));
  if (!source) return source.error().withContext(shownName(path));
  results::RowSplitter splitter(**source);
  while (true) {
    auto row = splitter.next();
    if (!row && splitter.rowsSeen() == 0 &&
        (row.error().message.find("JSON document") != std::string::npos ||
         row.error().message.find("neither an Ariel") != std::string::npos ||
         row.error().message.find(results::kReadsLikeCsv) != std::string::npos)) {
      // Not rows at all (the JSON document of --format json, say): what this command reads.
      // (A file cut short or not UTF-8 has its own error, and no need of this advice.)
      core::Error error = row.error().withContext(shownName(path));
      error.message +=
          "; aihunt incidents reads findings as JSON Lines (the daemon's JSONL file, hunt or "
          "triage --format jsonl; from a --format json document of findings: jq -c "
          "'.findings[]' FILE; an incidents document holds none: give the findings it came "
          "from; a --format csv file is for spreadsheets and is not read back)";
      return error;
    }
    if (!row) return row.error().withContext(shownName(path));
    if (!*row) return {};
    auto finding = results::parseFinding((*row)->json);
    if (!finding) {
      core::Error error =
          finding.error().withContext(shownName(path) + ": line " + std::to_string((*row)->line));
      if ((*row)->unterminated) {
        // A file being written, or copied before its writer finished (as triage says it).
        error.message +=
            " (the input's last line, with no line end after it: is the file cut short?)";
      }
      if (splitter.shape() == results::InputShape::kDocument) {
        // Rows of {"events": [...]}: the file is Ariel results, whatever its rows hold.
        error.message +=
            "; the file is an Ariel results document ({\"events\": [...]}): "
            "'aihunt triage FILE --view incidents' reads those";
      }
      return error;
    }
    ++counts.findings;
    if (!seen.insert(finding->finding_id).second) {
      ++counts.repeated;
      continue;
    }
    if (window) {
      // A time that cannot be read (kept raw by the writer) is outside every window.
      const auto at = core::parseTimestamp(finding->event_time);
      if (!at || *at < window->from || *at >= window->to) {
        ++counts.outside;
        if (at) {
          counts.earliest = counts.timed == 0 ? *at : std::min(counts.earliest, *at);
          counts.latest = counts.timed == 0 ? *at : std::max(counts.latest, *at);
          ++counts.timed;
        }
        continue;
      }
    }
    // After the window: what an exception suppressed outside it is not this window's.
    if (finding->suppressed) {
      ++counts.suppressed;
      if (!show_suppressed) continue;
    }
    if (auto written = writer.write(*finding); !written) return written;
    ++counts.written;
    if (finding->suppressed) ++counts.shown_suppressed;
  }
}

}  // namespace

int runIncidentsCommand(const std::vector<std::string>& args, CommandContext& context) {
  po::options_description options(
      "aihunt incidents: fold findings aihunt wrote into incidents (one row per actor and action)");
  options.add_options()("help,h", "show this help")(
      "input,i", po::value<std::vector<std::string>>(),
      "findings files as aihunt writes them (JSON Lines: the daemon's JSONL sink, its rotated "
      "files, gzip or zstd compressed too; hunt or triage --format jsonl); '-' for standard "
      "input; several may be given")("config,c", po::value<std::string>(),
                                     "config file: its incident window and score thresholds "
                                     "(default: the built-in content pack)")(
      "format,f", po::value<std::string>()->default_value("table"), "table, json, jsonl or csv")(
      "show-suppressed", po::bool_switch(), "also fold findings that an exception suppressed");
  addTimeOptions(options, /*judges_expiry=*/false);
  addViewOptions(options, ViewDefault::kIncidentsAlways);
  addLoggingOptions(options);
  po::positional_options_description positional;
  positional.add("input", -1);
  po::variables_map values;
  if (!parseOptions(args, options, positional, values, context.streams)) return core::kExitUsage;
  if (values.count("help") != 0) {
    return printHelp(
        options,
        "\nA finding that appears more than once (the same finding_id: a sink delivers at least "
        "once, rotated files overlap) is folded once. --last, --from and --to keep the findings "
        "whose event_time is in the window (--now sets the end of --last). The view is incidents "
        "in every format; --view findings prints the findings themselves. "
        "Formats and fields: docs/output.md and docs/incidents.md.\n"
        "Exit codes: 0 ok, 2 usage, config or input error or unwritable output, 4 the findings "
        "passed the output cap "
        "(--max-output). A failed run prints no incidents (--format json: its envelope says "
        "\"complete\": false and why, and lists none).\n",
        context.streams);
  }
  if (!setUpLogging(values, context)) return core::kExitUsage;
  if (values.count("input") == 0) {
    return fail(context.streams,
                "incidents needs the findings to read: aihunt incidents FILE... ('-' for stdin; "
                "the daemon's JSONL sink, or hunt/triage --format jsonl)",
                core::kExitUsage);
  }
  auto format = service::parseOutputFormat(values["format"].as<std::string>());
  if (!format) return fail(context.streams, format.error(), core::kExitUsage);
  auto times = resolveTimes(values);
  if (!times) return fail(context.streams, times.error(), core::kExitUsage);
  const std::optional<aql::TimeRange>& window = times->window;
  auto setup = loadDetectionSetup(
      values.count("config") != 0 ? values["config"].as<std::string>() : std::string(), {},
      context);
  if (!setup) return fail(context.streams, setup.error(), core::kExitUsage);
  auto table = resolveTableOptions(values, *format, *setup, context.streams.out, context);
  if (!table) return fail(context.streams, table.error(), core::kExitUsage);
  // This command's view is incidents in every format, unless --view says otherwise.
  if (values.count("view") == 0) table->view = service::OutputView::kIncidents;
  auto hold = holdOptions(context, values);
  if (!hold) return fail(context.streams, hold.error(), core::kExitUsage);
  auto writer = service::makeResultWriter(*format, context.streams.out, *table, *hold);

  const auto inputs = values["input"].as<std::vector<std::string>>();
  const bool show_suppressed = values["show-suppressed"].as<bool>();
  std::unordered_set<std::string> seen;
  ReadCounts counts;
  service::RunReport run;
  run.hunts.push_back(service::HuntReport::ended("incidents", service::HuntStatus::kOk));
  for (const std::string& path : inputs) {
    const core::Status read = readFile(path, window, show_suppressed, seen, *writer, counts);
    run.hunts.back().rows = counts.findings;
    // The findings no exception suppressed, as output.md defines them, shown or not.
    run.hunts.back().findings = counts.written - counts.shown_suppressed;
    run.hunts.back().suppressed = counts.suppressed;
    if (!read) {
      // No incidents are printed: folded from part of the findings they would mislead. (The
      // JSON envelope says "complete": false and why, and lists none.)
      run.hunts.back().status = service::HuntStatus::kFailed;
      run.output_ok = false;
      run.hunts.back().error = context.redactor->redact(read.error().message);
      static_cast<void>(writer->finishRun(run));
      return fail(
          context.streams, read.error(),
          service::isOutputLimit(read.error()) ? core::kExitSearchFailed : core::kExitUsage);
    }
  }
  writer->setRunCounts({counts.suppressed, std::nullopt});
  if (auto status = writer->finishRun(run); !status) {
    return fail(context.streams, status.error(), core::kExitUsage);
  }
  std::string names;
  for (const std::string& path : inputs) names += (names.empty() ? "" : ", ") + shownName(path);
  if (counts.findings == 0) {
    printDiagnostic(
        context.streams, *context.redactor, Diagnostic::kCaveat,
        "no finding was read from " + names + ": \"No findings.\" says nothing about the events");
  } else if (counts.written == 0 && counts.suppressed == 0 && counts.outside > 0) {
    // As hunt --offline says it: the window, and where the findings lie in time.
    printDiagnostic(
        context.streams, *context.redactor, Diagnostic::kCaveat,
        "none of the " + core::counted(counts.findings, "finding") + " read is in the window " +
            core::formatIso8601(window->from) + " to " + core::formatIso8601(window->to) +
            (counts.timed > 0
                 ? "; their event_time runs from " + core::formatIso8601(counts.earliest) + " to " +
                       core::formatIso8601(counts.latest)
                 : std::string()) +
            (counts.outside > counts.timed
                 ? "; " + core::counted(counts.outside - counts.timed, "finding") +
                       " had no event_time that reads as a time (none, or the text an export "
                       "gave), which no window holds"
                 : std::string()) +
            " (choose the window with --now, --last or --from/--to)");
  }
  context.logger->info(
      "incidents: {} read, {} folded{}{}{}", core::counted(counts.findings, "finding"),
      counts.written,
      counts.repeated > 0 ? ", " + std::to_string(counts.repeated) + " repeated (read once)"
                          : std::string(),
      counts.suppressed > 0 ? ", " + std::to_string(counts.suppressed) + " suppressed" +
                                  (show_suppressed ? " (folded too)" : "")
                            : std::string(),
      counts.outside > 0 ? ", " + std::to_string(counts.outside) + " outside the window" +
                               (counts.outside > counts.timed
                                    ? " (" + std::to_string(counts.outside - counts.timed) +
                                          " of them with no event_time that reads as a time)"
                                    : std::string())
                         : std::string());
  return core::kExitOk;
}

}  // namespace aihunt::cli

#include "service/table_renderer.h"

#include <algorithm>
#include <utility>

#include "core/display_text.h"
#include "core/text.h"
#include "service/held_findings.h"
#include "service/table_layout.h"

namespace aihunt::service {
namespace {

using detection::Finding;
using detection::Incident;
using detection::Severity;

// Every server-derived value passes the one terminal sanitiser; tabs too (they would break the
// column arithmetic).
std::string safe(std::string_view text) {
  return core::displayText(text, core::DisplayOptions{.keep_tab = false});
}

// Short names keep the column narrow enough for an 80-column terminal.
std::string_view shortSeverity(Severity severity) {
  switch (severity) {
    case Severity::kCritical:
      return "crit";
    case Severity::kHigh:
      return "high";
    case Severity::kMedium:
      return "med";
    case Severity::kLow:
      break;
  }
  return "low";
}

const char* severityColor(Severity severity) {
  switch (severity) {
    case Severity::kCritical:
      return "\x1b[1;31m";  // bold red
    case Severity::kHigh:
      return "\x1b[31m";  // red
    case Severity::kMedium:
      return "\x1b[33m";  // yellow
    case Severity::kLow:
      break;
  }
  return "\x1b[36m";  // cyan
}

TableCell severityCell(Severity severity, int risk, const TableOptions& options) {
  std::string text(shortSeverity(severity));
  text += ' ';
  text += std::to_string(risk);
  return {std::move(text), options.color ? severityColor(severity) : nullptr};
}

// "2026-11-26T17:03:08.123Z" -> "2026-11-26 17:03" (the seconds are in JSON; the minute is what
// a person scans for, and 80 columns are few); a time we could not read stays as it was.
std::string tableTime(std::string_view iso) {
  // Only a time aihunt wrote is cut as one: an event's time that could not be read is its own
  // text, hostile as any (a review: "\x1b]0;x\x07T..." passed byte 10's test).
  const bool written =
      iso.size() >= 16 && iso[10] == 'T' && std::all_of(iso.begin(), iso.begin() + 16, [](char c) {
        return (c >= '0' && c <= '9') || c == '-' || c == ':' || c == 'T';
      });
  if (written) {
    std::string out(iso.substr(0, 16));
    out[10] = ' ';
    return out;
  }
  return safe(iso);
}

std::string joined(const std::vector<std::string>& values) {
  std::string out;
  for (const auto& value : values) {
    if (!out.empty()) out += ',';
    out += value;
  }
  return safe(out);
}

// A list, and for a narrow column its first item with a count of the rest ("Sysmon 1 +2").
TableCell listTableCell(const std::vector<std::string>& values) {
  TableCell cell{joined(values)};
  if (values.size() > 1) {
    cell.head = safe(values.front());
    // Spaced, so that "Sysmon 1 +2" does not read as Sysmon events 1 and 2 (a review).
    cell.tail = " +" + std::to_string(values.size() - 1);
  }
  return cell;
}

std::string signalList(detection::SignalSet signals) {
  std::string out;
  signals.forEach([&](detection::Signal signal) {
    if (!out.empty()) out += ',';
    out += detection::signalName(signal);
  });
  return out;
}

std::string domainOrProvider(const std::string& domain, const std::string& provider) {
  return safe(domain.empty() ? provider : domain);
}

int severityRank(Severity severity) { return static_cast<int>(severity); }

// Column minimums and the order in which columns leave a narrow terminal (highest rank first).
// At 80 columns an incident or a finding keeps severity, time, (sources,) host, user, domain,
// process and evidence. The sources leave only to make room for the exception column
// (--show-suppressed): who and what matter more than which hunts found them.
enum Rank : int {
  kKeep = 0,
  kEvidence = 1,
  kSources = 2,
  kHunt = 3,
  kSourceIp = 4,
  kCount = 5,
  kSignals = 6
};

// Who and what stay readable (docs/incidents.md): whole up to these widths while the other
// columns give way; a longer value (an FQDN, an Azure deployment's host name) is rare enough to
// be cut.
constexpr std::size_t kWhoCap = 24;
constexpr std::size_t kDomainCap = 28;
constexpr std::size_t kProcessCap = 20;
// A suppressed row is read by its exception's id: it stays as readable as the what.
constexpr std::size_t kExceptionCap = 24;

TableColumn who(std::string header) {
  return {std::move(header), 6, kKeep, ColumnRole::kWho, kWhoCap};
}

TableColumn what(std::string header, std::size_t min_width, std::size_t cap) {
  return {std::move(header), min_width, kKeep, ColumnRole::kWhat, cap};
}

// `incidents` and `findings` count what no exception suppressed; `suppressed_incidents` the
// suppressed incidents the table shows too (--show-suppressed), so that its rows add up.
// `suppressed_rows`: the suppressed incidents or findings the table shows too
// (--show-suppressed). The parts go on one line, or on several at "; " when the table's width
// (0: none) cannot hold them.
std::string footer(std::size_t incidents, std::size_t findings, bool incidents_view,
                   const RunCounts& counts, std::size_t suppressed_rows, std::size_t width) {
  std::vector<std::string> parts;
  parts.push_back(
      (incidents_view ? core::counted(incidents, "incident") + " from " : std::string()) +
      core::counted(findings, "finding"));
  if (counts.suppressed) {
    parts.push_back(std::to_string(*counts.suppressed) + " suppressed by exceptions");
    if (suppressed_rows > 0) {
      parts.back() += " (shown as " +
                      core::counted(suppressed_rows,
                                    incidents_view ? "suppressed incident" : "suppressed finding") +
                      ")";
    }
  }
  if (counts.hunts_failed) parts.push_back(core::counted(*counts.hunts_failed, "hunt") + " failed");
  std::string out = parts.front();
  std::size_t line_start = 0;
  for (std::size_t i = 1; i < parts.size(); ++i) {
    const bool fits = width == 0 || out.size() - line_start + 2 + parts[i].size() <= width;
    out += fits ? "; " : ";\n";
    if (!fits) line_start = out.size();
    out += parts[i];
  }
  out += '\n';
  return out;
}

class TableWriter final : public ResultWriter {
 public:
  TableWriter(std::FILE* out, const TableOptions& options, std::uint64_t max_bytes)
      : out_(out), options_(options), held_(max_bytes) {}
  core::Status write(const Finding& finding) override { return held_.add(finding); }
  [[nodiscard]] std::size_t footerWidth() const { return options_.wide ? 0 : options_.width; }
  [[nodiscard]] std::optional<core::Error> outputFailure() const override {
    return held_.failure();
  }
  void setRunCounts(const RunCounts& counts) override { counts_ = counts; }
  core::Status finish() override {
    if (held_.failure()) return *held_.failure();
    const RunCounts& counts = counts_;
    const std::vector<Finding>& findings = held_.findings();
    const auto shown = static_cast<std::size_t>(std::count_if(
        findings.begin(), findings.end(), [](const Finding& f) { return !f.suppressed; }));
    std::string text;
    std::size_t incident_count = 0;
    std::size_t suppressed_incidents = 0;
    if (findings.empty()) {
      text = "No findings.\n";
      if (counts.suppressed.value_or(0) > 0 || counts.hunts_failed.value_or(0) > 0) {
        text += footer(0, 0, options_.view == OutputView::kIncidents, counts, 0, footerWidth());
      }
    } else {
      if (options_.view == OutputView::kIncidents) {
        const auto incidents = detection::correlateFindings(findings, options_.incidents);
        incident_count = static_cast<std::size_t>(
            std::count_if(incidents.begin(), incidents.end(),
                          [](const Incident& incident) { return !incident.suppressed; }));
        suppressed_incidents = incidents.size() - incident_count;
        text = renderIncidentsTable(incidents, options_);
      } else {
        std::vector<const Finding*> rows;
        rows.reserve(findings.size());
        for (const auto& finding : findings) rows.push_back(&finding);
        text = renderFindingsTable(std::move(rows), options_);
      }
      text += '\n';
      const bool incidents_view = options_.view == OutputView::kIncidents;
      text +=
          footer(incident_count, shown, incidents_view, counts,
                 incidents_view ? suppressed_incidents : findings.size() - shown, footerWidth());
    }
    if (options_.stop != nullptr && options_.stop->load()) {
      return core::makeError(core::ErrorCode::kCancelled, "interrupted");
    }
    if (std::fwrite(text.data(), 1, text.size(), out_) != text.size() || std::fflush(out_) != 0) {
      return core::makeError(core::ErrorCode::kIo,
                             "writing findings failed (disk full or output closed?)");
    }
    return {};
  }

 private:
  std::FILE* out_;
  TableOptions options_;
  HeldFindings held_;
  RunCounts counts_;
};

}  // namespace

std::string renderFindingsTable(std::vector<const Finding*> findings, const TableOptions& options) {
  std::stable_sort(findings.begin(), findings.end(), [](const Finding* a, const Finding* b) {
    if (a->severity != b->severity) return severityRank(a->severity) > severityRank(b->severity);
    if (a->risk_score != b->risk_score) return a->risk_score > b->risk_score;
    if (a->event_time != b->event_time) return a->event_time < b->event_time;
    return a->finding_id < b->finding_id;
  });
  const bool exceptions = std::any_of(findings.begin(), findings.end(),
                                      [](const Finding* f) { return !f->exception.empty(); });
  std::vector<TableColumn> columns = {{"SEVERITY", 0, kKeep},
                                      {"TIME (UTC)", 0, kKeep},
                                      {"HUNT", 8, kHunt},
                                      who("HOST"),
                                      who("USER"),
                                      {"SOURCE IP", 0, kSourceIp},
                                      what("DOMAIN", 8, kDomainCap),
                                      what("PROCESS", 6, kProcessCap),
                                      {"SIGNALS", 10, kSignals},
                                      what("EXCEPTION", 8, kExceptionCap),
                                      {"EVIDENCE", 8, kEvidence}};
  std::vector<std::vector<TableCell>> rows;
  rows.reserve(findings.size());
  for (const Finding* f : findings) {
    rows.push_back({severityCell(f->severity, f->risk_score, options),
                    {tableTime(f->event_time)},
                    {safe(f->hunt)},
                    {safe(f->host)},
                    {safe(f->username)},
                    {safe(f->source_ip)},
                    {domainOrProvider(f->domain, f->provider)},
                    {safe(f->process_name)},
                    {signalList(f->signals)},
                    {safe(f->exception)},
                    {safe(f->evidence)}});
  }
  if (!exceptions) {
    columns.erase(columns.begin() + 9);
    for (auto& row : rows) row.erase(row.begin() + 9);
  }
  return renderTable(columns, rows, TableLayoutOptions{options.width, options.wide});
}

std::string renderIncidentsTable(const std::vector<Incident>& incidents,
                                 const TableOptions& options) {
  const bool exceptions = std::any_of(incidents.begin(), incidents.end(),
                                      [](const Incident& i) { return !i.exceptions.empty(); });
  std::vector<TableColumn> columns = {{"SEVERITY", 0, kKeep},
                                      {"FIRST SEEN (UTC)", 0, kKeep},
                                      {"SOURCES", 7, exceptions ? kSources : kKeep},
                                      who("HOST"),
                                      who("USER"),
                                      {"SOURCE IP", 0, kSourceIp},
                                      what("DOMAIN", 8, kDomainCap),
                                      what("PROCESS", 6, kProcessCap),
                                      {"FINDINGS", 0, kCount},
                                      what("EXCEPTION", 8, kExceptionCap),
                                      {"EVIDENCE", 8, kEvidence}};
  std::vector<std::vector<TableCell>> rows;
  rows.reserve(incidents.size());
  for (const Incident& i : incidents) {
    rows.push_back({severityCell(i.severity, i.risk_score, options),
                    {tableTime(i.first_seen)},
                    listTableCell(i.sources),
                    {safe(i.actor.host)},
                    {safe(i.actor.user_display)},
                    {safe(i.actor.source_ip)},
                    {domainOrProvider(i.domain, i.provider)},
                    {safe(i.process)},
                    {std::to_string(i.finding_ids.size())},
                    listTableCell(i.exceptions),
                    {safe(i.evidence)}});
  }
  if (!exceptions) {
    columns.erase(columns.begin() + 9);
    for (auto& row : rows) row.erase(row.begin() + 9);
  }
  return renderTable(columns, rows, TableLayoutOptions{options.width, options.wide});
}

std::unique_ptr<ResultWriter> makeTableWriter(std::FILE* out, const TableOptions& options,
                                              std::uint64_t max_bytes) {
  return std::make_unique<TableWriter>(out, options, max_bytes);
}

}  // namespace aihunt::service

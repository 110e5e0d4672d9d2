#include "service/incident_writer.h"

#include <array>
#include <string>
#include <utility>
#include <vector>

#include "detection/incident_json.h"
#include "service/csv_cell.h"
#include "service/finding_writer.h"
#include "service/held_findings.h"

namespace aihunt::service {
namespace {

using detection::Incident;

std::string listCell(const std::vector<std::string>& values) {
  std::string out;
  for (const auto& value : values) {
    if (!out.empty()) out += ';';
    out += value;
  }
  return out;
}

void appendCsvHeader(std::string& out) {
  out +=
      "incident_id,first_seen,last_seen,severity,risk_score,user,user_display,host,source_ip,"
      "provider,domain,process,sources,signals,finding_ids,events,hunts,suppressed,exceptions,"
      "evidence\r\n";
}

void appendCsvRow(std::string& out, const Incident& incident) {
  std::vector<std::string> signals;
  incident.signals.forEach(
      [&](detection::Signal signal) { signals.emplace_back(detection::signalName(signal)); });
  const std::array<std::string, 20> cells = {
      incident.incident_id,
      incident.first_seen,
      incident.last_seen,
      std::string(detection::severityName(incident.severity)),
      std::to_string(incident.risk_score),
      incident.actor.user,
      incident.actor.user_display,
      incident.actor.host,
      incident.actor.source_ip,
      incident.provider,
      incident.domain,
      incident.process,
      listCell(incident.sources),
      listCell(signals),
      listCell(incident.finding_ids),
      std::to_string(incident.events),
      listCell(incident.hunts),
      incident.suppressed ? "true" : "false",
      listCell(incident.exceptions),
      incident.evidence,
  };
  for (std::size_t i = 0; i < cells.size(); ++i) {
    if (i > 0) out.push_back(',');
    appendCsvCell(out, cells[i]);
  }
  out += "\r\n";
}

class IncidentWriter final : public ResultWriter {
 public:
  IncidentWriter(OutputFormat format, std::FILE* out, const detection::IncidentOptions& options,
                 std::uint64_t max_bytes)
      : format_(format), out_(out), options_(options), held_(max_bytes) {}
  core::Status write(const detection::Finding& finding) override { return held_.add(finding); }
  [[nodiscard]] std::optional<core::Error> outputFailure() const override {
    return held_.failure();
  }
  core::Status finish() override {
    if (held_.failure()) return *held_.failure();
    return emit(RunReport{});
  }
  core::Status finishRun(const RunReport& run) override {
    if (!printsFindings(format_, run)) return {};
    // The JSON envelope of a run whose findings were dropped at the cap says it is incomplete
    // (run.complete() is false then) and lists none.
    // So does one whose findings could not all be held for printing elsewhere (run.output_ok):
    // what is held here is then part of the run's findings, and a part is not shown. So does an
    // incomplete run (a hunt failed or was stopped, an input cut short): incidents folded from
    // part of the findings would understate their counts, as `aihunt incidents` holds too (a
    // trial found the two disagreeing).
    const bool lost = held_.failure() || !run.output_ok || !run.complete();
    if (lost && format_ != OutputFormat::kJson) return {};
    return emit(run, lost);
  }

 private:
  core::Status emit(const RunReport& run, bool lost = false) {
    const auto incidents =
        lost ? decltype(detection::correlateFindings(held_.findings(), options_)){}
             : detection::correlateFindings(held_.findings(), options_);
    std::string text;
    if (format_ == OutputFormat::kCsv) appendCsvHeader(text);
    if (format_ == OutputFormat::kJson) text += jsonEnvelopeHead(run, "incidents");
    for (std::size_t i = 0; i < incidents.size(); ++i) {
      switch (format_) {
        case OutputFormat::kCsv:
          appendCsvRow(text, incidents[i]);
          break;
        case OutputFormat::kJson:
          text += i == 0 ? "\n  " : ",\n  ";
          detection::appendIncidentJson(text, incidents[i]);
          break;
        case OutputFormat::kJsonl:
        case OutputFormat::kTable:
          detection::appendIncidentJson(text, incidents[i]);
          text += '\n';
          break;
      }
    }
    if (format_ == OutputFormat::kJson) text += incidents.empty() ? "]}\n" : "\n]}\n";
    if (std::fwrite(text.data(), 1, text.size(), out_) != text.size() || std::fflush(out_) != 0) {
      return core::makeError(core::ErrorCode::kIo,
                             "writing incidents failed (disk full or output closed?)");
    }
    return {};
  }

  OutputFormat format_;
  std::FILE* out_;
  detection::IncidentOptions options_;
  HeldFindings held_;
};

// The streaming findings writers, seen as a ResultWriter (they print no footer).
class StreamingFindings final : public ResultWriter {
 public:
  explicit StreamingFindings(std::unique_ptr<FindingWriter> inner) : inner_(std::move(inner)) {}
  core::Status write(const detection::Finding& finding) override { return inner_->write(finding); }
  [[nodiscard]] bool formatsRecords() const override { return inner_->formatsRecords(); }
  void formatRecord(const detection::Finding& finding, std::string& out) const override {
    inner_->formatRecord(finding, out);
  }
  core::Status writeRecord(std::string_view record) override { return inner_->writeRecord(record); }
  core::Status pageDone() override { return inner_->pageDone(); }
  core::Status finish() override { return inner_->finish(); }
  core::Status finishRun(const RunReport& run) override { return inner_->finishRun(run); }
  [[nodiscard]] std::optional<core::Error> outputFailure() const override {
    return inner_->outputFailure();
  }

 private:
  std::unique_ptr<FindingWriter> inner_;
};

}  // namespace

std::unique_ptr<ResultWriter> makeIncidentWriter(OutputFormat format, std::FILE* out,
                                                 const detection::IncidentOptions& options,
                                                 std::uint64_t max_bytes) {
  return std::make_unique<IncidentWriter>(format, out, options, max_bytes);
}

std::unique_ptr<ResultWriter> makeResultWriter(OutputFormat format, std::FILE* out,
                                               const TableOptions& options, HoldOptions hold) {
  if (format == OutputFormat::kTable) return makeTableWriter(out, options, hold.max_bytes);
  if (options.view == OutputView::kIncidents) {
    return makeIncidentWriter(format, out, options.incidents, hold.max_bytes);
  }
  return std::make_unique<StreamingFindings>(makeFindingWriter(format, out, std::move(hold)));
}

}  // namespace aihunt::service

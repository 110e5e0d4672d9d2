#include "service/finding_writer.h"

#include <array>
#include <string>

#include "core/display_text.h"
#include "core/json_text.h"
#include "core/text.h"
#include "detection/finding_json.h"
#include "service/csv_cell.h"
#include "service/table_renderer.h"

namespace aihunt::service {
namespace {

using detection::Finding;

constexpr std::size_t kFlushBytes = 64 * 1024;

// Buffers output and hands it on in large writes (per-finding fwrite calls would dominate the
// cost of a fast pipeline), to the held output: stdout once the run ends, or straight away when
// not holding.
class BufferedWriter : public FindingWriter {
 public:
  BufferedWriter(std::FILE* out, HoldOptions hold) : held_(out, std::move(hold)) {
    buffer_.reserve(kFlushBytes * 2);
  }
  core::Status finish() override {
    if (auto status = flush(); !status) return status;
    return held_.release();
  }
  core::Status finishRun(const RunReport& run) override {
    if (run.complete()) return finish();
    buffer_.clear();
    held_.discard();
    return {};
  }
  [[nodiscard]] std::optional<core::Error> outputFailure() const override {
    return held_.failure();
  }

 protected:
  core::Status maybeFlush() {
    if (buffer_.size() >= kFlushBytes) return flush();
    return {};
  }
  core::Status flush() {
    auto status = held_.append(buffer_);
    buffer_.clear();
    return status;
  }
  std::string buffer_;
  HeldOutput held_;
};

class JsonLinesWriter final : public BufferedWriter {
 public:
  using BufferedWriter::BufferedWriter;
  core::Status write(const Finding& finding) override {
    formatRecord(finding, buffer_);
    return maybeFlush();
  }
  [[nodiscard]] bool formatsRecords() const override { return true; }
  void formatRecord(const Finding& finding, std::string& out) const override {
    detection::appendFindingJson(out, finding);
    out.push_back('\n');
  }
  core::Status writeRecord(std::string_view record) override {
    buffer_ += record;
    return maybeFlush();
  }
};

// One document: the envelope (schema version, whether the run was complete, each hunt's status)
// and the findings, one a line. The envelope comes first and is only known at the run's end, so
// this writer always holds.
class JsonDocumentWriter final : public BufferedWriter {
 public:
  using BufferedWriter::BufferedWriter;
  core::Status write(const Finding& finding) override {
    buffer_ += count_++ == 0 ? "\n  " : ",\n  ";
    formatRecord(finding, buffer_);
    return maybeFlush();
  }
  [[nodiscard]] bool formatsRecords() const override { return true; }
  void formatRecord(const Finding& finding, std::string& out) const override {
    detection::appendFindingJson(out, finding);
  }
  core::Status writeRecord(std::string_view record) override {
    buffer_ += count_++ == 0 ? "\n  " : ",\n  ";
    buffer_ += record;
    return maybeFlush();
  }
  core::Status finish() override { return finishRun(RunReport{}); }
  core::Status finishRun(const RunReport& run) override {
    if (held_.failure() || !run.output_ok) {
      // What was held is cut short (this output's cap, or the findings held for a later hunt
      // passed theirs while the first hunt's were already here): the envelope says how each
      // hunt ended, with no findings.
      buffer_.clear();
      held_.discard();
      count_ = 0;
    } else if (auto status = flush(); !status) {
      return status;
    }
    if (auto status = held_.direct(envelope(run)); !status) return status;
    if (auto status = held_.release(); !status) return status;
    buffer_ += count_ == 0 ? "]}\n" : "\n]}\n";
    if (auto status = held_.direct(buffer_); !status) return status;
    buffer_.clear();
    return held_.release();  // flushes
  }

 private:
  static std::string envelope(const RunReport& run) { return jsonEnvelopeHead(run, "findings"); }
  std::size_t count_ = 0;
};

}  // namespace

std::string jsonEnvelopeHead(const RunReport& run, std::string_view view) {
  std::string out = R"({"schema_version":)";
  out += std::to_string(detection::kOutputSchemaVersion);
  out += run.complete() ? R"(,"complete":true)" : R"(,"complete":false)";
  out += R"(,"view":")";
  out += view;
  out += R"(","hunts":[)";
  for (std::size_t i = 0; i < run.hunts.size(); ++i) {
    const HuntReport& hunt = run.hunts[i];
    out += i == 0 ? "\n  " : ",\n  ";
    out += R"({"name":)";
    core::appendJsonStringEscapingHidden(out, hunt.name);
    out += R"(,"status":")";
    out += huntStatusName(hunt.status);
    out += R"(","rows":)" + std::to_string(hunt.rows);
    out += R"(,"findings":)" + std::to_string(hunt.findings);
    out += R"(,"suppressed":)" + std::to_string(hunt.suppressed);
    if (hunt.skipped_lines > 0) out += R"(,"skipped_lines":)" + std::to_string(hunt.skipped_lines);
    if (hunt.repaired_lines > 0) {
      out += R"(,"repaired_lines":)" + std::to_string(hunt.repaired_lines);
    }
    if (hunt.status == HuntStatus::kFailed) {
      out += R"(,"error":)";
      core::appendJsonStringEscapingHidden(out, hunt.error);
    }
    out.push_back('}');
  }
  out += run.hunts.empty() ? "]," : "\n],";
  out += '"';
  out += view;
  out += R"(":[)";
  return out;
}

namespace {

std::string signalList(const Finding& finding, char separator) {
  std::string out;
  for (const auto signal : finding.signals.list()) {
    if (!out.empty()) out.push_back(separator);
    out += detection::signalName(signal);
  }
  return out;
}

class CsvWriter final : public BufferedWriter {
 public:
  using BufferedWriter::BufferedWriter;
  core::Status write(const Finding& finding) override {
    if (!header_written_) writeHeader();
    formatRecord(finding, buffer_);
    return maybeFlush();
  }
  [[nodiscard]] bool formatsRecords() const override { return true; }
  core::Status writeRecord(std::string_view record) override {
    if (!header_written_) writeHeader();
    buffer_ += record;
    return maybeFlush();
  }
  void formatRecord(const Finding& finding, std::string& out) const override {
    const std::array<std::string, 24> cells = {
        finding.finding_id,
        finding.hunt,
        finding.event_time,
        finding.source_ip,
        finding.username,
        finding.host,
        finding.destination_ip,
        finding.destination_port ? std::to_string(*finding.destination_port) : "",
        finding.url,
        finding.domain,
        finding.provider,
        finding.application,
        finding.process_name,
        std::string(detection::processCategoryName(finding.process_category)),
        finding.bytes_sent ? std::to_string(*finding.bytes_sent) : "",
        signalList(finding, ';'),
        std::to_string(finding.risk_score),
        std::string(detection::severityName(finding.severity)),
        finding.suppressed ? "true" : "false",
        finding.exception,
        std::string(detection::kMitreTechnique),
        finding.log_source,
        finding.event_category,
        finding.evidence,  // one line here: newlines and tabs become spaces (csvCellText)
    };
    for (std::size_t i = 0; i < cells.size(); ++i) {
      if (i > 0) out.push_back(',');
      appendCsvCell(out, cells[i]);
    }
    out += "\r\n";
  }
  core::Status finish() override {
    if (!header_written_) writeHeader();
    return BufferedWriter::finish();
  }

 private:
  void writeHeader() {
    buffer_ +=
        "finding_id,hunt,event_time,source_ip,username,host,destination_ip,destination_port,"
        "url,domain,provider,application,process_name,process_category,bytes_sent,signals,"
        "risk_score,severity,suppressed,exception,mitre,log_source,event_category,evidence\r\n";
    header_written_ = true;
  }
  bool header_written_ = false;
};

}  // namespace

std::unique_ptr<FindingWriter> makeFindingWriter(OutputFormat format, std::FILE* out,
                                                 HoldOptions hold) {
  switch (format) {
    case OutputFormat::kTable:
      return makeTableWriter(out, TableOptions{}, hold.max_bytes);
    case OutputFormat::kJson:
      hold.hold = true;
      return std::make_unique<JsonDocumentWriter>(out, std::move(hold));
    case OutputFormat::kJsonl:
      return std::make_unique<JsonLinesWriter>(out, std::move(hold));
    case OutputFormat::kCsv:
      return std::make_unique<CsvWriter>(out, std::move(hold));
  }
  return std::make_unique<JsonLinesWriter>(out, std::move(hold));
}

}  // namespace aihunt::service

#include "service/finding_writer.h"

#include <array>
#include <string>

#include "detection/finding_json.h"
#include "service/csv_cell.h"
#include "service/table_renderer.h"

namespace aihunt::service {
namespace {

using detection::Finding;

constexpr std::size_t kFlushBytes = 64 * 1024;

// Buffers output and hands it to stdio in large writes: per-finding fwrite calls would
// dominate the cost of a fast pipeline.
class BufferedWriter : public FindingWriter {
 public:
  explicit BufferedWriter(std::FILE* out) : out_(out) { buffer_.reserve(kFlushBytes * 2); }
  core::Status finish() override {
    if (auto status = flush(); !status) return status;
    if (std::fflush(out_) != 0 || std::ferror(out_) != 0) return writeError();
    return {};
  }

 protected:
  core::Status maybeFlush() {
    if (buffer_.size() >= kFlushBytes) return flush();
    return {};
  }
  core::Status flush() {
    const std::size_t written = std::fwrite(buffer_.data(), 1, buffer_.size(), out_);
    const bool complete = written == buffer_.size();
    buffer_.clear();
    if (!complete) return writeError();
    return {};
  }
  static core::Error writeError() {
    return core::makeError(core::ErrorCode::kIo,
                           "writing findings failed (disk full or output "
                           "closed?)");
  }
  std::string buffer_;

 private:
  std::FILE* out_;
};

class JsonLinesWriter final : public BufferedWriter {
 public:
  using BufferedWriter::BufferedWriter;
  core::Status write(const Finding& finding) override {
    detection::appendFindingJson(buffer_, finding);
    buffer_.push_back('\n');
    return maybeFlush();
  }
};

class JsonArrayWriter final : public BufferedWriter {
 public:
  using BufferedWriter::BufferedWriter;
  core::Status write(const Finding& finding) override {
    buffer_ += count_++ == 0 ? "[\n  " : ",\n  ";
    detection::appendFindingJson(buffer_, finding);
    return maybeFlush();
  }
  core::Status finish() override {
    buffer_ += count_ == 0 ? "[]\n" : "\n]\n";
    return BufferedWriter::finish();
  }

 private:
  std::size_t count_ = 0;
};

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
    const std::array<std::string, 23> cells = {
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
    };
    for (std::size_t i = 0; i < cells.size(); ++i) {
      if (i > 0) buffer_.push_back(',');
      appendCell(cells[i]);
    }
    buffer_ += "\r\n";
    return maybeFlush();
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
        "risk_score,severity,suppressed,exception,mitre,log_source,event_category\r\n";
    header_written_ = true;
  }
  void appendCell(const std::string& value) { appendCsvCell(buffer_, value); }
  bool header_written_ = false;
};

}  // namespace

std::unique_ptr<FindingWriter> makeFindingWriter(OutputFormat format, std::FILE* out) {
  switch (format) {
    case OutputFormat::kTable:
      return makeTableWriter(out, TableOptions{});
    case OutputFormat::kJson:
      return std::make_unique<JsonArrayWriter>(out);
    case OutputFormat::kJsonl:
      return std::make_unique<JsonLinesWriter>(out);
    case OutputFormat::kCsv:
      return std::make_unique<CsvWriter>(out);
  }
  return std::make_unique<JsonLinesWriter>(out);
}

}  // namespace aihunt::service

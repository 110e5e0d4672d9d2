#include "service/upload_stage.h"

#include "aql/builder.h"
#include "service/hunt_query.h"

namespace aihunt::service {

using detection::Field;

detection::FieldMapping uploadGroupMapping() { return logicalColumnMapping(); }

detection::FieldMapping uploadCountMapping() {
  detection::FieldMapping mapping;
  mapping.setColumn(Field::kBytesSent, aql::kUploadCountColumn);
  mapping.setColumn(Field::kEventTime, aql::kUploadLastColumn);
  return mapping;
}

UploadStage::UploadStage(const detection::DetectionSettings& settings, std::string hunt,
                         detection::SignalSet signals, const aql::TimeRange& window,
                         FindingWriter& writer, core::EpochMs now, bool show_suppressed)
    : window_(settings, std::move(hunt), signals, window.from, window.to),
      writer_(writer),
      now_(now),
      show_suppressed_(show_suppressed) {}

void UploadStage::consume(const detection::Event& group, const detection::Event& counts) {
  window_.add(detection::UploadGroup{group, counts.bytes_sent.value_or(0), counts.event_time_ms});
}

core::Status UploadStage::finish() {
  for (const detection::Finding& finding : window_.findings(now_)) {
    if (finding.suppressed && !show_suppressed_) continue;
    if (auto status = writer_.write(finding); !status) return status;
  }
  return writer_.pageDone();
}

std::vector<std::pair<std::string, std::uint64_t>> UploadStage::suppressedByException() const {
  return window_.suppressor().countsById();
}

}  // namespace aihunt::service

#pragma once
// The aggregated upload query's rows, however they arrive (Ariel result pages or the offline
// evaluator), into a detection::UploadWindow; at the end of the window its findings go to the
// writer like any other hunt's. Each row is read twice, through two column mappings: once for
// its key fields (with bytes_sent the sum and event_time the first request) and once for the
// request count and the last request time, which arrive in the bytes_sent and event_time slots
// of the second Event. That keeps the one row decoder (fuzzed) as the only parser of the rows.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "aql/time_window.h"
#include "core/result.h"
#include "core/time.h"
#include "detection/event.h"
#include "detection/settings.h"
#include "detection/upload_window.h"
#include "service/finding_writer.h"

namespace aihunt::service {

// Key fields, the byte sum and the first time: the columns are named by logical field.
detection::FieldMapping uploadGroupMapping();
// request_count into bytes_sent, last_event_time into event_time.
detection::FieldMapping uploadCountMapping();

class UploadStage {
 public:
  UploadStage(const detection::DetectionSettings& settings, std::string hunt,
              detection::SignalSet signals, const aql::TimeRange& window, FindingWriter& writer,
              core::EpochMs now, bool show_suppressed);

  // `group` read with uploadGroupMapping(), `counts` with uploadCountMapping().
  void consume(const detection::Event& group, const detection::Event& counts);
  // Writes the window's findings; call once, after the last row.
  [[nodiscard]] core::Status finish();

  // The QRadar reference sets exceptions look values up in (null: none read).
  void setReferenceSets(detection::ReferenceSetSnapshot sets) {
    window_.setReferenceSets(std::move(sets));
  }
  [[nodiscard]] const detection::AnalyzerStats& stats() const { return window_.stats(); }
  [[nodiscard]] std::vector<std::pair<std::string, std::uint64_t>> suppressedByException() const;

 private:
  detection::UploadWindow window_;
  FindingWriter& writer_;
  core::EpochMs now_;
  bool show_suppressed_;
};

}  // namespace aihunt::service

#pragma once
// The step every pipeline ends with (triage, offline and online hunts): one event through the
// analyzer, then its finding to the writer unless it is suppressed and suppressed findings are
// hidden. One Finding is reused for every row, so the pipeline allocates per finding only what
// outgrows the previous one.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "core/time.h"
#include "detection/analyzer.h"
#include "detection/event.h"
#include "detection/finding.h"
#include "detection/settings.h"
#include "service/finding_writer.h"

namespace aihunt::service {

class FindingStage {
 public:
  FindingStage(const detection::DetectionSettings& settings, std::string hunt,
               detection::SignalSet signals, FindingWriter& writer, core::EpochMs now,
               bool show_suppressed);

  [[nodiscard]] core::Status consume(const detection::Event& event) {
    if (analyzer_.analyze(event, now_, finding_) && (!finding_.suppressed || show_suppressed_)) {
      return writer_.write(finding_);
    }
    return {};
  }

  [[nodiscard]] const detection::AnalyzerStats& stats() const { return analyzer_.stats(); }
  // The QRadar reference sets exceptions look values up in (null: none read).
  void setReferenceSets(detection::ReferenceSetSnapshot sets) {
    analyzer_.setReferenceSets(std::move(sets));
  }
  // Exception id -> findings it suppressed, in rule order.
  [[nodiscard]] std::vector<std::pair<std::string, std::uint64_t>> suppressedByException() const;
  // The same counts alone, in the order of exceptions().rules().
  [[nodiscard]] const std::vector<std::uint64_t>& suppressedPerRule() const {
    return analyzer_.suppressedPerException();
  }
  [[nodiscard]] const detection::ExceptionMatcher& exceptions() const {
    return analyzer_.exceptions();
  }

 private:
  detection::Analyzer analyzer_;
  FindingWriter& writer_;
  core::EpochMs now_;
  bool show_suppressed_;
  detection::Finding finding_;
};

}  // namespace aihunt::service

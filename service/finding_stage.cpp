#include "service/finding_stage.h"

namespace aihunt::service {

FindingStage::FindingStage(const detection::DetectionSettings& settings, std::string hunt,
                           detection::SignalSet signals, FindingWriter& writer, core::EpochMs now,
                           bool show_suppressed)
    : analyzer_(settings, std::move(hunt), signals),
      writer_(writer),
      now_(now),
      show_suppressed_(show_suppressed) {}

std::vector<std::pair<std::string, std::uint64_t>> FindingStage::suppressedByException() const {
  return analyzer_.suppressor().countsById();
}

}  // namespace aihunt::service

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
  std::vector<std::pair<std::string, std::uint64_t>> counts;
  const auto& rules = analyzer_.exceptions().rules();
  for (std::size_t i = 0; i < rules.size(); ++i) {
    counts.emplace_back(rules[i].id, analyzer_.suppressedPerException()[i]);
  }
  return counts;
}

}  // namespace aihunt::service

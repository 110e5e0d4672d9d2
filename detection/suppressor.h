#pragma once
// The false-positive exceptions applied to a finding that is ready to be written, with the
// counts a run reports: suppressed findings per rule, and matches of expired rules.
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/time.h"
#include "detection/analyzer_stats.h"
#include "detection/exceptions.h"
#include "detection/finding.h"
#include "detection/reference_sets.h"

namespace aihunt::detection {

class Suppressor {
 public:
  explicit Suppressor(std::vector<ExceptionRule> rules)
      : exceptions_(std::move(rules)), suppressed_per_rule_(exceptions_.rules().size(), 0) {}

  // Sets finding.suppressed and finding.exception from the rules; `process_path` is the process
  // as seen. Returns finding.suppressed.
  bool apply(Finding& finding, std::string_view process_path, core::EpochMs now);
  // apply(), counted: a finding or a suppressed one, and the expired rules' matches.
  void apply(Finding& finding, std::string_view process_path, core::EpochMs now,
             AnalyzerStats& stats);

  // The QRadar reference sets exceptions look values up in (null: none read).
  void setReferenceSets(ReferenceSetSnapshot sets) { reference_sets_ = std::move(sets); }

  [[nodiscard]] const ExceptionMatcher& exceptions() const { return exceptions_; }
  [[nodiscard]] const std::vector<std::uint64_t>& suppressedPerRule() const {
    return suppressed_per_rule_;
  }
  [[nodiscard]] std::uint64_t expiredHits() const { return expired_hits_; }
  // Exception id -> findings it suppressed, in rule order.
  [[nodiscard]] std::vector<std::pair<std::string, std::uint64_t>> countsById() const;

 private:
  ExceptionMatcher exceptions_;
  std::vector<std::uint64_t> suppressed_per_rule_;
  std::uint64_t expired_hits_ = 0;
  std::uint64_t unknown_reference_set_checks_ = 0;
  ReferenceSetSnapshot reference_sets_;
};

}  // namespace aihunt::detection

#include "detection/suppressor.h"

#include "detection/cidr.h"

namespace aihunt::detection {

bool Suppressor::apply(Finding& finding, std::string_view process_path, core::EpochMs now) {
  finding.suppressed = false;
  finding.exception.clear();
  if (exceptions_.rules().empty()) return false;
  ExceptionSubject subject;
  subject.source_ip = parseIpAddress(finding.source_ip);
  subject.source_ip_text = finding.source_ip;
  subject.host = finding.host;
  subject.username = finding.username;
  subject.process_name = finding.process_name;
  subject.process_path = process_path;
  subject.provider_id = finding.provider;
  subject.domain = finding.domain;
  subject.signals = finding.signals;
  const ExceptionVerdict verdict = exceptions_.match(subject, now, reference_sets_.get());
  if (verdict.expired_match != nullptr) ++expired_hits_;
  if (verdict.unknown_reference_set) ++unknown_reference_set_checks_;
  if (verdict.suppressed_by == nullptr) return false;
  finding.suppressed = true;
  finding.exception = verdict.suppressed_by->id;
  const auto index = static_cast<std::size_t>(verdict.suppressed_by - exceptions_.rules().data());
  ++suppressed_per_rule_[index];
  return true;
}

void Suppressor::apply(Finding& finding, std::string_view process_path, core::EpochMs now,
                       AnalyzerStats& stats) {
  if (apply(finding, process_path, now)) {
    ++stats.suppressed;
  } else {
    ++stats.findings;
  }
  stats.expired_exception_hits = expired_hits_;
  stats.unknown_reference_set_checks = unknown_reference_set_checks_;
}

std::vector<std::pair<std::string, std::uint64_t>> Suppressor::countsById() const {
  std::vector<std::pair<std::string, std::uint64_t>> counts;
  const auto& rules = exceptions_.rules();
  for (std::size_t i = 0; i < rules.size(); ++i) {
    counts.emplace_back(rules[i].id, suppressed_per_rule_[i]);
  }
  return counts;
}

}  // namespace aihunt::detection

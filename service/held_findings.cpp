#include "service/held_findings.h"

#include <string>

#include "service/held_output.h"

namespace aihunt::service {

std::uint64_t heldFindingBytes(const detection::Finding& finding) {
  // A short string lives inside the struct (libstdc++ keeps up to 15 bytes there).
  const auto heap = [](const std::string& text) -> std::uint64_t {
    return text.capacity() > 15 ? text.capacity() + 1 : 0;
  };
  std::uint64_t bytes = sizeof(detection::Finding);
  for (const std::string* text :
       {&finding.finding_id, &finding.hunt, &finding.event_time, &finding.source_ip,
        &finding.username, &finding.host, &finding.destination_ip, &finding.url, &finding.domain,
        &finding.provider, &finding.application, &finding.process_name, &finding.exception,
        &finding.log_source, &finding.event_category, &finding.evidence}) {
    bytes += heap(*text);
  }
  return bytes;
}

core::Status HeldFindings::add(const detection::Finding& finding) {
  if (failure_) return *failure_;
  findings_.push_back(finding);
  bytes_ += heldFindingBytes(findings_.back());
  if (max_bytes_ != 0 && bytes_ > max_bytes_) {
    failure_ = outputLimitError(max_bytes_,
                                "of memory (this view sorts or folds the whole run when it ends, "
                                "so it holds every finding until then)");
    findings_.clear();
    findings_.shrink_to_fit();
    return *failure_;
  }
  return {};
}

}  // namespace aihunt::service

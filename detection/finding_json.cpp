#include "detection/finding_json.h"

#include "core/json_text.h"

namespace aihunt::detection {
namespace {

void key(std::string& out, std::string_view name) {
  if (out.back() != '{') out.push_back(',');
  out.push_back('"');
  out.append(name);
  out += "\":";
}

void stringOrNull(std::string& out, std::string_view name, std::string_view value) {
  key(out, name);
  if (value.empty()) {
    out += "null";
  } else {
    core::appendJsonString(out, value);
  }
}

void integerOrNull(std::string& out, std::string_view name,
                   const std::optional<std::int64_t>& value) {
  key(out, name);
  out += value ? std::to_string(*value) : "null";
}

}  // namespace

void appendFindingJson(std::string& out, const Finding& finding) {
  out.push_back('{');
  stringOrNull(out, "finding_id", finding.finding_id);
  stringOrNull(out, "hunt", finding.hunt);
  stringOrNull(out, "event_time", finding.event_time);
  stringOrNull(out, "source_ip", finding.source_ip);
  stringOrNull(out, "username", finding.username);
  stringOrNull(out, "host", finding.host);
  stringOrNull(out, "destination_ip", finding.destination_ip);
  integerOrNull(out, "destination_port", finding.destination_port);
  stringOrNull(out, "url", finding.url);
  stringOrNull(out, "domain", finding.domain);
  stringOrNull(out, "provider", finding.provider);
  stringOrNull(out, "application", finding.application);
  stringOrNull(out, "process_name", finding.process_name);
  stringOrNull(out, "process_category", processCategoryName(finding.process_category));
  integerOrNull(out, "bytes_sent", finding.bytes_sent);
  key(out, "signals");
  out.push_back('[');
  bool first = true;
  for (const Signal signal : finding.signals.list()) {
    if (!first) out.push_back(',');
    first = false;
    core::appendJsonString(out, signalName(signal));
  }
  out.push_back(']');
  key(out, "risk_score");
  out += std::to_string(finding.risk_score);
  stringOrNull(out, "severity", severityName(finding.severity));
  key(out, "suppressed");
  out += finding.suppressed ? "true" : "false";
  stringOrNull(out, "exception", finding.exception);
  key(out, "mitre");
  out += "[\"";
  out += kMitreTechnique;
  out += "\"]";
  stringOrNull(out, "log_source", finding.log_source);
  stringOrNull(out, "event_category", finding.event_category);
  stringOrNull(out, "evidence", finding.evidence);
  out.push_back('}');
}

}  // namespace aihunt::detection

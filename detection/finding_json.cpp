#include "detection/finding_json.h"

#include <array>
#include <charconv>

#include "core/json_text.h"

namespace aihunt::detection {
namespace {

// Each key is written together with what precedes it ("{" or ","), in one append: key names are
// fixed, so there is nothing to escape and no separator to decide at run time.
void integer(std::string& out, std::string_view opener_and_key, std::int64_t value) {
  out.append(opener_and_key);
  std::array<char, 24> digits{};
  const auto written = std::to_chars(digits.data(), digits.data() + digits.size(), value);
  out.append(digits.data(), written.ptr);
}

void integerOrNull(std::string& out, std::string_view opener_and_key,
                   const std::optional<std::int64_t>& value) {
  if (value) {
    integer(out, opener_and_key, *value);
  } else {
    out.append(opener_and_key);
    out.append("null");
  }
}

}  // namespace

void appendFindingJson(std::string& out, const Finding& finding, std::string_view window) {
  integer(out, R"({"schema_version":)", kOutputSchemaVersion);
  core::appendJsonStringOrNull(out, R"(,"finding_id":)", finding.finding_id);
  core::appendJsonStringOrNull(out, R"(,"hunt":)", finding.hunt);
  core::appendJsonStringOrNull(out, R"(,"event_time":)", finding.event_time);
  core::appendJsonStringOrNull(out, R"(,"source_ip":)", finding.source_ip);
  core::appendJsonStringOrNull(out, R"(,"username":)", finding.username);
  core::appendJsonStringOrNull(out, R"(,"host":)", finding.host);
  core::appendJsonStringOrNull(out, R"(,"destination_ip":)", finding.destination_ip);
  integerOrNull(out, R"(,"destination_port":)", finding.destination_port);
  core::appendJsonStringOrNull(out, R"(,"url":)", finding.url);
  core::appendJsonStringOrNull(out, R"(,"domain":)", finding.domain);
  core::appendJsonStringOrNull(out, R"(,"provider":)", finding.provider);
  core::appendJsonStringOrNull(out, R"(,"application":)", finding.application);
  core::appendJsonStringOrNull(out, R"(,"process_name":)", finding.process_name);
  core::appendJsonStringOrNull(out, R"(,"process_category":)",
                               processCategoryName(finding.process_category));
  integerOrNull(out, R"(,"bytes_sent":)", finding.bytes_sent);
  out.append(R"(,"signals":[)");
  bool first = true;
  finding.signals.forEach([&](Signal signal) {
    if (!first) out.push_back(',');
    first = false;
    core::appendJsonString(out, signalName(signal));
  });
  out.push_back(']');
  integer(out, R"(,"risk_score":)", finding.risk_score);
  core::appendJsonStringOrNull(out, R"(,"severity":)", severityName(finding.severity));
  out.append(finding.suppressed ? R"(,"suppressed":true)" : R"(,"suppressed":false)");
  core::appendJsonStringOrNull(out, R"(,"exception":)", finding.exception);
  out.append(R"(,"mitre":[")");
  out.append(kMitreTechnique);
  out.append(R"("])");
  core::appendJsonStringOrNull(out, R"(,"log_source":)", finding.log_source);
  core::appendJsonStringOrNull(out, R"(,"event_category":)", finding.event_category);
  core::appendJsonStringOrNull(out, R"(,"evidence":)", finding.evidence);
  if (window.empty()) window = finding.window;
  if (!window.empty()) {
    out.append(R"(,"window":)");
    core::appendJsonString(out, window);
  }
  out.push_back('}');
}

}  // namespace aihunt::detection

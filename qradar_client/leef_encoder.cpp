#include "qradar_client/leef_encoder.h"

#include <algorithm>
#include <cstdint>
#include <optional>

#include <nlohmann/json.hpp>

#include "core/display_text.h"
#include "core/ip_literal.h"
#include "core/secret_scan.h"
#include "core/text.h"

namespace aihunt::qradar {
namespace {

constexpr char32_t kInvalid = 0xFFFFFFFF;
constexpr std::string_view kEllipsis = "\xE2\x80\xA6";     // U+2026, marks a cut value
constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD, for invalid UTF-8
constexpr std::string_view kCaretStandIn = "\xCB\x86";     // U+02C6 MODIFIER LETTER CIRCUMFLEX
constexpr std::string_view kPipeStandIn = "\xC2\xA6";      // U+00A6 BROKEN BAR

// One UTF-8 character at `at`: its code point and length, or kInvalid and 1 (core::decodeUtf8At,
// the one decoder).
std::pair<char32_t, std::size_t> decodeUtf8(std::string_view text, std::size_t at) {
  const core::Utf8Char decoded = core::decodeUtf8At(text, at);
  if (decoded.length == 0) return {kInvalid, 1};
  return {decoded.code, decoded.length};
}

// The same characters every human-facing text hides (core/display_text.h): a LEEF value is read
// by analysts in the console, where a bidi override or a C1 control misleads as much as on a
// terminal.
bool isControl(char32_t cp) { return core::isHiddenOrControl(cp); }

// Invalid UTF-8 bytes become U+FFFD; everything else is kept (JSON structure is ASCII).
std::string repairUtf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t at = 0; at < text.size();) {
    const auto [cp, length] = decodeUtf8(text, at);
    if (cp == kInvalid) {
      out.append(kReplacement);
    } else {
      out.append(text.substr(at, length));
    }
    at += length;
  }
  return out;
}

std::string stringField(const nlohmann::json& finding, const char* key) {
  const auto it = finding.find(key);
  if (it == finding.end() || !it->is_string()) return {};
  return it->get<std::string>();
}

std::optional<std::int64_t> integerField(const nlohmann::json& finding, const char* key) {
  const auto it = finding.find(key);
  if (it == finding.end() || !it->is_number_integer()) return std::nullopt;
  return it->get<std::int64_t>();
}

// A JSON array of strings joined by ','; other elements are skipped.
std::vector<std::string> stringList(const nlohmann::json& finding, const char* key) {
  std::vector<std::string> out;
  const auto it = finding.find(key);
  if (it == finding.end() || !it->is_array()) return out;
  for (const auto& item : *it) {
    if (item.is_string()) out.push_back(item.get<std::string>());
  }
  return out;
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) {
    if (!out.empty()) out.push_back(',');
    out += item;
  }
  return out;
}

int syslogSeverityFor(std::string_view severity) {
  if (severity == "critical") return 2;
  if (severity == "high") return 3;
  if (severity == "medium") return 4;
  return 5;  // notice
}

}  // namespace

std::string_view leefEventIdFor(const std::vector<std::string>& signals) {
  const auto has = [&](std::string_view name) {
    return std::find(signals.begin(), signals.end(), name) != signals.end();
  };
  if (has("key_or_prompt_on_cmdline")) return kLeefKeyOnCommandLine;
  if (has("large_upload")) return kLeefLargeUpload;
  if (has("non_browser_ai_api")) return kLeefNonBrowser;
  if (has("ai_sdk_install")) return kLeefSdkInstall;
  if (has("first_seen")) return kLeefFirstSeen;
  return kLeefContact;
}

std::string_view leefCategoryFor(std::string_view event_id) {
  if (event_id == kLeefKeyOnCommandLine) return "CredentialExposure";
  if (event_id == kLeefLargeUpload) return "Exfiltration";
  if (event_id == kLeefSdkInstall) return "AITooling";
  return "AIAPIUse";
}

int leefSeverityFor(std::string_view severity) {
  if (severity == "critical") return 10;
  if (severity == "high") return 8;
  if (severity == "medium") return 5;
  if (severity == "low") return 3;
  return 1;
}

std::string sanitizeLeefValue(std::string_view value, std::size_t max_bytes) {
  std::string out;
  out.reserve(std::min(value.size(), max_bytes) + 4);
  for (std::size_t at = 0; at < value.size() && out.size() <= max_bytes;) {
    const auto [cp, length] = decodeUtf8(value, at);
    if (cp == kInvalid) {
      out.append(kReplacement);
    } else if (isControl(cp)) {
      out.push_back(' ');
    } else if (cp == '^') {
      out.append(kCaretStandIn);
    } else if (cp == '|') {
      out.append(kPipeStandIn);
    } else {
      out.append(value.substr(at, length));
    }
    at += length;
  }
  if (out.size() <= max_bytes) return out;
  // Cut on a character boundary (`out` is valid UTF-8) and mark the cut.
  std::size_t keep = max_bytes >= kEllipsis.size() ? max_bytes - kEllipsis.size() : 0;
  while (keep > 0 && (static_cast<unsigned char>(out[keep]) & 0xC0U) == 0x80U) --keep;
  out.resize(keep);
  if (max_bytes >= kEllipsis.size()) out.append(kEllipsis);
  return out;
}

std::string sanitizeLeefHeaderField(std::string_view value, std::size_t max_bytes) {
  std::string out;
  for (const char c : value.substr(0, max_bytes)) {
    const bool printable = c > ' ' && c < 0x7F && c != '|' && c != '^';
    out.push_back(printable ? c : '_');
  }
  if (out.empty()) out = "-";
  return out;
}

core::Result<LeefEvent> leefEventFromFinding(std::string_view payload_json) {
  const std::string text =
      core::isValidUtf8(payload_json) ? std::string(payload_json) : repairUtf8(payload_json);
  const nlohmann::json finding = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (finding.is_discarded() || !finding.is_object()) {
    return core::makeError(core::ErrorCode::kParse, "finding payload is not a JSON object");
  }
  LeefEvent event;
  const std::vector<std::string> signals = stringList(finding, "signals");
  event.event_id = std::string(leefEventIdFor(signals));
  const std::string severity = stringField(finding, "severity");
  event.syslog_severity = syslogSeverityFor(severity);

  const auto add = [&](std::string key, std::string value, std::size_t cap = kLeefMaxValueBytes) {
    if (value.empty()) return;
    event.attributes.emplace_back(std::move(key), std::move(value));
    event.caps.push_back(cap);
  };
  const auto number = [](std::optional<std::int64_t> value) {
    return value ? std::to_string(*value) : std::string();
  };
  add("cat", std::string(leefCategoryFor(event.event_id)));
  // IBM, "Predefined LEEF event attributes" (devTime row,
  // https://www.ibm.com/docs/en/dsm?topic=overview-predefined-leef-event-attributes): "If the
  // devTime value is an epoch value of 10 or 13 digits, a devTimeFormat string is not required";
  // any other devTime needs devTimeFormat. So devTime is epoch milliseconds with no
  // devTimeFormat, and only while that is 13 digits (2001-09-09 to 2286-11-20): a time outside
  // is left out rather than sent in a form QRadar would misread (the syslog header's time is the
  // fallback).
  if (auto at = core::parseTimestamp(stringField(finding, "event_time"));
      at.ok() && *at >= kLeefMinEpochMs13 && *at <= kLeefMaxEpochMs13) {
    add("devTime", std::to_string(*at));
  }
  add("sev", std::to_string(leefSeverityFor(severity)));
  // QRadar reads src and dst as IP addresses (and may index an offense on src): a value that is
  // not one (hostile or broken event data) goes under a key of its own instead.
  const auto address = [&](const char* key, const char* text_key, const std::string& value) {
    add(core::isIpLiteral(value) ? key : text_key, value);
  };
  address("src", "srcText", stringField(finding, "source_ip"));
  address("dst", "dstText", stringField(finding, "destination_ip"));
  const auto port = integerField(finding, "destination_port");
  add("dstPort", number(port));
  const std::string url = stringField(finding, "url");
  // Every AI API call that aihunt sees is HTTP(S) over TCP; a DNS-only finding has neither.
  if (!url.empty() || port) add("proto", "TCP");
  add("usrName", stringField(finding, "username"));
  add("srcHost", stringField(finding, "host"));
  add("aiProvider", stringField(finding, "provider"));
  add("aiDomain", stringField(finding, "domain"));
  add("processName", stringField(finding, "process_name"));
  add("processCategory", stringField(finding, "process_category"));
  add("bytesSent", number(integerField(finding, "bytes_sent")));
  add("signals", joined(signals));
  add("riskScore", number(integerField(finding, "risk_score")));
  add("findingId", stringField(finding, "finding_id"));
  add("hunt", stringField(finding, "hunt"));
  add("mitre", joined(stringList(finding, "mitre")));
  // Already redacted by the detection; redacted again in case a payload came from elsewhere.
  add("url", core::redactSecretShapes(url), kLeefMaxUrlBytes);
  add("evidence", core::redactSecretShapes(stringField(finding, "evidence")),
      kLeefMaxEvidenceBytes);
  return event;
}

std::string writeLeefLine(const LeefEvent& event, const LeefEncoderOptions& options,
                          core::EpochMs now) {
  std::string line;
  line.reserve(1024);
  // RFC 5424: <PRI>VERSION SP TIMESTAMP SP HOSTNAME SP APP-NAME SP PROCID SP MSGID SP SD SP MSG.
  // Facility local0 (16).
  line += '<';
  line += std::to_string(16 * 8 + std::clamp(event.syslog_severity, 0, 7));
  line += ">1 ";
  line += core::formatIso8601(now);
  line += ' ';
  line += sanitizeLeefHeaderField(options.hostname, kLeefMaxHostnameBytes);
  line += " aihunt - - - LEEF:2.0|aihunt|aihunt|";
  line += sanitizeLeefHeaderField(options.product_version, 32);
  line += '|';
  line += sanitizeLeefHeaderField(event.event_id, 255);
  line += "|^|";
  bool first = true;
  for (std::size_t i = 0; i < event.attributes.size(); ++i) {
    const auto& [key, raw] = event.attributes[i];
    const std::size_t cap = i < event.caps.size() ? event.caps[i] : kLeefMaxValueBytes;
    std::string value = sanitizeLeefValue(raw, cap);
    if (value.empty()) continue;
    // The caps keep an event well under the bound; this guards a caller's larger caps.
    const std::size_t needed = (first ? 0 : 1) + key.size() + 1 + value.size();
    if (line.size() + needed > kLeefMaxEventBytes) {
      const std::size_t room = kLeefMaxEventBytes - line.size();
      const std::size_t overhead = (first ? 0 : 1) + key.size() + 1;
      if (room <= overhead + kEllipsis.size()) continue;
      value = sanitizeLeefValue(raw, room - overhead);
    }
    if (!first) line += '^';
    first = false;
    line += key;
    line += '=';
    line += value;
  }
  return line;
}

core::Result<std::string> encodeFindingAsLeef(std::string_view payload_json,
                                              const LeefEncoderOptions& options,
                                              core::EpochMs now) {
  auto event = leefEventFromFinding(payload_json);
  if (!event) return event.error();
  return writeLeefLine(*event, options, now);
}

}  // namespace aihunt::qradar

// Fuzzes the LEEF writer (qradar_client/leef_encoder.h): random finding fields (any bytes:
// delimiters, controls, invalid UTF-8, key=value look-alikes) -> the finding's JSON payload ->
// encode -> the strict LEEF parser of the tests (tests/qradar_client/strict_leef_parser.h) ->
// the same keys, each value equal to the sanitised input. Traps on any difference, and on a
// sanitised value that is not valid UTF-8, holds a control character or the delimiter, or exceeds
// its cap.
#include <arpa/inet.h>
#include <fuzzer/FuzzedDataProvider.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include "core/secret_scan.h"
#include "core/text.h"
#include "core/time.h"
#include "qradar_client/leef_encoder.h"
#include "tests/qradar_client/strict_leef_parser.h"

namespace {

using aihunt::qradar::sanitizeLeefValue;

[[noreturn]] void trap(const char* what, const std::string& detail) {
  std::fprintf(stderr, "leef_writer_fuzz: %s: %s\n", what,
               aihunt::core::printableExcerpt(detail, 400).c_str());
  std::abort();
}

bool isAddress(const std::string& text) {
  if (text.find('\0') != std::string::npos) return false;
  std::array<unsigned char, 16> buffer{};
  return inet_pton(AF_INET, text.c_str(), buffer.data()) == 1 ||
         inet_pton(AF_INET6, text.c_str(), buffer.data()) == 1;
}

// A JSON string literal that passes bytes >= 0x80 through raw (invalid UTF-8 included).
std::string jsonString(const std::string& text) {
  std::string out = "\"";
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20) {
      char buffer[8];
      std::snprintf(buffer, sizeof buffer, "\\u%04x", u);
      out += buffer;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ",") + item;
  return out;
}

// What the strict parser must find for a value: sanitised, and within `cap`.
void checkSanitised(const std::string& raw, std::size_t cap) {
  const std::string value = sanitizeLeefValue(raw, cap);
  if (value.size() > cap) trap("value over its cap", value);
  if (!aihunt::core::isValidUtf8(value)) trap("sanitised value is not UTF-8", value);
  if (auto bad = aihunt::testing::leef::detail::badValue(value, '^')) trap(bad->c_str(), value);
  if (!raw.empty() && value.empty() && cap >= 3) trap("non-empty value sanitised to nothing", raw);
  // Clean text is kept as it is.
  bool clean = aihunt::core::isValidUtf8(raw) && raw.size() <= cap;
  for (const char c : raw) {
    const auto u = static_cast<unsigned char>(c);
    clean = clean && u >= 0x20 && u != 0x7F && c != '^' && c != '|' && u < 0x80;
  }
  if (clean && value != raw) trap("clean value changed", raw);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider input(data, size);
  static const char* const kStringFields[] = {
      "finding_id", "hunt",   "source_ip",    "username",         "host",     "destination_ip",
      "url",        "domain", "process_name", "process_category", "evidence", "provider"};
  static const char* const kSignals[] = {"non_browser_ai_api",       "large_upload",
                                         "key_or_prompt_on_cmdline", "ai_sdk_install",
                                         "ai_api_contact",           "first_seen"};
  static const char* const kSeverities[] = {"low", "medium", "high", "critical", "", "bogus"};
  std::map<std::string, std::string> fields;
  for (const char* name : kStringFields) fields[name] = input.ConsumeRandomLengthString(512);
  std::vector<std::string> signals;
  for (const char* signal : kSignals) {
    if (input.ConsumeBool()) signals.emplace_back(signal);
  }
  if (input.ConsumeBool()) signals.push_back(input.ConsumeRandomLengthString(64));
  const std::string severity = kSeverities[input.ConsumeIntegralInRange<int>(0, 5)];
  const std::string event_time =
      input.ConsumeBool() ? "2026-11-26T17:40:00.123Z" : input.ConsumeRandomLengthString(32);
  const bool has_port = input.ConsumeBool();
  const auto port = input.ConsumeIntegral<std::int64_t>();
  const bool has_bytes = input.ConsumeBool();
  const auto bytes = input.ConsumeIntegral<std::int64_t>();
  const auto risk = input.ConsumeIntegral<std::int64_t>();
  aihunt::qradar::LeefEncoderOptions options;
  options.hostname = input.ConsumeRandomLengthString(300);
  options.product_version = input.ConsumeRandomLengthString(40);
  const std::string tail = input.ConsumeRemainingBytesAsString();
  checkSanitised(tail, 64);
  checkSanitised(tail, aihunt::qradar::kLeefMaxValueBytes);

  std::string payload = "{";
  for (const auto& [name, value] : fields)
    payload += jsonString(name) + ":" + jsonString(value) + ",";
  std::string list = "[";
  for (const auto& s : signals) list += (list.size() > 1 ? "," : "") + jsonString(s);
  payload += "\"signals\":" + list + "],\"mitre\":[\"T1588.007\"]";
  payload += ",\"severity\":" + jsonString(severity) + ",\"event_time\":" + jsonString(event_time);
  payload += ",\"destination_port\":" + (has_port ? std::to_string(port) : std::string("null"));
  payload += ",\"bytes_sent\":" + (has_bytes ? std::to_string(bytes) : std::string("null"));
  payload += ",\"risk_score\":" + std::to_string(risk) + "}";

  auto line = aihunt::qradar::encodeFindingAsLeef(payload, options, 1795715990123);
  if (!line.ok()) trap("a finding was refused", payload);
  if (line->size() > aihunt::qradar::kLeefMaxEventBytes) trap("event over 8 KiB", *line);
  const auto parsed = aihunt::testing::leef::parseStrict(*line);
  if (!parsed.event) trap(parsed.error.c_str(), *line);
  if (parsed.event->event_id != aihunt::qradar::leefEventIdFor(signals)) {
    trap("wrong EventID", *line);
  }

  std::map<std::string, std::string> expected;
  const auto put = [&](const std::string& key, const std::string& raw,
                       std::size_t cap = aihunt::qradar::kLeefMaxValueBytes) {
    if (!raw.empty()) expected[key] = sanitizeLeefValue(raw, cap);
  };
  const std::string event_id(parsed.event->event_id);
  put("cat", std::string(aihunt::qradar::leefCategoryFor(event_id)));
  if (auto at = aihunt::core::parseTimestamp(event_time);
      at.ok() && std::to_string(*at).size() == 13) {  // else left out (leef_encoder.cpp)
    put("devTime", std::to_string(*at));
  }
  put("sev", std::to_string(aihunt::qradar::leefSeverityFor(severity)));
  // src and dst hold IP addresses only (what inet_pton reads, with no NUL in the text); another
  // value goes under srcText or dstText.
  put(isAddress(fields["source_ip"]) ? "src" : "srcText", fields["source_ip"]);
  put(isAddress(fields["destination_ip"]) ? "dst" : "dstText", fields["destination_ip"]);
  if (has_port) put("dstPort", std::to_string(port));
  if (!fields["url"].empty() || has_port) put("proto", "TCP");
  put("usrName", fields["username"]);
  put("srcHost", fields["host"]);
  put("aiProvider", fields["provider"]);
  put("aiDomain", fields["domain"]);
  put("processName", fields["process_name"]);
  put("processCategory", fields["process_category"]);
  if (has_bytes) put("bytesSent", std::to_string(bytes));
  put("signals", joined(signals));
  put("riskScore", std::to_string(risk));
  put("findingId", fields["finding_id"]);
  put("hunt", fields["hunt"]);
  put("mitre", "T1588.007");
  put("url", aihunt::core::redactSecretShapes(fields["url"]), aihunt::qradar::kLeefMaxUrlBytes);
  put("evidence", aihunt::core::redactSecretShapes(fields["evidence"]),
      aihunt::qradar::kLeefMaxEvidenceBytes);

  const std::map<std::string, std::string> got(parsed.event->attributes.begin(),
                                               parsed.event->attributes.end());
  if (got != expected) {
    for (const auto& [key, value] : expected) {
      const auto it = got.find(key);
      if (it == got.end()) trap("key missing", key);
      if (it->second != value) trap("value differs", key + ": " + it->second + " vs " + value);
    }
    trap("unexpected key", *line);
  }
  return 0;
}

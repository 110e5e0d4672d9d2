// The LEEF encoder against a strict LEEF parser (strict_leef_parser.h): ordinary findings give the
// expected event, and hostile findings (fields holding '|', '^', tab, CR/LF, NUL, C1 controls,
// invalid UTF-8, 1 MB strings and key=value look-alikes) still give exactly one line that the
// strict parser reads back to the same keys, each value equal to the sanitised input.
#include <arpa/inet.h>

#include <catch2/catch.hpp>

#include <array>
#include <cstdio>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "core/secret_scan.h"
#include "core/text.h"
#include "qradar_client/leef_encoder.h"
#include "tests/qradar_client/strict_leef_parser.h"

using namespace aihunt::qradar;
using aihunt::testing::leef::parseStrict;

namespace {

constexpr aihunt::core::EpochMs kNow = 1795715990123;  // 2026-11-26T17:59:50.123Z

// A JSON string literal that passes bytes >= 0x80 through unchanged (invalid UTF-8 included, as a
// payload written from a damaged event could hold) and escapes the rest as JSON requires.
std::string jsonString(std::string_view text) {
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

// The finding fields that are strings, in the payload's names.
const std::vector<std::string> kStringFields = {
    "finding_id",       "hunt",     "source_ip", "username",  "host",
    "destination_ip",   "url",      "domain",    "provider",  "process_name",
    "process_category", "severity", "evidence",  "event_time"};

struct Finding {
  std::map<std::string, std::string> strings;
  std::vector<std::string> signals;
  std::vector<std::string> mitre = {"T1588.007"};
  std::optional<std::int64_t> destination_port;
  std::optional<std::int64_t> bytes_sent;
  std::int64_t risk_score = 0;

  [[nodiscard]] std::string json() const {
    std::string out = "{";
    for (const auto& [key, value] : strings) out += jsonString(key) + ":" + jsonString(value) + ",";
    const auto list = [](const std::vector<std::string>& items) {
      std::string text = "[";
      for (const auto& item : items) text += (text.size() > 1 ? "," : "") + jsonString(item);
      return text + "]";
    };
    out += "\"signals\":" + list(signals) + ",\"mitre\":" + list(mitre);
    out += ",\"destination_port\":" +
           (destination_port ? std::to_string(*destination_port) : std::string("null"));
    out += ",\"bytes_sent\":" + (bytes_sent ? std::to_string(*bytes_sent) : std::string("null"));
    out += ",\"risk_score\":" + std::to_string(risk_score) + ",\"suppressed\":false}";
    return out;
  }

  [[nodiscard]] std::string field(const std::string& name) const {
    const auto it = strings.find(name);
    return it == strings.end() ? std::string() : it->second;
  }
};

std::string joinList(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ",") + item;
  return out;
}

bool isIpAddress(const std::string& text) {
  if (text.find('\0') != std::string::npos) return false;
  std::array<unsigned char, 16> buffer{};
  return inet_pton(AF_INET, text.c_str(), buffer.data()) == 1 ||
         inet_pton(AF_INET6, text.c_str(), buffer.data()) == 1;
}

// What the encoder must write for `f`: key -> sanitised value, keys absent when the input is empty.
std::map<std::string, std::string> expectedAttributes(const Finding& f) {
  std::map<std::string, std::string> out;
  const auto put = [&](const std::string& key, const std::string& raw,
                       std::size_t cap = kLeefMaxValueBytes) {
    if (!raw.empty()) out[key] = sanitizeLeefValue(raw, cap);
  };
  const std::string event_id(leefEventIdFor(f.signals));
  put("cat", std::string(leefCategoryFor(event_id)));
  // 13-digit epoch milliseconds or nothing (IBM: such a devTime needs no devTimeFormat).
  if (auto at = aihunt::core::parseTimestamp(f.field("event_time"));
      at.ok() && std::to_string(*at).size() == 13) {
    put("devTime", std::to_string(*at));
  }
  put("sev", std::to_string(leefSeverityFor(f.field("severity"))));
  // src and dst hold IP addresses only; another value goes under srcText or dstText.
  put(isIpAddress(f.field("source_ip")) ? "src" : "srcText", f.field("source_ip"));
  put(isIpAddress(f.field("destination_ip")) ? "dst" : "dstText", f.field("destination_ip"));
  if (f.destination_port) put("dstPort", std::to_string(*f.destination_port));
  if (!f.field("url").empty() || f.destination_port) put("proto", "TCP");
  put("usrName", f.field("username"));
  put("srcHost", f.field("host"));
  put("aiProvider", f.field("provider"));
  put("aiDomain", f.field("domain"));
  put("processName", f.field("process_name"));
  put("processCategory", f.field("process_category"));
  if (f.bytes_sent) put("bytesSent", std::to_string(*f.bytes_sent));
  put("signals", joinList(f.signals));
  put("riskScore", std::to_string(f.risk_score));
  put("findingId", f.field("finding_id"));
  put("hunt", f.field("hunt"));
  put("mitre", joinList(f.mitre));
  put("url", aihunt::core::redactSecretShapes(f.field("url")), kLeefMaxUrlBytes);
  put("evidence", aihunt::core::redactSecretShapes(f.field("evidence")), kLeefMaxEvidenceBytes);
  return out;
}

// Invalid UTF-8 in the input becomes U+FFFD before the values are compared (the payload is
// repaired before it is parsed, exactly as sanitizeLeefValue repairs a value).
void checkRoundTrip(const Finding& f, const LeefEncoderOptions& options) {
  const std::string payload = f.json();
  auto line = encodeFindingAsLeef(payload, options, kNow);
  REQUIRE(line.ok());
  INFO(aihunt::core::printableExcerpt(*line, 600));
  CHECK(line->size() <= kLeefMaxEventBytes);
  const auto parsed = parseStrict(*line);
  INFO(parsed.error);
  REQUIRE(parsed.event);
  const auto& event = *parsed.event;
  CHECK(event.vendor == "aihunt");
  CHECK(event.product == "aihunt");
  CHECK(event.event_id == leefEventIdFor(f.signals));
  CHECK(event.delimiter == '^');
  CHECK(event.timestamp == "2026-11-26T17:59:50.123Z");
  const auto expected = expectedAttributes(f);
  std::map<std::string, std::string> got(event.attributes.begin(), event.attributes.end());
  CHECK(got.size() == event.attributes.size());
  for (const auto& [key, value] : expected) {
    INFO("key " << key);
    REQUIRE(got.count(key) == 1);
    CHECK(got[key] == value);
  }
  for (const auto& [key, value] : got) {
    INFO("unexpected key " << key);
    CHECK(expected.count(key) == 1);
  }
}

Finding ordinaryFinding() {
  Finding f;
  f.strings = {{"finding_id", "f-7c1d2e"},
               {"hunt", "endpoint-process"},
               {"event_time", "2026-11-26T17:40:00.000Z"},
               {"source_ip", "10.1.4.21"},
               {"username", "jdoe"},
               {"host", "WS-FIN-0193"},
               {"destination_ip", "162.159.140.245"},
               {"url", "https://api.openai.com/v1/chat/completions?x=1&y=2"},
               {"domain", "api.openai.com"},
               {"provider", "openai"},
               {"process_name", "curl.exe"},
               {"process_category", "CLI_Transfer"},
               {"severity", "high"},
               {"evidence", "curl -H \"Authorization: Bearer [REDACTED]\" https://api.openai.com"}};
  f.signals = {"non_browser_ai_api", "key_or_prompt_on_cmdline"};
  f.destination_port = 443;
  f.bytes_sent = 5000;
  f.risk_score = 85;
  return f;
}

}  // namespace

TEST_CASE("an ordinary finding becomes the expected LEEF 2.0 line") {
  LeefEncoderOptions options;
  options.hostname = "aihunt-sidecar-1";
  options.product_version = "0.4.0";
  auto line = encodeFindingAsLeef(ordinaryFinding().json(), options, kNow);
  REQUIRE(line.ok());
  CHECK(line->rfind("<131>1 2026-11-26T17:59:50.123Z aihunt-sidecar-1 aihunt - - - "
                    "LEEF:2.0|aihunt|aihunt|0.4.0|AI_Key_On_CommandLine|^|cat=CredentialExposure^"
                    "devTime=1795714800000^sev=8^src=10.1.4.21^dst=162.159.140.245^dstPort=443^"
                    "proto=TCP^usrName=jdoe^srcHost=WS-FIN-0193^",
                    0) == 0);
  CHECK(line->find("^url=https://api.openai.com/v1/chat/completions?x=1&y=2^") !=
        std::string::npos);
  checkRoundTrip(ordinaryFinding(), options);
}

TEST_CASE("EventID, cat and sev vocabulary") {
  using V = std::vector<std::string>;
  CHECK(leefEventIdFor(V{"first_seen", "key_or_prompt_on_cmdline", "large_upload"}) ==
        kLeefKeyOnCommandLine);
  CHECK(leefEventIdFor(V{"non_browser_ai_api", "large_upload"}) == kLeefLargeUpload);
  CHECK(leefEventIdFor(V{"first_seen", "non_browser_ai_api"}) == kLeefNonBrowser);
  CHECK(leefEventIdFor(V{"first_seen", "ai_sdk_install"}) == kLeefSdkInstall);
  CHECK(leefEventIdFor(V{"ai_api_contact", "first_seen"}) == kLeefFirstSeen);
  CHECK(leefEventIdFor(V{"ai_api_contact"}) == kLeefContact);
  CHECK(leefEventIdFor(V{}) == kLeefContact);
  CHECK(leefCategoryFor(kLeefLargeUpload) == "Exfiltration");
  CHECK(leefCategoryFor(kLeefNonBrowser) == "AIAPIUse");
  CHECK(leefSeverityFor("low") == 3);
  CHECK(leefSeverityFor("critical") == 10);
  CHECK(leefSeverityFor("bogus") == 1);
}

TEST_CASE("values are sanitised, never escaped") {
  CHECK(sanitizeLeefValue(std::string("a^b|c\td\r\ne\0f", 12), 100) ==
        "a\xCB\x86"
        "b\xC2\xA6"
        "c d  e f");
  CHECK(sanitizeLeefValue("\xFF\xC0\xAF\xED\xA0\x80\xE2\x82", 100) ==
        "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"
        "\xEF\xBF\xBD");
  CHECK(sanitizeLeefValue("x\xC2\x85y\xC2\x9Bz\xE2\x80\xA8w\x7F", 100) == "x y z w ");
  CHECK(sanitizeLeefValue("key=value^src=6.6.6.6", 100) == "key=value\xCB\x86src=6.6.6.6");
  CHECK(sanitizeLeefValue("gr\xC3\xBC\xC3\x9F \xE6\x9D\xB1", 100) ==
        "gr\xC3\xBC\xC3\x9F \xE6\x9D\xB1");
  // Cut on a character boundary, with an ellipsis, never over the cap.
  CHECK(sanitizeLeefValue(std::string(300, 'x'), 256) == std::string(253, 'x') + "\xE2\x80\xA6");
  CHECK(sanitizeLeefValue(std::string(256, 'x'), 256) == std::string(256, 'x'));
  const std::string cut = sanitizeLeefValue("\xC3\xBC\xC3\xBC\xC3\xBC\xC3\xBC", 6);
  CHECK(cut == "\xC3\xBC\xE2\x80\xA6");
  CHECK(aihunt::core::isValidUtf8(cut));
  CHECK(sanitizeLeefHeaderField("a|b c^d\n", 32) == "a_b_c_d_");
}

TEST_CASE("a key=value look-alike cannot forge a key") {
  Finding f = ordinaryFinding();
  f.strings["username"] = "alice^src=6.6.6.6^sev=1";
  f.strings["host"] = "h\tsrc=6.6.6.6\nLEEF:2.0|evil|evil|1|X|^|src=6.6.6.6";
  LeefEncoderOptions options;
  options.hostname = "aihunt";
  auto line = encodeFindingAsLeef(f.json(), options, kNow);
  REQUIRE(line.ok());
  const auto parsed = parseStrict(*line);
  INFO(parsed.error);
  REQUIRE(parsed.event);
  CHECK(parsed.event->get("src") == "10.1.4.21");
  CHECK(parsed.event->get("sev") == "8");
  CHECK(parsed.event->get("usrName") == "alice\xCB\x86src=6.6.6.6\xCB\x86sev=1");
  checkRoundTrip(f, options);
}

TEST_CASE("a source or destination that is not an IP address is not sent as src or dst") {
  Finding f = ordinaryFinding();
  f.strings["source_ip"] = "10.66.0.3\" or status=\"CLOSED";
  f.strings["destination_ip"] = "api.openai.com";
  LeefEncoderOptions options;
  options.hostname = "aihunt";
  auto line = encodeFindingAsLeef(f.json(), options, kNow);
  REQUIRE(line.ok());
  const auto parsed = parseStrict(*line);
  REQUIRE(parsed.event);
  CHECK_FALSE(parsed.event->get("src").has_value());
  CHECK_FALSE(parsed.event->get("dst").has_value());
  CHECK(parsed.event->get("srcText") == "10.66.0.3\" or status=\"CLOSED");
  CHECK(parsed.event->get("dstText") == "api.openai.com");
  f.strings["source_ip"] = "2001:db8::7";
  auto v6 = encodeFindingAsLeef(f.json(), options, kNow);
  REQUIRE(v6.ok());
  CHECK(parseStrict(*v6).event->get("src") == "2001:db8::7");
  checkRoundTrip(f, options);
}

TEST_CASE("hostile findings: one strict line each, same keys, sanitised values") {
  const std::vector<std::string> pieces = {"|",
                                           "^",
                                           "\t",
                                           "\r\n",
                                           std::string("\0", 1),
                                           "\n",
                                           "\r",
                                           "\xC2\x85",
                                           "\xC2\x9B",
                                           "\xE2\x80\xA8",
                                           "\x7F",
                                           "\x1B[31m",
                                           "\xFF",
                                           "\xC0\xAF",
                                           "\xED\xA0\x80",
                                           "\xE2\x82",
                                           "\xF4\x90\x80\x80",
                                           "key=value",
                                           "^src=6.6.6.6",
                                           "=",
                                           "==",
                                           "LEEF:2.0|x|y|1|Z|^|",
                                           "x09",
                                           "<13>1 ",
                                           "sev=10",
                                           "caf\xC3\xA9",
                                           "\xE6\x9D\xB1\xE4\xBA\xAC",
                                           "\xF0\x9F\x98\x80",
                                           " ",
                                           "plain text",
                                           "sk-proj-abcdefghijklmnopqrstuvwxyz0123456789",
                                           "\\",
                                           "\"",
                                           "%0a"};
  std::mt19937 random(20261126);
  const auto hostile = [&](std::size_t max_pieces) {
    std::string out;
    const std::size_t n = random() % (max_pieces + 1);
    for (std::size_t i = 0; i < n; ++i) out += pieces[random() % pieces.size()];
    return out;
  };
  const std::vector<std::string> signal_names = {"non_browser_ai_api",       "large_upload",
                                                 "key_or_prompt_on_cmdline", "ai_sdk_install",
                                                 "ai_api_contact",           "first_seen"};
  LeefEncoderOptions options;
  options.hostname = std::string(300, 'h');  // capped to 255 in the header
  options.product_version = "1.0|evil^";
  for (int round = 0; round < 400; ++round) {
    Finding f;
    for (const auto& name : kStringFields) {
      if (name == "event_time") {
        f.strings[name] = round % 3 == 0 ? hostile(4) : "2026-11-26T17:40:00Z";
      } else {
        f.strings[name] = hostile(12);
      }
    }
    for (const auto& s : signal_names) {
      if (random() % 2 == 0) f.signals.push_back(s);
    }
    if (round % 5 == 0) f.signals.push_back(hostile(6));
    if (round % 7 == 0) f.mitre.push_back(hostile(6));
    if (random() % 2 == 0) f.destination_port = static_cast<std::int64_t>(random() % 65536);
    if (random() % 2 == 0) f.bytes_sent = static_cast<std::int64_t>(random());
    f.risk_score = static_cast<std::int64_t>(random() % 101);
    INFO("round " << round);
    checkRoundTrip(f, options);
  }
}

TEST_CASE("1 MB values are cut and the event stays under 8 KiB") {
  Finding f = ordinaryFinding();
  const std::string big = std::string(1 << 20, 'A') + "^tail";
  for (const auto& name : kStringFields) {
    if (name != "event_time" && name != "severity") f.strings[name] = big;
  }
  f.signals.push_back(big);
  f.mitre.push_back(big);
  LeefEncoderOptions options;
  options.hostname = std::string(255, 'h');
  options.product_version = std::string(64, 'v');
  auto line = encodeFindingAsLeef(f.json(), options, kNow);
  REQUIRE(line.ok());
  CHECK(line->size() <= kLeefMaxEventBytes);
  checkRoundTrip(f, options);
  // Every oversized value is at its cap, ending in the ellipsis.
  const auto parsed = parseStrict(*line);
  REQUIRE(parsed.event);
  CHECK(parsed.event->get("usrName")->size() == kLeefMaxValueBytes);
  CHECK(parsed.event->get("evidence")->size() == kLeefMaxEvidenceBytes);
  CHECK(parsed.event->get("url")->size() == kLeefMaxUrlBytes);
}

TEST_CASE("a payload that is not a JSON object is refused; invalid UTF-8 is repaired") {
  LeefEncoderOptions options;
  options.hostname = "h";
  CHECK_FALSE(encodeFindingAsLeef("not json", options, kNow).ok());
  CHECK_FALSE(encodeFindingAsLeef("[1,2]", options, kNow).ok());
  auto line = encodeFindingAsLeef(
      "{\"finding_id\":\"a\xFF"
      "b\",\"signals\":[]}",
      options, kNow);
  REQUIRE(line.ok());
  const auto parsed = parseStrict(*line);
  REQUIRE(parsed.event);
  CHECK(parsed.event->get("findingId") ==
        "a\xEF\xBF\xBD"
        "b");
  CHECK(parsed.event->event_id == "AI_API_Contact");
}

TEST_CASE("devTime is 13-digit epoch milliseconds with no devTimeFormat, or left out") {
  LeefEncoderOptions options;
  options.hostname = "h";
  const auto encoded = [&](const std::string& event_time) {
    Finding f = ordinaryFinding();
    f.strings["event_time"] = event_time;
    auto line = encodeFindingAsLeef(f.json(), options, kNow);
    REQUIRE(line.ok());
    const auto parsed = parseStrict(*line);
    INFO(parsed.error);
    REQUIRE(parsed.event);
    CHECK_FALSE(parsed.event->get("devTimeFormat"));
    return *parsed.event;
  };
  CHECK(encoded("2026-11-26T17:40:00.000Z").get("devTime") == "1795714800000");
  CHECK(encoded("2001-09-09T01:46:40.000Z").get("devTime") == "1000000000000");
  // 12 digits (before 2001-09-09): QRadar would need a devTimeFormat; left out instead.
  CHECK_FALSE(encoded("1999-01-01T00:00:00Z").get("devTime"));
  CHECK_FALSE(encoded("1970-01-01T00:00:00Z").get("devTime"));
}

TEST_CASE("the strict parser refuses what it should") {
  const std::string head = "<134>1 2026-11-26T17:59:50.123Z h aihunt - - - LEEF:2.0|a|b|1|E|^|";
  CHECK(parseStrict(head + "src=1.2.3.4^usrName=x").event);
  CHECK_FALSE(parseStrict(head + "src=1.2.3.4^^usrName=x").event);  // empty pair
  CHECK_FALSE(parseStrict(head + "src=1.2.3.4^usrName").event);     // no '='
  CHECK_FALSE(parseStrict(head + "src=1^src=2").event);             // repeated key
  CHECK_FALSE(parseStrict(head + "src=1\tdst=2").event);            // control character
  CHECK_FALSE(parseStrict(head + "src=1|2").event);                 // pipe
  CHECK_FALSE(parseStrict(head + "src=\xFF").event);                // invalid UTF-8
  CHECK_FALSE(parseStrict(head + "s rc=1").event);                  // key with a space
  CHECK_FALSE(parseStrict(head + "src=1\n").event);                 // line break
  CHECK_FALSE(parseStrict("LEEF:2.0|a|b|1|E|^|src=1").event);       // no syslog header
  CHECK(parseStrict(head + "url=https://x/?a=b=c").event->get("url") == "https://x/?a=b=c");
  CHECK(parseStrict(head + "devTime=1795714800000").event);
  CHECK(parseStrict(head + "devTime=1795714800").event);
  CHECK_FALSE(parseStrict(head + "devTime=915148800000").event);         // 12 digits
  CHECK_FALSE(parseStrict(head + "devTime=2026-11-26 17:40:00").event);  // text, no format
  CHECK(
      parseStrict(head + "devTime=Nov 26 2026 17:40:00^devTimeFormat=MMM dd yyyy HH:mm:ss").event);
}

// aihunt's findings read back (results/finding_reader.h): generated findings written by the
// writer (detection/finding_json.h) come back field for field, and rows that are not findings,
// or findings of another schema version, are refused with what they look like instead.
#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "detection/finding_json.h"
#include "results/finding_reader.h"

using namespace aihunt;
using detection::Finding;

namespace {

std::string piece(std::mt19937& random) {
  static const std::vector<std::string> pieces = {"a",
                                                  "C:\\Windows\\curl.exe",
                                                  "\"",
                                                  "\\",
                                                  "\n",
                                                  "\t",
                                                  "\x01",
                                                  "\xC3\xA9",
                                                  "\xF0\x9F\x94\x91",
                                                  "https://api.openai.com/v1?x=1",
                                                  "=cmd|' /C calc'!A0",
                                                  "{\"k\":[1]}",
                                                  ""};
  std::string out;
  for (std::size_t i = random() % 4; i > 0; --i) out += pieces[random() % pieces.size()];
  return out;
}

Finding generated(std::mt19937& random) {
  Finding finding;
  static const char* kHex = "0123456789abcdef";
  for (std::size_t i = 0; i < detection::kFindingIdHexChars; ++i) {
    finding.finding_id.push_back(kHex[random() % 16]);
  }
  for (std::string* field :
       {&finding.hunt, &finding.event_time, &finding.source_ip, &finding.username, &finding.host,
        &finding.destination_ip, &finding.url, &finding.domain, &finding.provider,
        &finding.application, &finding.process_name, &finding.exception, &finding.log_source,
        &finding.event_category, &finding.evidence}) {
    *field = piece(random);
  }
  if (finding.hunt.empty()) finding.hunt = "proxy-ai-api";  // every finding names its hunt
  if (random() % 2 == 0) finding.destination_port = static_cast<std::int64_t>(random() % 65536);
  if (random() % 2 == 0) finding.bytes_sent = static_cast<std::int64_t>(random());
  for (int signal = 0; signal < detection::kSignalCount; ++signal) {
    if (random() % 3 == 0) finding.signals.add(static_cast<detection::Signal>(signal));
  }
  finding.risk_score = static_cast<int>(random() % 101);
  finding.severity = static_cast<detection::Severity>(random() % 4);
  finding.suppressed = random() % 2 == 0;
  finding.process_category = static_cast<detection::ProcessCategory>(random() % 8);
  // The daemon's findings file carries its hunt window; incidents --view findings keeps it.
  if (random() % 2 == 0) finding.window = "2026-11-26T09:59:00.000Z/2026-11-26T10:59:00.000Z";
  return finding;
}

std::string written(const Finding& finding) {
  std::string out;
  detection::appendFindingJson(out, finding);
  return out;
}

std::string errorOf(std::string_view row) {
  auto read = results::parseFinding(row);
  REQUIRE_FALSE(read.ok());
  return read.error().message;
}

}  // namespace

TEST_CASE("findings come back from their JSON field for field") {
  std::mt19937 random(41);
  for (int round = 0; round < 3000; ++round) {
    const Finding finding = generated(random);
    const std::string text = written(finding);
    INFO("round " << round << ": " << text);
    auto read = results::parseFinding(text);
    REQUIRE(read.ok());
    // Written again, the same bytes: every field was read, none changed.
    CHECK(written(*read) == text);
    CHECK(read->finding_id == finding.finding_id);
    CHECK(read->signals.isSubsetOf(finding.signals));
    CHECK(finding.signals.isSubsetOf(read->signals));
    CHECK(read->severity == finding.severity);
    CHECK(read->process_category == finding.process_category);
    CHECK(read->bytes_sent == finding.bytes_sent);
    CHECK(read->window == finding.window);
  }
}

TEST_CASE("rows that are not aihunt's findings are refused with what they look like") {
  CHECK(errorOf(R"({"starttime":1,"sourceip":"10.0.0.1","URL":"https://api.openai.com"})")
            .find("looks like Ariel results") != std::string::npos);
  // An incident as `incidents --format jsonl` writes it: its "events" count is no Ariel key.
  CHECK(errorOf(R"({"schema_version":1,"incident_id":"ab","actor":{},"events":2,"hunts":["x"]})")
            .find("is an incident") != std::string::npos);
  CHECK(errorOf(R"({"starttime":1,"qid":5000,"devicetype":12,"logsourceid":63,"URL":"x"})")
            .find("exported QRadar events") != std::string::npos);
  CHECK(errorOf(R"({"schema_version":1,"incident_id":"ab","actor":{}})").find("is an incident") !=
        std::string::npos);
  CHECK(errorOf(R"({"schema_version":1,"complete":true,"hunts":[]})").find("JSON document") !=
        std::string::npos);
  CHECK(errorOf(R"([1,2])").find("not a JSON object") != std::string::npos);
  CHECK(errorOf("{\"finding_id\":").find("not valid JSON") != std::string::npos);

  // A finding with one field spoiled: each refusal names the field.
  std::mt19937 random(5);
  const auto good = nlohmann::ordered_json::parse(written(generated(random)));
  REQUIRE(results::parseFinding(good.dump()).ok());
  const std::vector<std::pair<std::string, nlohmann::ordered_json>> spoiled = {
      {"schema_version", 2},
      {"schema_version", "1"},
      {"finding_id", "ABC"},
      {"finding_id", std::string(32, 'G')},
      {"hunt", nullptr},
      {"username", 7},
      {"destination_port", "443"},
      {"bytes_sent", 1.5},
      {"process_category", "Rootkit"},
      {"severity", "extreme"},
      {"risk_score", 101},
      {"risk_score", -1},
      {"suppressed", "no"},
      {"signals", "non_browser_ai_api"},
      {"signals", nlohmann::ordered_json::array({"time_travel"})},
  };
  for (const auto& [key, value] : spoiled) {
    auto row = good;
    row[key] = value;
    INFO(row.dump());
    const std::string error = errorOf(row.dump());
    CHECK((error.find("'" + key + "'") != std::string::npos ||
           error.find("schema_version 2") != std::string::npos));
  }
  // A newer writer's findings say which version this aihunt reads.
  auto newer = good;
  newer["schema_version"] = 2;
  CHECK(errorOf(newer.dump()).find("this aihunt reads version 1") != std::string::npos);
}

TEST_CASE("a finding's key written twice keeps its last value; numbers past int64 are refused") {
  std::mt19937 random(9);
  Finding finding = generated(random);
  finding.hunt = "first";
  std::string text = written(finding);
  REQUIRE(text.back() == '}');
  text.pop_back();
  auto twice = results::parseFinding(text + R"(,"hunt":"second"})");
  REQUIRE(twice.ok());
  CHECK(twice->hunt == "second");
  // 2^64 - 1 fits no field of a finding: not read as -1 (a wrapped value) nor as a port.
  CHECK(errorOf(text + R"(,"destination_port":18446744073709551615})")
            .find("'destination_port' is not a whole number") != std::string::npos);
  CHECK(errorOf(text + R"(,"schema_version":18446744073709551615})")
            .find("schema_version 18446744073709551615") != std::string::npos);
  CHECK(errorOf(text + R"(,"bytes_sent":18446744073709551616})").find("too large") !=
        std::string::npos);
  // The window is the daemon's <from>/<to>, or the line is not one of its findings.
  CHECK(errorOf(text + R"(,"window":"yesterday"})").find("'window'") != std::string::npos);
}

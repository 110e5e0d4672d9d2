// The untrusted-input parsers of qradar-emu, in process: request pieces, LEEF, syslog headers
// and framing, offense filters, reference-data values and TTLs, fault scripts, config.
#include <catch2/catch.hpp>

#include "emulator/emulator_config.h"
#include "emulator/fault_injector.h"
#include "emulator/leef_parser.h"
#include "emulator/offense_filter.h"
#include "emulator/reference_values.h"
#include "emulator/request_parsing.h"
#include "emulator/syslog_parser.h"

using namespace aihunt::emulator;

TEST_CASE("query strings, percent-decoding and path segments") {
  auto query = parseQueryString("query_expression=SELECT%20*%20FROM+events&a=1&a=2&flag");
  REQUIRE(query.ok());
  CHECK(query->at("query_expression") == "SELECT * FROM events");
  CHECK(query->at("a") == "2");
  CHECK(query->at("flag").empty());
  CHECK_FALSE(parseQueryString("a=%zz").ok());
  CHECK_FALSE(parseQueryString("a=%4").ok());
  auto segments = splitPath("/api/reference_data/sets/my%20set/a%2Fb");
  REQUIRE(segments.ok());
  CHECK(*segments == std::vector<std::string>{"api", "reference_data", "sets", "my set", "a/b"});
  CHECK_FALSE(splitPath("no-slash").ok());
}

TEST_CASE("Range, Prefer, Basic credentials and versions") {
  auto range = parseItemsRange("items=0-49");
  REQUIRE(range.ok());
  CHECK(range->first == 0);
  CHECK(range->last == 49);
  CHECK(parseItemsRange(" items = 5 - 9 ").ok() == false);  // "items =" is not "items="
  CHECK(parseItemsRange("items= 5 - 9").ok());
  CHECK_FALSE(parseItemsRange("items=9-5").ok());
  CHECK_FALSE(parseItemsRange("items=-5").ok());
  CHECK_FALSE(parseItemsRange("rows=1-2").ok());
  CHECK(parsePreferWait("wait=10") == 10);
  CHECK(parsePreferWait("respond-async, wait=3") == 3);
  CHECK_FALSE(parsePreferWait("respond-async").has_value());
  CHECK(parsePreferWait("wait=999999") == 3600);
  auto basic = parseBasicAuth("Basic YW5hbHlzdDpzM2NyZXQ6cGFzcw==");
  REQUIRE(basic.ok());
  CHECK(basic->user == "analyst");
  CHECK(basic->password == "s3cret:pass");
  CHECK_FALSE(parseBasicAuth("Bearer abc").ok());
  CHECK_FALSE(parseBasicAuth("Basic !!!").ok());
  CHECK(parseApiVersion("20.0").value() == 20.0);
  CHECK(parseApiVersion("12.1").value() == Approx(12.1));
  CHECK_FALSE(parseApiVersion("1.2.3").ok());
  CHECK_FALSE(parseApiVersion("latest").ok());
}

TEST_CASE("LEEF 1.0 and 2.0") {
  auto v1 = parseLeef(
      "LEEF:1.0|aihunt|aihunt|0.1|AIHUNT-T1588.007|src=10.1.2.3\tdst=1.2.3.4\t"
      "url=https://api.openai.com/v1?a=b\tusrName=alice");
  REQUIRE(v1.ok());
  CHECK(v1->version == "1.0");
  CHECK(v1->vendor == "aihunt");
  CHECK(v1->event_id == "AIHUNT-T1588.007");
  REQUIRE(v1->attributes.size() == 4);
  CHECK(v1->attributes[2] ==
        std::pair<std::string, std::string>{"url", "https://api.openai.com/v1?a=b"});
  auto caret = parseLeef("LEEF:2.0|V|P|1|EV|^|src=10.0.0.1^sev=7^cat=AI");
  REQUIRE(caret.ok());
  CHECK(caret->delimiter == '^');
  CHECK(caret->attributes.size() == 3);
  auto hex = parseLeef("LEEF:2.0|V|P|1|EV|x09|src=10.0.0.1\tsev=7");
  REQUIRE(hex.ok());
  CHECK(hex->delimiter == '\t');
  CHECK(hex->attributes.size() == 2);
  auto hex0x = parseLeef("LEEF:2.0|V|P|1|EV|0x7C|src=10.0.0.1|sev=7");
  REQUIRE(hex0x.ok());
  CHECK(hex0x->delimiter == '|');
  CHECK(hex0x->attributes.size() == 2);
  CHECK_FALSE(parseLeef("LEEF:3.0|V|P|1|EV|").ok());
  CHECK_FALSE(parseLeef("LEEF:1.0|V|P|1").ok());
  CHECK_FALSE(parseLeef("LEEF:1.0|V|P|1||a=b").ok());
  CHECK_FALSE(parseLeef("CEF:0|V|P|1|EV|name|5|").ok());
  CHECK_FALSE(parseLeef("LEEF:1.0|V|P|1|" + std::string(300, 'x') + "|").ok());
}

TEST_CASE("syslog headers: RFC 5424, RFC 3164 and none") {
  const SyslogMessage r5424 = parseSyslog(
      "<134>1 2026-11-26T17:03:08.000Z ws-1 aihunt 42 - [meta a=\"x]y\"] LEEF:2.0|V|P|1|EV|^|a=b");
  CHECK(r5424.format == SyslogMessage::Format::kRfc5424);
  CHECK(r5424.priority == 134);
  CHECK(r5424.hostname == "ws-1");
  CHECK(r5424.app_name == "aihunt");
  REQUIRE(r5424.time.has_value());
  CHECK(r5424.message == "LEEF:2.0|V|P|1|EV|^|a=b");
  const SyslogMessage r3164 =
      parseSyslog("<13>Nov 26 17:03:08 ws-2 aihunt[7]: LEEF:1.0|V|P|1|EV|a=b");
  CHECK(r3164.format == SyslogMessage::Format::kRfc3164);
  CHECK(r3164.hostname == "ws-2");
  CHECK(r3164.app_name == "aihunt");
  CHECK(r3164.message == "LEEF:1.0|V|P|1|EV|a=b");
  const SyslogMessage no_tag = parseSyslog("<13>Nov  6 17:03:08 ws-3 LEEF:1.0|V|P|1|EV|a=b\r\n");
  CHECK(no_tag.hostname == "ws-3");
  CHECK(no_tag.message == "LEEF:1.0|V|P|1|EV|a=b");
  const SyslogMessage bare = parseSyslog("LEEF:1.0|V|P|1|EV|a=b");
  CHECK(bare.format == SyslogMessage::Format::kNone);
  CHECK(bare.message == "LEEF:1.0|V|P|1|EV|a=b");
}

TEST_CASE("RFC 6587 framing: newline and octet counting, split anywhere") {
  const std::string counted = "LEEF:1.0|V|P|1|B|x=2\n";  // octet counting keeps the newline
  const std::string stream = "LEEF:1.0|V|P|1|A|x=1\n" + std::to_string(counted.size()) + " " +
                             counted + "LEEF:1.0|V|P|1|C|x=3\r\n";
  for (std::size_t chunk = 1; chunk <= stream.size(); ++chunk) {
    SyslogFramer framer;
    std::vector<std::string> frames;
    for (std::size_t i = 0; i < stream.size(); i += chunk)
      framer.feed(stream.substr(i, chunk), frames);
    framer.finish(frames);
    INFO("chunk " << chunk);
    REQUIRE(frames.size() == 3);
    CHECK(frames[0] == "LEEF:1.0|V|P|1|A|x=1");
    CHECK(frames[1] == "LEEF:1.0|V|P|1|B|x=2\n");
    CHECK(frames[2] == "LEEF:1.0|V|P|1|C|x=3");
  }
  SyslogFramer framer;
  std::vector<std::string> frames;
  framer.feed(std::string(kMaxSyslogFrame + 10, 'a'), frames);
  CHECK(frames.size() == 1);
  CHECK(frames[0].size() == kMaxSyslogFrame);
}

TEST_CASE("offense filters and sort keys") {
  const nlohmann::json offense = {
      {"id", 3}, {"status", "OPEN"}, {"offense_source", "10.1.2.3"}, {"magnitude", 6}};
  auto filter = parseFilter("status=\"OPEN\" and magnitude>=5");
  REQUIRE(filter.ok());
  CHECK(filter->matches(offense));
  CHECK(parseFilter("id=4 or offense_source='10.1.2.3'")->matches(offense));
  CHECK_FALSE(parseFilter("id=4 or status!=\"OPEN\"")->matches(offense));
  CHECK(parseFilter("offense_source=\"10%2E1%2E2%2E3\"")->matches(offense));  // double-encoded
  CHECK_FALSE(parseFilter("id==").ok());
  CHECK_FALSE(parseFilter("id=1 xor id=2").ok());
  CHECK_FALSE(parseFilter("status=\"OPEN").ok());
  auto sort = parseSort("-magnitude,+id");
  REQUIRE(sort.ok());
  CHECK(sort->size() == 2);
  CHECK((*sort)[0].descending);
  CHECK_FALSE(parseSort("+bad field").ok());
}

TEST_CASE("reference data values and time_to_live") {
  CHECK(elementKey(ElementType::kAlnic, "Api.OpenAI.com").value() == "api.openai.com");
  CHECK(elementKey(ElementType::kAln, "Api").value() == "Api");
  CHECK(elementKey(ElementType::kIp, "10.1.2.3").ok());
  CHECK(elementKey(ElementType::kIp, "::1").ok());
  CHECK_FALSE(elementKey(ElementType::kIp, "10.1.2").ok());
  CHECK_FALSE(elementKey(ElementType::kPort, "70000").ok());
  CHECK(elementKey(ElementType::kNum, "1.5").ok());
  CHECK_FALSE(elementKey(ElementType::kNum, "abc").ok());
  CHECK_FALSE(elementKey(ElementType::kAln, "").ok());
  CHECK(parseTimeToLive("7 days").value() == 7 * 86'400'000LL);
  CHECK(parseTimeToLive("1 hour 30 minutes").value() == 5'400'000);
  CHECK(parseTimeToLive("2 mons").value() == 60 * 86'400'000LL);
  CHECK_FALSE(parseTimeToLive("7").ok());
  CHECK_FALSE(parseTimeToLive("7 fortnights").ok());
  CHECK_FALSE(parseTimeToLive("").ok());
}

TEST_CASE("fault scripts and config files report errors with paths") {
  auto faults = parseFaults(
      "faults:\n  - {kind: status_503, path: /api/ariel/*, times: 2}\n"
      "  - {kind: search_vanish, polls: 3}\n");
  REQUIRE(faults.ok());
  REQUIRE(faults->size() == 2);
  CHECK((*faults)[0].kind == FaultKind::kStatus503);
  CHECK((*faults)[1].polls == 3);
  auto bad = parseFaults("faults:\n  - {kind: explode}\n  - {kind: reset, colour: red}\n");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message.find("faults[0].kind") != std::string::npos);
  CHECK(bad.error().message.find("faults[1].colour: unknown key") != std::string::npos);
  // A bare fault, not in a list: refused, not read as no faults (a newcomer's trial).
  auto bare = parseFaults(R"({"kind": "search_stuck", "path": "/api/ariel/*"})");
  REQUIRE_FALSE(bare.ok());
  CHECK(bare.error().message.find("kind: unknown key") != std::string::npos);
  auto config = parseEmulatorConfig(
      "tokens:\n  - {token: t, role: hunter}\nariel: {workers: 0}\n"
      "bogus: 1\n");
  REQUIRE_FALSE(config.ok());
  CHECK(config.error().message.find("ariel.workers") != std::string::npos);
  CHECK(config.error().message.find("bogus: unknown key") != std::string::npos);
  auto good = parseEmulatorConfig("tokens:\n  - {token: t, role: nosuch}\n");
  REQUIRE(good.ok());
  CHECK_FALSE(validateConfig(*good).ok());
  CHECK_FALSE(parseEmulatorConfig("tokens: [").ok());
}

TEST_CASE("the fault injector fires after `after` matches, `times` times") {
  FaultInjector injector;
  auto rules = parseFaults("- {kind: status_500, method: GET, path: /api/x, times: 2, after: 1}\n");
  REQUIRE(rules.ok());
  injector.add(*rules);
  CHECK_FALSE(injector.onRequest("GET", "/api/x").respond);             // let through (after: 1)
  CHECK(injector.onRequest("POST", "/api/x").respond == std::nullopt);  // other method
  CHECK(injector.onRequest("GET", "/api/x").respond->status == 500);
  CHECK(injector.onRequest("GET", "/api/x").respond->status == 500);
  CHECK_FALSE(injector.onRequest("GET", "/api/x").respond);
}

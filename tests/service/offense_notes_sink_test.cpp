// The offense-notes sink against a fake console (tests/support/fake_http_transport.h): findings
// grouped per source IP and hunt window, the note's marker and summary (sanitised, capped), one
// note per offense per window however often a batch is delivered, sources without an aihunt
// offense counted, errors that keep the rows for a retry; and outputs.offense_notes in the config.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <tuple>

#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "config/environment.h"
#include "config/loader.h"
#include "core/clock.h"
#include "core/metrics.h"
#include "core/text.h"
#include "core/time.h"
#include "service/ledger_writer.h"
#include "service/offense_note_text.h"
#include "service/offense_notes_sink.h"
#include "state/state_store.h"
#include "tests/support/fake_http_transport.h"
#include "tests/support/fake_qradar_connection.h"
#include "tests/support/id_filter.h"
#include "tests/support/outbox_rows.h"

using namespace aihunt;
using aihunt::testing::jsonResponse;
using nlohmann::json;

namespace {

constexpr const char* kWindow1 = "2026-11-26T17:00:00.000Z/2026-11-26T17:15:00.000Z";
constexpr const char* kWindow2 = "2026-11-26T17:15:00.000Z/2026-11-26T17:30:00.000Z";

std::shared_ptr<spdlog::logger> quietLogger() {
  return std::make_shared<spdlog::logger>("test", std::make_shared<spdlog::sinks::null_sink_mt>());
}

json finding(const std::string& id, const std::string& ip, const std::string& window,
             const std::string& severity = "high", const std::string& provider = "openai",
             const std::string& process = "powershell.exe", const std::string& user = "jdoe") {
  return {{"finding_id", id},     {"hunt", "proxy-ai-api"},
          {"source_ip", ip},      {"severity", severity},
          {"provider", provider}, {"process_name", process},
          {"username", user},     {"window", window},
          {"suppressed", false},  {"event_time", "2026-11-26T17:03:08.000Z"}};
}

std::vector<state::OutboxRow> rowsOf(const std::vector<std::string>& payloads) {
  return testing::outboxRows("offense_notes", payloads);
}

std::vector<state::OutboxRow> rowsOf(const std::vector<json>& findings) {
  std::vector<std::string> payloads;
  for (const auto& f : findings) payloads.push_back(f.dump());
  return rowsOf(payloads);
}

// A console with offenses and their notes; the offense filter honours offense_source and status,
// or, with refuse_source_filter, refuses offense_source (422, as IBM's reference does not mark
// it Filterable) and lists every open offense for a filter on status alone.
struct FakeConsole {
  struct Offense {
    std::int64_t id = 0;
    std::string source;
    std::string description;
    std::string status = "OPEN";
    std::vector<std::string> notes;
  };
  std::vector<Offense> offenses;
  std::map<std::int64_t, std::vector<std::int64_t>> rules_of;  // offense id: its rules' ids
  // GET /analytics/rules: the names of the rules it lists (an id not here is not listed) and
  // the status it answers (403: a token whose role may not read rules; 503: down a while).
  std::map<std::int64_t, std::string> rule_names;
  int rules_status = 200;
  bool rules_not_a_list = false;                  // answers 200 with an object
  std::vector<std::set<std::int64_t>> rule_asks;  // the ids each rules request asked for
  int fail_adds_after = -1;  // answer 500 to POST notes once this many were added
  int adds = 0;
  bool refuse_source_filter = false;
  bool forbid = false;  // a token whose role lacks the Offenses capability: 403, code 1009
  std::vector<std::string> sorts;  // the sort parameter of each offense list read ("" if none)

  // The rules the filter names ("id=1 or id=2"), as {id, name}.
  core::Result<qradar::HttpResponse> rulesAnswer(const std::string& path) {
    REQUIRE(testing::queryParam(path, "fields") == "id,name");
    const std::string filter = testing::queryParam(path, "filter");
    const auto ids = testing::idsOfOrFilter(filter);
    REQUIRE(ids.has_value());
    const std::set<std::int64_t>& asked = *ids;
    rule_asks.push_back(asked);
    if (rules_status == 403) {
      return jsonResponse(
          403, R"({"code":1009,"message":"User has insufficient capabilities to access this "
               "endpoint resource"})");
    }
    if (rules_status != 200) return jsonResponse(rules_status, R"({"code":1020,"message":"down"})");
    if (rules_not_a_list) return jsonResponse(200, R"({"rules": "maintenance"})");
    json list = json::array();
    for (const auto& [id, name] : rule_names) {
      if (asked.count(id) != 0) list.push_back({{"id", id}, {"name", name}});
    }
    return jsonResponse(200, list.dump());
  }

  Offense* find(std::int64_t id) {
    for (auto& offense : offenses) {
      if (offense.id == id) return &offense;
    }
    return nullptr;
  }

  core::Result<qradar::HttpResponse> answer(const qradar::HttpRequest& r) {
    const std::string path = r.url.substr(r.url.find("/api/"));
    const std::string base = "/api/siem/offenses";
    if (path.rfind("/api/analytics/rules?", 0) == 0) return rulesAnswer(path);
    if (forbid) {
      return jsonResponse(
          403, R"({"code":1009,"message":"User has insufficient capabilities to access this "
               "endpoint resource"})");
    }
    if (path.rfind(base + "?", 0) == 0) {
      const std::string filter = testing::queryParam(path, "filter");
      const std::string want = "offense_source = \"";
      const auto at = filter.find(want);
      REQUIRE(filter.find("status = \"OPEN\"") != std::string::npos);
      if (at != std::string::npos && refuse_source_filter) {
        return jsonResponse(
            422, R"({"code":1005,"message":"The field offense_source is not filterable."})");
      }
      REQUIRE((at != std::string::npos || refuse_source_filter));
      sorts.push_back(testing::queryParam(path, "sort"));
      const std::string ip =
          at == std::string::npos
              ? std::string()
              : filter.substr(at + want.size(),
                              filter.find('"', at + want.size()) - at - want.size());
      json list = json::array();
      for (const auto& offense : offenses) {
        if ((ip.empty() || offense.source == ip) && offense.status == "OPEN") {
          json rules = json::array();
          for (const std::int64_t rule : rules_of[offense.id]) {
            rules.push_back({{"id", rule}, {"type", "CRE_RULE"}});
          }
          list.push_back({{"id", offense.id},
                          {"description", offense.description},
                          {"offense_source", offense.source},
                          {"status", offense.status},
                          {"rules", rules}});
        }
      }
      return jsonResponse(200, list.dump());
    }
    const std::string rest = path.substr(base.size() + 1);
    const std::int64_t id = std::stoll(rest.substr(0, rest.find('/')));
    Offense* offense = find(id);
    if (offense == nullptr) return jsonResponse(404, R"({"code":1002,"message":"no offense"})");
    if (r.method == "GET") {
      json list = json::array();
      for (std::size_t i = 0; i < offense->notes.size(); ++i) {
        list.push_back({{"id", i + 1}, {"note_text", offense->notes[i]}});
      }
      return jsonResponse(200, list.dump());
    }
    if (fail_adds_after >= 0 && adds >= fail_adds_after) {
      return jsonResponse(500, R"({"code":1020,"message":"down"})");
    }
    ++adds;
    offense->notes.push_back(testing::queryParam(path, "note_text"));
    return jsonResponse(201, json{{"id", offense->notes.size()}}.dump());
  }
};

struct Harness {
  testing::FakeConnectionSeams seams;
  FakeConsole console;
  testing::FakeHttpTransport transport{
      [this](const qradar::HttpRequest& r) { return console.answer(r); }};
  int connects = 0;
  core::Metrics metrics;

  service::QRadarConnector connector() {
    return [this]() -> core::Result<std::unique_ptr<service::QRadarConnection>> {
      ++connects;
      return testing::fakeConnection(transport, seams, "20.0");
    };
  }

  // By default a source without an offense gets no note at once (wait_for_offense 0s).
  std::unique_ptr<service::OffenseNotesSink> sink(
      std::size_t max_chars = 2000,
      std::chrono::milliseconds wait_for_offense = std::chrono::milliseconds(0)) {
    service::OffenseNotesSinkOptions options;
    options.metrics = &metrics;
    options.max_note_chars = max_chars;
    options.wait_for_offense = wait_for_offense;
    options.clock = &clock;
    options.match_rule = match_rule;
    return std::make_unique<service::OffenseNotesSink>(options, connector(), quietLogger());
  }
  std::string match_rule = "aihunt";

  std::size_t ruleRequests() const {
    std::size_t n = 0;
    for (const auto& line : transport.lines()) {
      n += line.find("/api/analytics/rules?") != std::string::npos ? 1 : 0;
    }
    return n;
  }

  core::FixedClock clock{core::fromEpochMs(1'795'684'980'000)};

  double counted(const std::string& result) const {
    return metrics.value("aihunt_offense_notes_total", {result});
  }

  std::size_t posts() const {
    std::size_t n = 0;
    for (const auto& request : transport.requests) n += request.method == "POST" ? 1 : 0;
    return n;
  }
};

std::size_t codePoints(const std::string& text) {
  std::size_t n = 0;
  for (const char c : text) n += (static_cast<unsigned char>(c) & 0xC0U) != 0x80U ? 1 : 0;
  return n;
}

config::LoadOutcome loadYaml(const std::string& yaml) {
  config::LoadOptions options;
  options.resolve_token = false;
  return config::loadConfigText(yaml, "test.yaml", config::MapEnvironment{}, options);
}

}  // namespace

TEST_CASE("findings are grouped per source IP, hunt and window", "[offense_notes]") {
  json suppressed = finding("s", "10.0.0.1", kWindow1);
  suppressed["suppressed"] = true;
  json old = finding("o", "10.0.0.1", "");
  old.erase("window");  // written before the ledger recorded windows: the event's hour
  const auto grouped = service::groupFindingsForNotes(rowsOf(std::vector<json>{
      finding("a1", "10.0.0.1", kWindow1, "high", "openai", "powershell.exe", "jdoe"),
      finding("b1", "10.0.0.2", kWindow1),
      finding("a2", "10.0.0.1", kWindow1, "critical", "anthropic", "python", "jdoe"),
      finding("a3", "10.0.0.1", kWindow2), finding("n", "", kWindow1),
      finding("x", "10.0.0.1\" or id > \"0", kWindow1), suppressed, old}));
  REQUIRE(grouped.groups.size() == 4);
  const auto& a = grouped.groups[0];
  CHECK(a.source_ip == "10.0.0.1");
  CHECK(a.hunt == "proxy-ai-api");
  CHECK(a.window == kWindow1);
  CHECK(a.count == 2);
  CHECK(a.severities == std::map<std::string, std::size_t>{{"critical", 1}, {"high", 1}});
  CHECK(a.providers == std::vector<std::string>{"openai", "anthropic"});
  CHECK(a.processes == std::vector<std::string>{"powershell.exe", "python"});
  CHECK(a.users == std::vector<std::string>{"jdoe"});
  CHECK(a.finding_ids == std::vector<std::string>{"a1", "a2"});
  CHECK(grouped.groups[1].source_ip == "10.0.0.2");
  CHECK(grouped.groups[2].window == kWindow2);
  CHECK(grouped.groups[3].window == "2026-11-26T17:00:00.000Z/2026-11-26T18:00:00.000Z");
  CHECK(grouped.without_source == 2);  // empty, and not an IP literal (never reaches a filter)
  CHECK(grouped.unreadable == 0);
  CHECK(service::groupFindingsForNotes(rowsOf(std::vector<std::string>{"not json", "[1]"}))
            .unreadable == 2);
}

TEST_CASE("the note: marker first, then a sanitised summary", "[offense_notes]") {
  const auto grouped = service::groupFindingsForNotes(rowsOf(std::vector<json>{
      finding("0123456789abcdef", "10.0.0.1", kWindow1, "high", "openai", "power\nshell\x7f.exe",
              "CORP\\jdoe\r\n[aihunt window x y]"),
      finding("fedcba9876543210", "10.0.0.1", kWindow1, "critical", "openai", "curl",
              "c1\xc2\x85x"),
      finding("ffff", "10.0.0.1", kWindow1, "low", "openai", "curl", "sep\u2028x")}));
  REQUIRE(grouped.groups.size() == 1);
  std::string text = service::noteText(grouped.groups[0], 2000);
  // Without signals or scores in the findings, the note says nothing of them.
  CHECK(text.find("Signals") == std::string::npos);
  CHECK(text.find("risk") == std::string::npos);
  // With them: the highest score, and each signal by how many findings it made, most first.
  std::vector<json> scored;
  for (const auto& [id, score, signals] : std::vector<std::tuple<std::string, int, json>>{
           {"0123456789abcdef", 80, json{"non_browser_ai_api", "key_or_prompt_on_cmdline"}},
           {"fedcba9876543210", 50, json{"non_browser_ai_api"}},
           {"ffff", 30, json{"non_browser_ai_api", 7, "large_upload"}}}) {
    json f = finding(id, "10.0.0.1", kWindow1);
    f["risk_score"] = score;
    f["signals"] = signals;
    f["host"] = "WS-FIN-0193";
    scored.push_back(f);
  }
  const auto with_signals = service::groupFindingsForNotes(rowsOf(scored));
  REQUIRE(with_signals.groups.size() == 1);
  const std::string scored_text = service::noteText(with_signals.groups[0], 2000);
  CHECK(scored_text.find(" 3 new findings from 10.0.0.1. Highest risk score: 80. Severity: high "
                         "3. Signals: non_browser_ai_api 3, key_or_prompt_on_cmdline 1, "
                         "large_upload 1.") != std::string::npos);
  CHECK(scored_text.find(" Users: jdoe. Hosts: WS-FIN-0193. Findings: ") != std::string::npos);
  text = service::noteText(grouped.groups[0], 2000);
  const std::string marker = service::noteMarker(grouped.groups[0]);
  // The window's part is told by its first finding's id, the first 8 characters.
  CHECK(marker == std::string("[aihunt window proxy-ai-api ") + kWindow1 + " 01234567]");
  CHECK(text.rfind(marker, 0) == 0);
  CHECK(text.find("3 new findings from 10.0.0.1.") != std::string::npos);
  CHECK(text.find("Severity: critical 1, high 1, low 1.") != std::string::npos);
  CHECK(text.find("Providers: openai.") != std::string::npos);
  CHECK(text.find("Processes: power shell .exe, curl.") != std::string::npos);
  CHECK(text.find("Findings: 01234567, fedcba98, ffff.") != std::string::npos);
  CHECK(core::isValidUtf8(text));
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    CHECK((byte >= 0x20 && byte != 0x7f));
  }
  CHECK(text.find("\u2028") == std::string::npos);
  CHECK(text.find("\xc2\x85") == std::string::npos);
  CHECK(text.find("c1 x") != std::string::npos);
  // No part can end the marker, or a part of it, early.
  CHECK(service::noteMarker("a] b[", "w", "x]y z") == "[aihunt window a__b_ w x_y_z]");
  CHECK(service::noteMarker("h", "w x", "") == "[aihunt window h w_x -]");
  CHECK(service::legacyNoteMarker("a] b[", "w") == "[aihunt window a__b_ w]");
}

TEST_CASE("the note is capped; the marker stays whole and lists say how many were cut",
          "[offense_notes]") {
  std::vector<json> many;
  for (int i = 0; i < 400; ++i) {
    many.push_back(finding("id" + std::to_string(i) + "-0000000000", "10.0.0.1", kWindow1, "high",
                           "provider-" + std::to_string(i), std::string(300, 'p'),
                           "user\u00e9" + std::to_string(i)));
  }
  const auto grouped = service::groupFindingsForNotes(rowsOf(many));
  REQUIRE(grouped.groups.size() == 1);
  for (const std::size_t cap : {200, 333, 1000, 2000}) {
    const std::string text = service::noteText(grouped.groups[0], cap);
    INFO(cap << ": " << text);
    CHECK(codePoints(text) <= cap);
    CHECK(text.rfind(service::noteMarker("proxy-ai-api", kWindow1, "id0-0000"), 0) == 0);
    CHECK(core::isValidUtf8(text));
    CHECK(text.find(" more.") != std::string::npos);
    // Lists left out whole are named (or counted) at the end, never dropped without a word.
    if (text.find(" Findings: ") == std::string::npos) {
      CHECK((text.find(" Not shown: ") != std::string::npos ||
             text.find(" lists cut.") != std::string::npos ||
             text.find(" list cut.") != std::string::npos));
    }
  }

  // Generated groups: never over the cap, always valid UTF-8, always the marker first.
  std::mt19937 random(7);
  const std::vector<std::string> pieces = {
      "a", "\u00e9", "\u4e2d", "\xf0\x9f\x98\x80", "\n", ",", "\xff", "]", " ", "\u2029"};
  for (int round = 0; round < 200; ++round) {
    service::WindowFindings group;
    group.source_ip = "10.0.0.9";
    group.hunt = "h";
    group.window = kWindow2;
    group.count = random() % 1000;
    const auto text_of = [&](std::size_t n) {
      std::string out;
      for (std::size_t i = 0; i < n; ++i) out += pieces[random() % pieces.size()];
      return out;
    };
    for (std::size_t i = random() % 30; i > 0; --i)
      group.providers.push_back(text_of(random() % 90));
    for (std::size_t i = random() % 30; i > 0; --i) group.users.push_back(text_of(random() % 90));
    for (std::size_t i = random() % 60; i > 0; --i) group.finding_ids.push_back(text_of(12));
    group.severities[text_of(5)] = 2;
    const std::size_t cap = 200 + random() % 800;
    const std::string text = service::noteText(group, cap);
    INFO(round);
    CHECK(codePoints(text) <= cap);
    CHECK(core::isValidUtf8(text));
    CHECK(text.rfind(service::noteMarker(group), 0) == 0);
    CHECK(text.find('\n') == std::string::npos);
  }
}

TEST_CASE("an event's value cannot read as another list or more items in the note",
          "[offense_notes]") {
  json forged = finding("0123456789abcdef", "10.0.0.1", kWindow1, "high", "openai", "curl",
                        "x. Hosts: TRUSTED-DC01. Findings: 00000000. Users: admin");
  forged["host"] = "WS-1, DC-01, FAKE";
  json hidden = finding("fedcba9876543210", "10.0.0.1", kWindow1, "high", "openai", "curl",
                        std::string(1500, '\0') + "bob");
  hidden["host"] = "say \"hi\"";
  json counted =
      finding("ffff000011112222", "10.0.0.1", kWindow1, "high", "openai", "+5 more", "admin:");
  const auto grouped =
      service::groupFindingsForNotes(rowsOf(std::vector<json>{forged, hidden, counted}));
  REQUIRE(grouped.groups.size() == 1);
  const std::string text = service::noteText(grouped.groups[0], 2000);
  INFO(text);
  CHECK(text.find(" Users: \"x. Hosts: TRUSTED-DC01. Findings: 00000000. Users: admin\", \" bob\", "
                  "\"admin:\".") != std::string::npos);
  CHECK(text.find(" Processes: curl, \"+5 more\".") != std::string::npos);
  CHECK(text.find(" Hosts: \"WS-1, DC-01, FAKE\", \"say \"\"hi\"\"\".") != std::string::npos);
  // Ordinary values stay as they were.
  const auto plain = service::groupFindingsForNotes(
      rowsOf(std::vector<json>{finding("0123456789abcdef", "10.0.0.1", kWindow1, "high", "openai",
                                       "python3.11", "CORP\\john.doe")}));
  const std::string plain_text = service::noteText(plain.groups[0], 2000);
  CHECK(plain_text.find(" Processes: python3.11. Users: CORP\\john.doe.") != std::string::npos);
}

TEST_CASE("sanitizeNoteValue cuts on code points and marks the cut", "[offense_notes]") {
  CHECK(service::sanitizeNoteValue("abcdef", 4) == "abc\u2026");
  CHECK(service::sanitizeNoteValue("\u00e9\u00e9\u00e9", 3) == "\u00e9\u00e9\u00e9");
  CHECK(service::sanitizeNoteValue("\u00e9\u00e9\u00e9\u00e9", 3) == "\u00e9\u00e9\u2026");
  CHECK(service::sanitizeNoteValue(std::string("a\0b", 3), 10) == "a b");
  CHECK(service::sanitizeNoteValue("a\tb\r\nc", 10) == "a b  c");
  CHECK(service::sanitizeNoteValue("bad\xff\xfeutf8\xc3\xa9", 20) == "badutf8");
  // What could fool an analyst reading the note: C1, bidi overrides and isolates, zero-width
  // characters and line separators all become spaces; other non-ASCII text stays.
  CHECK(service::sanitizeNoteValue("adm\u202egnp.exe\u200b\u2066X\u2069", 40) == "adm gnp.exe  X ");
  CHECK(service::sanitizeNoteValue("a\u009b31mb\u2028c\ufeffd", 40) == "a 31mb c d");
  CHECK(service::sanitizeNoteValue("J\u00fcrgen \u5f20\u4f1f", 40) == "J\u00fcrgen \u5f20\u4f1f");
}

TEST_CASE("a payload with invalid UTF-8 is still read; its non-ASCII bytes are dropped",
          "[offense_notes]") {
  std::string payload =
      finding("a1", "10.0.0.1", kWindow1, "high", "openai", "curl", "bad@@user").dump();
  payload.replace(payload.find("@@"), 2, "\xff\xfe");
  const auto grouped = service::groupFindingsForNotes(rowsOf(std::vector<std::string>{payload}));
  REQUIRE(grouped.groups.size() == 1);
  const std::string text = service::noteText(grouped.groups[0], 2000);
  CHECK(core::isValidUtf8(text));
  CHECK(text.find("Users: bad") != std::string::npos);
}

TEST_CASE("one note per offense per window, however often the batch is delivered",
          "[offense_notes]") {
  Harness h;
  h.console.offenses = {
      {1, "10.0.0.1", "AI API use by a non-browser process (aihunt)\n", "OPEN", {"analyst: seen"}},
      {2, "10.0.0.1", "Excessive Firewall Denies\n", "OPEN", {}},  // not aihunt's
      {3, "10.0.0.2", "AIHUNT: T1588.007\n", "OPEN", {}},
      {4, "10.0.0.2", "AI API use (aihunt)\n", "CLOSED", {}}};
  auto sink = h.sink();
  CHECK(sink->name() == "offense_notes");
  const auto batch = rowsOf(
      std::vector<json>{finding("a1", "10.0.0.1", kWindow1), finding("a2", "10.0.0.1", kWindow1),
                        finding("a3", "10.0.0.1", kWindow2), finding("b1", "10.0.0.2", kWindow1),
                        finding("c1", "10.0.0.3", kWindow1)});  // no offense at all
  REQUIRE(sink->deliver(batch));
  CHECK(h.console.offenses[0].notes.size() == 3);  // the analyst's, window 1, window 2
  CHECK(h.console.offenses[0].notes[1].rfind(service::noteMarker("proxy-ai-api", kWindow1, "a1"),
                                             0) == 0);
  CHECK(h.console.offenses[0].notes[1].find("2 new findings") != std::string::npos);
  CHECK(h.console.offenses[0].notes[2].rfind(service::noteMarker("proxy-ai-api", kWindow2, "a3"),
                                             0) == 0);
  CHECK(h.console.offenses[1].notes.empty());
  CHECK(h.console.offenses[2].notes.size() == 1);
  CHECK(h.console.offenses[3].notes.empty());
  CHECK(h.counted("added") == 3);
  CHECK(h.counted("no_offense") == 1);
  CHECK(h.counted("already_present") == 0);
  // Each source's offenses and each offense's notes are read once per batch.
  std::size_t gets = 0;
  for (const auto& line : h.transport.lines()) gets += line.rfind("GET ", 0) == 0 ? 1 : 0;
  CHECK(gets == 3 + 2);  // offenses of .1, .2, .3; notes of offenses 1 and 3
  // What the delivered line says of the 5 findings: 4 noted, 1 with no offense to note.
  CHECK(sink->deliveredDetail() == "4 noted, 1 without an open offense to note");

  // Redelivered (a crash before the outbox's commit): nothing is added.
  h.transport.requests.clear();
  REQUIRE(sink->deliver(batch));
  CHECK(h.posts() == 0);
  CHECK(h.console.offenses[0].notes.size() == 3);
  CHECK(h.counted("already_present") == 3);
  CHECK(sink->deliveredDetail() == "4 noted, 4 noted before, 2 without an open offense to note");
  // Later findings of a window already noted (the window spans two batches) get a note of
  // their own, and so does a new window; delivered again, they add nothing.
  const auto later = rowsOf(std::vector<json>{
      finding("a9", "10.0.0.1", kWindow2), finding("a8", "10.0.0.1", kWindow2),
      finding("b9", "10.0.0.2", "2026-11-26T17:30:00.000Z/2026-11-26T17:45:00.000Z")});
  REQUIRE(sink->deliver(later));
  REQUIRE(h.console.offenses[0].notes.size() == 4);
  CHECK(h.console.offenses[0].notes[3].rfind(
            service::noteMarker("proxy-ai-api", kWindow2, "a9") + " 2 new findings", 0) == 0);
  CHECK(h.console.offenses[2].notes.size() == 2);
  REQUIRE(sink->deliver(later));
  CHECK(h.console.offenses[0].notes.size() == 4);
  CHECK(h.console.offenses[2].notes.size() == 2);
  CHECK(h.connects == 1);
}

TEST_CASE("a console that refuses the offense_source filter: open offenses are read per batch",
          "[offense_notes]") {
  Harness h;
  h.console.refuse_source_filter = true;
  h.console.offenses = {{1, "10.0.0.1", "AI API use (aihunt)", "OPEN", {}},
                        {2, "10.0.0.2", "AI API use (aihunt)", "OPEN", {}},
                        {3, "10.0.0.9", "AI API use (aihunt)", "OPEN", {}},  // no finding of its
                        {4, "10.0.0.1", "AI API use (aihunt)", "CLOSED", {}}};
  auto sink = h.sink();
  REQUIRE(sink->deliver(rowsOf(std::vector<json>{finding("a1", "10.0.0.1", kWindow1),
                                                 finding("b1", "10.0.0.2", kWindow1),
                                                 finding("c1", "10.0.0.3", kWindow1)})));
  CHECK(h.console.offenses[0].notes.size() == 1);
  CHECK(h.console.offenses[1].notes.size() == 1);
  CHECK(h.console.offenses[2].notes.empty());
  CHECK(h.console.offenses[3].notes.empty());
  CHECK(h.counted("added") == 2);
  CHECK(h.counted("no_offense") == 1);
  // One refused filter, then one list of the open offenses for the three sources, newest first.
  std::size_t lists = 0;
  for (const auto& line : h.transport.lines()) {
    lists += line.rfind("GET /api/siem/offenses?", 0) == 0 ? 1 : 0;
  }
  CHECK(lists == 2);
  CHECK(h.console.sorts == std::vector<std::string>{"-last_updated_time"});

  // The next batch does not ask for the refused filter again.
  h.transport.requests.clear();
  REQUIRE(sink->deliver(rowsOf(std::vector<json>{finding("a2", "10.0.0.1", kWindow2)})));
  CHECK(h.console.offenses[0].notes.size() == 2);
  lists = 0;
  for (const auto& line : h.transport.lines()) {
    lists += line.rfind("GET /api/siem/offenses?", 0) == 0 ? 1 : 0;
  }
  CHECK(lists == 1);
  CHECK(h.console.sorts.size() == 2);
}

TEST_CASE("a console's other refusals of the offense list stay errors", "[offense_notes]") {
  Harness h;
  h.console.offenses = {{1, "10.0.0.1", "AI API use (aihunt)", "OPEN", {}}};
  testing::FakeHttpTransport refusing{[](const qradar::HttpRequest& /*r*/) {
    return jsonResponse(500, R"({"code":1020,"message":"down"})");
  }};
  service::OffenseNotesSinkOptions options;
  options.wait_for_offense = std::chrono::milliseconds(0);
  options.clock = &h.clock;
  service::OffenseNotesSink sink(
      options,
      [&]() -> core::Result<std::unique_ptr<service::QRadarConnection>> {
        return testing::fakeConnection(refusing, h.seams, "20.0");
      },
      quietLogger());
  CHECK_FALSE(sink.deliver(rowsOf(std::vector<json>{finding("a1", "10.0.0.1", kWindow1)})));
  // No fallback listing after a 500: the batch is kept for the outbox to retry.
  REQUIRE_FALSE(refusing.lines().empty());
  for (const auto& line : refusing.lines()) {
    CHECK(line.rfind("GET /api/siem/offenses?", 0) == 0);
    CHECK(line.find("sort=") == std::string::npos);
  }
}

TEST_CASE("a window noted by an older aihunt (one note per window) gets no second note",
          "[offense_notes]") {
  Harness h;
  h.console.offenses = {
      {1,
       "10.0.0.1",
       "aihunt\n",
       "OPEN",
       {service::legacyNoteMarker("proxy-ai-api", kWindow1) + " 2 new findings from 10.0.0.1."}}};
  auto sink = h.sink();
  REQUIRE(sink->deliver(rowsOf(std::vector<json>{finding("a1", "10.0.0.1", kWindow1),
                                                 finding("a2", "10.0.0.1", kWindow2)})));
  REQUIRE(h.console.offenses[0].notes.size() == 2);  // window 2's only
  CHECK(h.console.offenses[0].notes[1].rfind(service::noteMarker("proxy-ai-api", kWindow2, "a2"),
                                             0) == 0);
  CHECK(h.counted("already_present") == 1);
  CHECK(h.counted("added") == 1);
}

TEST_CASE("a source without an offense yet is tried again until wait_for_offense has passed",
          "[offense_notes]") {
  Harness h;
  h.console.offenses = {{1, "10.0.0.1", "aihunt\n", "OPEN", {}}};
  auto sink = h.sink(2000, std::chrono::minutes(10));
  const core::EpochMs now = core::toEpochMs(h.clock.now());
  auto batch = rowsOf(
      std::vector<json>{finding("a1", "10.0.0.1", kWindow1), finding("c1", "10.0.0.3", kWindow1),
                        finding("c2", "10.0.0.3", kWindow1), finding("d1", "10.0.0.4", kWindow1)});
  // c1 and c2 were first due a minute ago; d1 ten minutes ago, so its wait is over.
  for (auto& row : batch) row.first_due_at = row.due_at = now - 60'000;
  batch[3].first_due_at = batch[3].due_at = now - 600'000;
  REQUIRE(sink->deliver(batch));
  const auto retries = sink->takeRetries();
  CHECK(retries.rows == std::vector<std::int64_t>{batch[1].id, batch[2].id});
  CHECK_THAT(retries.why, Catch::Contains("no open aihunt offense"));
  CHECK(sink->takeRetries().rows.empty());  // taken once
  CHECK(h.counted("retry") == 1);           // one source and window
  CHECK(h.counted("no_offense") == 1);      // d1's
  CHECK(h.counted("added") == 1);
  // The findings tried again are not delivered yet: the detail does not count them.
  CHECK(sink->deliveredDetail() == "1 noted, 1 without an open offense to note");

  // Their offense appears: the next try notes it.
  h.console.offenses.push_back({2, "10.0.0.3", "aihunt\n", "OPEN", {}});
  h.clock.set(h.clock.now() + std::chrono::minutes(2));
  auto later = std::vector<state::OutboxRow>{batch[1], batch[2]};
  for (auto& row : later) row.due_at = now + 120'000;
  REQUIRE(sink->deliver(later));
  CHECK(sink->takeRetries().rows.empty());
  REQUIRE(h.console.offenses[1].notes.size() == 1);
  CHECK(h.console.offenses[1].notes[0].find("2 new findings") != std::string::npos);
  CHECK(sink->deliveredDetail() == "3 noted, 1 without an open offense to note");

  // Tried every `delay`, but never more often than every kMinRetry.
  CHECK(sink->retryAfter() == std::chrono::minutes(2));
  service::OffenseNotesSinkOptions at_once;
  at_once.delay = std::chrono::milliseconds(0);
  const service::OffenseNotesSink quick(at_once, h.connector(), quietLogger());
  CHECK(quick.retryAfter() == service::OffenseNotesSink::kMinRetry);
  at_once.wait_for_offense = std::chrono::milliseconds(0);  // never tried again
  const service::OffenseNotesSink never(at_once, h.connector(), quietLogger());
  CHECK(never.retryAfter() == std::chrono::milliseconds(0));
}

TEST_CASE("with wait_for_offense 0s, or a failed batch, nothing is tried again",
          "[offense_notes]") {
  Harness h;
  auto never = h.sink();
  REQUIRE(never->deliver(rowsOf(std::vector<json>{finding("c1", "10.0.0.3", kWindow1)})));
  CHECK(never->takeRetries().rows.empty());
  CHECK(h.counted("no_offense") == 1);
  CHECK(h.counted("retry") == 0);

  // A batch that fails is delivered again as a whole: it leaves nothing to try again.
  h.console.offenses = {{1, "10.0.0.1", "aihunt\n", "OPEN", {}}};
  h.console.fail_adds_after = 0;
  auto waiting = h.sink(2000, std::chrono::minutes(10));
  REQUIRE_FALSE(waiting->deliver(rowsOf(std::vector<json>{finding("c1", "10.0.0.3", kWindow1),
                                                          finding("a1", "10.0.0.1", kWindow1)})));
  CHECK(waiting->takeRetries().rows.empty());
}

TEST_CASE("a source whose open offenses all have another description is told apart",
          "[offense_notes]") {
  Harness h;
  h.console.offenses = {{1, "10.0.0.5", "Excessive Firewall Denies\n", "OPEN", {}},
                        {2, "10.0.0.6", "AI API use (aihunt)\n", "OPEN", {}}};
  auto sink = h.sink();
  REQUIRE(sink->deliver(rowsOf(std::vector<json>{
      finding("a1", "10.0.0.5", kWindow1), finding("a2", "10.0.0.5", kWindow1),
      finding("b1", "10.0.0.6", kWindow1), finding("c1", "10.0.0.7", kWindow1)})));
  CHECK(h.console.offenses[0].notes.empty());
  CHECK(h.console.offenses[1].notes.size() == 1);
  CHECK(h.counted("no_offense") == 2);
  // Of the three findings without an offense to note, the two of 10.0.0.5 had one: its
  // description is what kept it out, which waiting longer cannot change.
  CHECK(sink->deliveredDetail() ==
        "1 noted, 3 without an open offense to note, 2 of them beside open offenses not "
        "aihunt's");
  // The name that kept it out is warned of at once, once.
  CHECK(sink->otherDescriptionsSaid() == std::set<std::string>{"Excessive Firewall Denies"});
}

TEST_CASE("an offense another rule named is noted when aihunt's rule contributed to it",
          "[offense_notes]") {
  // QRadar keeps one open offense per source IP: aihunt's events join an offense another rule
  // opened, which keeps that rule's name and lists both rules.
  Harness h;
  h.console.rule_names = {{100101, "AIHUNT: T1588.007 AI API use from a script"},
                          {5001, "Excessive Firewall Denies"},
                          {5002, "Host Port Scan"}};
  h.console.offenses = {{1, "10.0.0.5", "Excessive Firewall Denies\n", "OPEN", {}},
                        {2, "10.0.0.6", "Host Port Scan\n", "OPEN", {}},
                        {3, "10.0.0.7", "Excessive Firewall Denies\n", "OPEN", {}},
                        {4, "10.0.0.8", "Old rule\n", "OPEN", {}}};
  // 7777: a rule id the console does not list (deleted since): not aihunt's.
  h.console.rules_of = {{1, {5001, 100101}}, {2, {5002}}, {3, {100101, 5001}}, {4, {7777}}};
  auto sink = h.sink();
  REQUIRE(sink->deliver(rowsOf(std::vector<json>{
      finding("a1", "10.0.0.5", kWindow1), finding("b1", "10.0.0.6", kWindow1),
      finding("c1", "10.0.0.7", kWindow1), finding("d1", "10.0.0.8", kWindow1)})));
  CHECK(h.console.offenses[0].notes.size() == 1);
  CHECK(h.console.offenses[1].notes.empty());
  CHECK(h.console.offenses[2].notes.size() == 1);
  CHECK(h.console.offenses[3].notes.empty());
  CHECK(sink->deliveredDetail() ==
        "2 noted, 2 without an open offense to note, 2 of them beside open offenses not "
        "aihunt's");
  // Each rule id is asked for once: 5001 and 100101 with the first source, 5002, then 7777.
  using Ids = std::set<std::int64_t>;
  CHECK(h.console.rule_asks == std::vector<Ids>{Ids{5001, 100101}, Ids{5002}, Ids{7777}});
  // Known names are kept: a later batch asks for none of them again; nor, for ten minutes,
  // for a rule the console did not list.
  REQUIRE(sink->deliver(rowsOf(std::vector<json>{finding("a2", "10.0.0.5", kWindow2),
                                                 finding("d2", "10.0.0.8", kWindow2)})));
  CHECK(h.console.offenses[0].notes.size() == 2);
  CHECK(h.console.rule_asks.size() == 3);
  // Ten minutes on, the unlisted rule is asked for again: now listed (the token may see it, or
  // it was renamed into sight), and its offense is aihunt's.
  h.console.rule_names[7777] = "AIHUNT (renamed)";
  h.clock.set(h.clock.now() + std::chrono::minutes(10));
  REQUIRE(sink->deliver(rowsOf(std::vector<json>{finding("d3", "10.0.0.8", kWindow2)})));
  CHECK(h.console.rule_asks.back() == Ids{7777});
  CHECK(h.console.offenses[3].notes.size() == 1);
}

TEST_CASE("names already known still tell while the console refuses new ones", "[offense_notes]") {
  Harness h;
  h.console.rule_names = {{100101, "AIHUNT: T1588.007"}, {5005, "Host Port Scan"}};
  h.console.offenses = {{1, "10.0.0.5", "Excessive Firewall Denies\n", "OPEN", {}}};
  h.console.rules_of = {{1, {100101}}};
  auto sink = h.sink();
  REQUIRE(sink->deliver(rowsOf(std::vector<json>{finding("a1", "10.0.0.5", kWindow1)})));
  CHECK(h.console.offenses[0].notes.size() == 1);
  // A new offense with a rule not known yet, and a console that now refuses: aihunt's rule,
  // known, still makes it aihunt's.
  h.console.offenses.push_back({2, "10.0.0.6", "Host Port Scan\n", "OPEN", {}});
  h.console.rules_of[2] = {5005, 100101};
  h.console.rules_status = 403;
  REQUIRE(sink->deliver(rowsOf(std::vector<json>{finding("b1", "10.0.0.6", kWindow1)})));
  CHECK(h.ruleRequests() == 2);
  CHECK(h.console.offenses[1].notes.size() == 1);
}

TEST_CASE("a console that refuses the offense_source filter: offenses told by rules too",
          "[offense_notes]") {
  Harness h;
  h.console.refuse_source_filter = true;
  h.console.rule_names = {{100101, "AIHUNT: T1588.007"}, {5001, "Excessive Firewall Denies"}};
  h.console.offenses = {{1, "10.0.0.5", "Excessive Firewall Denies\n", "OPEN", {}},
                        {2, "10.0.0.6", "Excessive Firewall Denies\n", "OPEN", {}}};
  h.console.rules_of = {{1, {5001, 100101}}, {2, {5001}}};
  auto sink = h.sink();
  REQUIRE(sink->deliver(rowsOf(std::vector<json>{finding("a1", "10.0.0.5", kWindow1),
                                                 finding("b1", "10.0.0.6", kWindow1)})));
  CHECK(h.console.offenses[0].notes.size() == 1);
  CHECK(h.console.offenses[1].notes.empty());
  CHECK(h.ruleRequests() == 1);  // 5001 and 100101, once
}

TEST_CASE("a console that will not name rules leaves the description alone to tell",
          "[offense_notes]") {
  Harness h;
  h.console.rule_names = {{100101, "AIHUNT: T1588.007"}};
  h.console.offenses = {{1, "10.0.0.5", "Excessive Firewall Denies\n", "OPEN", {}},
                        {2, "10.0.0.6", "aihunt: AI API contacted\n", "OPEN", {}}};
  h.console.rules_of = {{1, {100101}}, {2, {100101}}};
  SECTION("403: not asked again, and the batch is delivered") {
    h.console.rules_status = 403;
    auto sink = h.sink();
    const auto rows = rowsOf(std::vector<json>{finding("a1", "10.0.0.5", kWindow1),
                                               finding("b1", "10.0.0.6", kWindow1)});
    REQUIRE(sink->deliver(rows));
    CHECK(h.console.offenses[0].notes.empty());
    CHECK(h.console.offenses[1].notes.size() == 1);
    CHECK(h.ruleRequests() == 1);
    REQUIRE(sink->deliver(rowsOf(std::vector<json>{finding("a2", "10.0.0.5", kWindow2)})));
    CHECK(h.ruleRequests() == 1);
    CHECK(h.console.offenses[0].notes.empty());
    // Ten minutes later (the role may have been given the capability meanwhile), asked again.
    h.console.rules_status = 200;
    h.clock.set(h.clock.now() + std::chrono::minutes(9));
    REQUIRE(sink->deliver(rowsOf(std::vector<json>{finding("a3", "10.0.0.5", kWindow2)})));
    CHECK(h.ruleRequests() == 1);
    h.clock.set(h.clock.now() + std::chrono::minutes(1));
    REQUIRE(sink->deliver(rowsOf(std::vector<json>{finding("a4", "10.0.0.5", kWindow2)})));
    CHECK(h.ruleRequests() == 2);
    CHECK(h.console.offenses[0].notes.size() == 1);
  }
  SECTION("no answer in time: the batch fails and is delivered again later") {
    h.console.rules_status = 504;
    auto sink = h.sink();
    REQUIRE_FALSE(sink->deliver(rowsOf(std::vector<json>{finding("a1", "10.0.0.5", kWindow1)})));
    CHECK(h.console.offenses[0].notes.empty());
  }
  SECTION("400, another refusal: the description alone tells, the batch is delivered") {
    h.console.rules_status = 400;
    auto sink = h.sink();
    REQUIRE(sink->deliver(rowsOf(std::vector<json>{finding("a1", "10.0.0.5", kWindow1)})));
    CHECK(h.console.offenses[0].notes.empty());
  }
  SECTION("503: the batch fails and is delivered again later, when the names are read") {
    h.console.rules_status = 503;
    auto sink = h.sink();
    const auto rows = rowsOf(std::vector<json>{finding("a1", "10.0.0.5", kWindow1)});
    REQUIRE_FALSE(sink->deliver(rows));
    CHECK(h.console.offenses[0].notes.empty());
    h.console.rules_status = 200;
    REQUIRE(sink->deliver(rows));
    CHECK(h.console.offenses[0].notes.size() == 1);
  }
  SECTION("an answer that is not a list of rules: a refusal, not a batch kept for ever") {
    h.console.rules_not_a_list = true;
    auto sink = h.sink();
    REQUIRE(sink->deliver(rowsOf(std::vector<json>{finding("a1", "10.0.0.5", kWindow1)})));
    CHECK(h.console.offenses[0].notes.empty());
    REQUIRE(sink->deliver(rowsOf(std::vector<json>{finding("a2", "10.0.0.5", kWindow2)})));
    CHECK(h.ruleRequests() == 1);
  }
  SECTION("match_rule '': rules are never asked for") {
    h.match_rule = "";
    auto sink = h.sink();
    REQUIRE(sink->deliver(rowsOf(std::vector<json>{finding("a1", "10.0.0.5", kWindow1),
                                                   finding("b1", "10.0.0.6", kWindow1)})));
    CHECK(h.console.offenses[0].notes.empty());
    CHECK(h.console.offenses[1].notes.size() == 1);
    CHECK(h.ruleRequests() == 0);
  }
  SECTION("a match_rule no rule's name holds") {
    h.match_rule = "Proxy";
    auto sink = h.sink();
    REQUIRE(sink->deliver(rowsOf(std::vector<json>{finding("a1", "10.0.0.5", kWindow1)})));
    CHECK(h.console.offenses[0].notes.empty());
    CHECK(h.ruleRequests() == 1);
  }
}

TEST_CASE("an offense named otherwise is warned of when first seen, not when the wait ends",
          "[offense_notes]") {
  // A trial: offenses named "Unknown" (aihunt's events unmapped) were only "no open aihunt
  // offense yet" for 30 minutes of retries.
  Harness h;
  h.console.offenses = {{1, "10.0.0.5", "Unknown\n", "OPEN", {}},
                        {2, "10.0.0.5", "Unknown\n", "OPEN", {}},
                        {3, "10.0.0.6", "Host Port Scan\n", "OPEN", {}},
                        // Another rule's offense beside aihunt's: the usual case, not warned of.
                        {4, "10.0.0.7", "Excessive Firewall Denies\n", "OPEN", {}},
                        {5, "10.0.0.7", "aihunt: AI API contacted\n", "OPEN", {}}};
  auto sink = h.sink(2000, std::chrono::minutes(30));
  auto rows = rowsOf(std::vector<json>{finding("a1", "10.0.0.5", kWindow1),
                                       finding("b1", "10.0.0.6", kWindow1),
                                       finding("c1", "10.0.0.7", kWindow1)});
  const core::EpochMs now = core::toEpochMs(h.clock.now());
  for (auto& row : rows) row.first_due_at = row.due_at = now - 60'000;
  REQUIRE(sink->deliver(rows));
  CHECK(sink->takeRetries().rows.size() == 2);  // still waiting for aihunt's offenses
  CHECK(sink->otherDescriptionsSaid() == std::set<std::string>{"Unknown", "Host Port Scan"});
  CHECK(h.console.offenses[4].notes.size() == 1);
  rows.pop_back();
  REQUIRE(sink->deliver(rows));
  CHECK(sink->otherDescriptionsSaid().size() == 2);
  for (std::size_t i = 0; i < 4; ++i) CHECK(h.console.offenses[i].notes.empty());
}

TEST_CASE("a token without the Offenses capability is named as such, and the batch kept",
          "[offense_notes]") {
  Harness h;
  h.console.forbid = true;
  auto sink = h.sink();
  auto delivered = sink->deliver(rowsOf(std::vector<json>{finding("a1", "10.0.0.5", kWindow1)}));
  REQUIRE_FALSE(delivered);
  CHECK(delivered.error().code == core::ErrorCode::kAuth);
  CHECK_THAT(delivered.error().message, Catch::Contains("lacks the Offenses capability"));
  CHECK(sink->takeDeliveredOfFailed().empty());  // nothing leaves the outbox
}

TEST_CASE("a note quoting a marker in its body does not count as that window's note",
          "[offense_notes]") {
  Harness h;
  const std::string forged =
      "user said: " + service::noteMarker("proxy-ai-api", kWindow1, "a1") + " nothing to see";
  h.console.offenses = {{1, "10.0.0.1", "aihunt\n", "OPEN", {forged}}};
  auto sink = h.sink();
  REQUIRE(sink->deliver(rowsOf(std::vector<json>{finding("a1", "10.0.0.1", kWindow1)})));
  CHECK(h.console.offenses[0].notes.size() == 2);
  CHECK(h.counted("added") == 1);
}

TEST_CASE("a failure keeps the batch; the retry adds only the missing notes", "[offense_notes]") {
  Harness h;
  h.console.offenses = {{1, "10.0.0.1", "aihunt\n", "OPEN", {}},
                        {2, "10.0.0.2", "aihunt\n", "OPEN", {}}};
  h.console.fail_adds_after = 1;
  auto sink = h.sink();
  const auto batch = rowsOf(
      std::vector<json>{finding("a1", "10.0.0.1", kWindow1), finding("b1", "10.0.0.2", kWindow1)});
  const auto failed = sink->deliver(batch);
  REQUIRE_FALSE(failed);
  CHECK(failed.error().message.find("offense 2") != std::string::npos);
  CHECK(h.console.offenses[0].notes.size() == 1);
  CHECK(h.console.offenses[1].notes.empty());
  // The group noted before the failure is finished: its rows leave the outbox, and it counts.
  CHECK(sink->takeDeliveredOfFailed() == std::vector<std::int64_t>{batch[0].id});
  CHECK(sink->takeDeliveredOfFailed().empty());  // taken once
  CHECK(sink->takeRetries().rows.empty());
  CHECK(sink->deliveredDetail() == "1 noted");
  h.console.fail_adds_after = -1;
  // Delivered again as a whole (a crash before the outbox removed a1's row): the marker stops
  // a second note.
  REQUIRE(sink->deliver(batch));
  CHECK(sink->takeDeliveredOfFailed().empty());  // a batch that succeeds leaves as a whole
  CHECK(h.console.offenses[0].notes.size() == 1);
  CHECK(h.console.offenses[1].notes.size() == 1);
  CHECK(h.connects == 2);  // a new connection after the failure
  CHECK(h.counted("added") == 2);
  CHECK(h.counted("already_present") == 1);
  CHECK(sink->deliveredDetail() == "2 noted, 1 noted before");
}

TEST_CASE("a window's part noted before a failure gets no second note when more rows come due",
          "[offense_notes]") {
  // The batch read again after a failure may hold other rows: rows tried again that came due
  // meanwhile, or later rows of the same window. Its noted part left the outbox at the failure,
  // so the next batch holds only findings not noted yet.
  Harness h;
  h.console.offenses = {{1, "10.0.0.1", "aihunt\n", "OPEN", {}},
                        {2, "10.0.0.2", "aihunt\n", "OPEN", {}}};
  h.console.fail_adds_after = 1;
  auto sink = h.sink();
  auto batch = rowsOf(
      std::vector<json>{finding("a1", "10.0.0.1", kWindow1), finding("a2", "10.0.0.1", kWindow1),
                        finding("b1", "10.0.0.2", kWindow1), finding("a3", "10.0.0.1", kWindow1)});
  REQUIRE_FALSE(sink->deliver(batch));
  const auto through = sink->takeDeliveredOfFailed();
  CHECK(through == std::vector<std::int64_t>{batch[0].id, batch[1].id, batch[3].id});
  REQUIRE(h.console.offenses[0].notes.size() == 1);
  CHECK(h.console.offenses[0].notes[0].find("3 new findings") != std::string::npos);
  // What the outbox delivers next: b1, and a later finding of a's window.
  h.console.fail_adds_after = -1;
  auto later = rowsOf(
      std::vector<json>{finding("b1", "10.0.0.2", kWindow1), finding("a4", "10.0.0.1", kWindow1)});
  later[0].id = batch[2].id;
  later[1].id = batch[3].id + 1;
  REQUIRE(sink->deliver(later));
  REQUIRE(h.console.offenses[0].notes.size() == 2);
  CHECK(h.console.offenses[0].notes[1].rfind(
            service::noteMarker("proxy-ai-api", kWindow1, "a4") + " 1 new finding", 0) == 0);
  CHECK(h.console.offenses[1].notes.size() == 1);
  CHECK(sink->deliveredDetail() == "5 noted");
}

TEST_CASE("a batch without findings that have a source IP makes no request", "[offense_notes]") {
  Harness h;
  auto sink = h.sink();
  REQUIRE(sink->deliver(rowsOf(std::vector<json>{finding("n", "", kWindow1)})));
  REQUIRE(sink->deliver(rowsOf(std::vector<std::string>{"not json"})));
  CHECK(h.transport.requests.empty());
  CHECK(h.connects == 0);
  CHECK(sink->deliveredDetail() == "1 without a source IP");
}

TEST_CASE("the ledger gives each outbox payload its hunt window", "[offense_notes][ledger]") {
  // The daemon's LedgerWriter appends "window" to the finding JSON; the payload stays one object.
  namespace fs = std::filesystem;
  std::string dir = (fs::temp_directory_path() / "aihunt-notes-ledger-XXXXXX").string();
  REQUIRE(mkdtemp(dir.data()) != nullptr);
  {
    auto store = state::StateStore::open(dir + "/state.db", state::OpenOptions{});
    REQUIRE(store);
    detection::DetectionSettings settings;
    service::LedgerWriter writer(**store, settings, "proxy-ai-api", {"offense_notes"}, 1'000,
                                 /*first_seen=*/false);
    writer.setWindow(*core::parseTimestamp("2026-11-26T17:00:00Z"),
                     *core::parseTimestamp("2026-11-26T17:15:00Z"));
    detection::Finding f;
    f.finding_id = "abc";
    f.hunt = "proxy-ai-api";
    f.source_ip = "10.0.0.1";
    f.event_time = "2026-11-26T17:03:08.000Z";
    REQUIRE(writer.write(f));
    state::WindowRecord record;
    REQUIRE(writer.complete(record));
    auto rows = (*store)->pending("offense_notes", 10);
    REQUIRE(rows);
    REQUIRE(rows->size() == 1);
    const json payload = json::parse(rows->at(0).payload);
    CHECK(payload["window"] == kWindow1);
    CHECK(payload["finding_id"] == "abc");
    const auto grouped = service::groupFindingsForNotes(*rows);
    REQUIRE(grouped.groups.size() == 1);
    CHECK(grouped.groups[0].window == kWindow1);
  }
  fs::remove_all(dir);
}

TEST_CASE("config: outputs.offense_notes", "[offense_notes][config]") {
  const std::string head = "qradar: {url: 'https://qradar.example.com'}\noutputs:\n";
  // enabled, match_description, max_note_chars of a config that loads.
  const auto notesOf = [&](const std::string& section) {
    auto outcome = loadYaml(head + section);
    REQUIRE(outcome.ok());
    const auto& notes = outcome.config->outputs.offense_notes;
    return std::make_tuple(notes.enabled, notes.match_description, notes.max_note_chars);
  };
  CHECK(notesOf("  offense_notes: {enabled: true}\n") ==
        std::make_tuple(true, std::string("aihunt"), std::int64_t{2000}));
  CHECK(notesOf("  offense_notes:\n    enabled: true\n    match_description: 'AIHUNT: T1588.007'\n"
                "    max_note_chars: 500\n") ==
        std::make_tuple(true, std::string("AIHUNT: T1588.007"), std::int64_t{500}));
  // Above 2000 (the earlier bound was 100000): cut, with a warning on the key; not refused,
  // so that a daemon's restart or reload with an older config goes on (a review).
  auto long_notes =
      loadYaml(head + "  offense_notes:\n    enabled: true\n    max_note_chars: 4000\n");
  REQUIRE(long_notes.ok());
  CHECK(long_notes.config->outputs.offense_notes.max_note_chars == 2000);
  REQUIRE(long_notes.warnings.size() == 1);
  CHECK(long_notes.warnings[0].path == "outputs.offense_notes.max_note_chars");
  auto bad = loadYaml(head +
                      "  offense_notes:\n    match_description: ''\n    max_note_chars: 50\n"
                      "    extra: 1\n");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.errors.size() == 3);
  std::string all;
  for (const auto& error : bad.errors) all += error.describe() + "\n";
  CHECK(all.find("outputs.offense_notes.match_description") != std::string::npos);
  CHECK(all.find("outputs.offense_notes.max_note_chars") != std::string::npos);
  CHECK(all.find("outputs.offense_notes.extra") != std::string::npos);
  // match_rule: aihunt by default, may be empty (off), but not blank, long or unprintable.
  const auto ruleOf = [&](const std::string& section) {
    auto outcome = loadYaml(head + section);
    return outcome.ok()
               ? std::optional<std::string>(outcome.config->outputs.offense_notes.match_rule)
               : std::nullopt;
  };
  CHECK(ruleOf("  offense_notes: {enabled: true}\n") == "aihunt");
  CHECK(ruleOf("  offense_notes: {match_rule: ''}\n") == "");
  CHECK(ruleOf("  offense_notes: {match_rule: 'AIHUNT: T1588.007'}\n") == "AIHUNT: T1588.007");
  CHECK(ruleOf("  offense_notes: {match_rule: '  '}\n") == std::nullopt);
  // Spaces at its ends: kept, with a warning (a trial's '  aihunt ' matched no rule).
  auto spaced = loadYaml(head + "  offense_notes: {enabled: true, match_rule: '  aihunt '}\n");
  REQUIRE(spaced.ok());
  CHECK(spaced.config->outputs.offense_notes.match_rule == "  aihunt ");
  REQUIRE(spaced.warnings.size() == 1);
  CHECK(spaced.warnings[0].path == "outputs.offense_notes.match_rule");
  CHECK(ruleOf("  offense_notes: {match_rule: \"a\\tb\"}\n") == std::nullopt);
  CHECK(ruleOf("  offense_notes: {match_rule: '" + std::string(256, 'x') + "'}\n") == std::nullopt);
}

// The grouping rules of incidents, pinned on generated findings: identity folding, buckets,
// duplicate records of one event, corroboration, partial actors and a deterministic order.
#include <catch2/catch.hpp>

#include <algorithm>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "core/time.h"
#include "detection/identity.h"
#include "detection/incident_json.h"
#include "detection/incidents.h"
#include "detection/telemetry_source.h"

using aihunt::detection::correlateFindings;
using aihunt::detection::Finding;
using aihunt::detection::Incident;
using aihunt::detection::IncidentOptions;
using aihunt::detection::Severity;
using aihunt::detection::Signal;

namespace {

constexpr std::int64_t kMinute = 60'000;
constexpr std::int64_t kBase = 1'795'684'200'000;  // 2026-11-26T06:30:00Z, a bucket start

// A Sysmon process-creation finding of `user` on `host` at `ms`.
Finding endpoint(const std::string& user, const std::string& host, std::int64_t ms, int score = 70,
                 const std::string& log_source = "Sysmon @ " + std::string("X")) {
  static int serial = 0;
  Finding f;
  f.finding_id = "f" + std::to_string(++serial);
  f.hunt = "endpoint-process";
  f.event_time = aihunt::core::formatIso8601(ms);
  f.username = user;
  f.host = host;
  f.source_ip = "10.0.0.1";
  f.domain = "api.openai.com";
  f.provider = "openai";
  f.process_name = "powershell.exe";
  f.signals.add(Signal::kNonBrowserAiApi);
  f.risk_score = score;
  f.severity = score >= 85 ? Severity::kCritical : score >= 60 ? Severity::kHigh : Severity::kLow;
  f.log_source = log_source;
  f.event_category = "Process Creation";
  f.evidence = "powershell -c iwr https://api.openai.com/v1/models";
  return f;
}

Finding proxy(const Finding& from, std::int64_t ms, int score = 60) {
  Finding f = from;
  f.finding_id += "p";
  f.hunt = "proxy-ai-api";
  f.event_time = aihunt::core::formatIso8601(ms);
  f.log_source = "Bluecoat Proxy";
  f.event_category = "Web Access";
  f.evidence.clear();
  f.risk_score = score;
  f.severity = Severity::kHigh;
  return f;
}

IncidentOptions options() { return IncidentOptions{}; }

}  // namespace

TEST_CASE("a user's domain, UPN and bare forms are one actor, shown in the qualified form") {
  std::mt19937 rng(13);
  for (int i = 0; i < 50; ++i) {
    std::string name = "user" + std::to_string(i);
    std::string shouted = name;
    if (rng() % 2 == 0) shouted[0] = 'U';
    const std::vector<Finding> findings = {
        endpoint("CORP\\" + shouted, "WS-1", kBase + kMinute),
        proxy(endpoint(name, "ws-1.corp.example.com", kBase + kMinute), kBase + 2 * kMinute),
        proxy(endpoint(name + "@corp.example.com", "", kBase), kBase + 3 * kMinute)};
    const auto incidents = correlateFindings(findings, options());
    REQUIRE(incidents.size() == 1);
    CHECK(incidents[0].actor.user == name);
    CHECK(incidents[0].actor.user_display == "CORP\\" + shouted);
    CHECK(incidents[0].actor.host == "WS-1");  // the shortest spelling
    CHECK(incidents[0].finding_ids.size() == 3);
  }
  CHECK(aihunt::detection::userKey("N/A").empty());
  CHECK(aihunt::detection::userKey(" CORP\\JDoe ") == "jdoe");
  CHECK(aihunt::detection::hostKey("10.1.2.3") == "10.1.2.3");
}

TEST_CASE("different users, hosts or processes are different incidents") {
  const Finding a = endpoint("CORP\\jdoe", "WS-1", kBase);
  Finding other_user = endpoint("CORP\\asmith", "WS-1", kBase + 1000);
  Finding other_host = endpoint("CORP\\jdoe", "WS-2", kBase + 2000);
  Finding other_process = endpoint("CORP\\jdoe", "WS-1", kBase + 3000);
  other_process.process_name = "curl.exe";
  Finding other_provider = endpoint("CORP\\jdoe", "WS-1", kBase + 4000);
  other_provider.provider = "anthropic";
  const auto incidents =
      correlateFindings({a, other_user, other_host, other_process, other_provider}, options());
  CHECK(incidents.size() == 5);
}

TEST_CASE("a name with nothing where the user should be is one actor of its own") {
  // `CORP\alice\` and `CORP\bob\` (a hostile or broken value) once had an empty key, "no
  // user": both joined carol's incident on the shared host and IP, and carol was named for all.
  const std::vector<Finding> findings = {
      endpoint("CORP\\alice\\", "WS-1", kBase), endpoint("CORP\\bob\\", "WS-1", kBase + 1000),
      endpoint("CORP\\carol", "WS-1", kBase + 2000), endpoint("CORP\\", "WS-1", kBase + 3000),
      endpoint("@corp.example.com", "WS-1", kBase + 4000)};
  const auto incidents = correlateFindings(findings, options());
  REQUIRE(incidents.size() == 5);
  std::set<std::string> users;
  for (const auto& incident : incidents) {
    CHECK(incident.finding_ids.size() == 1);
    users.insert(incident.actor.user);
  }
  CHECK(users == std::set<std::string>{"corp\\alice\\", "corp\\bob\\", "carol", "corp\\",
                                       "@corp.example.com"});
  CHECK(aihunt::detection::userKey("mallory\\ ") == "mallory\\");
  CHECK(aihunt::detection::userKey("CORP\\-").empty());  // a placeholder stays "no user"
}

TEST_CASE("buckets: fixed windows from the epoch, the last millisecond in, the next one out") {
  for (const std::int64_t window : {kMinute, 10 * kMinute, 60 * kMinute}) {
    IncidentOptions o;
    o.window_ms = window;
    for (int k = 0; k < 5; ++k) {
      const std::int64_t start = (kBase / window + k) * window;
      Finding first = endpoint("CORP\\jdoe", "WS-1", start);
      Finding last = proxy(first, start + window - 1);
      Finding next = proxy(first, start + window);
      next.finding_id += "n";
      CHECK(correlateFindings({first, last}, o).size() == 1);
      const auto split = correlateFindings({first, last, next}, o);
      REQUIRE(split.size() == 2);
      CHECK(split[0].incident_id != split[1].incident_id);
    }
  }
}

TEST_CASE("Sysmon 1 and 4688 of one process are one event; a later run is another") {
  const Finding sysmon = endpoint("CORP\\jdoe", "WS-1", kBase + kMinute);
  Finding security = sysmon;
  security.finding_id = "sec";
  security.log_source = "Microsoft Windows Security Event Log @ WS-1";
  security.event_time = aihunt::core::formatIso8601(kBase + kMinute + 2000);
  auto incidents = correlateFindings({sysmon, security}, options());
  REQUIRE(incidents.size() == 1);
  CHECK(incidents[0].events == 1);
  CHECK(incidents[0].finding_ids.size() == 2);
  CHECK(incidents[0].sources == std::vector<std::string>{"4688", "Sysmon 1"});

  Finding rerun = security;
  rerun.finding_id = "rerun";
  rerun.event_time = aihunt::core::formatIso8601(kBase + kMinute + 60'000);
  incidents = correlateFindings({sysmon, security, rerun}, options());
  REQUIRE(incidents.size() == 1);
  CHECK(incidents[0].events == 2);

  // Records of one event that straddle a bucket edge stay one incident: the event's first
  // record places it.
  const std::int64_t edge = kBase + 10 * kMinute;
  Finding before = endpoint("CORP\\jdoe", "WS-1", edge - 1000);
  Finding after = before;
  after.finding_id = "after";
  after.log_source = "Microsoft Windows Security Event Log @ WS-1";
  after.event_time = aihunt::core::formatIso8601(edge + 1000);
  CHECK(correlateFindings({before, after}, options()).size() == 1);
  // Two records of one log source are two events, however close.
  Finding twin = before;
  twin.finding_id = "twin";
  twin.event_time = aihunt::core::formatIso8601(edge - 500);
  const auto twins = correlateFindings({before, twin}, options());
  REQUIRE(twins.size() == 1);
  CHECK(twins[0].events == 2);
}

TEST_CASE("corroboration: a bonus per independent telemetry family, capped at 100") {
  for (int score = 0; score <= 100; score += 5) {
    const Finding a = endpoint("CORP\\jdoe", "WS-1", kBase, score);
    Finding same_family = a;
    same_family.finding_id = "b";
    same_family.log_source = "Microsoft Windows PowerShell @ WS-1";
    same_family.event_category = "Script Block Logging";
    same_family.evidence = "other";
    const auto endpoint_only = correlateFindings({a, same_family}, options());
    REQUIRE(endpoint_only.size() == 1);
    CHECK(endpoint_only[0].risk_score == score);

    const auto both = correlateFindings({a, proxy(a, kBase + 1000, 0)}, options());
    REQUIRE(both.size() == 1);
    CHECK(both[0].risk_score == std::min(100, score + 10));
    CHECK(both[0].severity == aihunt::detection::severityForRisk(both[0].risk_score, {}));
    CHECK(both[0].sources == std::vector<std::string>{"Sysmon 1", "proxy"});
  }
}

TEST_CASE("a record that knows only the source IP joins the one incident it fits") {
  const Finding a = endpoint("CORP\\jdoe", "WS-1", kBase);
  Finding zeek = proxy(a, kBase + 1000, 40);
  zeek.username.clear();
  zeek.host.clear();
  zeek.process_name.clear();
  zeek.log_source = "Zeek @ nsm-01";
  zeek.event_category = "SSL";
  auto incidents = correlateFindings({a, zeek}, options());
  REQUIRE(incidents.size() == 1);
  CHECK(incidents[0].sources == std::vector<std::string>{"Sysmon 1", "Zeek"});
  CHECK(incidents[0].process == "powershell");

  // Two people behind one address: the wire record cannot say whose it is, and stays apart.
  const Finding b = endpoint("CORP\\asmith", "WS-2", kBase + 500);
  incidents = correlateFindings({a, b, zeek}, options());
  CHECK(incidents.size() == 3);
}

TEST_CASE("the same findings in any order give the same incidents, sorted by severity then time") {
  std::vector<Finding> findings;
  for (int i = 0; i < 40; ++i) {
    const std::string user = "CORP\\u" + std::to_string(i % 7);
    Finding f = endpoint(user, "WS-" + std::to_string(i % 7), kBase + i * 37'000, 30 + i * 7 % 70);
    findings.push_back(f);
    if (i % 3 == 0) findings.push_back(proxy(f, kBase + i * 37'000 + 900, 50));
  }
  const auto reference = correlateFindings(findings, options());
  std::string reference_json;
  for (const auto& incident : reference)
    aihunt::detection::appendIncidentJson(reference_json, incident);
  std::mt19937 rng(14);
  for (int round = 0; round < 20; ++round) {
    std::shuffle(findings.begin(), findings.end(), rng);
    std::string json;
    for (const auto& incident : correlateFindings(findings, options())) {
      aihunt::detection::appendIncidentJson(json, incident);
    }
    CHECK(json == reference_json);
  }
  std::set<std::string> ids;
  std::size_t total = 0;
  for (std::size_t i = 0; i < reference.size(); ++i) {
    ids.insert(reference[i].incident_id);
    total += reference[i].finding_ids.size();
    if (i == 0) continue;
    const Incident& a = reference[i - 1];
    const Incident& b = reference[i];
    CHECK(static_cast<int>(a.severity) >= static_cast<int>(b.severity));
    if (a.severity == b.severity && a.risk_score == b.risk_score) {
      CHECK(a.first_seen <= b.first_seen);
    }
  }
  CHECK(ids.size() == reference.size());
  CHECK(total == findings.size());  // every finding in exactly one incident
}

TEST_CASE("suppressed findings group apart and keep their exception ids") {
  const Finding a = endpoint("CORP\\jdoe", "WS-1", kBase);
  Finding suppressed = proxy(a, kBase + 1000);
  suppressed.suppressed = true;
  suppressed.exception = "fp-build-agents";
  const auto incidents = correlateFindings({a, suppressed}, options());
  REQUIRE(incidents.size() == 2);
  const auto it = std::find_if(incidents.begin(), incidents.end(),
                               [](const Incident& i) { return i.suppressed; });
  REQUIRE(it != incidents.end());
  CHECK(it->exceptions == std::vector<std::string>{"fp-build-agents"});
}

TEST_CASE("telemetry sources by log source and category, else by hunt") {
  using aihunt::detection::TelemetryFamily;
  using aihunt::detection::telemetrySource;
  struct Case {
    const char* log_source;
    const char* category;
    const char* hunt;
    const char* label;
    TelemetryFamily family;
  };
  const std::vector<Case> cases = {
      {"Sysmon @ WS-1", "Process Creation", "", "Sysmon 1", TelemetryFamily::kEndpoint},
      {"Sysmon @ WS-1", "Network Connection", "", "Sysmon 3", TelemetryFamily::kEndpoint},
      {"Sysmon @ WS-1", "DNS Query", "", "Sysmon 22", TelemetryFamily::kEndpoint},
      {"Microsoft Windows Security Event Log @ H", "Process Creation", "", "4688",
       TelemetryFamily::kEndpoint},
      {"Microsoft Windows PowerShell @ H", "Script Block Logging", "", "4104",
       TelemetryFamily::kEndpoint},
      {"Linux OS @ build-07", "Process Creation", "", "auditd", TelemetryFamily::kEndpoint},
      {"Zeek @ nsm-01", "SSL", "", "Zeek", TelemetryFamily::kNetwork},
      {"Bluecoat Proxy", "Web Access", "", "proxy", TelemetryFamily::kNetwork},
      {"PA-5220 Firewall", "Web Access", "", "NGFW", TelemetryFamily::kNetwork},
      {"Acme Sensor @ x", "", "network-sni-dns", "Acme Sensor", TelemetryFamily::kNetwork},
      // A proxy under a name of the customer's: its category still says proxy.
      {"Custom Thing @ gw-1", "Web Access", "endpoint-process", "proxy", TelemetryFamily::kNetwork},
      {"", "Web Access", "", "proxy", TelemetryFamily::kNetwork},
      {"", "", "proxy-ai-api", "proxy", TelemetryFamily::kNetwork},
      {"", "", "endpoint-process", "endpoint", TelemetryFamily::kEndpoint},
      {"", "", "linux-audit", "auditd", TelemetryFamily::kEndpoint},
      {"", "", "my-hunt", "my-hunt", TelemetryFamily::kOther},
  };
  for (const auto& c : cases) {
    Finding f;
    f.log_source = c.log_source;
    f.event_category = c.category;
    f.hunt = c.hunt;
    const auto source = telemetrySource(f);
    INFO(c.log_source << " / " << c.hunt);
    CHECK(source.label == c.label);
    CHECK(source.family == c.family);
  }
}

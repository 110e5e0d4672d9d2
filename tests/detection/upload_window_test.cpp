// Large uploads over a window: the totals of the aggregated query's groups, browsers left out.
#include <catch2/catch.hpp>

#include <limits>
#include <set>

#include "core/time.h"
#include "detection/analyzer.h"
#include "detection/upload_window.h"
#include "tests/support/detection_fixture.h"

using namespace aihunt::detection;
using aihunt::core::EpochMs;

namespace {

constexpr EpochMs kFrom = 1'795'000'000'000;
constexpr EpochMs kTo = kFrom + 3'600'000;
constexpr EpochMs kNow = kTo;
constexpr std::int64_t kThreshold = 3'000'000;

DetectionSettings settings() {
  DetectionSettings out = aihunt::testing::makeTestSettings();
  out.large_upload_window_bytes = kThreshold;
  return out;
}

struct Group {
  std::string source = "10.0.0.5";
  std::string user = "alice";
  std::string url = "https://api.openai.com/v1/files";
  std::string application;
  std::string user_agent;
  std::string log_source_type;
  std::int64_t bytes = 0;
  std::int64_t requests = 5;
  EpochMs first = kFrom + 1000;
  EpochMs last = kFrom + 2000;
};

void add(UploadWindow& window, const Group& g) {
  Event event;
  event.set(Field::kSourceIp, g.source);
  event.set(Field::kUsername, g.user);
  event.set(Field::kUrl, g.url);
  event.set(Field::kApplication, g.application);
  event.set(Field::kUserAgent, g.user_agent);
  event.set(Field::kLogSourceType, g.log_source_type);
  event.bytes_sent = g.bytes;
  event.event_time_ms = g.first;
  window.add(UploadGroup{event, g.requests, g.last});
}

// The same script's many small requests, grouped by URL as QRadar returns them.
void slowScript(UploadWindow& window, Group g, int urls, std::int64_t bytes_per_url) {
  for (int i = 0; i < urls; ++i) {
    g.url = "https://api.openai.com/v1/chat/completions?n=" + std::to_string(i);
    g.bytes = bytes_per_url;
    g.requests = 10;
    g.first = kFrom + i * 1000;
    g.last = kFrom + i * 1000 + 900;
    add(window, g);
  }
}

}  // namespace

TEST_CASE("many small requests past the window threshold are one large_upload finding") {
  const auto config = settings();
  UploadWindow window(config, "proxy", SignalSet::all(), kFrom, kTo);
  Group python;
  python.application = "C:\\Python311\\python.exe";
  slowScript(window, python, 30, 104'858);  // 300 requests of ~10 KiB: 3 MiB in all
  const auto found = window.findings(kNow);
  REQUIRE(found.size() == 1);
  const Finding& f = found[0];
  CHECK(f.signals == [] {
    SignalSet s;
    s.add(Signal::kLargeUpload);
    return s;
  }());
  CHECK(f.bytes_sent == 30 * 104'858);
  CHECK(f.provider == "openai");
  CHECK(f.domain == "api.openai.com");
  CHECK(f.source_ip == "10.0.0.5");
  CHECK(f.username == "alice");
  CHECK(f.process_name == "python");
  CHECK(f.process_category == ProcessCategory::kScriptRuntime);
  CHECK(f.event_time == aihunt::core::formatIso8601(kFrom));
  CHECK(f.evidence.find("300 requests") != std::string::npos);
  CHECK(f.risk_score > 0);
  CHECK_FALSE(f.suppressed);
  CHECK(window.stats().events == 30);
  CHECK(window.stats().findings == 1);
}

TEST_CASE("a browser sending the same volume is not flagged") {
  const auto config = settings();
  UploadWindow window(config, "proxy", SignalSet::all(), kFrom, kTo);
  Group chrome;
  chrome.application = "chrome.exe";
  slowScript(window, chrome, 30, 104'858);
  Group agent;  // no process, a browser's user agent
  agent.source = "10.0.0.6";
  agent.user_agent = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/120.0";
  slowScript(window, agent, 30, 104'858);
  CHECK(window.findings(kNow).empty());
  CHECK(window.stats().browser_events_skipped == 60);
}

TEST_CASE("groups of aihunt's own LEEF events are never summed") {
  const auto config = settings();
  UploadWindow window(config, "proxy", SignalSet::all(), kFrom, kTo);
  Group own;
  own.application = "python.exe";
  own.log_source_type = "AIHunt";  // compared without case, as the per-event hunt does
  slowScript(window, own, 30, 104'858);
  CHECK(window.findings(kNow).empty());
  CHECK(window.stats().events == 0);  // and not counted again: the per-event query counts them
  CHECK(window.stats().own_events_skipped == 0);
  // The same groups from another log source type are a total.
  Group proxy = own;
  proxy.log_source_type = "Blue Coat SG Appliance";
  slowScript(window, proxy, 30, 104'858);
  CHECK(window.findings(kNow).size() == 1);
}

TEST_CASE("totals are per source, user and provider; clients of one user add up") {
  const auto config = settings();
  UploadWindow window(config, "proxy", SignalSet::all(), kFrom, kTo);
  Group g;
  g.application = "python.exe";
  g.bytes = 2'000'000;
  add(window, g);
  g.application = "";
  g.user_agent = "curl/8.4.0";  // the same user's curl, same provider
  g.bytes = 1'500'000;
  add(window, g);
  g.url = "https://api.anthropic.com/v1/messages";  // another provider: its own total
  add(window, g);
  g.url = "https://api.openai.com/v1/files";
  g.user = "bob";  // another user: his own total
  add(window, g);
  g.user = "alice";
  g.url = "https://api.openai.com.evil.example/v1";  // a lookalike: no provider
  g.bytes = 9'000'000;
  add(window, g);
  g.url = "https://api.openai.com/v1/files";
  g.application = "chrome";  // the same user's browser does not add to it
  g.user_agent = "";
  add(window, g);
  const auto found = window.findings(kNow);
  REQUIRE(found.size() == 1);
  CHECK(found[0].username == "alice");
  CHECK(found[0].provider == "openai");
  CHECK(found[0].bytes_sent == 3'500'000);
  // The client that sent most names the finding; the evidence lists both.
  CHECK(found[0].process_name == "python");
  CHECK(found[0].evidence.find("curl") != std::string::npos);
}

TEST_CASE("the total must reach the threshold") {
  const auto config = settings();
  UploadWindow window(config, "proxy", SignalSet::all(), kFrom, kTo);
  Group g;
  g.application = "python";
  g.bytes = kThreshold - 1;
  add(window, g);
  CHECK(window.findings(kNow).empty());
  UploadWindow exactly(config, "proxy", SignalSet::all(), kFrom, kTo);
  g.bytes = kThreshold;
  add(exactly, g);
  CHECK(exactly.findings(kNow).size() == 1);
}

TEST_CASE("one large request alone is the per-event finding's, not a window total") {
  const auto config = settings();  // per event 1'000'000, per window 3'000'000
  UploadWindow window(config, "proxy", SignalSet::all(), kFrom, kTo);
  Group g;
  g.application = "python";
  g.bytes = 7'000'000;
  g.requests = 1;
  add(window, g);
  CHECK(window.findings(kNow).empty());
  g.requests = 2;  // with another request, the total says something of its own
  UploadWindow two(config, "proxy", SignalSet::all(), kFrom, kTo);
  add(two, g);
  CHECK(two.findings(kNow).size() == 1);
}

TEST_CASE("window finding ids are stable per window, source, user and provider") {
  const auto config = settings();
  const auto idOf = [&](EpochMs from, EpochMs to, const std::string& hunt, Group g) {
    UploadWindow window(config, hunt, SignalSet::all(), from, to);
    g.application = "python";
    g.bytes = kThreshold;
    add(window, g);
    const auto found = window.findings(kNow);
    REQUIRE(found.size() == 1);
    return found[0].finding_id;
  };
  const Group base;
  const std::string id = idOf(kFrom, kTo, "proxy", base);
  CHECK(id.size() == 32);
  Group other_times = base;  // other requests in the same window: the same finding
  other_times.first = kFrom + 5;
  other_times.last = kTo - 1;
  CHECK(idOf(kFrom, kTo, "proxy", other_times) == id);
  std::set<std::string> ids{id};
  ids.insert(idOf(kTo, kTo + 3'600'000, "proxy", base));
  ids.insert(idOf(kFrom, kTo, "other-hunt", base));
  Group bob = base;
  bob.user = "bob";
  ids.insert(idOf(kFrom, kTo, "proxy", bob));
  Group source = base;
  source.source = "10.0.0.9";
  ids.insert(idOf(kFrom, kTo, "proxy", source));
  CHECK(ids.size() == 5);

  // Never the id of a per-event finding of the same request.
  Analyzer analyzer(config, "proxy");
  Event event;
  event.set(Field::kSourceIp, base.source);
  event.set(Field::kUsername, base.user);
  event.set(Field::kUrl, base.url);
  event.set(Field::kApplication, "python");
  event.bytes_sent = kThreshold;
  event.event_time_ms = base.first;
  const auto single = analyzer.analyze(event, kNow);
  REQUIRE(single);
  CHECK(single->finding_id != id);
}

TEST_CASE("hostile counts saturate instead of wrapping") {
  const auto config = settings();
  UploadWindow window(config, "proxy", SignalSet::all(), kFrom, kTo);
  Group g;
  g.application = "python";
  g.bytes = std::numeric_limits<std::int64_t>::max();
  g.requests = std::numeric_limits<std::int64_t>::max();
  add(window, g);
  add(window, g);
  g.bytes = -5'000'000;  // negative sums count as nothing
  g.requests = -1;
  add(window, g);
  const auto found = window.findings(kNow);
  REQUIRE(found.size() == 1);
  CHECK(found[0].bytes_sent == std::numeric_limits<std::int64_t>::max());
}

TEST_CASE("exceptions suppress window findings; a hunt without large_upload raises none") {
  auto config = settings();
  ExceptionRule rule;
  rule.id = "backup-job";
  rule.reason = "nightly upload";
  rule.owner = "secops";
  rule.user_globs = {"alice"};
  config.exceptions.push_back(rule);
  Group g;
  g.application = "python";
  g.bytes = kThreshold;
  UploadWindow window(config, "proxy", SignalSet::all(), kFrom, kTo);
  add(window, g);
  const auto found = window.findings(kNow);
  REQUIRE(found.size() == 1);
  CHECK(found[0].suppressed);
  CHECK(found[0].exception == "backup-job");
  CHECK(window.stats().suppressed == 1);
  CHECK(window.suppressor().countsById().at(0).second == 1);

  SignalSet no_upload;
  no_upload.add(Signal::kNonBrowserAiApi);
  UploadWindow quiet(config, "proxy", no_upload, kFrom, kTo);
  add(quiet, g);
  CHECK(quiet.findings(kNow).empty());
}

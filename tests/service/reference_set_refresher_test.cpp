// The refresher of the reference sets exceptions name, against a fake console (legacy API) and a
// real state store, on a manual clock: the refresh interval, a failed read keeping the last good
// copy (and the age gauge showing how old it is), a restart starting from the stored copy, the
// value cap, and the snapshot a hunt window takes.
#include <catch2/catch.hpp>

#include <spdlog/sinks/null_sink.h>
#include <spdlog/spdlog.h>
#include <nlohmann/json.hpp>

#include "core/metrics.h"
#include "service/reference_set_refresher.h"
#include "service/run_summary.h"
#include "state/state_store.h"
#include "tests/state/state_test_support.h"
#include "tests/support/fake_http_transport.h"

using namespace aihunt;
using aihunt::testing::jsonResponse;

namespace {

constexpr auto kEvery = std::chrono::minutes(5);

// A console holding one IP set, "Allowed Sources", paged by the Range header.
struct Console {
  std::vector<std::string> values = {"10.0.0.1", "10.0.0.2"};
  int fail_with = 0;  // answer everything with this status
  bool exists = true;

  core::Result<qradar::HttpResponse> answer(const qradar::HttpRequest& r) {
    if (fail_with != 0) return jsonResponse(fail_with, R"({"code":1020,"message":"down"})");
    if (!exists) return jsonResponse(404, R"({"code":1002,"message":"no such set"})");
    std::size_t first = 0;
    std::size_t last = values.size();
    if (auto range = qradar::findHeader(r.headers, "Range")) {
      const auto dash = range->find('-');
      first = std::stoul(range->substr(6, dash - 6));
      last = std::stoul(range->substr(dash + 1));
    }
    nlohmann::json data = nlohmann::json::array();
    for (std::size_t i = first; i <= last && i < values.size(); ++i) {
      data.push_back({{"value", values[i]}, {"source", "reference data api"}});
    }
    return jsonResponse(200, nlohmann::json{{"name", "Allowed Sources"},
                                            {"element_type", "IP"},
                                            {"number_of_elements", values.size()},
                                            {"data", data}}
                                 .dump());
  }
};

struct Harness {
  Console console;
  testing::ManualClock clock;
  testing::ClockSleeper sleeper{clock};
  testing::FixedRandom random;
  testing::FakeHttpTransport transport{
      [this](const qradar::HttpRequest& r) { return console.answer(r); }};
  state::testing::TempDir dir;
  std::unique_ptr<state::StateStore> store = state::testing::openStore(dir.file("state.db"));
  core::Metrics metrics;
  int connects = 0;
  bool unreachable = false;

  Harness() { service::declareReferenceSetMetrics(metrics); }

  service::QRadarConnector connector() {
    return [this]() -> core::Result<std::unique_ptr<service::QRadarConnection>> {
      ++connects;
      if (unreachable) return core::makeError(core::ErrorCode::kTransport, "connection refused");
      auto connection = std::make_unique<service::QRadarConnection>();
      qradar::ApiSettings settings;
      settings.base_url = "https://console.test";
      settings.api_version = "20.0";
      settings.retry.max_attempts = 1;
      connection->api = std::make_unique<qradar::ApiClient>(
          qradar::ApiDeps{transport, clock, sleeper, random, std::make_shared<core::Redactor>(),
                          core::makeNullLogger()},
          settings);
      return connection;
    };
  }

  std::unique_ptr<service::ReferenceSetRefresher> refresher(std::size_t max_values = 100) {
    service::ReferenceSetRefresherOptions options;
    options.names = {"Allowed Sources"};
    options.every = kEvery;
    options.max_values = max_values;
    options.page_size = 2;
    return std::make_unique<service::ReferenceSetRefresher>(
        options, connector(), store.get(), clock, &metrics,
        std::make_shared<spdlog::logger>("t", std::make_shared<spdlog::sinks::null_sink_mt>()));
  }

  double reads(const std::string& result) const {
    return metrics.value("aihunt_reference_set_reads_total", {"Allowed Sources", result});
  }
  double age() const {
    return metrics.value("aihunt_reference_set_age_seconds", {"Allowed Sources"});
  }
};

bool holds(const service::ReferenceSetRefresher& refresher, const std::string& ip) {
  return refresher.snapshot()->contains("Allowed Sources", ip).value_or(false);
}

}  // namespace

TEST_CASE("sets are read at the start and again every interval, not in between") {
  Harness h;
  auto refresher = h.refresher();
  CHECK_FALSE(refresher->snapshot()->known("Allowed Sources"));
  CHECK(refresher->refreshIfDue());
  CHECK(holds(*refresher, "10.0.0.2"));
  CHECK(h.reads("ok") == 1);
  const std::size_t requests = h.transport.requests.size();

  h.clock.advance(kEvery - std::chrono::seconds(1));
  CHECK_FALSE(refresher->refreshIfDue());
  CHECK(h.transport.requests.size() == requests);
  CHECK(h.age() == Approx(299));

  h.console.values.emplace_back("10.0.0.3");
  h.clock.advance(std::chrono::seconds(1));
  CHECK(refresher->refreshIfDue());
  CHECK(holds(*refresher, "10.0.0.3"));
  CHECK(h.reads("ok") == 2);
  CHECK(h.age() == 0);
}

TEST_CASE("a set that cannot be read keeps its last good copy, and its age shows") {
  Harness h;
  auto refresher = h.refresher();
  REQUIRE(refresher->refresh() == 0);
  const auto read_at = refresher->readAt("Allowed Sources");
  REQUIRE(read_at);
  // A hunt window that started before the failure keeps the snapshot it took.
  const auto taken = refresher->snapshot();

  SECTION("the console answers errors") { h.console.fail_with = 503; }
  SECTION("the console cannot be reached") { h.unreachable = true; }
  SECTION("the set is gone") { h.console.exists = false; }

  for (int i = 1; i <= 3; ++i) {
    h.clock.advance(kEvery);
    CHECK(refresher->refreshIfDue());
    CHECK(holds(*refresher, "10.0.0.1"));
    CHECK(refresher->readAt("Allowed Sources") == read_at);
    CHECK(h.reads("failed") == i);
    CHECK(h.age() == Approx(300.0 * i));
  }
  CHECK(taken->contains("Allowed Sources", "10.0.0.1") == std::optional(true));

  // Back again: the copy is new.
  h.console = Console{};
  h.unreachable = false;
  h.console.values = {"10.9.9.9"};
  h.clock.advance(kEvery);
  CHECK(refresher->refreshIfDue());
  CHECK(holds(*refresher, "10.9.9.9"));
  CHECK_FALSE(holds(*refresher, "10.0.0.1"));
  CHECK(h.age() == 0);
}

TEST_CASE("a restart while QRadar is unreachable starts from the stored copy") {
  Harness h;
  core::EpochMs read_at = 0;
  {
    auto first = h.refresher();
    REQUIRE(first->refresh() == 0);
    read_at = *first->readAt("Allowed Sources");
  }
  h.unreachable = true;
  h.clock.advance(std::chrono::hours(2));
  auto second = h.refresher();
  second->loadStored();
  CHECK(holds(*second, "10.0.0.2"));
  CHECK(second->readAt("Allowed Sources") == read_at);
  CHECK(second->refresh() == 1);
  CHECK(holds(*second, "10.0.0.2"));
  CHECK(h.age() == Approx(7200));
}

TEST_CASE("a set never read and never stored is unknown") {
  Harness h;
  h.unreachable = true;
  auto refresher = h.refresher();
  refresher->loadStored();
  CHECK(refresher->refresh() == 1);
  CHECK_FALSE(refresher->snapshot()->known("Allowed Sources"));
  CHECK_FALSE(refresher->readAt("Allowed Sources"));
  CHECK(h.reads("failed") == 1);
}

TEST_CASE("at most max_values values are kept, and the stored copy says it was cut") {
  Harness h;
  h.console.values = {"10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.4", "10.0.0.5"};
  auto refresher = h.refresher(/*max_values=*/3);
  REQUIRE(refresher->refresh() == 0);
  CHECK(refresher->snapshot()->size("Allowed Sources") == 3);
  CHECK(h.metrics.value("aihunt_reference_set_copy_values", {"Allowed Sources"}) == 3);
  const auto stored = h.store->referenceSets().value();
  REQUIRE(stored.size() == 1);
  CHECK(stored[0].truncated);
  CHECK(stored[0].values.size() == 3);
}

TEST_CASE("referencedSetNames lists each set once, in rule order") {
  detection::ExceptionRule a;
  a.reference_sets = {{"B", detection::ReferenceField::kHost}, {"A", {}}};
  detection::ExceptionRule b;
  b.reference_sets = {{"A", detection::ReferenceField::kUsername}, {"C", {}}};
  CHECK(service::referencedSetNames({a, b}) == std::vector<std::string>{"B", "A", "C"});
}

TEST_CASE("unreadReferenceSets names the sets a run could not look in") {
  detection::ExceptionRule a;
  a.reference_sets = {{"B", detection::ReferenceField::kHost}, {"A", {}}};
  detection::ExceptionRule b;
  b.reference_sets = {{"C", {}}};
  // No snapshot (offline, triage): every set named.
  CHECK(service::unreadReferenceSets({a, b}, nullptr) == std::vector<std::string>{"B", "A", "C"});
  auto read = std::make_shared<detection::ReferenceSetContents>();
  read->put("A", "ALNIC", {"alice"});
  CHECK(service::unreadReferenceSets({a, b}, read) == std::vector<std::string>{"B", "C"});
  CHECK(service::unreadReferenceSets({}, read).empty());
}

// Hunts that run side by side still write their findings grouped, in plan order: generated
// interleavings of writes and of the order hunts end in, on one thread and on several.
#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <thread>
#include <vector>

#include "service/held_findings.h"
#include "service/held_output.h"
#include "service/ordered_findings.h"

using namespace aihunt;

namespace {

// Records what reaches it: the findings' ids in order, and where pageDone() fell.
class RecordingWriter final : public service::FindingWriter {
 public:
  core::Status write(const detection::Finding& finding) override {
    ids.push_back(finding.finding_id);
    return {};
  }
  core::Status pageDone() override {
    ++pages;
    return {};
  }
  core::Status finish() override { return {}; }
  std::vector<std::string> ids;
  int pages = 0;
};

detection::Finding finding(std::size_t hunt, std::size_t n) {
  detection::Finding f;
  f.hunt = "h" + std::to_string(hunt);
  f.finding_id = f.hunt + "-" + std::to_string(n);
  return f;
}

// What a run of the hunts one after another writes.
std::vector<std::string> inPlanOrder(const std::vector<std::size_t>& per_hunt) {
  std::vector<std::string> ids;
  for (std::size_t h = 0; h < per_hunt.size(); ++h) {
    for (std::size_t n = 0; n < per_hunt[h]; ++n) ids.push_back(finding(h, n).finding_id);
  }
  return ids;
}

}  // namespace

TEST_CASE("generated interleavings come out grouped in plan order", "[ordered_findings]") {
  std::mt19937 random(20261202);
  for (int round = 0; round < 300; ++round) {
    const std::size_t hunts = 1 + random() % 6;
    std::vector<std::size_t> per_hunt(hunts);
    for (auto& n : per_hunt) n = random() % 5;
    RecordingWriter out;
    service::OrderedFindings ordered(out, hunts);
    // Random steps: a write by a hunt that has findings left, or the end of a hunt that has
    // none left; until every hunt has ended.
    std::vector<std::size_t> written(hunts, 0);
    std::vector<bool> ended(hunts, false);
    std::size_t left = hunts;
    for (int step = 0; left > 0 && step < 10'000; ++step) {
      const std::size_t h = random() % hunts;
      if (ended[h]) continue;
      if (written[h] < per_hunt[h] && random() % 3 != 0) {
        REQUIRE(ordered.writer(h).write(finding(h, written[h]++)));
      } else if (written[h] == per_hunt[h]) {
        REQUIRE(ordered.done(h));
        ended[h] = true;
        --left;
      }
    }
    REQUIRE(left == 0);
    CHECK(out.ids == inPlanOrder(per_hunt));
    CHECK(ordered.held() == 0);
  }
}

TEST_CASE("the first hunt in line writes straight through; the others wait", "[ordered_findings]") {
  RecordingWriter out;
  service::OrderedFindings ordered(out, 3);
  REQUIRE(ordered.writer(1).write(finding(1, 0)));
  REQUIRE(ordered.writer(1).pageDone());
  CHECK(out.ids.empty());
  CHECK(out.pages == 0);  // a held page is not durable yet
  CHECK(ordered.held() == 1);
  REQUIRE(ordered.writer(0).write(finding(0, 0)));
  REQUIRE(ordered.writer(0).pageDone());
  CHECK(out.ids == std::vector<std::string>{"h0-0"});
  CHECK(out.pages == 1);
  REQUIRE(ordered.done(1));  // hunt 1 ends before hunt 0: still held
  CHECK(out.ids.size() == 1);
  REQUIRE(ordered.done(0));
  CHECK(out.ids == std::vector<std::string>{"h0-0", "h1-0"});
  CHECK(out.pages == 2);
  REQUIRE(ordered.writer(2).write(finding(2, 0)));  // now first in line
  CHECK(out.ids.back() == "h2-0");
  CHECK(ordered.held() == 0);
}

TEST_CASE("hunts on threads of their own come out grouped in plan order", "[ordered_findings]") {
  const std::vector<std::size_t> per_hunt = {500, 0, 1200, 300, 800};
  RecordingWriter out;
  service::OrderedFindings ordered(out, per_hunt.size());
  std::vector<std::thread> threads;
  threads.reserve(per_hunt.size());
  std::vector<int> status(per_hunt.size(), 1);
  for (std::size_t h = 0; h < per_hunt.size(); ++h) {
    threads.emplace_back([&, h] {
      for (std::size_t n = 0; n < per_hunt[h]; ++n) {
        if (!ordered.writer(h).write(finding(h, n))) status[h] = 0;
      }
      if (!ordered.done(h)) status[h] = 0;
    });
  }
  for (auto& thread : threads) thread.join();
  CHECK(status == std::vector<int>(per_hunt.size(), 1));
  CHECK(out.ids == inPlanOrder(per_hunt));
}

TEST_CASE("findings held back for later hunts stop at the output cap", "[ordered_findings]") {
  RecordingWriter out;
  const std::uint64_t one = service::heldFindingBytes(finding(1, 0));
  service::OrderedFindings ordered(out, 3, 4 * one);
  // The first hunt in line writes through, whatever it writes: its findings are not held here.
  for (std::size_t n = 0; n < 10; ++n) REQUIRE(ordered.writer(0).write(finding(0, n)).ok());
  // Hunts 1 and 2 are held back: four findings fit, the fifth passes the cap.
  REQUIRE(ordered.writer(1).write(finding(1, 0)).ok());
  REQUIRE(ordered.writer(1).write(finding(1, 1)).ok());
  REQUIRE(ordered.writer(2).write(finding(2, 0)).ok());
  REQUIRE(ordered.writer(2).write(finding(2, 1)).ok());
  CHECK(ordered.held() == 4);
  CHECK_FALSE(ordered.failure().has_value());
  const auto past = ordered.writer(2).write(finding(2, 2));
  REQUIRE_FALSE(past.ok());
  CHECK(service::isOutputLimit(past.error()));
  REQUIRE(ordered.failure().has_value());
  CHECK(ordered.held() == 0);  // what was held is let go
  CHECK_FALSE(ordered.writer(1).write(finding(1, 2)).ok());
  CHECK(out.ids.size() == 10);

  // Once the hunts before it are done, a hunt's held findings go out and free their room.
  service::OrderedFindings capped(out, 2, 2 * one);
  REQUIRE(capped.writer(1).write(finding(1, 0)).ok());
  REQUIRE(capped.writer(1).write(finding(1, 1)).ok());
  REQUIRE(capped.done(0).ok());  // hunt 1 is first in line now: its findings go out
  CHECK(capped.held() == 0);
  for (std::size_t n = 2; n < 20; ++n) REQUIRE(capped.writer(1).write(finding(1, n)).ok());
  CHECK_FALSE(capped.failure().has_value());
}

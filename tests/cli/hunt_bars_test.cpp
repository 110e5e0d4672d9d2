// The runner's progress observer: hunts' threads report progress while the reporting thread
// ends finished hunts' lines, as `aihunt hunt` with max_concurrent_searches > 1 does. Before the
// observer took a lock of its own, this interleaving corrupted its set of lines (a crash seen in
// the concurrency test; under ASan a heap-use-after-free).
#include <catch2/catch.hpp>

#include <atomic>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "cli/hunt_bars.h"

using aihunt::cli::HuntBars;
using aihunt::cli::ProgressDisplay;
using aihunt::qradar::SearchProgress;
using aihunt::service::HuntJob;

TEST_CASE("hunt lines are started and ended from different threads safely") {
  std::FILE* terminal = std::tmpfile();
  REQUIRE(terminal != nullptr);
  std::vector<HuntJob> plan(6);
  for (std::size_t i = 0; i < plan.size(); ++i) plan[i].name = "hunt-" + std::to_string(i);
  {
    ProgressDisplay display(terminal, /*enabled=*/true);
    HuntBars bars(display, plan);
    std::atomic<bool> done{false};
    std::vector<std::thread> hunts;
    for (std::size_t t = 0; t < 2; ++t) {
      hunts.emplace_back([&, t] {
        SearchProgress progress;
        for (int round = 0; round < 100000; ++round) {
          progress.percent = round % 101;
          bars.progress(plan[(t * 3 + static_cast<std::size_t>(round)) % plan.size()], progress);
        }
      });
    }
    std::thread reporter([&] {
      for (std::size_t round = 0; !done; ++round) bars.stop(plan[round % plan.size()].name);
    });
    for (auto& hunt : hunts) hunt.join();
    done = true;
    reporter.join();
    for (const HuntJob& hunt : plan) bars.stop(hunt.name);
    CHECK(bars.inFlight() == 0);
    // A hunt reported again after its line ended gets a line again.
    bars.progress(plan[2], SearchProgress{});
    CHECK(bars.inFlight() == 1);
    bars.stop(plan[2].name);
    CHECK(bars.inFlight() == 0);
  }
  std::fclose(terminal);
}

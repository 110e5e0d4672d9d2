// ORDER BY and GROUP BY past their memory budget (aql/sorted_runs.h): generated events are
// evaluated with everything in memory and with budgets that force one run, many runs, or a run
// per row or group; the rows must be the same, in the same order (ties in input order), with and
// without LIMIT. A spool folder that cannot be written fails the run with an error, never with
// fewer rows.
#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <vector>

#include "aql/sorted_runs.h"
#include "tests/aql/eval_helpers.h"

namespace aihunt::aql {
namespace {

using testing::Fixture;
using testing::kNow;

// Events with few distinct start times (many ties), text of every length from empty to past the
// spool reader's 64 KiB buffer, NULLs, doubles and booleans.
Fixture generated(std::uint32_t seed, int count) {
  std::mt19937 random(seed);
  const auto pick = [&](int n) { return static_cast<int>(random() % static_cast<unsigned>(n)); };
  Fixture f;
  for (int e = 0; e < count; ++e) {
    std::string url = "https://api.example/" + std::to_string(pick(50));
    if (pick(200) == 0) url.append(70 * 1024, 'x');  // one item longer than a read buffer
    if (pick(10) == 0) url.clear();
    f.add({{"starttime", Value::integer(kNow - 1000 * pick(40))},
           {"URL", pick(15) == 0 ? Value::null() : Value::string(url)},
           {"sourceip", Value::string("10.0.0." + std::to_string(pick(8)))},
           {"bytes", pick(7) == 0 ? Value::real(pick(1000) / 8.0) : Value::integer(pick(100000))},
           {"flag", Value::boolean(pick(2) == 0)}});
  }
  return f;
}

std::vector<std::vector<Value>> rowsOf(Fixture& f, const std::string& aql, std::size_t budget,
                                       const std::string& dir = "") {
  auto query = parse(aql);
  REQUIRE(query.ok());
  EvalOptions options;
  options.now = kNow;
  options.sort_memory_bytes = budget;
  options.spill_dir = dir;
  auto result = evaluate(*query, f.schema, f.events, options);
  REQUIRE(result.ok());
  std::vector<std::vector<Value>> rows;
  for (Row& row : result->rows) rows.push_back(std::move(row.values));
  return rows;
}

// Each query over generated events, all in memory and then at budgets that spill: 1 byte (every
// row or group its own run), 8 KiB (dozens of runs), 1 MiB (it fits: no spill). The rows must be
// the same, in the same order; the in-memory result has at least `min_rows`.
void checkSpillGivesWhatMemoryGives(const std::vector<std::string>& queries,
                                    const std::vector<std::uint32_t>& seeds, std::size_t min_rows) {
  for (const std::uint32_t seed : seeds) {
    Fixture f = generated(seed, 600);
    for (const std::string& aql : queries) {
      INFO("seed " << seed << ": " << aql);
      const auto expected = rowsOf(f, aql, 0);
      REQUIRE(expected.size() >= min_rows);
      for (const std::size_t budget :
           {std::size_t{1}, std::size_t{8} << 10, std::size_t{1} << 20}) {
        INFO("budget " << budget);
        CHECK(rowsOf(f, aql, budget) == expected);
      }
    }
  }
}

// `aql` run with a budget of one byte and a spool folder that does not exist.
struct NowhereToSpill {
  bool stopped = false;  // add() said to stop the scan
  core::Status finished;
  std::size_t rows = 0;  // what reached the sink
};

NowhereToSpill runWithNowhereToSpill(Fixture& f, const std::string& aql) {
  auto query = parse(aql);
  REQUIRE(query.ok());
  EvalOptions options;
  options.now = kNow;
  options.sort_memory_bytes = 1;
  options.spill_dir = "/nonexistent-aihunt-spool-folder";
  NowhereToSpill out;
  auto run = QueryRun::create(*query, f.schema, options, [&out](Row&&) { ++out.rows; });
  REQUIRE(run.ok());
  for (const Event& event : f.events) {
    if (!run->add(event)) {
      out.stopped = true;
      break;
    }
  }
  out.finished = run->finish();
  return out;
}

}  // namespace

TEST_CASE("ORDER BY past its memory budget gives the rows the in-memory sort gives",
          "[aql][eval][sort]") {
  const std::vector<std::string> queries = {
      "SELECT URL, starttime, sourceip, bytes, flag FROM events ORDER BY starttime ASC "
      "LAST 1 HOURS",
      "SELECT URL, starttime, bytes FROM events ORDER BY starttime DESC, URL ASC LAST 1 HOURS",
      "SELECT sourceip, bytes FROM events ORDER BY bytes DESC LAST 1 HOURS",
      // A key that is not a column: computed per row and kept with it.
      "SELECT URL FROM events ORDER BY LOWER(sourceip) DESC LAST 1 HOURS",
      "SELECT URL, starttime FROM events ORDER BY starttime ASC LIMIT 77 LAST 1 HOURS",
      "SELECT sourceip, URL, COUNT(*) AS n, MAX(bytes) AS most FROM events GROUP BY sourceip, URL "
      "ORDER BY n DESC LAST 1 HOURS",
  };
  checkSpillGivesWhatMemoryGives(queries, {1U, 2U, 3U}, 41);
}

// GROUP BY past the same budget: the groups go to disk sorted by key and meet again at the end.
// Every aggregate must come out as one pass computes it (the fractional bytes are eighths, so
// sums are exact in any order), non-grouped columns must hold the group's first event's values,
// and without ORDER BY the groups must keep the order of their first events.
TEST_CASE("GROUP BY past its memory budget gives the groups the in-memory pass gives",
          "[aql][eval][sort][group]") {
  const std::vector<std::string> queries = {
      "SELECT sourceip, URL, COUNT(*) AS n, COUNT(bytes) AS counted, SUM(bytes) AS total, "
      "AVG(bytes) AS mean, MIN(URL) AS low, MAX(starttime) AS latest, MIN(starttime) AS earliest, "
      "UNIQUECOUNT(flag) AS flags FROM events GROUP BY sourceip, URL LAST 1 HOURS",
      // URL and starttime are neither grouped nor aggregated: the group's first event's.
      "SELECT sourceip, URL, starttime, COUNT(*) AS n FROM events GROUP BY sourceip "
      "HAVING n > 60 LAST 1 HOURS",
      "SELECT URL, UNIQUECOUNT(sourceip) AS sources FROM events GROUP BY URL LIMIT 9 LAST 1 HOURS",
      // Keys of every kind: booleans, integers, doubles, NULL.
      "SELECT flag, bytes, COUNT(*) AS n FROM events GROUP BY flag, bytes ORDER BY n DESC, "
      "bytes ASC LAST 1 HOURS",
      "SELECT COUNT(*) AS n, UNIQUECOUNT(URL) AS urls, MIN(bytes) AS least, MAX(URL) AS most "
      "FROM events LAST 1 HOURS",
      "SELECT sourceip, MAX(bytes) AS most FROM events GROUP BY sourceip ORDER BY LOWER(URL) DESC "
      "LIMIT 5 LAST 1 HOURS",
  };
  checkSpillGivesWhatMemoryGives(queries, {4U, 5U}, 1);
}

TEST_CASE("a SUM past the 64-bit integers turns into a double, spilled or not",
          "[aql][eval][sort][group]") {
  Fixture f;
  constexpr std::int64_t kBig = std::int64_t{1} << 62;
  for (int e = 0; e < 3; ++e) {
    f.add({{"starttime", Value::integer(kNow - 1000)},
           {"sourceip", Value::string("10.0.0.1")},
           {"bytes", Value::integer(kBig)}});
  }
  f.add({{"starttime", Value::integer(kNow - 1000)},
         {"sourceip", Value::string("10.0.0.2")},
         {"bytes", Value::integer(kBig)}});
  const std::string aql =
      "SELECT sourceip, SUM(bytes) AS total FROM events GROUP BY sourceip LAST 1 HOURS";
  for (const std::size_t budget : {std::size_t{0}, std::size_t{1}}) {
    INFO("budget " << budget);
    const auto rows = rowsOf(f, aql, budget);
    REQUIRE(rows.size() == 2);
    CHECK(rows[0][1] == Value::real(3.0 * static_cast<double>(kBig)));
    CHECK(rows[1][1] == Value::integer(kBig));
  }
}

TEST_CASE("SortedRuns merges runs and memory in order, and stops when told", "[aql][sort]") {
  const auto item = [](std::int64_t key, std::uint64_t seq) {
    SortItem made;
    made.keys = {Value::integer(key)};
    made.seq = seq;
    made.values = {Value::string(std::string(static_cast<std::size_t>(key % 5) * 30, 'v')),
                   Value::integer(key)};
    return made;
  };
  const SortedRuns::Before before = [](const SortItem& a, const SortItem& b) {
    if (a.keys[0].asInt() != b.keys[0].asInt()) return a.keys[0].asInt() < b.keys[0].asInt();
    return a.seq < b.seq;
  };
  SortedRuns runs("", "test items");
  std::uint64_t seq = 0;
  // Three runs and memory, each sorted, keys interleaved, with ties across runs.
  for (int run = 0; run < 3; ++run) {
    std::vector<SortItem> items;
    for (std::int64_t key = run; key < 60; key += 3) items.push_back(item(key / 2, seq++));
    REQUIRE(runs.write(items).ok());
  }
  std::vector<SortItem> memory;
  for (std::int64_t key = 0; key < 30; key += 4) memory.push_back(item(key, seq++));
  REQUIRE(runs.runs() == 3);

  std::vector<SortItem> merged;
  REQUIRE(runs.merge(memory, before,
                     [&](SortItem&& next) {
                       merged.push_back(std::move(next));
                       return true;
                     })
              .ok());
  CHECK(merged.size() == 3 * 20 + 8);
  for (std::size_t k = 1; k < merged.size(); ++k) CHECK_FALSE(before(merged[k], merged[k - 1]));
  for (const SortItem& got : merged) {
    CHECK(got.values[1].asInt() == got.keys[0].asInt());
    CHECK(got.values[0].asString().size() ==
          static_cast<std::size_t>(got.keys[0].asInt() % 5) * 30);
  }

  SortedRuns again("", "test items");
  REQUIRE(again.write({item(1, 0), item(2, 1), item(3, 2)}).ok());
  std::vector<SortItem> none;
  int emitted = 0;
  REQUIRE(again.merge(none, before, [&](SortItem&&) { return ++emitted < 2; }).ok());
  CHECK(emitted == 2);
}

TEST_CASE("a spool folder that cannot be written fails the ORDER BY, with the way out",
          "[aql][eval][sort]") {
  Fixture f = generated(7, 200);
  const NowhereToSpill run = runWithNowhereToSpill(
      f, "SELECT URL, starttime FROM events ORDER BY starttime ASC LAST 1 HOURS");
  CHECK(run.stopped);  // the scan stops at the failed write rather than reading on for nothing
  REQUIRE_FALSE(run.finished.ok());
  CHECK(run.finished.error().code == core::ErrorCode::kIo);
  CHECK(run.finished.error().message.find("TMPDIR") != std::string::npos);
  CHECK(run.rows == 0);  // no partial result reaches the sink
}

TEST_CASE("a spool folder that cannot be written fails the GROUP BY, with no partial groups",
          "[aql][eval][sort][group]") {
  Fixture f = generated(8, 200);
  const NowhereToSpill run = runWithNowhereToSpill(
      f, "SELECT sourceip, URL, COUNT(*) AS n FROM events GROUP BY sourceip, URL LAST 1 HOURS");
  CHECK(run.stopped);
  REQUIRE_FALSE(run.finished.ok());
  CHECK(run.finished.error().code == core::ErrorCode::kIo);
  CHECK(run.finished.error().message.find("GROUP BY") != std::string::npos);
  CHECK(run.rows == 0);
}

}  // namespace aihunt::aql

// StateStore behaviour: commits, the ledger, gaps, the outbox, sink progress, pruning, summary.
#include <catch2/catch.hpp>

#include <filesystem>

#include <sys/stat.h>

#include "state/schema.h"
#include "state/state_store.h"
#include "tests/state/state_test_support.h"

using namespace aihunt;
using namespace aihunt::state;
using namespace aihunt::state::testing;

namespace {

std::unique_ptr<StateStore> freshStore(const TempDir& dir) {
  auto store = StateStore::open(dir.file("state.db"), OpenOptions{});
  REQUIRE(store.ok());
  return std::move(*store);
}

Commit page(const std::string& hunt, std::vector<FindingItem> findings,
            std::vector<std::string> sinks = {"jsonl", "leef"}) {
  Commit commit;
  commit.hunt = hunt;
  commit.now = kT0 + 10 * kMinute;
  commit.findings = std::move(findings);
  commit.sinks = std::move(sinks);
  return commit;
}

}  // namespace

TEST_CASE("a new state file is not readable by other users, and an existing file keeps its mode") {
  const TempDir dir;
  const mode_t old_mask = ::umask(022);  // the usual umask, which would give 0644
  {
    auto store = freshStore(dir);
    REQUIRE(store->commit(page("h", {finding("a")})).ok());
  }
  struct stat info {};
  REQUIRE(::stat(dir.file("state.db").c_str(), &info) == 0);
  CHECK((info.st_mode & 07777) == 0640);
  REQUIRE(::chmod(dir.file("state.db").c_str(), 0600) == 0);
  { auto store = freshStore(dir); }
  REQUIRE(::stat(dir.file("state.db").c_str(), &info) == 0);
  CHECK((info.st_mode & 07777) == 0600);
  ::umask(old_mask);
}

TEST_CASE("a new store is empty") {
  const TempDir dir;
  auto store = freshStore(dir);
  CHECK_FALSE(store->ledgerEnd("proxy-ai-api").value().has_value());
  CHECK(store->windows("proxy-ai-api", 0, kT0 * 2).value().empty());
  CHECK(store->gaps("").value().empty());
  CHECK_FALSE(store->seen("f1").value());
  CHECK_FALSE(store->baselineKnown("alice|openai").value());
  CHECK(store->pending("jsonl", 10).value().empty());
  CHECK(store->outboxDepth("jsonl").value() == 0);
  CHECK_FALSE(store->progress("jsonl").value().has_value());
  CHECK(store->integrityCheck().value().empty());
  const StoreSummary summary = store->summary().value();
  CHECK(summary.path == dir.file("state.db"));
  CHECK(summary.schema_version == schema::kVersion);
  CHECK(summary.seen_findings == 0);
  CHECK(summary.hunts.empty());
  CHECK(summary.outbox_depth.empty());
  CHECK(summary.file_bytes > 0);
}

TEST_CASE("commit: new findings get one outbox row per sink, repeats get none") {
  const TempDir dir;
  auto store = freshStore(dir);

  const CommitResult first = store->commit(page("h", {finding("a"), finding("b")})).value();
  CHECK(first.added == 2);
  CHECK(first.repeats == 0);
  CHECK(store->outboxDepth("jsonl").value() == 2);
  CHECK(store->outboxDepth("leef").value() == 2);
  CHECK(store->seen("a").value());
  CHECK(store->seen("b").value());

  // "b" again in a later commit, and "c" twice within one commit: counted once added, then repeat.
  const CommitResult second =
      store->commit(page("h", {finding("b"), finding("c"), finding("c")})).value();
  CHECK(second.added == 1);
  CHECK(second.repeats == 2);
  CHECK(store->outboxDepth("jsonl").value() == 3);
  CHECK(store->outboxDepth("leef").value() == 3);

  const auto rows = store->pending("jsonl", 10).value();
  REQUIRE(rows.size() == 3);
  CHECK(rows[0].finding_id == "a");
  CHECK(rows[1].finding_id == "b");
  CHECK(rows[2].finding_id == "c");
  CHECK(rows[2].payload == R"({"finding_id":"c"})");
  CHECK(rows[2].sink == "jsonl");
  CHECK(rows[2].created_at == kT0 + 10 * kMinute);
  CHECK(rows[2].attempts == 0);
  CHECK(rows[2].last_error.empty());
  CHECK(rows[0].id < rows[1].id);
  CHECK(rows[1].id < rows[2].id);

  // No sinks: the finding is remembered, nothing is queued.
  const CommitResult quiet = store->commit(page("h", {finding("d")}, {})).value();
  CHECK(quiet.added == 1);
  CHECK(store->seen("d").value());
  CHECK(store->outboxDepth("jsonl").value() == 3);
  CHECK(store->summary().value().seen_findings == 4);
}

TEST_CASE("commit: the window is marked done only by the completing commit") {
  const TempDir dir;
  auto store = freshStore(dir);
  const core::EpochMs from = kT0;
  const core::EpochMs to = kT0 + 15 * kMinute;

  REQUIRE(store->commit(page("h", {finding("p1")})).ok());
  REQUIRE(store->commit(page("h", {finding("p2")})).ok());
  CHECK_FALSE(store->ledgerEnd("h").value().has_value());
  CHECK(store->windows("h", from, to).value().empty());

  Commit last = page("h", {finding("p3"), finding("p1")});
  last.completes = window("", from, to, 1234, 3, 1);  // empty hunt: the commit's
  last.completes->suppressed = 7;
  const CommitResult result = store->commit(last).value();
  CHECK(result.added == 1);
  CHECK(result.repeats == 1);

  CHECK(store->ledgerEnd("h").value() == to);
  const auto done = store->windows("h", from, to).value();
  REQUIRE(done.size() == 1);
  CHECK(done[0].hunt == "h");
  CHECK(done[0].from == from);
  CHECK(done[0].to == to);
  CHECK(done[0].rows == 1234);
  CHECK(done[0].findings == 3);
  CHECK(done[0].repeats == 1);
  CHECK(done[0].suppressed == 7);
  CHECK(done[0].completed_at == to + kMinute);
  CHECK_FALSE(store->ledgerEnd("other").value().has_value());

  // Re-hunting the same window replaces its record.
  Commit again = page("h", {});
  again.completes = window("h", from, to, 99);
  REQUIRE(store->commit(again).ok());
  const auto replaced = store->windows("h", from, to).value();
  REQUIRE(replaced.size() == 1);
  CHECK(replaced[0].rows == 99);

  // A shorter window from the same start (a forced backfill with other edges) never shortens
  // the record: the rest of the window stays hunted (a review: it read as never hunted).
  Commit shorter = page("h", {});
  shorter.completes = window("h", from, from + 5 * kMinute, 42);
  REQUIRE(store->commit(shorter).ok());
  const auto kept = store->windows("h", from, to).value();
  REQUIRE(kept.size() == 1);
  CHECK(kept[0].to == to);
  CHECK(kept[0].rows == 42);
  CHECK(store->ledgerEnd("h").value() == to);
  CHECK(store->gaps("h").value().empty());
}

TEST_CASE("ledger: end and overlapping windows, oldest first, per hunt") {
  const TempDir dir;
  auto store = freshStore(dir);
  for (const int i : {2, 0, 1, 4}) {  // out of order, with [3, 4) missing
    Commit commit = page("h", {});
    commit.completes = window("h", kT0 + i * kMinute, kT0 + (i + 1) * kMinute, i);
    REQUIRE(store->commit(commit).ok());
  }
  Commit other = page("other", {});
  other.completes = window("other", kT0, kT0 + 60 * kMinute);
  REQUIRE(store->commit(other).ok());

  CHECK(store->ledgerEnd("h").value() == kT0 + 5 * kMinute);
  CHECK(store->ledgerEnd("other").value() == kT0 + 60 * kMinute);

  const auto all = store->windows("h", kT0, kT0 + 10 * kMinute).value();
  REQUIRE(all.size() == 4);
  CHECK(all[0].from == kT0);
  CHECK(all[1].from == kT0 + kMinute);
  CHECK(all[2].from == kT0 + 2 * kMinute);
  CHECK(all[3].from == kT0 + 4 * kMinute);

  // [from, to) overlaps: touching at an end is not overlapping.
  const auto middle = store->windows("h", kT0 + kMinute + 1, kT0 + 2 * kMinute + 1).value();
  REQUIRE(middle.size() == 2);
  CHECK(middle[0].from == kT0 + kMinute);
  CHECK(middle[1].from == kT0 + 2 * kMinute);
  CHECK(store->windows("h", kT0 + 3 * kMinute, kT0 + 4 * kMinute).value().empty());
  CHECK(store->windows("h", kT0 - kMinute, kT0).value().empty());
}

TEST_CASE("gaps: per hunt or all, oldest first, recorded once") {
  const TempDir dir;
  auto store = freshStore(dir);
  REQUIRE(store->recordGap(Gap{"b", kT0 + 10 * kMinute, kT0 + 20 * kMinute, kT0}).ok());
  REQUIRE(store->recordGap(Gap{"a", kT0, kT0 + 5 * kMinute, kT0}).ok());
  REQUIRE(store->recordGap(Gap{"a", kT0 + 30 * kMinute, kT0 + 40 * kMinute, kT0 + 1}).ok());
  REQUIRE(store->recordGap(Gap{"a", kT0, kT0 + 5 * kMinute, kT0 + 2}).ok());  // again: ignored

  const auto all = store->gaps("").value();
  REQUIRE(all.size() == 3);
  CHECK(all[0].hunt == "a");
  CHECK(all[0].from == kT0);
  CHECK(all[0].recorded_at == kT0);
  CHECK(all[1].hunt == "b");
  CHECK(all[2].from == kT0 + 30 * kMinute);
  CHECK(all[2].to == kT0 + 40 * kMinute);

  const auto a = store->gaps("a").value();
  REQUIRE(a.size() == 2);
  CHECK(a[0].from < a[1].from);
  CHECK(store->gaps("b").value().size() == 1);
  CHECK(store->gaps("c").value().empty());
}

TEST_CASE("gaps: a stretch that starts where a gap ends extends it; the schedule resumes after") {
  const TempDir dir;
  auto store = freshStore(dir);
  CHECK_FALSE(store->scheduledThrough("h").value().has_value());
  Commit commit = page("h", {});
  commit.completes = window("h", kT0 - kMinute, kT0);
  REQUIRE(store->commit(commit).ok());
  CHECK(store->scheduledThrough("h").value() == std::optional<core::EpochMs>(kT0));
  CHECK(store->recordGap(Gap{"h", kT0, kT0 + 10 * kMinute, kT0 + 1}).value());  // a new gap
  // Its turn failed: the ledger still ends at kT0, the schedule at the gap's end.
  CHECK(store->ledgerEnd("h").value() == std::optional<core::EpochMs>(kT0));
  CHECK(store->scheduledThrough("h").value() == std::optional<core::EpochMs>(kT0 + 10 * kMinute));
  CHECK_FALSE(store->recordGap(Gap{"h", kT0 + 10 * kMinute, kT0 + 15 * kMinute, kT0 + 2}).value());
  CHECK_FALSE(store->recordGap(Gap{"h", kT0 + 10 * kMinute, kT0 + 15 * kMinute, kT0 + 3}).value());
  const auto gaps = store->gaps("h").value();
  REQUIRE(gaps.size() == 1);
  CHECK(gaps[0].from == kT0);
  CHECK(gaps[0].to == kT0 + 15 * kMinute);
  CHECK(gaps[0].recorded_at == kT0 + 1);  // when the outage was first found
  // Another hunt's gap is its own.
  CHECK(store->recordGap(Gap{"other", kT0 + 15 * kMinute, kT0 + 20 * kMinute, kT0}).value());
  CHECK(store->gaps("h").value().size() == 1);
}

TEST_CASE("rewind: windows and gaps after a time are forgotten, seen ids kept, per hunt or all") {
  // For a clock that ran ahead: the ledger ended in the future, and nothing was due until then.
  const TempDir dir;
  auto store = freshStore(dir);
  for (int i = 0; i < 6; ++i) {  // h: [0,1) ... [5,6) minutes, a finding in the last
    Commit commit =
        page("h", i == 5 ? std::vector<FindingItem>{finding("late")} : std::vector<FindingItem>{});
    commit.completes = window("h", kT0 + i * kMinute, kT0 + (i + 1) * kMinute);
    REQUIRE(store->commit(commit).ok());
  }
  // A gap of "h" from 6 to 10, and one of "g" spanning 2 to 8 after its window [0, 2).
  REQUIRE(store->recordGap(Gap{"h", kT0 + 6 * kMinute, kT0 + 10 * kMinute, kT0}).ok());
  Commit g = page("g", {});
  g.completes = window("g", kT0, kT0 + 2 * kMinute);
  REQUIRE(store->commit(g).ok());
  REQUIRE(store->recordGap(Gap{"g", kT0 + 2 * kMinute, kT0 + 8 * kMinute, kT0}).ok());

  // One hunt, to a time inside its window [3, 4): that window goes too.
  const auto one = store->rewindLedger("h", kT0 + 3 * kMinute + 30'000).value();
  REQUIRE(one.size() == 1);
  CHECK(one[0].hunt == "h");
  CHECK(one[0].windows == 3);  // [3,4), [4,5), [5,6)
  CHECK(one[0].gaps == 1);
  CHECK(one[0].end == std::optional<core::EpochMs>(kT0 + 3 * kMinute));
  CHECK(store->ledgerEnd("h").value() == std::optional<core::EpochMs>(kT0 + 3 * kMinute));
  CHECK(store->scheduledThrough("h").value() == std::optional<core::EpochMs>(kT0 + 3 * kMinute));
  CHECK(store->gaps("h").value().empty());
  CHECK(store->seen("late").value());  // hunted again, it is a repeat
  // "g" untouched by a rewind of "h".
  CHECK(store->scheduledThrough("g").value() == std::optional<core::EpochMs>(kT0 + 8 * kMinute));

  // Every hunt: "g"'s gap that spans the time ends there; nothing of "h" is after it any more.
  const auto all = store->rewindLedger("", kT0 + 3 * kMinute).value();
  REQUIRE(all.size() == 1);
  CHECK(all[0].hunt == "g");
  CHECK(all[0].windows == 0);
  CHECK(all[0].gaps == 1);
  const auto gaps = store->gaps("g").value();
  REQUIRE(gaps.size() == 1);
  CHECK(gaps[0].from == kT0 + 2 * kMinute);
  CHECK(gaps[0].to == kT0 + 3 * kMinute);
  CHECK(store->scheduledThrough("g").value() == std::optional<core::EpochMs>(kT0 + 3 * kMinute));

  // Before every ledger: nothing left of "h", which the next run hunts afresh.
  const auto before = store->rewindLedger("h", kT0 - kMinute).value();
  REQUIRE(before.size() == 1);
  CHECK(before[0].windows == 3);
  CHECK_FALSE(before[0].end.has_value());
  CHECK(store->rewindLedger("h", kT0).value().empty());  // nothing after: nothing changed
}

TEST_CASE("gaps: what a backfill has hunted is taken off; the rest stays open") {
  const TempDir dir;
  auto store = freshStore(dir);
  REQUIRE(store->recordGap(Gap{"h", kT0, kT0 + 60 * kMinute, kT0 + 99}).ok());
  REQUIRE(store->recordGap(Gap{"h", kT0 + 100 * kMinute, kT0 + 110 * kMinute, kT0 + 99}).ok());
  REQUIRE(store->recordGap(Gap{"other", kT0, kT0 + 60 * kMinute, kT0 + 99}).ok());
  // Backfilled: [10, 30) in two windows, [50, 70) past the gap's end, and all of [100, 110).
  for (const auto& [from, to] :
       std::vector<std::pair<int, int>>{{10, 20}, {20, 30}, {50, 70}, {100, 105}, {105, 110}}) {
    Commit commit = page("h", {});
    commit.completes = window("h", kT0 + from * kMinute, kT0 + to * kMinute);
    REQUIRE(store->commit(commit).ok());
  }
  const auto open = store->gaps("h").value();
  // [70, 100) lies between two windows and no gap names it: listed too, as never recorded.
  REQUIRE(open.size() == 3);
  CHECK(open[0].from == kT0);
  CHECK(open[0].to == kT0 + 10 * kMinute);
  CHECK(open[1].from == kT0 + 30 * kMinute);
  CHECK(open[1].to == kT0 + 50 * kMinute);
  CHECK(open[1].recorded_at == kT0 + 99);
  CHECK(open[2].from == kT0 + 70 * kMinute);
  CHECK(open[2].to == kT0 + 100 * kMinute);
  CHECK(open[2].recorded_at == 0);
  CHECK(store->gaps("other").value().size() == 1);  // another hunt's windows do not close it
  CHECK(store->gaps("").value().size() == 4);
  const StoreSummary summary = store->summary().value();
  for (const auto& hunt : summary.hunts) {
    CHECK(hunt.gaps == (hunt.hunt == "h" ? 3U : 1U));
  }
  // The rest backfilled: nothing open.
  for (const auto& [from, to] : std::vector<std::pair<int, int>>{{0, 10}, {30, 50}, {70, 100}}) {
    Commit commit = page("h", {});
    commit.completes = window("h", kT0 + from * kMinute, kT0 + to * kMinute);
    REQUIRE(store->commit(commit).ok());
  }
  CHECK(store->gaps("h").value().empty());
}

TEST_CASE("gaps: a backfill older than the ledger leaves the stretch between them open") {
  const TempDir dir;
  auto store = freshStore(dir);
  // The daemon's ledger: [1000, 1010) minutes. A backfill hunted [0, 20) minutes, long before.
  for (const auto& [from, to] :
       std::vector<std::pair<int, int>>{{1000, 1005}, {1005, 1010}, {0, 10}, {10, 20}}) {
    Commit commit = page("h", {});
    commit.completes = window("h", kT0 + from * kMinute, kT0 + to * kMinute);
    REQUIRE(store->commit(commit).ok());
  }
  const auto open = store->gaps("h").value();
  REQUIRE(open.size() == 1);
  CHECK(open[0].from == kT0 + 20 * kMinute);
  CHECK(open[0].to == kT0 + 1000 * kMinute);
  CHECK(open[0].recorded_at == 0);
  CHECK(store->summary().value().hunts.at(0).gaps == 1);
  // Part of it backfilled: the rest stays open, in two pieces.
  Commit commit = page("h", {});
  commit.completes = window("h", kT0 + 500 * kMinute, kT0 + 505 * kMinute);
  REQUIRE(store->commit(commit).ok());
  const auto pieces = store->gaps("").value();
  REQUIRE(pieces.size() == 2);
  CHECK(pieces[0].to == kT0 + 500 * kMinute);
  CHECK(pieces[1].from == kT0 + 505 * kMinute);
}

TEST_CASE("baselines are remembered once") {
  const TempDir dir;
  auto store = freshStore(dir);
  Commit commit = page("h", {});
  commit.baselines = {"alice|openai", "bob|anthropic", "alice|openai"};
  REQUIRE(store->commit(commit).ok());
  CHECK(store->baselineKnown("alice|openai").value());
  CHECK(store->baselineKnown("bob|anthropic").value());
  CHECK_FALSE(store->baselineKnown("carol|openai").value());
  CHECK(store->summary().value().baselines == 2);
}

TEST_CASE("outbox: pending order and limit, delivered, failed") {
  const TempDir dir;
  auto store = freshStore(dir);
  std::vector<FindingItem> items;
  for (int i = 0; i < 7; ++i) items.push_back(finding("f" + std::to_string(i)));
  REQUIRE(store->commit(page("h", items)).ok());

  CHECK(store->pending("jsonl", 0).value().empty());
  const auto first3 = store->pending("jsonl", 3).value();
  REQUIRE(first3.size() == 3);
  CHECK(first3[0].finding_id == "f0");
  CHECK(first3[2].finding_id == "f2");
  CHECK(store->pending("jsonl", 100).value().size() == 7);
  CHECK(store->pending("nosuch", 100).value().empty());

  // A failure counts on the named rows of that sink only.
  REQUIRE(store->deliveryFailed("jsonl", first3[0].id, first3[1].id, "disk full").ok());
  REQUIRE(store->deliveryFailed("jsonl", first3[0].id, first3[0].id, "still full").ok());
  auto after = store->pending("jsonl", 3).value();
  CHECK(after[0].attempts == 2);
  CHECK(after[0].last_error == "still full");
  CHECK(after[1].attempts == 1);
  CHECK(after[1].last_error == "disk full");
  CHECK(after[2].attempts == 0);
  CHECK(store->pending("leef", 1).value()[0].attempts == 0);
  const std::string long_error(5000, 'x');
  REQUIRE(store->deliveryFailed("jsonl", first3[2].id, first3[2].id, long_error).ok());
  CHECK(store->pending("jsonl", 3).value()[2].last_error.size() < long_error.size());

  // Delivered removes exactly [first, last] of that sink and clears its progress.
  REQUIRE(store
              ->setProgress(
                  SinkProgress{"jsonl", "/out/findings.jsonl", 4096, first3[0].id, first3[2].id})
              .ok());
  REQUIRE(store->setProgress(SinkProgress{"leef", "syslog", 0, 1, 2}).ok());
  REQUIRE(store->delivered("jsonl", first3[0].id, first3[2].id).ok());
  CHECK(store->outboxDepth("jsonl").value() == 4);
  CHECK(store->outboxDepth("leef").value() == 7);
  CHECK(store->pending("jsonl", 1).value()[0].finding_id == "f3");
  CHECK_FALSE(store->progress("jsonl").value().has_value());
  CHECK(store->progress("leef").value().has_value());

  // Delivered rows do not come back when the same finding is committed again.
  CHECK(store->commit(page("h", {finding("f0")})).value().repeats == 1);
  CHECK(store->outboxDepth("jsonl").value() == 4);
}

TEST_CASE("outbox: a follower's rows get a due time once the leader has delivered their findings") {
  const TempDir dir;
  auto store = freshStore(dir);
  const std::vector<std::string> sinks = {"jsonl", "leef", "offense_notes"};
  REQUIRE(store->commit(page("h", {finding("a"), finding("b"), finding("c")}, sinks)).ok());
  const auto due = [&] {
    std::vector<std::string> released;
    const auto rows = store->pending("offense_notes", 100).value();
    for (const auto& row : rows) {
      if (row.due_at) released.push_back(row.finding_id + "@" + std::to_string(*row.due_at));
    }
    return released;
  };
  CHECK(due().empty());

  // LEEF holds all three: nothing is released.
  CHECK(store->release("offense_notes", "leef", 500, kNoneFree, 500).value() == 0);
  CHECK(due().empty());

  // LEEF delivers a and b: their notes get the time; c waits for its LEEF row.
  const auto leef = store->pending("leef", 2).value();
  REQUIRE(store->delivered("leef", leef.front().id, leef.back().id).ok());
  CHECK(store->release("offense_notes", "leef", 600, kNoneFree, 600).value() == 2);
  CHECK(due() == std::vector<std::string>{"a@600", "b@600"});
  // A row keeps the time it was first given.
  CHECK(store->release("offense_notes", "leef", 700, kNoneFree, 700).value() == 0);

  // LEEF empty: c goes too, but not a finding committed afterwards.
  const auto rest = store->pending("leef", 10).value();
  REQUIRE(store->delivered("leef", rest.front().id, rest.back().id).ok());
  CHECK(store->release("offense_notes", "leef", 800, kNoneFree, 800).value() == 1);
  REQUIRE(store->commit(page("h", {finding("d")}, sinks)).ok());
  CHECK(due() == std::vector<std::string>{"a@600", "b@600", "c@800"});
  // Other sinks' rows are never touched.
  const auto jsonl_rows = store->pending("jsonl", 10).value();
  for (const auto& row : jsonl_rows) CHECK_FALSE(row.due_at);

  // Without a leader, every row present is released.
  CHECK(store->release("offense_notes", "", 900, kNoneFree, 900).value() == 1);
  CHECK(due() == std::vector<std::string>{"a@600", "b@600", "c@800", "d@900"});

  // A due time later than the one given comes back to it (a wall clock set back).
  CHECK(store->release("offense_notes", "leef", 700, kNoneFree, 700).value() == 2);
  CHECK(due() == std::vector<std::string>{"a@600", "b@600", "c@700", "d@700"});
  // What is held at 650: c and d (due at 700), none waiting for its leader.
  auto held = store->held("offense_notes", 650).value();
  CHECK(held.count == 2);
  CHECK(held.first_due == std::optional<core::EpochMs>(700));

  // The leader turned off with a row of it left: rows made since (above `free_above`) have no
  // leader row and go; a row made before waits for the leader's.
  REQUIRE(store->commit(page("h", {finding("e")}, sinks)).ok());  // leef and notes rows
  const std::int64_t newest = store->newestOutboxId().value();
  REQUIRE(store->commit(page("h", {finding("f")}, {"jsonl", "offense_notes"})).ok());
  CHECK(store->release("offense_notes", "leef", 750, newest, 750).value() == 1);
  held = store->held("offense_notes", 650).value();
  CHECK(held.count == 4);  // c, d, f due later; e waits for LEEF
  CHECK(held.first_due == std::optional<core::EpochMs>(700));
  CHECK(store->held("offense_notes", 800).value().count == 1);
  CHECK_FALSE(store->held("offense_notes", 800).value().first_due.has_value());

  // Rows from the oldest due one on: none before anything is due; past a row still waiting
  // for its leader once a later one is due.
  CHECK(store->pendingFromDue("offense_notes", 599, 10).value().empty());
  CHECK(store->pendingFromDue("offense_notes", 600, 10).value().front().finding_id == "a");
  const auto first_four = store->pending("offense_notes", 4).value();
  REQUIRE(first_four.back().finding_id == "d");

  // The summary gives the earliest due time of each sink that has them.
  const auto summary = store->summary().value();
  REQUIRE(summary.outbox_first_due.size() == 1);
  CHECK(summary.outbox_first_due[0] ==
        std::pair<std::string, aihunt::core::EpochMs>{"offense_notes", 600});

  // a to d delivered: e waits for LEEF, f (due at 750) is the first row from the oldest due.
  REQUIRE(store->delivered("offense_notes", first_four.front().id, first_four.back().id).ok());
  CHECK(store->pendingFromDue("offense_notes", 749, 10).value().empty());
  const auto from_due = store->pendingFromDue("offense_notes", 750, 10).value();
  REQUIRE(from_due.size() == 1);
  CHECK(from_due[0].finding_id == "f");
}

TEST_CASE("outbox: rows a sink tries again stay, due later, and keep when they were first due") {
  const TempDir dir;
  auto store = freshStore(dir);
  REQUIRE(store
              ->commit(page("h", {finding("a"), finding("b"), finding("c"), finding("d")},
                            {"offense_notes"}))
              .ok());
  REQUIRE(store->release("offense_notes", "", 100, kNoneFree, 100).value() == 4);
  const auto batch = store->pendingFromDue("offense_notes", 100, 10).value();
  REQUIRE(batch.size() == 4);
  CHECK(batch[0].first_due_at == std::optional<core::EpochMs>(100));
  // b and d are tried again at 500 (an id outside the batch is ignored); a and c are gone.
  REQUIRE(store
              ->deliveredExcept("offense_notes", batch.front().id, batch.back().id,
                                {batch[3].id, batch[1].id, batch.back().id + 7}, 500, "no offense")
              .ok());
  CHECK(store->outboxDepth("offense_notes").value() == 2);
  auto held = store->held("offense_notes", 100).value();
  CHECK(held.count == 2);
  CHECK(held.retrying == 2);
  CHECK(held.first_due == std::optional<core::EpochMs>(500));
  CHECK(store->pendingFromDue("offense_notes", 499, 10).value().empty());
  auto again = store->pendingFromDue("offense_notes", 500, 10).value();
  REQUIRE(again.size() == 2);
  CHECK(again[0].finding_id == "b");
  CHECK(again[1].finding_id == "d");
  CHECK(again[0].attempts == 1);
  CHECK(again[0].last_error == "no offense");
  CHECK(again[0].due_at == std::optional<core::EpochMs>(500));
  CHECK(again[0].first_due_at == std::optional<core::EpochMs>(100));
  CHECK_FALSE(store->progress("offense_notes").value().has_value());

  // A release whose latest due time is past the retry leaves them alone; one whose latest due
  // time is before it (a wall clock set back) brings them back to its due time, and their first
  // due time with them when it is later still.
  CHECK(store->release("offense_notes", "", 200, kNoneFree, 600).value() == 0);
  CHECK(store->release("offense_notes", "", 300, kNoneFree, 300).value() == 2);
  again = store->pending("offense_notes", 10).value();
  CHECK(again[0].due_at == std::optional<core::EpochMs>(300));
  CHECK(again[0].first_due_at == std::optional<core::EpochMs>(100));
  CHECK(store->release("offense_notes", "", 50, kNoneFree, 50).value() == 2);
  again = store->pending("offense_notes", 10).value();
  CHECK(again[0].due_at == std::optional<core::EpochMs>(50));
  CHECK(again[0].first_due_at == std::optional<core::EpochMs>(50));
  CHECK(store->held("offense_notes", 40).value().retrying == 0);  // due again when first due
}

TEST_CASE("outbox: rows a failed batch got through are removed, of that sink only") {
  const TempDir dir;
  auto store = freshStore(dir);
  REQUIRE(store
              ->commit(
                  page("h", {finding("a"), finding("b"), finding("c")}, {"offense_notes", "jsonl"}))
              .ok());
  const auto rows = store->pending("offense_notes", 10).value();
  REQUIRE(rows.size() == 3);
  REQUIRE(
      store->setProgress(SinkProgress{"offense_notes", "notes", 0, rows[0].id, rows[2].id}).ok());
  REQUIRE(store->deliveredRows("offense_notes", {rows[2].id, rows[0].id}).ok());
  const auto left = store->pending("offense_notes", 10).value();
  REQUIRE(left.size() == 1);
  CHECK(left[0].finding_id == "b");
  CHECK(store->outboxDepth("jsonl").value() == 3);
  // The batch's mark stays: the outbox clears it as it ends the failed batch.
  CHECK(store->progress("offense_notes").value().has_value());
  REQUIRE(store->deliveredRows("offense_notes", {}).ok());
  CHECK(store->outboxDepth("offense_notes").value() == 1);
}

TEST_CASE("sink progress: set, get, replace, clear") {
  const TempDir dir;
  auto store = freshStore(dir);
  REQUIRE(store->setProgress(SinkProgress{"jsonl", "/out/a.jsonl", 10, 1, 5}).ok());
  auto got = store->progress("jsonl").value();
  REQUIRE(got.has_value());
  CHECK(got->sink == "jsonl");
  CHECK(got->target == "/out/a.jsonl");
  CHECK(got->offset == 10);
  CHECK(got->first_row == 1);
  CHECK(got->last_row == 5);

  REQUIRE(store->setProgress(SinkProgress{"jsonl", "/out/b.jsonl", 20, 6, 9}).ok());
  got = store->progress("jsonl").value();
  REQUIRE(got.has_value());
  CHECK(got->target == "/out/b.jsonl");
  CHECK(got->last_row == 9);

  REQUIRE(store->clearProgress("jsonl").ok());
  CHECK_FALSE(store->progress("jsonl").value().has_value());
  REQUIRE(store->clearProgress("jsonl").ok());  // clearing nothing is fine
}

TEST_CASE("pruneSeen forgets ids first raised before the cut") {
  const TempDir dir;
  auto store = freshStore(dir);
  for (int day = 0; day < 5; ++day) {
    Commit commit = page(
        "h", {finding("d" + std::to_string(day) + "a"), finding("d" + std::to_string(day) + "b")});
    commit.now = kT0 + day * 1440 * kMinute;
    REQUIRE(store->commit(commit).ok());
  }
  // While their outbox rows wait, ids are kept: forgetting one would queue it twice.
  CHECK(store->pruneSeen(kT0 + 2 * 1440 * kMinute).value() == 0);
  CHECK(store->seen("d0a").value());
  // Days 0 and 1 delivered by both sinks: only what came before the oldest pending row may go.
  for (const std::string sink : {"jsonl", "leef"}) {
    const auto rows = store->pending(sink, 100).value();
    REQUIRE(rows.size() == 10);
    REQUIRE(store->delivered(sink, rows[0].id, rows[3].id).ok());
  }
  CHECK(store->pruneSeen(kT0 + 2 * 1440 * kMinute).value() == 4);  // days 0 and 1
  CHECK_FALSE(store->seen("d0a").value());
  CHECK_FALSE(store->seen("d1b").value());
  CHECK(store->seen("d2a").value());
  CHECK(store->summary().value().seen_findings == 6);
  CHECK(store->pruneSeen(kT0 + 2 * 1440 * kMinute).value() == 0);
  // Day 2 is past the cut but still pending: kept whatever the cut.
  CHECK(store->pruneSeen(kT0 + 10 * 1440 * kMinute).value() == 0);

  // A pruned id is new again (retention is over): it is queued once more.
  const CommitResult again = store->commit(page("h", {finding("d0a")})).value();
  CHECK(again.added == 1);
  CHECK(store->outboxDepth("jsonl").value() == 7);
}

TEST_CASE("upload totals: a raised total's window is found by any window that overlaps it") {
  const TempDir dir;
  auto store = freshStore(dir);
  const auto mark = [](std::string source, core::EpochMs from, core::EpochMs to) {
    return UploadTotalMark{std::move(source), "alice", "openai", from, to, {}, {}, {}};
  };
  const core::EpochMs from = kT0;
  const core::EpochMs to = kT0 + 60 * kMinute;

  FindingItem total = finding("total-1");
  total.upload_total = mark("10.0.0.5", from, to);
  REQUIRE(store->commit(page("proxy", {total, finding("per-event")})).value().added == 2);

  CHECK(store->uploadTotalRaised("proxy", mark("10.0.0.5", from, to)).value());
  CHECK(store->uploadTotalRaised("proxy", mark("10.0.0.5", from + kMinute, to + kMinute)).value());
  CHECK(store->uploadTotalRaised("proxy", mark("10.0.0.5", from - kMinute, from + 1)).value());
  CHECK(store->uploadTotalRaised("proxy", mark("10.0.0.5", from - 5 * kMinute, to + kMinute))
            .value());
  // Windows are [from, to): one that ends where the total's begins, or begins where it ends, does
  // not overlap it.
  CHECK_FALSE(store->uploadTotalRaised("proxy", mark("10.0.0.5", from - kMinute, from)).value());
  CHECK_FALSE(store->uploadTotalRaised("proxy", mark("10.0.0.5", to, to + kMinute)).value());
  // Another source, user, provider or hunt is another total.
  CHECK_FALSE(store->uploadTotalRaised("proxy", mark("10.0.0.6", from, to)).value());
  CHECK_FALSE(store
                  ->uploadTotalRaised(
                      "proxy", UploadTotalMark{"10.0.0.5", "bob", "openai", from, to, {}, {}, {}})
                  .value());
  CHECK_FALSE(
      store
          ->uploadTotalRaised(
              "proxy", UploadTotalMark{"10.0.0.5", "alice", "anthropic", from, to, {}, {}, {}})
          .value());
  CHECK_FALSE(store->uploadTotalRaised("other", mark("10.0.0.5", from, to)).value());

  // A total whose id was raised before is a repeat, and its mark is not taken again.
  FindingItem again = finding("total-1");
  again.upload_total = mark("10.0.0.7", from, to);
  REQUIRE(store->commit(page("proxy", {again})).value().repeats == 1);
  CHECK_FALSE(store->uploadTotalRaised("proxy", mark("10.0.0.7", from, to)).value());

  // Retention forgets totals raised before the cut, with the seen ids.
  for (const std::string sink : {"jsonl", "leef"}) {
    const auto rows = store->pending(sink, 100).value();
    REQUIRE(store->delivered(sink, rows.front().id, rows.back().id).ok());
  }
  CHECK(store->pruneSeen(kT0 + 11 * kMinute).value() == 2);
  CHECK_FALSE(store->uploadTotalRaised("proxy", mark("10.0.0.5", from, to)).value());
}

TEST_CASE("upload totals: a raised total covers a later one of the same requests, no more bytes") {
  // The daemon's next window re-reads its overlap: a total of only the requests a raised total
  // held (within its first and last request, no more bytes) is that upload again. A request
  // outside that span, or more bytes (requests indexed late), make a total of their own.
  const TempDir dir;
  auto store = freshStore(dir);
  const core::EpochMs from = kT0;
  const core::EpochMs to = kT0 + 3 * kMinute;
  const core::EpochMs first = from + kMinute;
  const core::EpochMs last = from + 2 * kMinute;
  const auto mark = [](std::string source, std::optional<core::EpochMs> first_request,
                       std::optional<core::EpochMs> last_request,
                       std::optional<std::int64_t> bytes) {
    UploadTotalMark out{std::move(source), "alice",      "openai", 0, 0,
                        first_request,     last_request, bytes};
    return out;
  };
  FindingItem total = finding("total-1");
  total.upload_total =
      UploadTotalMark{"10.0.0.5", "alice", "openai", from, to, first, last, 3'000'000};
  REQUIRE(store->commit(page("proxy", {total})).value().added == 1);

  CHECK(store->uploadTotalCovers("proxy", mark("10.0.0.5", first, last, 3'000'000)).value());
  CHECK(store->uploadTotalCovers("proxy", mark("10.0.0.5", first, first, 1'000'000)).value());
  CHECK(store->uploadTotalCovers("proxy", mark("10.0.0.5", last, last, 1)).value());
  // A request before the first or after the last, or more bytes than were raised: new.
  CHECK_FALSE(store->uploadTotalCovers("proxy", mark("10.0.0.5", first - 1, last, 1)).value());
  CHECK_FALSE(store->uploadTotalCovers("proxy", mark("10.0.0.5", first, last + 1, 1)).value());
  CHECK_FALSE(store->uploadTotalCovers("proxy", mark("10.0.0.5", first, last, 3'000'001)).value());
  // Within the raised total's window but after its last request (indexed late): new.
  CHECK_FALSE(store->uploadTotalCovers("proxy", mark("10.0.0.5", to - 1, to - 1, 1'000)).value());
  // Unknown request times or bytes cover nothing; another source or hunt is another total.
  CHECK_FALSE(store->uploadTotalCovers("proxy", mark("10.0.0.5", std::nullopt, last, 1)).value());
  CHECK_FALSE(store->uploadTotalCovers("proxy", mark("10.0.0.5", first, std::nullopt, 1)).value());
  CHECK_FALSE(
      store->uploadTotalCovers("proxy", mark("10.0.0.5", first, last, std::nullopt)).value());
  CHECK_FALSE(store->uploadTotalCovers("proxy", mark("10.0.0.6", first, last, 1)).value());
  CHECK_FALSE(store->uploadTotalCovers("other", mark("10.0.0.5", first, last, 1)).value());
  // A total raised before schema 7 knows neither: it covers nothing.
  FindingItem older = finding("total-0");
  older.upload_total = UploadTotalMark{"10.0.0.9", "alice", "openai", from, to, {}, {}, {}};
  REQUIRE(store->commit(page("proxy", {older})).value().added == 1);
  CHECK_FALSE(store->uploadTotalCovers("proxy", mark("10.0.0.9", first, last, 1)).value());
}

TEST_CASE("summary: per hunt, per sink, counts and size") {
  const TempDir dir;
  auto store = freshStore(dir);
  Commit one = page("endpoint", {finding("e1"), finding("e2")}, {"jsonl"});
  one.completes = window("endpoint", kT0, kT0 + 15 * kMinute, 10, 2, 0);
  REQUIRE(store->commit(one).ok());
  Commit two = page("endpoint", {finding("e2"), finding("e3")}, {"jsonl"});
  two.completes = window("endpoint", kT0 + 15 * kMinute, kT0 + 30 * kMinute, 10, 1, 1);
  REQUIRE(store->commit(two).ok());
  Commit three = page("proxy", {finding("p1")}, {"jsonl", "refset"});
  three.baselines = {"k1"};
  REQUIRE(store->commit(three).ok());
  REQUIRE(store->recordGap(Gap{"proxy", kT0 - 60 * kMinute, kT0, kT0}).ok());
  REQUIRE(store->recordGap(Gap{"zeek", kT0 - 60 * kMinute, kT0, kT0}).ok());

  const StoreSummary summary = store->summary().value();
  CHECK(summary.seen_findings == 4);
  CHECK(summary.baselines == 1);
  REQUIRE(summary.hunts.size() == 3);
  const HuntSummary& endpoint = summary.hunts[0];
  CHECK(endpoint.hunt == "endpoint");
  CHECK(endpoint.ledger_start == kT0);
  CHECK(endpoint.ledger_end == kT0 + 30 * kMinute);
  CHECK(endpoint.windows == 2);
  CHECK(endpoint.findings == 3);
  CHECK(endpoint.repeats == 1);
  CHECK(endpoint.gaps == 0);
  const HuntSummary& proxy = summary.hunts[1];
  CHECK(proxy.hunt == "proxy");
  CHECK_FALSE(proxy.ledger_end.has_value());
  CHECK(proxy.windows == 0);
  CHECK(proxy.findings == 1);
  CHECK(proxy.gaps == 1);
  CHECK(summary.hunts[2].hunt == "zeek");
  CHECK(summary.hunts[2].gaps == 1);
  REQUIRE(summary.outbox_depth.size() == 2);
  CHECK(summary.outbox_depth[0] == std::pair<std::string, std::uint64_t>{"jsonl", 4});
  CHECK(summary.outbox_depth[1] == std::pair<std::string, std::uint64_t>{"refset", 1});
  std::error_code ec;
  const auto main_bytes = std::filesystem::file_size(dir.file("state.db"), ec);
  CHECK(summary.file_bytes >= main_bytes);
}

TEST_CASE("reopening keeps everything") {
  const TempDir dir;
  const std::string path = dir.file("state.db");
  {
    auto store = freshStore(dir);
    Commit commit = page("h", {finding("a"), finding("b")});
    commit.baselines = {"k"};
    commit.completes = window("h", kT0, kT0 + kMinute, 5, 2);
    REQUIRE(store->commit(commit).ok());
    REQUIRE(store->recordGap(Gap{"h", kT0 - kMinute, kT0, kT0}).ok());
    REQUIRE(store->setProgress(SinkProgress{"jsonl", "/x", 1, 2, 3}).ok());
    REQUIRE(store->deliveryFailed("leef", 0, 1'000'000, "refused").ok());
  }
  auto store = StateStore::open(path, OpenOptions{/*create=*/false, /*read_only=*/false});
  REQUIRE(store.ok());
  auto& reopened = **store;
  CHECK(reopened.ledgerEnd("h").value() == kT0 + kMinute);
  CHECK(reopened.seen("a").value());
  CHECK(reopened.baselineKnown("k").value());
  CHECK(reopened.gaps("h").value().size() == 1);
  CHECK(reopened.progress("jsonl").value()->target == "/x");
  CHECK(reopened.outboxDepth("jsonl").value() == 2);
  CHECK(reopened.pending("leef", 1).value()[0].last_error == "refused");
  CHECK(reopened.commit(page("h", {finding("a")})).value().repeats == 1);
  // New outbox ids keep increasing after a reopen.
  REQUIRE(reopened.commit(page("h", {finding("c")})).ok());
  const auto rows = reopened.pending("jsonl", 10).value();
  REQUIRE(rows.size() == 3);
  CHECK(rows[2].finding_id == "c");
  CHECK(rows[1].id < rows[2].id);
  CHECK(reopened.vacuum().ok());
  CHECK(reopened.integrityCheck().value().empty());
}

TEST_CASE("read-only: reads work, writes are refused, a missing file is an error") {
  const TempDir dir;
  const std::string path = dir.file("state.db");
  {
    auto store = freshStore(dir);
    Commit commit = page("h", {finding("a")});
    commit.completes = window("h", kT0, kT0 + kMinute);
    REQUIRE(store->commit(commit).ok());
  }
  const OpenOptions read_only{/*create=*/false, /*read_only=*/true};
  {
    auto store = StateStore::open(path, read_only);
    REQUIRE(store.ok());
    CHECK((*store)->ledgerEnd("h").value() == kT0 + kMinute);
    CHECK((*store)->summary().value().seen_findings == 1);
    auto refused = (*store)->commit(page("h", {finding("b")}));
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().code == core::ErrorCode::kState);
    CHECK((*store)->integrityCheck().value().empty());
  }

  const std::string missing = dir.file("missing.db");
  auto absent = StateStore::open(missing, read_only);
  REQUIRE_FALSE(absent.ok());
  CHECK(absent.error().code == core::ErrorCode::kIo);
  CHECK_THAT(absent.error().message, Catch::Contains(missing));
  CHECK_FALSE(std::filesystem::exists(missing));

  auto not_created = StateStore::open(missing, OpenOptions{/*create=*/false, false});
  REQUIRE_FALSE(not_created.ok());
  CHECK(not_created.error().code == core::ErrorCode::kIo);
  CHECK_FALSE(std::filesystem::exists(missing));

  const std::string orphan = dir.file("no/such/folder/state.db");
  auto no_folder = StateStore::open(orphan, OpenOptions{});
  REQUIRE_FALSE(no_folder.ok());
  CHECK(no_folder.error().code == core::ErrorCode::kIo);
  CHECK_THAT(no_folder.error().message, Catch::Contains(orphan));

  auto folder = StateStore::open(dir.path(), OpenOptions{});
  REQUIRE_FALSE(folder.ok());
  CHECK(folder.error().code == core::ErrorCode::kIo);

  // A pipe would block the first read forever.
  const std::string pipe = dir.file("pipe.db");
  REQUIRE(mkfifo(pipe.c_str(), 0600) == 0);
  auto fifo = StateStore::open(pipe, OpenOptions{});
  REQUIRE_FALSE(fifo.ok());
  CHECK(fifo.error().code == core::ErrorCode::kIo);
  CHECK_THAT(fifo.error().message, Catch::Contains("not a regular file"));
}

TEST_CASE("a store notices its file deleted, moved or replaced while it is open") {
  const TempDir dir;
  const std::string path = dir.file("state.db");
  SECTION("in place") {
    auto store = freshStore(dir);
    CHECK(store->stillInPlace().ok());
    REQUIRE(store->commit(page("h", {finding("f-1")})).ok());
    CHECK(store->stillInPlace().ok());  // its own writes do not move it
  }
  SECTION("deleted") {
    auto store = freshStore(dir);
    REQUIRE(std::filesystem::remove(path));
    const auto here = store->stillInPlace();
    REQUIRE_FALSE(here.ok());
    CHECK(here.error().code == core::ErrorCode::kState);
  }
  SECTION("moved aside") {
    auto store = freshStore(dir);
    std::filesystem::rename(path, path + ".old");
    CHECK_FALSE(store->stillInPlace().ok());
  }
  SECTION("replaced by another store (a backup restored over it)") {
    auto store = freshStore(dir);
    {
      auto other = StateStore::open(dir.file("backup.db"), OpenOptions{});
      REQUIRE(other.ok());
    }
    std::filesystem::rename(dir.file("backup.db"), path);
    const auto here = store->stillInPlace();
    REQUIRE_FALSE(here.ok());
    CHECK(here.error().code == core::ErrorCode::kState);
  }
}

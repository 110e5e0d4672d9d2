#pragma once
// Drains the outbox (state::StateStore's pending rows per sink) into the sinks, oldest first, in
// batches, at least once and idempotently: each batch's mark is recorded before the sink is
// touched and cleared in the same transaction that removes the delivered rows (sink.h). Sinks
// deliver side by side, a thread per lane (Sink::follows()), so that a slow console holds up
// neither the LEEF events nor the JSONL file. A sink that fails keeps its rows and is retried
// with exponential backoff; its depth is bounded, and the daemon stops hunting while any sink is
// full (backpressure, never silent loss).
#include <atomic>
#include <chrono>
#include <cstdint>
#include <future>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <spdlog/logger.h>

#include "core/clock.h"
#include "core/metrics.h"
#include "core/result.h"
#include "service/sink.h"
#include "state/state_store.h"

namespace aihunt::service {

struct OutboxOptions {
  std::size_t batch_rows = 500;
  std::uint64_t max_rows = 1'000'000;  // per sink
  std::chrono::milliseconds initial_backoff{1'000};
  std::chrono::milliseconds max_backoff{5 * 60'000};
  // The wall clock that due times (Sink::waitAfterLeader()) are set and judged by; nullptr: the
  // system clock. Not the hunts' clock: a due time is about when QRadar can have made an
  // offense, whatever instant `--now` hunts at.
  const core::Clock* clock = nullptr;
};

// What a drain did for one sink: delivered, and what still waits and why (its last failure, if
// the drain had one). What `run --once` and `hunt --deliver` tell the operator per destination.
struct SinkDrain {
  std::string name;
  std::uint64_t delivered = 0;
  std::uint64_t waiting = 0;
  std::string error;   // unsanitised: the sink's or the network's words
  std::string detail;  // Sink::deliveredDetail(), over the sink's life
  // Of `waiting`, the rows held back on purpose (Sink::waitAfterLeader()): not due yet, or
  // their leader has not delivered them. Not a failure.
  std::uint64_t held = 0;
  std::optional<core::EpochMs> next_due;  // when the first held row may go, if it is known
  std::uint64_t held_for_leader = 0;      // of `held`, rows whose leader has not delivered them
  std::uint64_t held_retrying = 0;        // of `held`, rows the sink tried and will try again
};

struct DrainReport {
  std::uint64_t delivered = 0;
  std::uint64_t failures = 0;
  bool empty = true;  // nothing left pending in any sink, but for rows held back on purpose
  std::vector<SinkDrain> sinks;  // every sink, in the outbox's order
};

class Outbox {
 public:
  Outbox(state::StateStore& store, std::vector<std::unique_ptr<Sink>> sinks, OutboxOptions options,
         core::Metrics& metrics, std::shared_ptr<spdlog::logger> logger);
  // Waits for any lane still in flight (flush() and drainAll() leave none).
  ~Outbox();
  Outbox(const Outbox&) = delete;
  Outbox& operator=(const Outbox&) = delete;

  // The names the ledger gives new findings' outbox rows.
  [[nodiscard]] std::vector<std::string> sinkNames() const;
  // The sinks' names lane by lane: the lanes deliver side by side, a lane's sinks in order.
  [[nodiscard]] std::vector<std::vector<std::string>> lanes() const;
  // At start: batches a crash left half-delivered are rolled back (and will be delivered again).
  [[nodiscard]] core::Status recover();
  // Delivers pending rows of every sink whose backoff has passed, until each is empty, fails, or
  // `deadline` passes; the lanes side by side, the sinks of a lane in order. A lane still inside
  // a batch at the deadline goes on: this pass counts its rows as waiting, and a later one
  // collects what it delivered (the daemon's loop, which a slow console must not hold up).
  DrainReport drain(std::chrono::steady_clock::time_point deadline) {
    return pass(deadline, /*wait_all=*/false);
  }
  // Delivers until every sink is empty or one fails (its rows wait for the next run): the end of
  // `run --once` and `backfill`.
  DrainReport drainAll();
  // At shutdown: drains until nothing waits or `deadline` passes, trying a failed sink again when
  // its backoff ends (if that is before the deadline). What still waits is in the report.
  DrainReport flush(std::chrono::steady_clock::time_point deadline);
  // Whether any sink holds `max_rows` or more (hunting pauses); refreshes the depth gauges.
  [[nodiscard]] bool full();
  // Why the outbox's last use of the state store failed (recording a delivery, reading what
  // waits), if none has worked since: the daemon's /readyz says it beside the hunts' own.
  [[nodiscard]] std::optional<std::string> stateProblem() const;
  // The console refused the token (a hunt's request, or a console sink's): the sinks that send
  // with it (Sink::usesConsoleToken) try nothing until `until`. A console sink's own refusal
  // holds them too, 30 s, doubling to 10 minutes while refusals go on, as the daemon holds its
  // hunts. Any thread.
  void holdConsole(std::chrono::steady_clock::time_point until);
  // The token may be new (a reload): console sinks try at their next pass, their backoff and
  // the hold dropped. Any thread.
  void retryConsoleNow();
  static constexpr std::chrono::seconds kFirstConsoleHold{30};
  static constexpr std::chrono::minutes kLongestConsoleHold{10};

 private:
  struct SinkState {
    std::unique_ptr<Sink> sink;
    int failures = 0;          // consecutive
    std::string last_error{};  // of the latest of them
    std::chrono::steady_clock::time_point retry_at{};
    bool warned_near_full = false;
    // A sink that waits after its leader (Sink::waitAfterLeader()):
    std::string leader{};         // Sink::follows(), configured or not
    bool leader_in_lane = false;  // the leader is configured: it comes before it in its lane
    // Without the leader configured: rows above this id were made without a leader row.
    std::optional<std::int64_t> free_above{};
    // StateStore::release() has run since the leader last delivered (or since the start).
    bool released = false;
    std::optional<core::EpochMs> held_until{};  // its oldest row is not due before then
    // Rows of its last failed batch that got through (Sink::takeDeliveredOfFailed()).
    std::size_t delivered_of_failed = 0;
    // A batch the sink delivered whose removal from the outbox failed (the store full or
    // failing): the next attempt records it again instead of delivering it again, which would
    // append it to a JSONL file twice and send its LEEF events twice.
    struct Unrecorded {
      state::SinkProgress mark;
      Sink::Retries retries;
      core::EpochMs again_at = 0;
      std::size_t delivered = 0;
    };
    std::optional<Unrecorded> unrecorded{};
    // The mark of a failed batch whose undo failed too: the next attempt undoes it first. A new
    // mark would count the half-written batch as delivered (a JSONL file keeps its torn lines
    // and gets the batch's first findings twice: a review).
    std::optional<state::SinkProgress> undo{};
    // The retryConsoleNow() count this sink's backoff last took into account.
    std::uint64_t console_retries_seen{};
  };
  // What one sink's part of a drain pass did.
  struct SinkPass {
    SinkDrain drained;
    std::uint64_t failures = 0;
    bool empty = true;
  };
  // Sinks delivered in order by one thread; the lanes run side by side.
  struct Lane {
    std::vector<std::size_t> sinks;  // indices into sinks_
    // The lane's pass in flight. A pass of drain() may end while a lane is still inside a slow
    // batch: the lane goes on, and later passes collect it and leave it alone until it is done.
    std::future<std::vector<SinkPass>> running;
  };
  // How many of the rows were delivered (the rest the sink tries again later).
  // Removes the batch in `state.unrecorded` from the outbox (and re-dates its retries).
  core::Status recordDelivered(SinkState& state);
  [[nodiscard]] core::Result<std::size_t> deliverBatch(SinkState& state,
                                                       const std::vector<state::OutboxRow>& rows);
  // `wait_all`: the pass waits for every lane to finish, whatever the deadline (flush, drainAll).
  DrainReport pass(std::chrono::steady_clock::time_point deadline, bool wait_all);
  void startLane(Lane& lane, std::chrono::steady_clock::time_point deadline);
  std::vector<SinkPass> runLane(const Lane& lane, std::chrono::steady_clock::time_point deadline);
  // `leader_delivered`: the sink before it in the lane delivered rows in this lane's run.
  SinkPass drainSink(SinkState& state, std::chrono::steady_clock::time_point deadline,
                     bool leader_delivered);
  // For a sink that waits after its leader: gives due times to the rows its leader has
  // delivered; false when its oldest row is already known not to be due (the pass skips it).
  [[nodiscard]] core::Result<bool> releaseHeld(SinkState& state);
  // Records SinkState::free_above, once (at recover(), before anything is hunted).
  [[nodiscard]] core::Status noteFreeRows(SinkState& state);
  // StateStore::held() for a sink that waits after its leader, into aihunt_outbox_held.
  std::optional<state::HeldRows> refreshHeld(SinkState& state);
  [[nodiscard]] core::EpochMs wallNow() const;
  // Notes how a write of `sink`'s to the store went, for stateProblem(); returns `status`.
  core::Status noteStore(const std::string& sink, core::Status status);
  // A read of the store failed; cleared by the next read that works (full(), every tick).
  void noteReadFailed(const core::Error& error);
  void updateDepth(SinkState& state, std::uint64_t depth);

  state::StateStore& store_;
  std::vector<SinkState> sinks_;
  std::mutex depth_mutex_;                  // SinkState::warned_near_full, set from several threads
  mutable std::mutex state_problem_mutex_;  // lanes note, the health server's thread reads
  std::map<std::string, std::string> write_problems_;  // by sink: one's success clears its own
  std::optional<std::string> read_problem_;
  // When the run stops delivering (steady clock ticks), once flush() or drainAll() has begun: a
  // failure whose retry would come later says its findings wait for the next run instead.
  // The console hold (holdConsole), as steady_clock ticks; refusals in a row by console sinks;
  // retryConsoleNow() calls.
  std::atomic<std::chrono::steady_clock::rep> console_hold_until_{0};
  std::atomic<int> console_refusals_{0};
  std::atomic<std::uint64_t> console_retries_{0};
  // The hold a console sink's refusal starts (and lengthens while they go on).
  std::chrono::milliseconds holdAfterConsoleRefusal();
  std::atomic<std::chrono::steady_clock::rep> run_ends_{
      std::numeric_limits<std::chrono::steady_clock::rep>::max()};
  std::vector<Lane> lanes_;  // ~Outbox waits for those in flight
  OutboxOptions options_;
  core::Metrics& metrics_;
  std::shared_ptr<spdlog::logger> logger_;
};

}  // namespace aihunt::service

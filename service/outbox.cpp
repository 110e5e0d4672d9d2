#include "service/outbox.h"

#include <algorithm>
#include <exception>
#include <functional>
#include <future>
#include <mutex>
#include <optional>
#include <system_error>
#include <thread>

#include "core/text.h"
#include "core/time.h"

namespace aihunt::service {
namespace {

constexpr std::chrono::milliseconds kSlowBatch{10'000};  // a batch this slow is logged
// SinkState::held_until of a sink whose oldest row has no due time yet: its leader has not
// delivered that finding, so only the leader's next delivery can make it due.
constexpr core::EpochMs kUntilLeaderDelivers = std::numeric_limits<core::EpochMs>::max();
// StateStore::release()'s `free_above` when every row waits for its leader's.
constexpr std::int64_t kNoneFree = std::numeric_limits<std::int64_t>::max();

// Whether a sink's rows go by due time: it waits after its leader, or it tries rows again later
// (which needs a due time even with no wait: the rows it hands back must not come straight back).
bool hasDueTimes(const Sink& sink) {
  return sink.waitAfterLeader().count() > 0 || sink.retryAfter().count() > 0;
}

}  // namespace

Outbox::Outbox(state::StateStore& store, std::vector<std::unique_ptr<Sink>> sinks,
               OutboxOptions options, core::Metrics& metrics,
               std::shared_ptr<spdlog::logger> logger)
    : store_(store), options_(options), metrics_(metrics), logger_(std::move(logger)) {
  for (auto& sink : sinks) sinks_.push_back(SinkState{std::move(sink)});
  // A sink that follows an earlier one joins the end of its lane; any other starts a lane.
  for (std::size_t index = 0; index < sinks_.size(); ++index) {
    const std::string_view leader = sinks_[index].sink->follows();
    const auto joined = std::find_if(lanes_.begin(), lanes_.end(), [&](const Lane& lane) {
      return !leader.empty() &&
             std::any_of(lane.sinks.begin(), lane.sinks.end(),
                         [&](std::size_t member) { return sinks_[member].sink->name() == leader; });
    });
    // The rows of a sink that waits after its leader wait for the leader's rows even when the
    // leader is not configured now: its rows stay in the outbox until it is again.
    sinks_[index].leader = std::string(leader);
    if (joined != lanes_.end()) {
      joined->sinks.push_back(index);
      sinks_[index].leader_in_lane = true;
    } else {
      lanes_.emplace_back().sinks.push_back(index);
    }
  }
}

Outbox::~Outbox() {
  // A lane still in flight uses the logger, the options and the metrics, which go before lanes_.
  for (Lane& lane : lanes_) {
    if (lane.running.valid()) lane.running.wait();
  }
}

std::vector<std::string> Outbox::sinkNames() const {
  std::vector<std::string> names;
  names.reserve(sinks_.size());
  for (const auto& state : sinks_) names.push_back(state.sink->name());
  return names;
}

std::vector<std::vector<std::string>> Outbox::lanes() const {
  std::vector<std::vector<std::string>> names;
  for (const auto& lane : lanes_) {
    auto& named = names.emplace_back();
    for (const std::size_t index : lane.sinks) named.push_back(sinks_[index].sink->name());
  }
  return names;
}

core::Status Outbox::recover() {
  for (auto& state : sinks_) {
    if (auto noted = noteFreeRows(state); !noted) return noted;
    auto progress = store_.progress(state.sink->name());
    if (!progress) return progress.error();
    if (!*progress) continue;
    logger_->warn(
        "sink '{}': a batch (outbox rows {}-{}) was interrupted; {}, and delivering it "
        "again",
        state.sink->name(), (*progress)->first_row, (*progress)->last_row,
        state.sink->rollbackDetail(**progress));
    if (auto status = state.sink->rollback(**progress); !status) {
      return status.error().withContext("sink '" + state.sink->name() + "'");
    }
    if (auto status = store_.clearProgress(state.sink->name()); !status) return status;
  }
  return {};
}

core::Status Outbox::recordDelivered(SinkState& state) {
  const SinkState::Unrecorded& batch = *state.unrecorded;
  const std::string& name = state.sink->name();
  if (batch.retries.rows.empty()) {
    return store_.delivered(name, batch.mark.first_row, batch.mark.last_row);
  }
  auto removed = store_.deliveredExcept(name, batch.mark.first_row, batch.mark.last_row,
                                        batch.retries.rows, batch.again_at, batch.retries.why);
  // What the sink holds has changed: its next pass reads the outbox again instead of trusting
  // a first due time known from before.
  if (removed) state.held_until.reset();
  return removed;
}

core::Result<std::size_t> Outbox::deliverBatch(SinkState& state,
                                               const std::vector<state::OutboxRow>& rows) {
  const std::string& name = state.sink->name();
  state.delivered_of_failed = 0;
  if (state.unrecorded) {
    // Delivered before; only its removal from the outbox is left to do.
    if (auto recorded = noteStore(name, recordDelivered(state)); !recorded) {
      return recorded.error().withContext("delivered, but not recorded as delivered");
    }
    logger_->info("sink '{}': recorded {} delivered before the store failed", name,
                  core::counted(state.unrecorded->delivered, "finding"));
    const std::size_t delivered = state.unrecorded->delivered;
    state.unrecorded.reset();
    return delivered;
  }
  if (state.undo) {
    if (auto undone = state.sink->rollback(*state.undo); !undone) {
      return undone.error().withContext("undoing the failed batch before the next");
    }
    static_cast<void>(store_.clearProgress(name));
    state.undo.reset();
  }
  auto mark = state.sink->mark();
  if (!mark) return mark.error();
  mark->sink = name;
  mark->first_row = rows.front().id;
  mark->last_row = rows.back().id;
  if (auto status = noteStore(name, store_.setProgress(*mark)); !status) return status.error();
  if (auto delivered = state.sink->deliver(rows); !delivered) {
    // What got through and cannot be undone leaves the outbox; the rest is delivered again. If
    // removing it fails (the store itself failing), the retry delivers it again: the sink's
    // markers stop a second note when the batch holds the same rows, not always otherwise.
    if (const auto through = state.sink->takeDeliveredOfFailed(); !through.empty()) {
      if (auto removed = noteStore(name, store_.deliveredRows(name, through)); !removed) {
        logger_->error("sink '{}': {}; they are delivered again", name, removed.error().message);
      } else {
        state.delivered_of_failed = through.size();
      }
    }
    // Undo what part of the batch got through, so that the retry cannot write it twice.
    if (auto undone = state.sink->rollback(*mark); undone) {
      static_cast<void>(store_.clearProgress(name));
    } else {
      state.undo = *mark;  // and its progress row stays, for a restart to undo
    }
    return delivered.error();
  }
  Sink::Retries retries = state.sink->takeRetries();
  const std::size_t delivered = rows.size() - std::min(rows.size(), retries.rows.size());
  const core::EpochMs again_at =
      retries.rows.empty() ? 0 : wallNow() + state.sink->retryAfter().count();
  state.unrecorded = SinkState::Unrecorded{*mark, std::move(retries), again_at, delivered};
  if (auto recorded = noteStore(name, recordDelivered(state)); !recorded) {
    // Kept in `unrecorded` for the next attempt. The progress mark stays in the store too: if
    // the process ends first, the next start rolls the sink back to it (a JSONL file is cut
    // back) and delivers the batch once more.
    return recorded.error().withContext("delivered, but not recorded as delivered");
  }
  state.unrecorded.reset();
  return delivered;
}

void Outbox::updateDepth(SinkState& state, std::uint64_t depth) {
  // From a lane's thread, and from full() on the daemon's while a slow lane still delivers.
  const std::lock_guard lock(depth_mutex_);
  const std::string& name = state.sink->name();
  metrics_.set("aihunt_outbox_depth", {name}, static_cast<double>(depth));
  const bool near_full = depth >= options_.max_rows * 9 / 10;
  if (near_full && !state.warned_near_full) {
    logger_->error(
        "sink '{}': the outbox holds {} undelivered findings, {}% of its bound ({}); "
        "hunting pauses when it is full",
        name, depth, depth * 100 / std::max<std::uint64_t>(1, options_.max_rows),
        options_.max_rows);
  }
  state.warned_near_full = near_full;
}

core::Status Outbox::noteStore(const std::string& sink, core::Status status) {
  const std::lock_guard lock(state_problem_mutex_);
  if (!status) {
    write_problems_[sink] = "delivery to '" + sink + "': " + status.error().message;
  } else {
    write_problems_.erase(sink);
  }
  return status;
}

void Outbox::noteReadFailed(const core::Error& error) {
  const std::lock_guard lock(state_problem_mutex_);
  read_problem_ = "delivery: " + error.message;
}

std::optional<std::string> Outbox::stateProblem() const {
  const std::lock_guard lock(state_problem_mutex_);
  if (!write_problems_.empty()) return write_problems_.begin()->second;
  return read_problem_;
}

core::EpochMs Outbox::wallNow() const {
  return core::toEpochMs(options_.clock != nullptr ? options_.clock->now()
                                                   : std::chrono::system_clock::now());
}

core::Status Outbox::noteFreeRows(SinkState& state) {
  // Only for a sink that waits after a leader this config does not have: rows made from now on
  // have no leader row, and must not wait for the leader's rows left from earlier runs.
  if (state.free_above || state.leader.empty() || state.leader_in_lane ||
      !hasDueTimes(*state.sink)) {
    return {};
  }
  auto newest = store_.newestOutboxId();
  if (!newest) return newest.error();
  state.free_above = *newest;
  return {};
}

std::optional<state::HeldRows> Outbox::refreshHeld(SinkState& state) {
  if (!hasDueTimes(*state.sink)) return std::nullopt;
  auto held = store_.held(state.sink->name(), wallNow());
  if (!held) return std::nullopt;
  metrics_.set("aihunt_outbox_held", {state.sink->name()}, static_cast<double>(held->count));
  return *held;
}

core::Result<bool> Outbox::releaseHeld(SinkState& state) {
  if (auto noted = noteFreeRows(state); !noted) return noted.error();
  const core::EpochMs now = wallNow();
  const core::EpochMs due = now + state.sink->waitAfterLeader().count();
  // Rows the sink tries again are due up to retryAfter() from now.
  const core::EpochMs latest =
      now + std::max(state.sink->waitAfterLeader(), state.sink->retryAfter()).count();
  // A due time further off than that: the wall clock went back, or the wait was shortened.
  // Releasing brings it back.
  if (state.held_until && *state.held_until != kUntilLeaderDelivers && *state.held_until > latest) {
    state.released = false;
  }
  // Rows can become releasable only when the leader delivers (runLane then clears `released`,
  // which stays cleared until a release succeeds: a sink backing off, or a release that fails,
  // releases on its next pass), or, with no leader in the lane, when new rows come. The first
  // pass of a process releases whatever an earlier one left (it may have stopped between a
  // leader's delivery and the release).
  if (!state.leader_in_lane || !state.released) {
    auto released = store_.release(state.sink->name(), state.leader, due,
                                   state.free_above.value_or(kNoneFree), latest);
    if (!released) return released.error();
    state.released = true;
    if (*released > 0) state.held_until.reset();
  }
  // The oldest row is known not to be due yet: no need to read the outbox in this pass.
  return !(state.held_until && now < *state.held_until);
}

Outbox::SinkPass Outbox::drainSink(SinkState& state, std::chrono::steady_clock::time_point deadline,
                                   bool leader_delivered) {
  SinkPass pass;
  const std::string& name = state.sink->name();
  std::string failed_with;
  SinkDrain& drained = pass.drained;
  drained.name = name;
  const bool console = state.sink->usesConsoleToken();
  if (console && state.console_retries_seen != console_retries_.load()) {
    // A reload since this sink last failed: its token may be new, and is tried at once.
    state.console_retries_seen = console_retries_.load();
    state.retry_at = {};
  }
  const auto started = std::chrono::steady_clock::now();
  const bool console_held =
      console && started.time_since_epoch().count() < console_hold_until_.load();
  const bool backing_off = console_held || (state.failures > 0 && started < state.retry_at);
  if (backing_off) {
    pass.empty = false;
    failed_with = state.failures > 0 || !console_held
                      ? state.last_error
                      : "the console refuses the token (each refused request counts as a failed "
                        "login): held until it takes one";
  }
  const bool waits = hasDueTimes(*state.sink);
  bool held = false;
  const auto outboxFailed = [&](const core::Error& error) {
    noteReadFailed(error);
    logger_->error("sink '{}': reading the outbox: {}", name, error.message);
    pass.empty = false;
    ++pass.failures;
    failed_with = "reading the outbox: " + error.message;
  };
  if (leader_delivered) state.released = false;
  if (!backing_off && waits) {
    auto go = releaseHeld(state);
    if (!go) {
      outboxFailed(go.error());
    } else {
      held = !*go;
    }
  }
  while (!backing_off && !held && failed_with.empty() &&
         std::chrono::steady_clock::now() < deadline) {
    const core::EpochMs now = wallNow();
    auto rows = waits ? store_.pendingFromDue(name, now, options_.batch_rows)
                      : store_.pending(name, options_.batch_rows);
    if (!rows) {
      outboxFailed(rows.error());
      break;
    }
    if (rows->empty() && waits) {
      // Nothing due: no need to read the outbox again before the first due time, unless a
      // release gives new rows a time.
      auto rows_held = store_.held(name, now);
      if (!rows_held) {
        outboxFailed(rows_held.error());
        break;
      }
      state.held_until = rows_held->first_due.value_or(kUntilLeaderDelivers);
      held = rows_held->count > 0;
    }
    if (rows->empty()) break;
    if (waits) {
      // The batch starts at the oldest due row and ends before the first row that is not due
      // (or that its leader has not delivered yet): a run of consecutive rows, as delivered()
      // removes by range.
      const auto not_due = std::find_if(rows->begin(), rows->end(), [&](const auto& row) {
        return !row.due_at || *row.due_at > now;
      });
      rows->erase(not_due, rows->end());
    }
    const auto batch_started = std::chrono::steady_clock::now();
    auto status = deliverBatch(state, *rows);
    if (!status) {
      ++state.failures;
      ++pass.failures;
      pass.empty = false;
      auto backoff = std::min<std::chrono::milliseconds>(
          options_.max_backoff,
          options_.initial_backoff * (1LL << std::min(state.failures - 1, 16)));
      if (console && status.error().code == core::ErrorCode::kAuth) {
        // A refused token: every console sink waits, longer while refusals go on.
        backoff = std::max(backoff, holdAfterConsoleRefusal());
      }
      state.retry_at = std::chrono::steady_clock::now() + backoff;
      metrics_.add("aihunt_sink_delivery_errors_total", {name});
      // A sink's requests are cancelled only when aihunt stops (the end of the grace period, or
      // Ctrl-C): a bare "cancelled" would read as the destination's doing.
      std::string why = status.error().message;
      if (status.error().code == core::ErrorCode::kCancelled) {
        why += " (aihunt was stopping)";
        // The try the stop cut short says nothing of the destination: the failure before it is
        // why the rows still wait, and stays said (a trial read "cancelled" at the end of the
        // grace period where the console had answered HTTP 500).
        constexpr std::string_view kStopping = "(aihunt was stopping)";
        const bool stop_said = state.last_error.size() >= kStopping.size() &&
                               state.last_error.compare(state.last_error.size() - kStopping.size(),
                                                        kStopping.size(), kStopping) == 0;
        if (state.failures > 1 && !state.last_error.empty() && !stop_said) {
          why = state.last_error + "; then " + why;
        }
      }
      // Findings the batch got through before it failed have left the outbox: not counted
      // among those that wait.
      if (state.unrecorded) {
        // The destination has the batch; the store could not say so. Nothing waits to be
        // delivered again: only the record does (a "failed ... waiting" here read as if the
        // destination lacked findings it had).
        metrics_.add("aihunt_state_errors_total");
        logger_->warn(
            "sink '{}': delivered {}, but the state store could not record it ({}); recording it "
            "again in {} ms, without delivering it again",
            name, core::counted(state.unrecorded->delivered, "finding"), why, backoff.count());
        state.last_error = why;
        failed_with = state.last_error;
        break;
      }
      const std::size_t through = state.delivered_of_failed;
      const std::string what =
          core::counted(rows->size() - std::min(through, rows->size()), "finding") +
          (through > 0 ? " (" + std::to_string(through) + " of the batch got through first)" : "");
      if (state.retry_at.time_since_epoch().count() >= run_ends_.load()) {
        const bool one = rows->size() - std::min(through, rows->size()) == 1;
        logger_->warn(
            "sink '{}': delivering {} failed (failure {} in a row in this process); {} in the "
            "outbox for the next run: {}",
            name, what, state.failures, one ? "it waits" : "they wait", why);
      } else {
        logger_->warn(
            "sink '{}': delivering {} failed (failure {} in a row in this process), retrying in {} "
            "ms: {}",
            name, what, state.failures, backoff.count(), why);
      }
      static_cast<void>(store_.deliveryFailed(name, rows->front().id, rows->back().id, why));
      state.delivered_of_failed = 0;
      if (through > 0) {
        drained.delivered += through;
        metrics_.add("aihunt_sink_delivered_total", {name}, static_cast<double>(through));
      }
      state.last_error = why;
      failed_with = state.last_error;
      break;
    }
    // The warnings said each failure: the recovery is said too (a trial read the log and could
    // not tell when the destination took the findings again).
    if (state.failures > 0) {
      logger_->info("sink '{}': delivering again: {} delivered after {} in a row", name,
                    core::counted(*status, "finding"), core::counted(state.failures, "failure"));
    }
    state.failures = 0;
    state.last_error.clear();
    if (console) console_refusals_ = 0;  // the console takes the token
    drained.delivered += *status;
    metrics_.add("aihunt_sink_delivered_total", {name}, static_cast<double>(*status));
    // A slow destination (a console busy with reference-data tasks) would otherwise leave the
    // log silent for minutes, which reads as a hang.
    const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - batch_started);
    if (took >= kSlowBatch) {
      logger_->info("sink '{}': delivered {} in {}", name, core::counted(rows->size(), "finding"),
                    core::formatDuration(took));
    }
  }
  auto depth = store_.outboxDepth(name);
  if (depth) {
    updateDepth(state, *depth);
    drained.waiting = *depth;
    // What is held is read from the store, not from this pass: a pass that ended at its
    // deadline, or a sink backing off, looked at none of its rows.
    if (const auto rows_held = refreshHeld(state)) {
      drained.held = std::min(rows_held->count, *depth);
      drained.next_due = rows_held->first_due;
      drained.held_for_leader = std::min(rows_held->for_leader, drained.held);
      drained.held_retrying = std::min(rows_held->retrying, drained.held);
    }
    if (*depth > drained.held) pass.empty = false;
  }
  // A pass that reached its deadline before trying still says why rows wait: the sink's last
  // failure, if it has one (cleared by a delivery).
  drained.error = failed_with.empty() && drained.waiting > 0 ? state.last_error : failed_with;
  drained.detail = state.sink->deliveredDetail();
  return pass;
}

namespace {

// Adds what a later run of a sink's pass did to an earlier one: deliveries and failures add up;
// what waits, and why, is the later run's.
void absorb(std::optional<SinkDrain>& into, std::uint64_t& failures, bool& empty,
            const SinkDrain& later, std::uint64_t later_failures, bool later_empty) {
  failures += later_failures;
  empty = later_empty;
  if (!into) {
    into = later;
    return;
  }
  into->delivered += later.delivered;
  into->waiting = later.waiting;
  into->held = later.held;
  into->next_due = later.next_due;
  into->held_for_leader = later.held_for_leader;
  into->held_retrying = later.held_retrying;
  into->error = later.error;
  into->detail = later.detail;
}

}  // namespace

std::vector<Outbox::SinkPass> Outbox::runLane(const Lane& lane,
                                              std::chrono::steady_clock::time_point deadline) {
  std::vector<SinkPass> passes;
  passes.reserve(lane.sinks.size());
  for (const std::size_t index : lane.sinks) {
    SinkState& state = sinks_[index];
    // Whether the sink this one follows delivered in this run of the lane (it came earlier).
    bool leader_delivered = false;
    for (std::size_t k = 0; k < passes.size(); ++k) {
      if (passes[k].drained.name == state.leader) {
        leader_delivered = passes[k].drained.delivered > 0;
      }
    }
    try {
      passes.push_back(drainSink(state, deadline, leader_delivered));
    } catch (const std::exception& error) {
      // Out of memory, most likely. The sink's rows stay; it backs off like any failing sink,
      // and the lane's other sinks and the pass's report go on.
      ++state.failures;
      state.retry_at = std::chrono::steady_clock::now() + options_.max_backoff;
      state.last_error = std::string("unexpected error: ") + error.what();
      logger_->error("sink '{}': {}", state.sink->name(), state.last_error);
      SinkPass& failed = passes.emplace_back();
      failed.drained.name = state.sink->name();
      failed.drained.error = state.last_error;
      failed.failures = 1;
      failed.empty = false;
    }
  }
  return passes;
}

void Outbox::startLane(Lane& lane, std::chrono::steady_clock::time_point deadline) {
  try {
    lane.running =
        std::async(std::launch::async, [this, &lane, deadline] { return runLane(lane, deadline); });
  } catch (const std::system_error&) {
    // No thread to be had (a process limit): the lane runs here, as all of them once did.
    std::promise<std::vector<SinkPass>> done;
    done.set_value(runLane(lane, deadline));
    lane.running = done.get_future();
  }
}

DrainReport Outbox::pass(std::chrono::steady_clock::time_point deadline, bool wait_all) {
  std::vector<std::optional<SinkDrain>> drained(sinks_.size());
  std::vector<std::uint64_t> failures(sinks_.size(), 0);
  std::vector<bool> empty(sinks_.size(), true);
  // A lane's results, once it has finished (get() rethrows what its thread threw).
  const auto collect = [&](Lane& lane) {
    const std::vector<SinkPass> passes = lane.running.get();
    for (std::size_t k = 0; k < lane.sinks.size(); ++k) {
      const std::size_t index = lane.sinks[k];
      bool lane_empty = empty[index];
      absorb(drained[index], failures[index], lane_empty, passes[k].drained, passes[k].failures,
             passes[k].empty);
      empty[index] = lane_empty;
    }
  };
  const auto finished = [](const Lane& lane, std::chrono::steady_clock::time_point until) {
    return lane.running.wait_until(until) == std::future_status::ready;
  };
  // Lanes still delivering since an earlier pass (a slow batch) go on; their results count now
  // if they have finished. Every other lane starts, each in a thread of its own, so that a
  // slow destination holds up no other. The store, the metrics and the logger take calls from
  // several threads; a sink and its SinkState are touched by its lane alone.
  const auto now = std::chrono::steady_clock::now();
  std::vector<bool> started(lanes_.size(), false);
  for (std::size_t i = 0; i < lanes_.size(); ++i) {
    if (lanes_[i].running.valid() && finished(lanes_[i], now)) collect(lanes_[i]);
    if (!lanes_[i].running.valid()) {
      startLane(lanes_[i], deadline);
      started[i] = true;
    }
  }
  for (Lane& lane : lanes_) {
    if (wait_all || finished(lane, deadline)) collect(lane);
  }
  // The end of a run: a lane that was still busy from an earlier pass has had no pass of its
  // own in this one (it was waited for only after the others started).
  for (std::size_t i = 0; wait_all && i < lanes_.size(); ++i) {
    if (started[i]) continue;
    startLane(lanes_[i], deadline);
    collect(lanes_[i]);
  }

  // A lane still inside a batch at the deadline: its sinks' rows wait, as the store says.
  for (const Lane& lane : lanes_) {
    if (!lane.running.valid()) continue;
    for (const std::size_t index : lane.sinks) {
      if (!drained[index]) {
        drained[index].emplace();
        drained[index]->name = sinks_[index].sink->name();
      }
      if (auto depth = store_.outboxDepth(drained[index]->name); depth) {
        drained[index]->waiting = *depth;
      }
      empty[index] = false;
    }
  }

  DrainReport report;
  for (std::size_t index = 0; index < sinks_.size(); ++index) {
    SinkDrain sink = std::move(*drained[index]);
    report.delivered += sink.delivered;
    report.failures += failures[index];
    report.empty = report.empty && empty[index];
    report.sinks.push_back(std::move(sink));
  }
  return report;
}

namespace {

// Adds one drain pass to the passes before it: delivered over every pass; per sink, what waits
// and why as the last pass left it.
void addPass(DrainReport& total, const DrainReport& pass, bool first) {
  total.delivered += pass.delivered;
  total.failures += pass.failures;
  total.empty = pass.empty;
  if (first) {
    total.sinks = pass.sinks;
    return;
  }
  for (std::size_t i = 0; i < total.sinks.size() && i < pass.sinks.size(); ++i) {
    total.sinks[i].delivered += pass.sinks[i].delivered;
    total.sinks[i].waiting = pass.sinks[i].waiting;
    total.sinks[i].held = pass.sinks[i].held;
    total.sinks[i].next_due = pass.sinks[i].next_due;
    total.sinks[i].held_for_leader = pass.sinks[i].held_for_leader;
    total.sinks[i].held_retrying = pass.sinks[i].held_retrying;
    total.sinks[i].error = pass.sinks[i].error;
    total.sinks[i].detail = pass.sinks[i].detail;
  }
}

}  // namespace

DrainReport Outbox::drainAll() {
  DrainReport total;
  // Passes for held rows that came due while the pass ran (another lane took a while): a
  // few, so that rows the store calls due but no pass takes cannot keep the run going.
  int due_passes = 0;
  bool failed = false;
  // Retry times of the sinks that failed, put back at the end: a later run tries them again.
  std::vector<std::pair<SinkState*, std::chrono::steady_clock::time_point>> held_back;
  const auto done = [&]() -> DrainReport {
    for (auto& [state, retry_at] : held_back) state->retry_at = retry_at;
    return total;
  };
  for (bool first = true;; first = false) {
    const auto now = std::chrono::steady_clock::now();
    run_ends_ = now.time_since_epoch().count();
    const DrainReport drained = pass(now + std::chrono::hours(1), /*wait_all=*/true);
    addPass(total, drained, first);
    if (drained.failures > 0) {
      // A sink that fails is not tried again in this run: its rows wait for the next. The
      // others still deliver what came due while it failed (notes due during a slow console's
      // retries).
      failed = true;
      for (SinkState& state : sinks_) {
        if (state.failures == 0 || state.retry_at == std::chrono::steady_clock::time_point::max()) {
          continue;
        }
        held_back.emplace_back(&state, state.retry_at);
        state.retry_at = std::chrono::steady_clock::time_point::max();
      }
    }
    const core::EpochMs wall = wallNow();
    const bool came_due =
        std::any_of(drained.sinks.begin(), drained.sinks.end(), [&](const auto& sink) {
          return sink.held > sink.held_for_leader && sink.next_due && *sink.next_due <= wall;
        });
    if (came_due && due_passes < 3) {
      ++due_passes;
      continue;
    }
    if (failed || drained.empty || drained.delivered == 0) return done();
  }
}

DrainReport Outbox::flush(std::chrono::steady_clock::time_point deadline) {
  // Also for batches that lanes still in flight (started by drain()) fail from now on.
  run_ends_ = deadline.time_since_epoch().count();
  DrainReport total;
  for (bool first = true;; first = false) {
    addPass(total, pass(deadline, /*wait_all=*/true), first);
    // Past the deadline a pass tries nothing, so a retry time before it would be waited for
    // again and again: the flush ends there.
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) return total;
    // A sink that failed is tried again when its backoff ends, and rows held on purpose (offense
    // notes wait a while after their LEEF event) are delivered when they fall due, if that comes
    // before the deadline.
    std::optional<std::chrono::steady_clock::time_point> next;
    for (auto& state : sinks_) {
      if (state.failures > 0 && !total.empty && (!next || state.retry_at < *next)) {
        next = state.retry_at;
      }
      // Read from the store: the pass may have delivered the rows it knew of and never looked
      // at the ones its leader's delivery made due later. Only a due time still ahead counts:
      // rows due already that the pass left (a sink backing off) wait for its retry time.
      const auto held = refreshHeld(state);
      const core::EpochMs wall = wallNow();
      if (held && held->count > 0 && held->first_due && *held->first_due > wall) {
        const auto due = now + std::chrono::milliseconds(*held->first_due - wall);
        if (!next || due < *next) next = due;
      }
    }
    if (!next || *next >= deadline) return total;
    std::this_thread::sleep_until(*next);
  }
}

void Outbox::holdConsole(std::chrono::steady_clock::time_point until) {
  const auto ticks = until.time_since_epoch().count();
  auto held = console_hold_until_.load();
  while (held < ticks && !console_hold_until_.compare_exchange_weak(held, ticks)) {
  }
}

void Outbox::retryConsoleNow() {
  console_hold_until_ = 0;
  console_refusals_ = 0;
  ++console_retries_;
}

std::chrono::milliseconds Outbox::holdAfterConsoleRefusal() {
  const int refusals = ++console_refusals_;
  const std::chrono::milliseconds hold = std::min<std::chrono::milliseconds>(
      kLongestConsoleHold, kFirstConsoleHold * (1 << std::min(refusals - 1, 5)));
  holdConsole(std::chrono::steady_clock::now() + hold);
  return hold;
}

bool Outbox::full() {
  bool any_full = false;
  std::optional<core::Error> unread;
  for (auto& state : sinks_) {
    auto depth = store_.outboxDepth(state.sink->name());
    if (!depth) {
      // Not taken for full: the hunts' own commits meet the same store and say so. /readyz
      // does, through stateProblem().
      unread = depth.error();
      continue;
    }
    updateDepth(state, *depth);
    static_cast<void>(refreshHeld(state));
    any_full = any_full || *depth >= options_.max_rows;
  }
  if (unread) {
    noteReadFailed(*unread);
  } else {
    const std::lock_guard lock(state_problem_mutex_);
    read_problem_.reset();
  }
  return any_full;
}

}  // namespace aihunt::service

#include "emulator/search_runner.h"

namespace aihunt::emulator {

SearchRunner::SearchRunner(SearchRunnerOptions options, const EventStore& events,
                           const aql::LookupTables* lookups,
                           const ClassificationStore& classification,
                           const aql::ReferenceData* reference_data, const EmulatorClock& clock)
    : options_(options),
      events_(events),
      lookups_(lookups),
      classification_(classification),
      reference_data_(reference_data),
      clock_(clock) {
  for (std::size_t i = 0; i < std::max<std::size_t>(options_.workers, 1); ++i) {
    workers_.emplace_back([this] { workerLoop(); });
  }
}

SearchRunner::~SearchRunner() { stop(); }

void SearchRunner::submit(std::shared_ptr<Search> search) {
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(std::move(search));
  }
  wake_.notify_one();
}

void SearchRunner::stop() {
  std::deque<std::shared_ptr<Search>> pending;
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
    pending.swap(queue_);
    pending.insert(pending.end(), running_.begin(), running_.end());
  }
  for (auto& search : pending) search->requestCancel();
  wake_.notify_all();
  for (std::thread& worker : workers_) {
    if (worker.joinable()) worker.join();
  }
}

std::size_t SearchRunner::busyWorkers() {
  const std::lock_guard lock(mutex_);
  return running_.size();
}

void SearchRunner::workerLoop() {
  for (;;) {
    std::shared_ptr<Search> search;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      search = std::move(queue_.front());
      queue_.pop_front();
      running_.push_back(search);
    }
    run(*search);
    const std::lock_guard lock(mutex_);
    std::erase(running_, search);
  }
}

void SearchRunner::run(Search& search) const {
  const auto started = std::chrono::steady_clock::now();
  auto elapsedMs = [&started] {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                 started)
        .count();
  };
  auto cancelled = [&](std::vector<std::string> columns, std::vector<aql::Row> rows) {
    search.finish(SearchState::kCanceled, std::move(columns), std::move(rows), clock_.nowMs(),
                  elapsedMs());
  };
  // WAIT: queued behind other searches, then the configured pause.
  if (!search.pause(options_.phase_delay)) return cancelled({}, {});
  search.setState(SearchState::kExecute);

  EventSnapshot snapshot = events_.snapshot();
  std::vector<aql::Row> rows;
  aql::EvalOptions eval;
  eval.now = search.created_ms;
  eval.console_zone = options_.console_zone;
  aql::LookupTables names = lookups_ != nullptr ? *lookups_ : aql::LookupTables{};
  classification_.addNames(names);
  eval.lookups = &names;
  eval.reference_data = reference_data_;
  auto run = aql::QueryRun::create(search.query, snapshot.schema, eval,
                                   [&rows](aql::Row&& row) { rows.push_back(std::move(row)); });
  if (!run.ok()) {
    nlohmann::json messages = nlohmann::json::array();
    messages.push_back({{"code", "SearchFailed"},
                        {"contexts", nlohmann::json::array()},
                        {"message", run.error().message},
                        {"severity", "ERROR"}});
    search.finish(SearchState::kError, {}, {}, clock_.nowMs(), elapsedMs(), messages);
    return;
  }
  const std::size_t total = snapshot.count;
  std::size_t processed = 0;
  bool stopped_early = false;
  const bool completed_scan = snapshot.forEach([&](const aql::Event& event) {
    if (!run->add(event)) {
      stopped_early = true;
      return false;
    }
    ++processed;
    if (processed % options_.progress_step == 0) {
      const int progress = total == 0 ? 0 : static_cast<int>(processed * 99 / total);
      search.setProgress(progress, processed, rows.size());
      if (search.cancelRequested()) return false;
    }
    return true;
  });
  if (!completed_scan && !stopped_early) {
    static_cast<void>(run->finish());  // no spill budget (EvalOptions): it cannot fail
    return cancelled(run->columns(), std::move(rows));
  }
  search.setProgress(total == 0 ? 50 : 60, processed, rows.size());
  if (search.fault.stuck) {
    // Stuck in EXECUTE: progress never moves again.
    while (search.pause(std::chrono::milliseconds(200))) {
    }
    static_cast<void>(run->finish());
    return cancelled(run->columns(), std::move(rows));
  }
  if (!search.pause(options_.phase_delay)) {
    static_cast<void>(run->finish());
    return cancelled(run->columns(), std::move(rows));
  }
  if (search.fault.error) {
    nlohmann::json messages = nlohmann::json::array();
    messages.push_back({{"code", "AQL_SEARCH_FAILED"},
                        {"contexts", nlohmann::json::array()},
                        {"message", "The search failed on the Ariel server (injected fault)"},
                        {"severity", "ERROR"}});
    search.finish(SearchState::kError, {}, {}, clock_.nowMs(), elapsedMs(), messages);
    return;
  }
  search.setState(SearchState::kSorting);
  search.setProgress(90, processed, rows.size());
  static_cast<void>(run->finish());
  if (!search.pause(options_.phase_delay)) return cancelled(run->columns(), std::move(rows));
  search.finish(SearchState::kCompleted, run->columns(), std::move(rows), clock_.nowMs(),
                elapsedMs());
}

}  // namespace aihunt::emulator

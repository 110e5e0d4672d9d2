#pragma once
// One Ariel search: its query, lifecycle state (WAIT, EXECUTE, SORTING, COMPLETED, CANCELED,
// ERROR), progress and, once finished, its rows. Shared between the handlers (status, results,
// cancel) and the worker that runs it; every field is guarded by the search's mutex.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "aql/ast.h"
#include "aql/evaluator.h"
#include "core/time.h"

namespace aihunt::emulator {

enum class SearchState { kWait, kExecute, kSorting, kCompleted, kCanceled, kError };

std::string_view searchStateName(SearchState state);
inline bool isFinished(SearchState state) {
  return state == SearchState::kCompleted || state == SearchState::kCanceled ||
         state == SearchState::kError;
}

// Scripted misbehaviour for this one search (fault injection).
struct SearchFault {
  bool error = false;                      // ends in ERROR with an error message
  bool stuck = false;                      // stays in EXECUTE until canceled or deleted
  std::int64_t vanish_after_polls = -1;    // >= 0: 404/1002 after this many status reads
  std::int64_t vanish_after_results = -1;  // >= 0: 404/1002 after this many results reads

  [[nodiscard]] bool scripted() const {
    return error || stuck || vanish_after_polls >= 0 || vanish_after_results >= 0;
  }
};

class Search {
 public:
  Search(std::string id, std::string query_text, aql::Query query, core::EpochMs created_ms,
         std::int64_t retention_ms, SearchFault fault);

  const std::string id;
  const std::string query_text;
  const aql::Query query;
  const core::EpochMs created_ms;  // emulator clock; the query's "now"
  const SearchFault fault;
  // Real time of creation and the event store's generation then: identical-query reuse needs
  // both to be recent, so a fixed --now or newly added events never revive an old search.
  const std::chrono::steady_clock::time_point created_steady = std::chrono::steady_clock::now();
  std::uint64_t data_generation = 0;  // set by SearchStore::create before the search is shared
  std::uint64_t clock_epoch = 0;      // SearchStore's count of clock moves then (see clockMoved)

  [[nodiscard]] nlohmann::json statusJson() const;
  [[nodiscard]] SearchState state() const;
  // Waits up to `timeout` for the search to finish; true if it has.
  bool waitFinished(std::chrono::milliseconds timeout) const;

  // Worker side.
  void setState(SearchState state);
  void setProgress(int progress, std::uint64_t processed, std::uint64_t records);
  void finish(SearchState state, std::vector<std::string> columns, std::vector<aql::Row> rows,
              core::EpochMs finished_ms, std::int64_t execution_ms,
              nlohmann::json error_messages = nlohmann::json::array());
  [[nodiscard]] bool cancelRequested() const { return cancel_requested_.load(); }
  // Interruptible sleep: returns false if cancel was requested meanwhile.
  bool pause(std::chrono::milliseconds duration) const;

  // Handler side.
  void requestCancel();
  void setSaveResults(bool save);
  [[nodiscard]] bool saveResults() const;
  // Number of status reads so far, after counting this one.
  std::int64_t countPoll() { return ++polls_; }
  // Number of results reads so far, after counting this one.
  std::int64_t countResultsRead() { return ++results_reads_; }
  // Finished time (emulator clock), or nullopt while running.
  [[nodiscard]] std::optional<core::EpochMs> finishedAt() const;

  // Rows [first, last] (clamped) and the total; only meaningful once finished.
  struct Page {
    std::vector<std::string> columns;
    std::vector<aql::Row> rows;
    std::size_t total = 0;
  };
  [[nodiscard]] Page page(std::size_t first, std::size_t last) const;
  [[nodiscard]] std::size_t recordCount() const;

 private:
  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  SearchState state_ = SearchState::kWait;
  int progress_ = 0;
  std::uint64_t processed_ = 0;
  std::uint64_t records_ = 0;
  std::int64_t execution_ms_ = 0;
  std::int64_t retention_ms_;
  bool save_results_ = false;
  std::optional<core::EpochMs> finished_ms_;
  nlohmann::json error_messages_ = nlohmann::json::array();
  std::vector<std::string> columns_;
  std::vector<aql::Row> rows_;
  std::atomic<bool> cancel_requested_{false};
  std::atomic<std::int64_t> polls_{0};
  std::atomic<std::int64_t> results_reads_{0};
};

}  // namespace aihunt::emulator

#include "emulator/search.h"

namespace aihunt::emulator {

std::string_view searchStateName(SearchState state) {
  switch (state) {
    case SearchState::kWait:
      return "WAIT";
    case SearchState::kExecute:
      return "EXECUTE";
    case SearchState::kSorting:
      return "SORTING";
    case SearchState::kCompleted:
      return "COMPLETED";
    case SearchState::kCanceled:
      return "CANCELED";
    case SearchState::kError:
      return "ERROR";
  }
  return "ERROR";
}

Search::Search(std::string search_id, std::string text, aql::Query parsed, core::EpochMs created,
               std::int64_t retention_ms, SearchFault scripted)
    : id(std::move(search_id)),
      query_text(std::move(text)),
      query(std::move(parsed)),
      created_ms(created),
      fault(scripted),
      retention_ms_(retention_ms) {}

nlohmann::json Search::statusJson() const {
  std::lock_guard lock(mutex_);
  nlohmann::json status = nlohmann::json::object();
  status["cursor_id"] = id;
  status["search_id"] = id;
  status["status"] = searchStateName(state_);
  status["progress"] = progress_;
  status["progress_details"] = nlohmann::json::array();
  status["record_count"] = records_;
  status["processed_record_count"] = processed_;
  status["completed"] = state_ == SearchState::kCompleted;
  status["query_execution_time"] = execution_ms_;
  status["query_string"] = query_text;
  status["save_results"] = save_results_;
  status["desired_retention_time_msec"] = retention_ms_;
  status["error_messages"] = error_messages_;
  status["data_total_size"] = 0;
  status["data_file_count"] = 0;
  status["index_total_size"] = 0;
  status["index_file_count"] = 0;
  status["size_on_disk"] = 0;
  status["compressed_data_total_size"] = 0;
  status["compressed_data_file_count"] = 0;
  status["subsearch_ids"] = nlohmann::json::array();
  status["snapshot"] = nullptr;
  return status;
}

SearchState Search::state() const {
  std::lock_guard lock(mutex_);
  return state_;
}

bool Search::waitFinished(std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [this] { return isFinished(state_); });
}

void Search::setState(SearchState state) {
  {
    std::lock_guard lock(mutex_);
    state_ = state;
  }
  changed_.notify_all();
}

void Search::setProgress(int progress, std::uint64_t processed, std::uint64_t records) {
  std::lock_guard lock(mutex_);
  progress_ = progress;
  processed_ = processed;
  records_ = records;
}

void Search::finish(SearchState state, std::vector<std::string> columns, std::vector<aql::Row> rows,
                    core::EpochMs finished_ms, std::int64_t execution_ms,
                    nlohmann::json error_messages) {
  {
    std::lock_guard lock(mutex_);
    state_ = state;
    if (state == SearchState::kCompleted) progress_ = 100;
    columns_ = std::move(columns);
    rows_ = std::move(rows);
    records_ = rows_.size();
    finished_ms_ = finished_ms;
    execution_ms_ = execution_ms;
    error_messages_ = std::move(error_messages);
  }
  changed_.notify_all();
}

bool Search::pause(std::chrono::milliseconds duration) const {
  if (duration.count() <= 0) return !cancelRequested();
  std::unique_lock lock(mutex_);
  changed_.wait_for(lock, duration, [this] { return cancel_requested_.load(); });
  return !cancel_requested_.load();
}

void Search::requestCancel() {
  {
    std::lock_guard lock(mutex_);
    cancel_requested_.store(true);
  }
  changed_.notify_all();
}

void Search::setSaveResults(bool save) {
  std::lock_guard lock(mutex_);
  save_results_ = save;
}

bool Search::saveResults() const {
  std::lock_guard lock(mutex_);
  return save_results_;
}

std::optional<core::EpochMs> Search::finishedAt() const {
  std::lock_guard lock(mutex_);
  return finished_ms_;
}

Search::Page Search::page(std::size_t first, std::size_t last) const {
  std::lock_guard lock(mutex_);
  Page out;
  out.columns = columns_;
  out.total = rows_.size();
  if (first < rows_.size()) {
    const std::size_t end = last >= rows_.size() ? rows_.size() : last + 1;
    out.rows.assign(rows_.begin() + static_cast<std::ptrdiff_t>(first),
                    rows_.begin() + static_cast<std::ptrdiff_t>(end));
  }
  return out;
}

std::size_t Search::recordCount() const {
  std::lock_guard lock(mutex_);
  return records_;
}

}  // namespace aihunt::emulator

#pragma once
// Ariel's query threads: a fixed pool of workers that take searches in creation order and run
// them with the aql evaluator over a snapshot of the event store, moving each through EXECUTE
// (progress, record_count), SORTING and COMPLETED, or CANCELED / ERROR.
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "aql/lookups.h"
#include "aql/time_window.h"
#include "emulator/classification_store.h"
#include "emulator/emulator_clock.h"
#include "emulator/event_store.h"
#include "emulator/search.h"

namespace aihunt::emulator {

struct SearchRunnerOptions {
  std::size_t workers = 2;
  std::chrono::milliseconds phase_delay{0};
  std::size_t progress_step = 8192;     // events between progress updates
  aql::ConsoleTimeZone console_zone{};  // zone-less START/STOP text is read in this zone
};

class SearchRunner {
 public:
  // `lookups`: the names loaded from a file; a search also sees the names of the log source
  // types and log sources set up through `classification` when it starts.
  SearchRunner(SearchRunnerOptions options, const EventStore& events,
               const aql::LookupTables* lookups, const ClassificationStore& classification,
               const aql::ReferenceData* reference_data, const EmulatorClock& clock);
  ~SearchRunner();
  SearchRunner(const SearchRunner&) = delete;
  SearchRunner& operator=(const SearchRunner&) = delete;

  void submit(std::shared_ptr<Search> search);
  // Cancels the queued searches and those being run, then joins the workers.
  void stop();
  // Searches a worker is running now.
  [[nodiscard]] std::size_t busyWorkers();

  // Runs one search on the calling thread (the workers' body; tests).
  void run(Search& search) const;

 private:
  void workerLoop();

  SearchRunnerOptions options_;
  const EventStore& events_;
  const aql::LookupTables* lookups_;
  const ClassificationStore& classification_;
  const aql::ReferenceData* reference_data_;
  const EmulatorClock& clock_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::shared_ptr<Search>> queue_;
  // The searches the workers run now: a stop cancels them too, or a worker would sleep out its
  // phase delays (minutes, with --phase-delay-ms) before the process could exit.
  std::vector<std::shared_ptr<Search>> running_;
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace aihunt::emulator

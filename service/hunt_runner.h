#pragma once
// The hunts of one run, several at once: each console connection given runs one hunt at a time
// (a libcurl handle is not shared between threads), so the number of connections is the number
// of Ariel searches in flight, never more. Outcomes are handed back in plan order on the
// caller's thread, whatever order the hunts end in; findings go to one writer per hunt (see
// service/ordered_findings.h to keep them grouped). Every hunt sees the same cancellation, so
// Ctrl-C or SIGTERM reaches every running search, and each engine still deletes its own.
#include <cstddef>
#include <functional>
#include <vector>

#include "detection/settings.h"
#include "qradar_client/api_client.h"
#include "qradar_client/cancellation.h"
#include "service/finding_writer.h"
#include "service/hunt_engine.h"

namespace aihunt::service {

// Called in plan order once hunt `index` is done; false: start no further hunt (the ones
// already running finish and are reported too).
using HuntDone = std::function<bool(std::size_t index, const HuntOutcome& outcome)>;

class HuntRunner {
 public:
  HuntRunner(const detection::DetectionSettings& settings, EngineOptions options)
      : settings_(settings), options_(std::move(options)) {}

  // Runs `jobs` (writers[i] takes jobs[i]'s findings) on `clients`, one hunt per client at a
  // time, and returns when every started hunt has been reported. `observer` is called from the
  // hunts' threads one call at a time.
  void run(const std::vector<HuntJob>& jobs, const std::vector<FindingWriter*>& writers,
           const std::vector<qradar::ApiClient*>& clients, HuntObserver& observer,
           const qradar::Cancellation& cancellation, const HuntDone& on_done) const;

 private:
  const detection::DetectionSettings& settings_;
  EngineOptions options_;
};

// How many searches a run of `jobs` hunts may keep in flight: the configured limit
// (qradar.max_concurrent_searches), at least 1, at most one per hunt.
std::size_t searchesAtOnce(int configured, std::size_t jobs);

}  // namespace aihunt::service

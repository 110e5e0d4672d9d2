#pragma once
// Keeps the QRadar reference sets that exceptions name (match.reference_set) in memory for the
// detection, as an immutable snapshot each hunt window takes at its start.
//
// Every `every` (qradar.exceptions_refresh) each named set is read through the reference data
// API (legacy or 26.0 collections), at most `max_values` values (qradar.exceptions_max_values;
// more are left out with a warning). A set read successfully replaces its copy in memory and in
// the state store, so that a restart while QRadar is unreachable starts from the last good copy.
//
// Fail-safe: a set that cannot be read (QRadar down, 4xx/5xx, no such set) keeps its last good
// copy, which goes on being used; the log says so once per failure streak, with the copy's age,
// and aihunt_reference_set_age_seconds{set} shows how old it is. A set never read and never
// stored is unknown: exceptions that need it do not suppress (detection/exceptions.h).
#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <spdlog/logger.h>

#include "core/clock.h"
#include "core/metrics.h"
#include "detection/exceptions.h"
#include "detection/reference_sets.h"
#include "service/reference_set_sink.h"
#include "state/state_store.h"

namespace aihunt::service {

struct ReferenceSetRefresherOptions {
  std::vector<std::string> names;  // the sets to read, each once
  std::chrono::milliseconds every{5 * 60'000};
  std::size_t max_values = 100'000;
  std::size_t page_size = 1000;  // values per request
  bool save = true;              // store each copy read (false: the store is only read)
};

// The set names the exceptions refer to, each once, in rule order.
std::vector<std::string> referencedSetNames(const std::vector<detection::ExceptionRule>& rules);

class ReferenceSetRefresher {
 public:
  // `store` and `metrics` may be null (no persistence; no metrics).
  ReferenceSetRefresher(ReferenceSetRefresherOptions options, QRadarConnector connect,
                        state::StateStore* store, const core::Clock& clock, core::Metrics* metrics,
                        std::shared_ptr<spdlog::logger> logger);

  // Loads the stored copies of the named sets: what is used until a read succeeds.
  void loadStored();
  // Reads every set now. Returns how many sets could not be read.
  std::size_t refresh();
  // Reads every set when `every` has passed since the last attempt (or none was made); updates
  // the age gauges either way. Returns whether it read.
  bool refreshIfDue();

  // The sets as last read or loaded; never null.
  [[nodiscard]] detection::ReferenceSetSnapshot snapshot() const;
  // When the copy in use of `name` was read (nullopt: none, the set is unknown).
  [[nodiscard]] std::optional<core::EpochMs> readAt(const std::string& name) const;
  [[nodiscard]] const std::vector<std::string>& names() const { return options_.names; }

 private:
  struct SetState {
    std::optional<state::ReferenceSetCopy> copy;
    int failures = 0;        // consecutive failed reads
    bool truncated = false;  // the last read left values out
  };

  // Reads one set over `connection`; an error leaves `state` as it was.
  core::Status readOne(QRadarConnection& connection, const std::string& name, SetState& state);
  void noteFailure(const std::string& name, SetState& state, const core::Error& error);
  void rebuild();
  void updateGauges();
  [[nodiscard]] core::EpochMs now() const;

  ReferenceSetRefresherOptions options_;
  QRadarConnector connect_;
  state::StateStore* store_;
  const core::Clock& clock_;
  core::Metrics* metrics_;
  std::shared_ptr<spdlog::logger> logger_;

  std::map<std::string, SetState> sets_;  // refresh thread only
  std::optional<core::TimePoint> last_attempt_;
  mutable std::mutex mutex_;  // guards snapshot_ and read_at_ (read by hunt workers)
  detection::ReferenceSetSnapshot snapshot_;
  std::map<std::string, core::EpochMs> read_at_;
};

// Declares the refresher's metric families (with the daemon's).
void declareReferenceSetMetrics(core::Metrics& metrics);

}  // namespace aihunt::service

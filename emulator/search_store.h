#pragma once
// Every Ariel search by id: creation with reuse of a recent identical query and a cap on
// unfinished searches, lookup with retention expiry (results kept desired_retention_time_msec
// after they finish unless save_results), and deletion.
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <variant>
#include <vector>

#include "emulator/emulator_clock.h"
#include "emulator/emulator_config.h"
#include "emulator/qradar_error.h"
#include "emulator/search.h"

namespace aihunt::emulator {

struct CreatedSearch {
  std::shared_ptr<Search> search;
  bool reused = false;  // an identical recent query's search
};

class SearchStore {
 public:
  SearchStore(const ArielConfig& config, const EmulatorClock& clock);

  // A new search in WAIT, or a recent identical one over the same data (`data_generation`:
  // the event store's size, which only grows); 503/1010 over the cap.
  std::variant<CreatedSearch, ApiError> create(const std::string& query_text, aql::Query query,
                                               SearchFault fault,
                                               std::uint64_t data_generation = 0);
  // Null when unknown, deleted or expired.
  [[nodiscard]] std::shared_ptr<Search> find(const std::string& id);
  // Removes it (cancelling it if it runs); false when unknown.
  bool remove(const std::string& id);
  [[nodiscard]] std::vector<std::string> ids();
  [[nodiscard]] std::size_t size();
  // The most unfinished searches there ever were at once (counted at each create, the new one
  // included): what lets a test see that a client ran two searches at once, and never more than
  // its limit, without timing anything itself.
  [[nodiscard]] std::int64_t peakActive();
  // The clock was set or advanced (POST /admin/clock): no search made before is reused, since a
  // query's relative range (LAST, no time clause) now means another stretch of time.
  void clockMoved();

 private:
  void expireLocked(core::EpochMs now);
  [[nodiscard]] bool expired(const Search& search, core::EpochMs now) const;
  std::string newId();

  ArielConfig config_;
  const EmulatorClock& clock_;
  std::mutex mutex_;
  std::map<std::string, std::shared_ptr<Search>> searches_;
  std::int64_t peak_active_ = 0;
  std::uint64_t clock_epoch_ = 0;
  std::mt19937_64 random_;
};

}  // namespace aihunt::emulator

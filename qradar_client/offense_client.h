#pragma once
// Offenses: list (filter, Range-paged) and notes. The REST API cannot create offenses; they come
// from rules firing on the events aihunt sends as LEEF.
#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"
#include "qradar_client/api_client.h"

namespace aihunt::qradar {

struct OffenseSummary {
  std::int64_t id = 0;
  std::string description;
  std::string offense_source;
  std::string status;
  int magnitude = 0;
  std::int64_t start_time = 0;
};

class OffenseClient {
 public:
  explicit OffenseClient(ApiClient& api) : api_(api) {}

  // Up to `limit` offenses; `filter` is QRadar's filter syntax (encoded here), may be empty.
  [[nodiscard]] core::Result<std::vector<OffenseSummary>> list(const std::string& filter,
                                                               std::uint64_t limit);
  [[nodiscard]] core::Status addNote(std::int64_t offense_id, const std::string& text);

 private:
  ApiClient& api_;
};

}  // namespace aihunt::qradar

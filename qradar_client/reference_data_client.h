#pragma once
// Reference sets, through the API the configured version has: the legacy
// /api/reference_data/sets below 26.0, the reference_data_collections API from 26.0 on.
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "qradar_client/api_client.h"

namespace aihunt::qradar {

enum class ReferenceApi { kLegacySets, kCollections };

// "26.0" and later: collections; older: legacy sets.
ReferenceApi referenceApiFor(std::string_view api_version);

struct ReferenceSetInfo {
  std::string name;
  std::string element_type;
  std::int64_t id = 0;  // collections only
  std::int64_t count = 0;
};

class ReferenceDataClient {
 public:
  explicit ReferenceDataClient(ApiClient& api)
      : api_(api), kind_(referenceApiFor(api.settings().api_version)) {}

  [[nodiscard]] ReferenceApi api() const { return kind_; }
  // nullopt when no set has that name.
  [[nodiscard]] core::Result<std::optional<ReferenceSetInfo>> find(const std::string& name);
  // Creates an ALN set; an existing one (409/1004) counts as success.
  [[nodiscard]] core::Status create(const std::string& name, Millis time_to_live);
  // Adds values in one request (bulk_load, or PATCH set_entries for collections).
  [[nodiscard]] core::Status addValues(const std::string& name,
                                       const std::vector<std::string>& values,
                                       const std::string& source);
  // A cheap read that needs the reference-data capability.
  [[nodiscard]] core::Status probe();

 private:
  ApiClient& api_;
  ReferenceApi kind_;
};

}  // namespace aihunt::qradar

#pragma once
// Reference data as QRadar keeps it: sets (legacy /reference_data/sets and the v26
// /reference_data_collections/sets share them, each with a numeric id) and maps of sets, with
// element types, ALNIC case folding, time-to-live expiry by FIRST_SEEN or LAST_SEEN, and
// asynchronous tasks for set deletion and bulk entry updates. It is also the aql::ReferenceData
// that REFERENCESETCONTAINS() consults during searches.
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "aql/lookups.h"
#include "emulator/emulator_clock.h"
#include "emulator/qradar_error.h"
#include "emulator/reference_values.h"

namespace aihunt::emulator {

struct RefEntry {
  std::string value;
  std::string source;
  core::EpochMs first_seen = 0;
  core::EpochMs last_seen = 0;
};

struct RefSetInfo {
  std::int64_t id = 0;
  std::string name;
  ElementType type = ElementType::kAln;
  TimeoutType timeout = TimeoutType::kUnknown;
  std::string time_to_live;  // as given; empty: no expiry
  std::int64_t ttl_ms = 0;   // 0: no expiry
  core::EpochMs created = 0;
  std::string description;
  std::size_t count = 0;
};

struct RefSetView {
  RefSetInfo info;
  std::vector<RefEntry> entries;  // ordered by key
};

struct MapOfSetsInfo {
  std::string name;
  ElementType type = ElementType::kAln;
  std::string key_label;
  std::string value_label;
  TimeoutType timeout = TimeoutType::kUnknown;
  std::string time_to_live;
  std::int64_t ttl_ms = 0;
  core::EpochMs created = 0;
  std::size_t count = 0;  // values over all keys
};

struct MapOfSetsView {
  MapOfSetsInfo info;
  std::map<std::string, std::vector<RefEntry>> data;
};

struct RefTask {
  std::int64_t id = 0;
  std::string kind;  // "delete" or "bulk_update"
  std::string name;  // the set's name (delete tasks)
  std::string created_by;
  core::EpochMs created = 0;
  std::string status = "QUEUED";
  std::size_t entries = 0;
  int polls = 0;  // status reads so far: QUEUED, then PROCESSING twice, then COMPLETED
};

struct SetEntryPatch {
  std::int64_t collection_id = 0;
  std::string value;
  std::string source;
};

struct NewSet {
  std::string name;
  ElementType type = ElementType::kAln;
  TimeoutType timeout = TimeoutType::kUnknown;
  std::string time_to_live;
  std::string description;
};

class ReferenceDataStore final : public aql::ReferenceData {
 public:
  explicit ReferenceDataStore(const EmulatorClock& clock);

  // Sets, by name (legacy API) or id (collections API).
  ApiResult<RefSetInfo> createSet(const NewSet& spec);
  ApiResult<RefSetInfo> addValue(const std::string& name, const std::string& value,
                                 const std::string& source);
  ApiResult<RefSetInfo> bulkLoad(const std::string& name, const std::vector<std::string>& values,
                                 const std::string& source);
  ApiResult<RefSetView> getSet(const std::string& name);
  ApiResult<RefSetInfo> deleteValue(const std::string& name, const std::string& value);
  // Deletes the set (or only its values) and answers the task doing it.
  ApiResult<RefTask> deleteSet(const std::string& name, bool purge_only, const std::string& user);
  std::vector<RefSetInfo> listSets();
  std::optional<std::string> setNameById(std::int64_t id);

  // v26 bulk update: every entry is validated first; all or nothing.
  ApiResult<RefTask> patchEntries(const std::vector<SetEntryPatch>& entries,
                                  const std::string& user);
  // A task as of now: QUEUED when created, IN_PROGRESS at the first read, COMPLETED afterwards.
  std::optional<RefTask> task(std::int64_t id, const std::string& kind);

  // Maps of sets.
  ApiResult<MapOfSetsInfo> createMapOfSets(const std::string& name, ElementType type,
                                           const std::string& key_label,
                                           const std::string& value_label,
                                           const std::string& time_to_live, TimeoutType timeout);
  ApiResult<MapOfSetsInfo> addToMapOfSets(const std::string& name, const std::string& key,
                                          const std::string& value, const std::string& source);
  ApiResult<MapOfSetsInfo> bulkLoadMapOfSets(
      const std::string& name, const std::map<std::string, std::vector<std::string>>& data,
      const std::string& source);
  ApiResult<MapOfSetsView> getMapOfSets(const std::string& name);
  ApiResult<MapOfSetsInfo> deleteMapOfSetsValue(const std::string& name, const std::string& key,
                                                const std::string& value);
  ApiResult<RefTask> deleteMapOfSets(const std::string& name, const std::string& user);
  std::vector<MapOfSetsInfo> listMapsOfSets();

  // aql::ReferenceData
  [[nodiscard]] bool contains(std::string_view set_name, std::string_view value) const override;

 private:
  struct SetData {
    RefSetInfo info;
    std::map<std::string, RefEntry> entries;  // by elementKey
  };
  struct MapData {
    MapOfSetsInfo info;
    std::map<std::string, std::map<std::string, RefEntry>> data;
  };

  void expireLocked(SetData& set, core::EpochMs now) const;
  void expireLocked(MapData& map, core::EpochMs now) const;
  static void upsert(std::map<std::string, RefEntry>& entries, const std::string& key,
                     const std::string& value, const std::string& source, core::EpochMs now);
  RefTask newTaskLocked(std::string kind, std::string name, std::string user, std::size_t entries);
  static RefSetInfo infoOf(const SetData& set);
  static MapOfSetsInfo infoOf(const MapData& map);

  const EmulatorClock& clock_;
  mutable std::mutex mutex_;
  mutable std::map<std::string, SetData> sets_;
  std::map<std::string, MapData> maps_;
  std::map<std::int64_t, RefTask> tasks_;
  std::int64_t next_set_id_ = 1;
  std::int64_t next_task_id_ = 1;
};

ApiError setNotFound(const std::string& name);

}  // namespace aihunt::emulator

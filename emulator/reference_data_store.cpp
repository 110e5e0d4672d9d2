#include "emulator/reference_data_store.h"

#include "core/text.h"

namespace aihunt::emulator {
namespace {

ApiError nameInUse(const std::string& name) {
  return ApiError{
      409, kCodeNameInUse,
      "The reference data name \"" + core::printableExcerpt(name) + "\" is already in use.",
      "A reference set or map with this name exists.", nlohmann::json::object()};
}

ApiError valueNotFound(const std::string& value) {
  return ApiError{404, kCodeRecordNotFound,
                  "The record \"" + core::printableExcerpt(value) + "\" does not exist.",
                  "The value is not in the reference collection.", nlohmann::json::object()};
}

ApiError badValue(const core::Error& error) { return invalidParameter(error.message); }

}  // namespace

ApiError setNotFound(const std::string& name) {
  return notFound("The reference data collection \"" + core::printableExcerpt(name) +
                  "\" does not exist.");
}

ReferenceDataStore::ReferenceDataStore(const EmulatorClock& clock) : clock_(clock) {}

RefSetInfo ReferenceDataStore::infoOf(const SetData& set) {
  RefSetInfo info = set.info;
  info.count = set.entries.size();
  return info;
}

MapOfSetsInfo ReferenceDataStore::infoOf(const MapData& map) {
  MapOfSetsInfo info = map.info;
  info.count = 0;
  for (const auto& [key, values] : map.data) info.count += values.size();
  return info;
}

void ReferenceDataStore::expireLocked(SetData& set, core::EpochMs now) const {
  if (set.info.ttl_ms <= 0) return;
  for (auto it = set.entries.begin(); it != set.entries.end();) {
    const core::EpochMs since =
        set.info.timeout == TimeoutType::kFirstSeen ? it->second.first_seen : it->second.last_seen;
    if (now - since >= set.info.ttl_ms) {
      it = set.entries.erase(it);
    } else {
      ++it;
    }
  }
}

void ReferenceDataStore::expireLocked(MapData& map, core::EpochMs now) const {
  if (map.info.ttl_ms <= 0) return;
  for (auto key = map.data.begin(); key != map.data.end();) {
    for (auto it = key->second.begin(); it != key->second.end();) {
      const core::EpochMs since = map.info.timeout == TimeoutType::kFirstSeen
                                      ? it->second.first_seen
                                      : it->second.last_seen;
      it = now - since >= map.info.ttl_ms ? key->second.erase(it) : std::next(it);
    }
    key = key->second.empty() ? map.data.erase(key) : std::next(key);
  }
}

void ReferenceDataStore::upsert(std::map<std::string, RefEntry>& entries, const std::string& key,
                                const std::string& value, const std::string& source,
                                core::EpochMs now) {
  auto [it, inserted] = entries.try_emplace(key);
  if (inserted) {
    it->second = RefEntry{value, source, now, now};
  } else {
    it->second.last_seen = now;
    if (!source.empty()) it->second.source = source;
  }
}

RefTask ReferenceDataStore::newTaskLocked(std::string kind, std::string name, std::string user,
                                          std::size_t entries) {
  RefTask task;
  task.id = next_task_id_++;
  task.kind = std::move(kind);
  task.name = std::move(name);
  task.created_by = std::move(user);
  task.created = clock_.nowMs();
  task.entries = entries;
  tasks_[task.id] = task;
  return task;
}

ApiResult<RefSetInfo> ReferenceDataStore::createSet(const NewSet& spec) {
  if (spec.name.empty()) return invalidParameter("Missing required parameter \"name\"");
  std::int64_t ttl_ms = 0;
  if (!spec.time_to_live.empty()) {
    auto parsed = parseTimeToLive(spec.time_to_live);
    if (!parsed.ok()) return badValue(parsed.error());
    ttl_ms = *parsed;
  }
  std::lock_guard lock(mutex_);
  if (sets_.count(spec.name) > 0 || maps_.count(spec.name) > 0) return nameInUse(spec.name);
  SetData set;
  set.info.id = next_set_id_++;
  set.info.name = spec.name;
  set.info.type = spec.type;
  set.info.timeout = spec.timeout;
  set.info.time_to_live = spec.time_to_live;
  set.info.ttl_ms = ttl_ms;
  set.info.created = clock_.nowMs();
  set.info.description = spec.description;
  auto [it, inserted] = sets_.emplace(spec.name, std::move(set));
  return infoOf(it->second);
}

ApiResult<RefSetInfo> ReferenceDataStore::addValue(const std::string& name,
                                                   const std::string& value,
                                                   const std::string& source) {
  return bulkLoad(name, {value}, source);
}

ApiResult<RefSetInfo> ReferenceDataStore::bulkLoad(const std::string& name,
                                                   const std::vector<std::string>& values,
                                                   const std::string& source) {
  std::lock_guard lock(mutex_);
  auto it = sets_.find(name);
  if (it == sets_.end()) return setNotFound(name);
  std::vector<std::string> keys;
  keys.reserve(values.size());
  for (const std::string& value : values) {
    auto key = elementKey(it->second.info.type, value);
    if (!key.ok()) return badValue(key.error());
    keys.push_back(std::move(*key));
  }
  const core::EpochMs now = clock_.nowMs();
  expireLocked(it->second, now);
  for (std::size_t i = 0; i < values.size(); ++i) {
    upsert(it->second.entries, keys[i], values[i], source, now);
  }
  return infoOf(it->second);
}

ApiResult<RefSetView> ReferenceDataStore::getSet(const std::string& name) {
  std::lock_guard lock(mutex_);
  auto it = sets_.find(name);
  if (it == sets_.end()) return setNotFound(name);
  expireLocked(it->second, clock_.nowMs());
  RefSetView view{infoOf(it->second), {}};
  view.entries.reserve(it->second.entries.size());
  for (const auto& [key, entry] : it->second.entries) view.entries.push_back(entry);
  return view;
}

ApiResult<RefSetInfo> ReferenceDataStore::deleteValue(const std::string& name,
                                                      const std::string& value) {
  std::lock_guard lock(mutex_);
  auto it = sets_.find(name);
  if (it == sets_.end()) return setNotFound(name);
  expireLocked(it->second, clock_.nowMs());
  auto key = elementKey(it->second.info.type, value);
  if (!key.ok() || it->second.entries.erase(*key) == 0) return valueNotFound(value);
  return infoOf(it->second);
}

ApiResult<RefTask> ReferenceDataStore::deleteSet(const std::string& name, bool purge_only,
                                                 const std::string& user) {
  std::lock_guard lock(mutex_);
  auto it = sets_.find(name);
  if (it == sets_.end()) return setNotFound(name);
  const std::size_t count = it->second.entries.size();
  if (purge_only) {
    it->second.entries.clear();
  } else {
    sets_.erase(it);
  }
  return newTaskLocked("delete", name, user, count);
}

std::vector<RefSetInfo> ReferenceDataStore::listSets() {
  std::lock_guard lock(mutex_);
  const core::EpochMs now = clock_.nowMs();
  std::vector<RefSetInfo> out;
  for (auto& [name, set] : sets_) {
    expireLocked(set, now);
    out.push_back(infoOf(set));
  }
  return out;
}

std::optional<std::string> ReferenceDataStore::setNameById(std::int64_t id) {
  std::lock_guard lock(mutex_);
  for (const auto& [name, set] : sets_) {
    if (set.info.id == id) return name;
  }
  return std::nullopt;
}

ApiResult<RefTask> ReferenceDataStore::patchEntries(const std::vector<SetEntryPatch>& entries,
                                                    const std::string& user) {
  std::lock_guard lock(mutex_);
  std::vector<std::pair<SetData*, std::string>> targets;
  for (std::size_t i = 0; i < entries.size(); ++i) {
    SetData* set = nullptr;
    for (auto& [name, data] : sets_) {
      if (data.info.id == entries[i].collection_id) set = &data;
    }
    if (set == nullptr) {
      return invalidParameter("entry " + std::to_string(i) + ": collection_id " +
                              std::to_string(entries[i].collection_id) + " does not exist");
    }
    auto key = elementKey(set->info.type, entries[i].value);
    if (!key.ok()) {
      return invalidParameter("entry " + std::to_string(i) + ": " + key.error().message);
    }
    targets.emplace_back(set, std::move(*key));
  }
  const core::EpochMs now = clock_.nowMs();
  for (std::size_t i = 0; i < entries.size(); ++i) {
    upsert(targets[i].first->entries, targets[i].second, entries[i].value, entries[i].source, now);
  }
  return newTaskLocked("bulk_update", "", user, entries.size());
}

std::optional<RefTask> ReferenceDataStore::task(std::int64_t id, const std::string& kind) {
  std::lock_guard lock(mutex_);
  auto it = tasks_.find(id);
  if (it == tasks_.end() || it->second.kind != kind) return std::nullopt;
  // The work is done at once; the status still moves over several reads as on a console, with
  // IBM's names (QUEUED and PROCESSING are not final; COMPLETED is).
  ++it->second.polls;
  it->second.status = it->second.polls < 3 ? "PROCESSING" : "COMPLETED";
  return it->second;
}

ApiResult<MapOfSetsInfo> ReferenceDataStore::createMapOfSets(
    const std::string& name, ElementType type, const std::string& key_label,
    const std::string& value_label, const std::string& time_to_live, TimeoutType timeout) {
  if (name.empty()) return invalidParameter("Missing required parameter \"name\"");
  std::int64_t ttl_ms = 0;
  if (!time_to_live.empty()) {
    auto parsed = parseTimeToLive(time_to_live);
    if (!parsed.ok()) return badValue(parsed.error());
    ttl_ms = *parsed;
  }
  std::lock_guard lock(mutex_);
  if (sets_.count(name) > 0 || maps_.count(name) > 0) return nameInUse(name);
  MapData map;
  map.info = MapOfSetsInfo{name,   type,           key_label, value_label, timeout, time_to_live,
                           ttl_ms, clock_.nowMs(), 0};
  auto [it, inserted] = maps_.emplace(name, std::move(map));
  return infoOf(it->second);
}

ApiResult<MapOfSetsInfo> ReferenceDataStore::addToMapOfSets(const std::string& name,
                                                            const std::string& key,
                                                            const std::string& value,
                                                            const std::string& source) {
  return bulkLoadMapOfSets(name, {{key, {value}}}, source);
}

ApiResult<MapOfSetsInfo> ReferenceDataStore::bulkLoadMapOfSets(
    const std::string& name, const std::map<std::string, std::vector<std::string>>& data,
    const std::string& source) {
  std::lock_guard lock(mutex_);
  auto it = maps_.find(name);
  if (it == maps_.end()) return setNotFound(name);
  for (const auto& [key, values] : data) {
    if (key.empty()) return invalidParameter("map keys must not be empty");
    for (const std::string& value : values) {
      auto checked = elementKey(it->second.info.type, value);
      if (!checked.ok()) return badValue(checked.error());
    }
  }
  const core::EpochMs now = clock_.nowMs();
  expireLocked(it->second, now);
  for (const auto& [key, values] : data) {
    for (const std::string& value : values) {
      upsert(it->second.data[key], *elementKey(it->second.info.type, value), value, source, now);
    }
  }
  return infoOf(it->second);
}

ApiResult<MapOfSetsView> ReferenceDataStore::getMapOfSets(const std::string& name) {
  std::lock_guard lock(mutex_);
  auto it = maps_.find(name);
  if (it == maps_.end()) return setNotFound(name);
  expireLocked(it->second, clock_.nowMs());
  MapOfSetsView view{infoOf(it->second), {}};
  for (const auto& [key, values] : it->second.data) {
    auto& out = view.data[key];
    for (const auto& [value_key, entry] : values) out.push_back(entry);
  }
  return view;
}

ApiResult<MapOfSetsInfo> ReferenceDataStore::deleteMapOfSetsValue(const std::string& name,
                                                                  const std::string& key,
                                                                  const std::string& value) {
  std::lock_guard lock(mutex_);
  auto it = maps_.find(name);
  if (it == maps_.end()) return setNotFound(name);
  expireLocked(it->second, clock_.nowMs());
  auto values = it->second.data.find(key);
  auto checked = elementKey(it->second.info.type, value);
  if (values == it->second.data.end() || !checked.ok() || values->second.erase(*checked) == 0) {
    return valueNotFound(key + "/" + value);
  }
  if (values->second.empty()) it->second.data.erase(values);
  return infoOf(it->second);
}

ApiResult<RefTask> ReferenceDataStore::deleteMapOfSets(const std::string& name,
                                                       const std::string& user) {
  std::lock_guard lock(mutex_);
  auto it = maps_.find(name);
  if (it == maps_.end()) return setNotFound(name);
  const std::size_t count = infoOf(it->second).count;
  maps_.erase(it);
  return newTaskLocked("delete", name, user, count);
}

std::vector<MapOfSetsInfo> ReferenceDataStore::listMapsOfSets() {
  std::lock_guard lock(mutex_);
  std::vector<MapOfSetsInfo> out;
  for (auto& [name, map] : maps_) {
    expireLocked(map, clock_.nowMs());
    out.push_back(infoOf(map));
  }
  return out;
}

bool ReferenceDataStore::contains(std::string_view set_name, std::string_view value) const {
  std::lock_guard lock(mutex_);
  auto it = sets_.find(std::string(set_name));
  if (it == sets_.end()) return false;
  auto key = elementKey(it->second.info.type, value);
  if (!key.ok()) return false;
  auto entry = it->second.entries.find(*key);
  if (entry == it->second.entries.end()) return false;
  if (it->second.info.ttl_ms <= 0) return true;
  const core::EpochMs since = it->second.info.timeout == TimeoutType::kFirstSeen
                                  ? entry->second.first_seen
                                  : entry->second.last_seen;
  return clock_.nowMs() - since < it->second.info.ttl_ms;
}

}  // namespace aihunt::emulator

#include "emulator/classification_store.h"

#include <cstdio>
#include <string>

#include "core/text.h"

namespace aihunt::emulator {
namespace {

using nlohmann::json;

constexpr std::size_t kMaxLogSourceTypeName = 241;  // IBM: "Must be 241 characters or less"

ApiError invalidField(const std::string& field, const std::string& why) {
  return ApiError{422, kCodeInvalidParameter, "Invalid value for \"" + field + "\": " + why, "",
                  json::object()};
}

std::optional<std::int64_t> integerField(const json& body, const char* name) {
  const auto it = body.find(name);
  if (it == body.end() || !it->is_number_integer()) return std::nullopt;
  return it->get<std::int64_t>();
}

std::optional<std::string> stringField(const json& body, const char* name) {
  const auto it = body.find(name);
  if (it == body.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

// Present and not null, but of the wrong type: an error even for an optional field.
bool wrongType(const json& body, const char* name, json::value_t expected) {
  const auto it = body.find(name);
  if (it == body.end() || it->is_null()) return false;
  if (expected == json::value_t::number_integer) return !it->is_number_integer();
  return it->type() != expected;
}

// A stable UUID-shaped identifier per object (QRadar answers a `uuid`; its value is opaque).
std::string uuidFor(int kind, std::int64_t id) {
  char text[40];
  std::snprintf(text, sizeof text, "00000000-0000-4000-8%03d-%012lld", kind,
                static_cast<long long>(id));
  return text;
}

}  // namespace

ClassificationStore::Collection& ClassificationStore::collectionLocked(ClassificationKind kind) {
  switch (kind) {
    case ClassificationKind::kLogSourceType:
      return log_source_types_;
    case ClassificationKind::kQidRecord:
      return qid_records_;
    case ClassificationKind::kDsmEventMapping:
      return dsm_event_mappings_;
    case ClassificationKind::kLogSource:
      break;
  }
  return log_sources_;
}

const ClassificationStore::Collection& ClassificationStore::collectionLocked(
    ClassificationKind kind) const {
  return const_cast<ClassificationStore*>(this)->collectionLocked(kind);
}

bool ClassificationStore::existsLocked(ClassificationKind kind, std::int64_t id) const {
  for (const json& object : collectionLocked(kind).objects) {
    if (object["id"] == id) return true;
  }
  return false;
}

json& ClassificationStore::addLocked(ClassificationKind kind, json object) {
  Collection& collection = collectionLocked(kind);
  while (collection.reserved.count(collection.next_id) != 0) ++collection.next_id;
  const std::int64_t id = collection.next_id++;
  object["id"] = id;
  // Only the kinds whose documented answer has one (the key is in sample()).
  if (object.contains("uuid")) object["uuid"] = uuidFor(static_cast<int>(kind), id);
  collection.objects.push_back(std::move(object));
  return collection.objects.back();
}

// IBM: name (required, unused before, at most 241 characters), protocol_types (optional, not
// empty, [{protocol_id}]), default_protocol_id, log_source_extension_id; other fields ignored.
ApiResult<json> ClassificationStore::createLogSourceType(const json& body) {
  const auto name = stringField(body, "name");
  if (!name || core::trim(*name).empty()) {
    return ApiError{422, 1002, "The provided name is empty.", "", json::object()};
  }
  if (name->size() > kMaxLogSourceTypeName) {
    return ApiError{422, 1003, "The provided name exceeds 241 characters.", "", json::object()};
  }
  json protocols = json::array();
  if (const auto it = body.find("protocol_types"); it != body.end() && !it->is_null()) {
    if (!it->is_array() || it->empty()) {
      return ApiError{422, 1004, "The provided protocol_types array is empty.", "", json::object()};
    }
    for (const json& mapping : *it) {
      if (!mapping.is_object() || !integerField(mapping, "protocol_id")) {
        return ApiError{422, kCodeInvalidParameter,
                        "The protocol_id for each ProtocolMapping in the protocol_types array "
                        "must correspond to an existing protocol",
                        "", json::object()};
      }
      protocols.push_back({{"protocol_id", mapping["protocol_id"]}});
    }
  }
  for (const char* field : {"default_protocol_id", "log_source_extension_id"}) {
    if (wrongType(body, field, json::value_t::number_integer)) {
      return invalidField(field, "expected a number");
    }
  }
  std::lock_guard lock(mutex_);
  for (const json& existing : log_source_types_.objects) {
    if (core::iequals(existing["name"].get<std::string>(), *name)) {
      return ApiError{422, 1001, "The provided name is already in use.", "", json::object()};
    }
  }
  json object = sample(ClassificationKind::kLogSourceType);
  object["name"] = *name;
  object["protocol_types"] = protocols;
  object["default_protocol_id"] = body.value("default_protocol_id", json(nullptr));
  object["log_source_extension_id"] = body.value("log_source_extension_id", json(nullptr));
  object["internal"] = false;
  object["custom"] = true;
  return addLocked(ClassificationKind::kLogSourceType, std::move(object));
}

// IBM: log_source_type_id, name, low_level_category_id required; description and severity
// optional. The answer carries a new `qid` and, as IBM's reference says, log_source_type_id
// null ("a placeholder ... to ensure data structure consistency among endpoints").
ApiResult<json> ClassificationStore::createQidRecord(const json& body) {
  const auto type_id = integerField(body, "log_source_type_id");
  if (!type_id) return invalidField("log_source_type_id", "a number is required");
  const auto name = stringField(body, "name");
  if (!name || core::trim(*name).empty()) return invalidField("name", "a name is required");
  const auto category = integerField(body, "low_level_category_id");
  if (!category || *category <= 0) {
    return invalidField("low_level_category_id", "a positive number is required");
  }
  if (wrongType(body, "description", json::value_t::string)) {
    return invalidField("description", "expected a string");
  }
  const auto severity = integerField(body, "severity");
  if (wrongType(body, "severity", json::value_t::number_integer) ||
      (severity && (*severity < 0 || *severity > 10))) {
    return invalidField("severity", "expected a number from 0 to 10");
  }
  std::lock_guard lock(mutex_);
  if (!existsLocked(ClassificationKind::kLogSourceType, *type_id)) {
    return invalidField("log_source_type_id", "no log source type has this id");
  }
  json object = sample(ClassificationKind::kQidRecord);
  object["qid"] = next_qid_++;
  object["name"] = *name;
  object["description"] = body.value("description", json(nullptr));
  // Without a severity QRadar takes the low-level category's; the emulator has no category
  // table and takes 5 (unconfirmed).
  object["severity"] = severity.value_or(5);
  object["low_level_category_id"] = *category;
  object["log_source_type_id"] = nullptr;
  return addLocked(ClassificationKind::kQidRecord, std::move(object));
}

// IBM: all four fields required; a second mapping with the same log_source_type_id,
// log_source_event_id and log_source_event_category is 409/1008; invalid values 422/1005.
ApiResult<json> ClassificationStore::createDsmEventMapping(const json& body) {
  const auto type_id = integerField(body, "log_source_type_id");
  if (!type_id) return invalidField("log_source_type_id", "a number is required");
  const auto event_id = stringField(body, "log_source_event_id");
  if (!event_id || event_id->empty()) {
    return invalidField("log_source_event_id", "a string is required");
  }
  const auto event_category = stringField(body, "log_source_event_category");
  if (!event_category) return invalidField("log_source_event_category", "a string is required");
  const auto qid_record_id = integerField(body, "qid_record_id");
  if (!qid_record_id) return invalidField("qid_record_id", "a number is required");
  std::lock_guard lock(mutex_);
  if (!existsLocked(ClassificationKind::kLogSourceType, *type_id)) {
    return invalidField("log_source_type_id", "no log source type has this id");
  }
  if (!existsLocked(ClassificationKind::kQidRecord, *qid_record_id)) {
    return invalidField("qid_record_id", "no QID record has this id");
  }
  for (const json& existing : dsm_event_mappings_.objects) {
    if (existing["log_source_type_id"] == *type_id &&
        existing["log_source_event_id"] == *event_id &&
        existing["log_source_event_category"] == *event_category) {
      return ApiError{409, kCodeStateConflict,
                      "There is an existing custom DSM event mapping with same the "
                      "log_source_type_id, log_source_event_id and log_source_event_category "
                      "combination. Cannot create duplicate DSM event mapping.",
                      "", json::object()};
    }
  }
  json object = sample(ClassificationKind::kDsmEventMapping);
  object["log_source_type_id"] = *type_id;
  object["log_source_event_id"] = *event_id;
  object["log_source_event_category"] = *event_category;
  object["qid_record_id"] = *qid_record_id;
  object["custom_event"] = true;
  return addLocked(ClassificationKind::kDsmEventMapping, std::move(object));
}

// IBM lists the fields (name, description, type_id, protocol_type_id, protocol_parameters,
// enabled, ...) and that type_id must name an existing log source type. Which fields are
// required and the error codes are not in the pages reached: name, type_id and
// protocol_type_id required, 422/1005 otherwise, and a used name 422/1005 (unconfirmed).
ApiResult<json> ClassificationStore::createLogSource(const json& body) {
  const auto name = stringField(body, "name");
  if (!name || core::trim(*name).empty()) return invalidField("name", "a name is required");
  const auto type_id = integerField(body, "type_id");
  if (!type_id) return invalidField("type_id", "a number is required");
  const auto protocol = integerField(body, "protocol_type_id");
  if (!protocol || *protocol < 0) return invalidField("protocol_type_id", "a number is required");
  json parameters = json::array();
  if (const auto it = body.find("protocol_parameters"); it != body.end() && !it->is_null()) {
    if (!it->is_array()) return invalidField("protocol_parameters", "expected an array");
    for (const json& parameter : *it) {
      if (!parameter.is_object() || !stringField(parameter, "name") ||
          !parameter.contains("value")) {
        return invalidField("protocol_parameters", "each needs a name and a value");
      }
      parameters.push_back(parameter);
    }
  }
  for (const auto& [field, type] : {std::pair{"description", json::value_t::string},
                                    std::pair{"enabled", json::value_t::boolean},
                                    std::pair{"credibility", json::value_t::number_integer}}) {
    if (wrongType(body, field, type)) return invalidField(field, "wrong type");
  }
  std::lock_guard lock(mutex_);
  if (!existsLocked(ClassificationKind::kLogSourceType, *type_id)) {
    return invalidField("type_id", "no log source type has this id");
  }
  for (const json& existing : log_sources_.objects) {
    if (existing["name"] == *name) return invalidField("name", "already used by a log source");
  }
  json object = sample(ClassificationKind::kLogSource);
  object["name"] = *name;
  object["description"] = body.value("description", json(""));
  object["type_id"] = *type_id;
  object["protocol_type_id"] = *protocol;
  object["protocol_parameters"] = parameters;
  object["enabled"] = body.value("enabled", json(true));
  object["gateway"] = false;
  object["internal"] = false;
  object["credibility"] = body.value("credibility", json(5));
  return addLocked(ClassificationKind::kLogSource, std::move(object));
}

std::optional<ClassificationStore::LogSourceMatch> ClassificationStore::logSourceFor(
    std::string_view identifier) const {
  std::lock_guard lock(mutex_);
  for (const json& source : log_sources_.objects) {
    if (!source.value("enabled", false)) continue;
    for (const json& parameter : source.value("protocol_parameters", json::array())) {
      const json* value = parameter.contains("value") ? &parameter.at("value") : nullptr;
      if (parameter.value("name", "") == "identifier" && value != nullptr && value->is_string() &&
          value->get_ref<const std::string&>() == identifier) {
        LogSourceMatch match{source.value("id", std::int64_t{0}),
                             source.value("type_id", std::int64_t{0}),
                             source.value("name", ""),
                             {}};
        for (const json& type : log_source_types_.objects) {
          if (type.value("id", std::int64_t{-1}) == match.type_id) {
            match.type_name = type.value("name", "");
          }
        }
        return match;
      }
    }
  }
  return std::nullopt;
}

std::optional<ClassificationStore::EventQid> ClassificationStore::qidFor(
    std::int64_t type_id, std::string_view event_id, std::string_view category) const {
  std::lock_guard lock(mutex_);
  for (const json& mapping : dsm_event_mappings_.objects) {
    if (mapping.value("log_source_type_id", std::int64_t{-1}) != type_id ||
        mapping.value("log_source_event_id", "") != event_id ||
        mapping.value("log_source_event_category", "") != category) {
      continue;
    }
    const std::int64_t record_id = mapping.value("qid_record_id", std::int64_t{-1});
    for (const json& record : qid_records_.objects) {
      if (record.value("id", std::int64_t{-2}) == record_id) {
        return EventQid{record.value("qid", std::int64_t{0}), record.value("name", "")};
      }
    }
  }
  return std::nullopt;
}

void ClassificationStore::addNames(aql::LookupTables& tables) const {
  std::lock_guard lock(mutex_);
  for (const json& type : log_source_types_.objects) {
    tables.log_source_type_names.emplace(type.value("id", std::int64_t{0}), type.value("name", ""));
  }
  for (const json& source : log_sources_.objects) {
    tables.log_source_names.emplace(source.value("id", std::int64_t{0}), source.value("name", ""));
  }
  for (const json& record : qid_records_.objects) {
    tables.qid_names.emplace(record.value("qid", std::int64_t{0}), record.value("name", ""));
  }
}

void ClassificationStore::reserveIds(ClassificationKind kind, std::set<std::int64_t> ids) {
  std::lock_guard lock(mutex_);
  collectionLocked(kind).reserved.merge(ids);
}

std::vector<json> ClassificationStore::list(ClassificationKind kind) const {
  std::lock_guard lock(mutex_);
  return collectionLocked(kind).objects;
}

std::optional<json> ClassificationStore::get(ClassificationKind kind, std::int64_t id) const {
  std::lock_guard lock(mutex_);
  for (const json& object : collectionLocked(kind).objects) {
    if (object["id"] == id) return object;
  }
  return std::nullopt;
}

json ClassificationStore::sample(ClassificationKind kind) {
  switch (kind) {
    case ClassificationKind::kLogSourceType:
      return {{"id", nullptr},
              {"name", nullptr},
              {"internal", nullptr},
              {"custom", nullptr},
              {"protocol_types", nullptr},
              {"default_protocol_id", nullptr},
              {"log_source_extension_id", nullptr},
              {"uuid", nullptr}};
    case ClassificationKind::kQidRecord:
      return {{"id", nullptr},
              {"qid", nullptr},
              {"name", nullptr},
              {"description", nullptr},
              {"severity", nullptr},
              {"low_level_category_id", nullptr},
              {"log_source_type_id", nullptr},
              {"uuid", nullptr}};
    case ClassificationKind::kDsmEventMapping:
      return {{"id", nullptr},
              {"log_source_type_id", nullptr},
              {"log_source_event_id", nullptr},
              {"log_source_event_category", nullptr},
              {"custom_event", nullptr},
              {"qid_record_id", nullptr}};
    case ClassificationKind::kLogSource:
      break;
  }
  return {{"id", nullptr},
          {"name", nullptr},
          {"description", nullptr},
          {"type_id", nullptr},
          {"protocol_type_id", nullptr},
          {"protocol_parameters", nullptr},
          {"enabled", nullptr},
          {"gateway", nullptr},
          {"internal", nullptr},
          {"credibility", nullptr}};
}

}  // namespace aihunt::emulator

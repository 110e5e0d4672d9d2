#include "qradar_client/reference_data_client.h"

#include <algorithm>
#include <cstdlib>

#include <nlohmann/json.hpp>

#include "core/text.h"

namespace aihunt::qradar {
namespace {

// A field of the console's answer, read leniently: a field of another type, or an answer that is
// not an object, reads as absent (nlohmann's value() would throw).
std::string textOr(const nlohmann::json& object, const char* key, std::string fallback) {
  if (!object.is_object()) return fallback;
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : fallback;
}

std::int64_t integerOr(const nlohmann::json& object, const char* key, std::int64_t fallback) {
  if (!object.is_object()) return fallback;
  const auto it = object.find(key);
  return it != object.end() && it->is_number_integer() ? it->get<std::int64_t>() : fallback;
}

core::Result<nlohmann::json> parseJson(const HttpResponse& response, const char* what) {
  nlohmann::json parsed = nlohmann::json::parse(response.body, nullptr, false);
  if (parsed.is_discarded()) {
    return core::makeError(core::ErrorCode::kParse, std::string("malformed ") + what);
  }
  return parsed;
}

core::Result<BulkUpdateTask> parseTask(const nlohmann::json& body) {
  if (!body.is_object() || !body.contains("id") || !body["id"].is_number_integer() ||
      !body.contains("status") || !body["status"].is_string()) {
    return core::makeError(core::ErrorCode::kParse, "malformed bulk update task (no id or status)");
  }
  BulkUpdateTask task;
  task.id = body["id"].get<std::int64_t>();
  task.status = body["status"].get<std::string>();
  if (auto code = body.find("error_code"); code != body.end() && code->is_number_integer()) {
    task.error_code = code->get<std::int64_t>();
  }
  if (auto text = body.find("error_message"); text != body.end() && text->is_string()) {
    task.error_message = text->get<std::string>();
  }
  return task;
}

std::string ttlText(Millis ttl) {
  const auto days = ttl.count() / 86'400'000;
  if (days > 0 && ttl.count() % 86'400'000 == 0) return std::to_string(days) + " days";
  return std::to_string(std::max<std::int64_t>(1, ttl.count() / 1000)) + " seconds";
}

}  // namespace

bool isFinalTaskStatus(std::string_view status) {
  // IBM's task states: QUEUED, INITIALIZING, PROCESSING, PAUSED, RESUMING, CANCEL_REQUESTED and
  // CANCELING still move; COMPLETED, CONFLICT, EXCEPTION, INTERRUPTED and CANCELLED do not.
  return status == "COMPLETED" || status == "CONFLICT" || status == "EXCEPTION" ||
         status == "INTERRUPTED" || status == "CANCELLED";
}

ReferenceApi referenceApiFor(std::string_view api_version) {
  const double version = std::strtod(std::string(api_version).c_str(), nullptr);
  return version >= 26.0 ? ReferenceApi::kCollections : ReferenceApi::kLegacySets;
}

core::Result<std::optional<ReferenceSetInfo>> ReferenceDataClient::find(const std::string& name) {
  ApiCall call;
  if (kind_ == ReferenceApi::kLegacySets) {
    // The set's size and type without its values: a Range of one item (IBM's reference for
    // GET /reference_data/sets/{name} lists namespace, Range, filter and fields, no limit).
    call.path = "/api/reference_data/sets/" + urlEncode(name);
    call.headers.emplace_back("Range", "items=0-0");
    auto response = api_.call(call);
    if (!response) return response.error();
    if (response->status == 404) return std::optional<ReferenceSetInfo>();
    if (response->status >= 300) return api_.coreErrorOf(*response);
    auto parsed = parseJson(*response, "reference set");
    if (!parsed) return parsed.error();
    ReferenceSetInfo info;
    info.name = textOr(*parsed, "name", name);
    info.element_type = textOr(*parsed, "element_type", "");
    info.count = integerOr(*parsed, "number_of_elements", 0);
    return std::optional(info);
  }
  call.path = "/api/reference_data_collections/sets?filter=" + urlEncode("name=\"" + name + "\"");
  auto response = api_.callOk(call);
  if (!response) return response.error();
  auto parsed = parseJson(*response, "reference set list");
  if (!parsed) return parsed.error();
  if (!parsed->is_array()) return core::makeError(core::ErrorCode::kParse, "expected a list");
  for (const auto& entry : *parsed) {
    if (textOr(entry, "name", "") == name) {
      ReferenceSetInfo info;
      info.name = name;
      info.element_type = textOr(entry, "entry_type", textOr(entry, "element_type", ""));
      info.id = integerOr(entry, "id", 0);
      info.count = integerOr(entry, "number_of_entries", 0);
      return std::optional(info);
    }
  }
  return std::optional<ReferenceSetInfo>();
}

core::Status ReferenceDataClient::create(const std::string& name, Millis time_to_live,
                                         std::string_view element_type) {
  ApiCall call;
  call.method = "POST";
  if (kind_ == ReferenceApi::kLegacySets) {
    call.path = "/api/reference_data/sets?name=" + urlEncode(name) +
                "&element_type=" + urlEncode(element_type) +
                "&timeout_type=LAST_SEEN&time_to_live=" + urlEncode(ttlText(time_to_live));
  } else {
    call.path = "/api/reference_data_collections/sets";
    call.headers.emplace_back("Content-Type", "application/json");
    // A number of seconds here, where the legacy API takes interval text.
    call.body =
        nlohmann::json{{"name", name},
                       {"entry_type", element_type},
                       {"expiry_type", "LAST_SEEN"},
                       {"time_to_live", std::max<std::int64_t>(1, time_to_live.count() / 1000)}}
            .dump();
  }
  auto response = api_.call(call);
  if (!response) return response.error();
  if (response->status == 409) return {};  // 1004 (legacy) or 10006 (collections): it exists
  if (response->status >= 300) return api_.coreErrorOf(*response);
  return {};
}

core::Status ReferenceDataClient::addValues(const std::string& name,
                                            const std::vector<std::string>& values,
                                            const std::string& source) {
  ApiCall call;
  call.headers.emplace_back("Content-Type", "application/json");
  if (kind_ == ReferenceApi::kLegacySets) {
    call.method = "POST";
    call.path = "/api/reference_data/sets/bulk_load/" + urlEncode(name);
    call.body = nlohmann::json(values).dump();
  } else {
    auto found = find(name);
    if (!found) return found.error();
    if (!*found) return core::makeError(core::ErrorCode::kNotFound, "no reference set " + name);
    nlohmann::json entries = nlohmann::json::array();
    for (const auto& value : values) {
      entries.push_back({{"collection_id", (*found)->id}, {"value", value}, {"source", source}});
    }
    call.method = "PATCH";
    call.path = "/api/reference_data_collections/set_entries";
    call.body = entries.dump();
  }
  auto response = api_.callOk(call);
  if (!response) return response.error();
  if (kind_ == ReferenceApi::kLegacySets) return {};
  auto parsed = parseJson(*response, "bulk update task");
  if (!parsed) return parsed.error();
  auto task = parseTask(*parsed);
  if (!task) return task.error();
  last_task_ = *task;
  return waitForTask(task->id);
}

core::Status ReferenceDataClient::waitForTask(std::int64_t task_id) {
  const core::Clock& clock = api_.deps().clock;
  const auto deadline = clock.now() + options_.task_timeout;
  Millis delay = options_.task_poll_delay;
  BulkUpdateTask task = last_task_.value_or(BulkUpdateTask{task_id, "QUEUED", {}, {}, 0});
  while (!isFinalTaskStatus(task.status)) {
    if (clock.now() >= deadline) {
      return core::makeError(core::ErrorCode::kTimeout,
                             "bulk update task " + std::to_string(task_id) + " still " +
                                 core::printableExcerpt(task.status, 40) + " after " +
                                 std::to_string(task.polls) + " reads");
    }
    api_.pause(delay, nullptr);
    delay = std::min(delay * 2, Millis(2'000));
    ApiCall call;
    call.path = "/api/reference_data_collections/set_bulk_update_tasks/" + std::to_string(task_id);
    call.deadline = deadline;
    auto response = api_.callOk(call);
    if (!response) return response.error().withContext("reading bulk update task");
    auto parsed = parseJson(*response, "bulk update task");
    if (!parsed) return parsed.error();
    auto read = parseTask(*parsed);
    if (!read) return read.error();
    read->polls = task.polls + 1;
    task = std::move(*read);
    last_task_ = task;
  }
  if (task.status == "COMPLETED") return {};
  // Status and message are the console's words: made printable before they reach a log line.
  std::string text = "bulk update task " + std::to_string(task_id) + " ended in " +
                     core::printableExcerpt(task.status, 40);
  if (task.error_code) text += " (error_code " + std::to_string(*task.error_code) + ")";
  if (!task.error_message.empty()) text += ": " + core::printableExcerpt(task.error_message, 300);
  return api_.redacted(core::makeError(core::ErrorCode::kRemote, text));
}

core::Result<std::size_t> ReferenceDataClient::readPage(const std::string& path, bool legacy,
                                                        std::size_t first, std::size_t count,
                                                        std::vector<std::string>& out) {
  ApiCall call;
  call.path = path;
  call.headers.emplace_back(
      "Range", "items=" + std::to_string(first) + "-" + std::to_string(first + count - 1));
  auto response = api_.callOk(call);
  if (!response) return response.error();
  auto parsed = parseJson(*response, legacy ? "reference set" : "set entry list");
  if (!parsed) return parsed.error();
  // Legacy: the set object with its values in `data`; collections: a list of entries.
  const nlohmann::json* items = &*parsed;
  if (legacy) {
    if (!parsed->is_object()) return core::makeError(core::ErrorCode::kParse, "expected a set");
    const auto data = parsed->find("data");
    if (data == parsed->end()) return std::size_t{0};  // an empty set has no data
    items = &*data;
  }
  if (!items->is_array()) return core::makeError(core::ErrorCode::kParse, "expected a list");
  for (const auto& item : *items) {
    const auto value = item.is_object() ? item.find("value") : item.end();
    if (value == item.end()) {
      return core::makeError(core::ErrorCode::kParse, "a set entry without a value");
    }
    // NUM, PORT and DATE values may come as JSON numbers.
    out.push_back(value->is_string() ? value->get<std::string>() : value->dump());
  }
  return items->size();
}

core::Result<std::optional<ReferenceSetRead>> ReferenceDataClient::readValues(
    const std::string& name, std::size_t max_values, std::size_t page_size) {
  // IBM's references: legacy GET /reference_data/sets/{name} answers {name, element_type,
  // number_of_elements, data: [{value, source, first_seen, last_seen}]} and takes a Range header
  // (ibmsecuritydocs.github.io/qradar_api_13.0/13.0--reference_data-sets-name-GET.html);
  // GET /reference_data_collections/set_entries takes filter and Range and answers Set Entry
  // DTOs {id, collection_id, value, source, notes, first_seen, last_seen, domain_id}
  // (juniper.net/documentation/us/en/software/jsa7.5.0/jsa-rest-api-v160/topics/ref/
  // jsa-16.0--reference_data_collections-set_entries-GET.html).
  auto found = find(name);
  if (!found) return found.error();
  if (!*found) return std::optional<ReferenceSetRead>();
  ReferenceSetRead read;
  read.info = **found;
  const bool legacy = kind_ == ReferenceApi::kLegacySets;
  const std::string path = legacy ? "/api/reference_data/sets/" + urlEncode(name)
                                  : "/api/reference_data_collections/set_entries?filter=" +
                                        urlEncode("collection_id=" + std::to_string(read.info.id));
  page_size = std::max<std::size_t>(1, page_size);
  // One value past the cap is asked for: getting it is what says the set was cut short.
  const std::size_t limit = max_values + 1;
  while (read.values.size() < limit) {
    const std::size_t want = std::min(page_size, limit - read.values.size());
    auto got = readPage(path, legacy, read.values.size(), want, read.values);
    if (!got) return got.error().withContext("reading reference set '" + name + "'");
    if (*got < want) break;
  }
  read.truncated = read.values.size() > max_values;
  if (read.truncated) read.values.resize(max_values);
  return std::optional(std::move(read));
}

core::Status ReferenceDataClient::probe() {
  ApiCall call;
  call.path = kind_ == ReferenceApi::kLegacySets ? "/api/reference_data/sets?fields=name"
                                                 : "/api/reference_data_collections/sets";
  call.headers.emplace_back("Range", "items=0-0");
  auto response = api_.callOk(call);
  if (!response) return response.error();
  return {};
}

}  // namespace aihunt::qradar

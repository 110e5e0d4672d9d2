#include "aql/event.h"

#include <nlohmann/json.hpp>

#include "core/csv_sniff.h"
#include "core/json_repair.h"
#include "core/text.h"

namespace aihunt::aql {

FieldId Schema::intern(std::string_view name) {
  std::string key = core::asciiLowered(name);
  auto it = index_.find(key);
  if (it != index_.end()) return it->second;
  const auto id = static_cast<FieldId>(names_.size());
  names_.emplace_back(name);
  index_.emplace(std::move(key), id);
  return id;
}

std::optional<FieldId> Schema::find(std::string_view name) const {
  auto it = index_.find(core::asciiLowered(name));
  if (it == index_.end()) return std::nullopt;
  return it->second;
}

Event makeEvent(Schema& schema, const std::vector<std::pair<std::string, Value>>& fields) {
  Event event;
  for (const auto& [name, value] : fields) event.set(schema.intern(name), value);
  return event;
}

namespace {

// `field_of(key)` names the field a key fills, or nullopt to drop it.
core::Result<Event> parseEventWith(
    std::string_view line, std::size_t width,
    const std::function<std::optional<FieldId>(const std::string&)>& field_of) {
  // nlohmann throws on bad input unless asked not to; errors stay values here.
  auto doc = nlohmann::ordered_json::parse(line, nullptr, /*allow_exceptions=*/false);
  bool repaired = false;
  if (doc.is_discarded()) {
    // One planted event with a stray byte must not fail a hunt, nor be passed over: it is read
    // with U+FFFD in place of what cannot be read, and counted.
    if (auto text = core::repairedJsonText(line)) {
      doc = nlohmann::ordered_json::parse(*text, nullptr, /*allow_exceptions=*/false);
      repaired = !doc.is_discarded();
    }
  }
  if (doc.is_discarded()) {
    // Not JSON even when repaired, and not UTF-8 either (a UTF-16 export, say): both are said,
    // since the line may be broken in another way too (a raw control character, a trial).
    if (!core::isValidUtf8(line)) {
      return core::makeError(
          core::ErrorCode::kParse,
          "not valid JSON, and not valid UTF-8 either (JSON text must be UTF-8: export the "
          "events as UTF-8)");
    }
    if (core::looksLikeCsvLine(line)) {
      // A Log Activity "Export to CSV" (a trial's first try).
      return core::makeError(core::ErrorCode::kParse,
                             "not valid JSON: the line reads like CSV (a Log Activity export?), "
                             "and events are read as JSON Lines, one JSON object per line");
    }
    return core::makeError(core::ErrorCode::kParse, "not valid JSON");
  }
  if (!doc.is_object()) return core::makeError(core::ErrorCode::kParse, "not a JSON object");
  Event event;
  event.repaired = repaired;
  event.values.resize(width);
  for (const auto& [key, item] : doc.items()) {
    const std::optional<FieldId> id = field_of(key);
    if (!id) continue;
    Value value;
    if (item.is_null()) {
      continue;
    } else if (item.is_boolean()) {
      value = Value::boolean(item.get<bool>());
    } else if (item.is_number_unsigned()) {
      const auto u = item.get<std::uint64_t>();
      value = u > static_cast<std::uint64_t>(INT64_MAX)
                  ? Value::real(static_cast<double>(u))
                  : Value::integer(static_cast<std::int64_t>(u));
    } else if (item.is_number_integer()) {
      value = Value::integer(item.get<std::int64_t>());
    } else if (item.is_number_float()) {
      value = Value::real(item.get<double>());
    } else if (item.is_string()) {
      value = Value::string(item.get<std::string>());
    } else {
      value = Value::string(item.dump());
    }
    event.set(*id, std::move(value));
  }
  return event;
}

}  // namespace

core::Result<Event> parseEventJson(std::string_view line, Schema& schema) {
  // Interned even when null, so SELECT * and the schema know the property exists.
  return parseEventWith(
      line, schema.size(),
      [&schema](const std::string& key) -> std::optional<FieldId> { return schema.intern(key); });
}

core::Result<Event> parseEventJsonKnown(std::string_view line, const Schema& schema) {
  return parseEventWith(
      line, schema.size(),
      [&schema](const std::string& key) -> std::optional<FieldId> { return schema.find(key); });
}

core::Status readEventsJsonl(std::istream& in, Schema& schema,
                             const std::function<core::Status(Event&&)>& sink) {
  std::string line;
  std::size_t line_number = 0;
  while (std::getline(in, line)) {
    ++line_number;
    if (core::trim(line).empty()) continue;
    auto event = parseEventJson(line, schema);
    if (!event.ok()) {
      return event.error().withContext("events line " + std::to_string(line_number));
    }
    if (auto status = sink(std::move(event.value())); !status.ok()) return status;
  }
  if (in.bad()) return core::makeError(core::ErrorCode::kIo, "reading events failed");
  return {};
}

}  // namespace aihunt::aql

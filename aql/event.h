#pragma once
// Events as the evaluator sees them. Field names are interned once into a Schema (ASCII
// case-insensitively, as Ariel treats property names) so that a compiled query reads a field by
// index instead of hashing its name for every row.
#include <cstdint>
#include <functional>
#include <istream>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "aql/value.h"
#include "core/result.h"

namespace aihunt::aql {

using FieldId = std::uint32_t;

class Schema {
 public:
  FieldId intern(std::string_view name);
  [[nodiscard]] std::optional<FieldId> find(std::string_view name) const;
  // The spelling first interned.
  [[nodiscard]] const std::string& name(FieldId id) const { return names_[id]; }
  [[nodiscard]] std::size_t size() const { return names_.size(); }

 private:
  std::unordered_map<std::string, FieldId> index_;  // key: lower-cased name
  std::vector<std::string> names_;
};

// One event: values indexed by FieldId. Fields past the end are null.
struct Event {
  std::vector<Value> values;
  // Its text was not valid UTF-8 (or held a lone surrogate escape) and was read with U+FFFD in
  // place of what could not be read (core/json_repair.h): the readers count such events.
  bool repaired = false;

  [[nodiscard]] const Value& get(FieldId id) const {
    static const Value kNull;
    return id < values.size() ? values[id] : kNull;
  }
  void set(FieldId id, Value value) {
    if (id >= values.size()) values.resize(id + 1);
    values[id] = std::move(value);
  }
};

// Builds an event from (name, value) pairs: tests and small tools.
Event makeEvent(Schema& schema, const std::vector<std::pair<std::string, Value>>& fields);

// One JSON object (a line of JSONL) -> Event. Numbers stay integers when they are; nested
// arrays and objects are kept as their JSON text. Text that is not valid UTF-8 is read with
// U+FFFD in its place, and the event says so (Event::repaired).
core::Result<Event> parseEventJson(std::string_view line, Schema& schema);

// The same, keeping only the fields `schema` already knows (a compiled query's): the schema is
// only read, so threads may share it.
core::Result<Event> parseEventJsonKnown(std::string_view line, const Schema& schema);

// Reads JSONL (blank lines skipped), calling `sink` per event. Errors name the line number.
// `sink` may return an error to stop early; that error is returned.
core::Status readEventsJsonl(std::istream& in, Schema& schema,
                             const std::function<core::Status(Event&&)>& sink);

}  // namespace aihunt::aql

#include "service/row_binder.h"

#include <algorithm>
#include <charconv>

#include "core/int_cast.h"
#include "results/column_fields.h"

namespace aihunt::service {

using detection::Field;

RowBinder::RowBinder(const std::vector<std::string>& columns,
                     const detection::FieldMapping& mapping,
                     const detection::FieldMapping* fallback)
    : field_of_column_(columns.size()), texts_(columns.size()), mapping_(mapping) {
  results::ColumnFields fields;
  const auto addAll = [&](const detection::FieldMapping& in, bool any_case) {
    for (std::size_t f = 0; f < detection::kFieldCount; ++f) {
      if (!in.columns[f].empty()) fields.add(in.columns[f], static_cast<Field>(f), any_case);
    }
  };
  addAll(mapping, true);
  if (fallback != nullptr) {
    // The logical names (url, application) only as they are, as triage reads them.
    addAll(*fallback, false);
    // Every event's own time, as triage and the online hunts read it (a query of the user's
    // that selects `starttime` lost its findings' times, and two events of one source and URL
    // an hour apart got one finding id: a newcomer's trial).
    fields.add("starttime", Field::kEventTime, false);
  }
  for (std::size_t c = 0; c < columns.size(); ++c) field_of_column_[c] = fields.find(columns[c]);
}

void RowBinder::bind(const aql::Row& row, detection::Event& out) {
  out = detection::Event{};
  const std::size_t count = std::min(row.values.size(), field_of_column_.size());
  for (std::size_t c = 0; c < count; ++c) {
    if (!field_of_column_[c]) continue;
    const Field field = *field_of_column_[c];
    const aql::Value& value = row.values[c];
    std::optional<std::int64_t> number;
    switch (value.kind()) {
      case aql::Value::Kind::kNull:
        continue;
      case aql::Value::Kind::kString: {
        texts_[c] = value.asString();
        std::int64_t parsed = 0;
        const char* end = texts_[c].data() + texts_[c].size();
        if (const auto result = std::from_chars(texts_[c].data(), end, parsed);
            result.ec == std::errc() && result.ptr == end) {
          number = parsed;  // "Bytes Sent": "2150" as some DSMs store it
        }
        break;
      }
      case aql::Value::Kind::kInt:
        number = value.asInt();
        texts_[c] = std::to_string(*number);
        break;
      case aql::Value::Kind::kDouble:
        number = core::truncatedInt64(value.asDouble());
        texts_[c] = value.toString();
        break;
      case aql::Value::Kind::kBool:
        texts_[c] = value.asBool() ? "true" : "false";
        break;
    }
    out.set(field, texts_[c]);
    if (field == Field::kBytesSent) {
      out.setBytesSent(number);
    } else if (field == Field::kDestinationPort) {
      out.setDestinationPort(number);
    } else if (field == Field::kEventTime) {
      out.event_time_ms = number;
    }
  }
}

std::vector<Field> RowBinder::unboundFields() const {
  std::vector<Field> missing;
  for (std::size_t f = 0; f < detection::kFieldCount; ++f) {
    if (mapping_.columns[f].empty()) continue;
    const auto field = static_cast<Field>(f);
    if (std::find(field_of_column_.begin(), field_of_column_.end(), field) ==
        field_of_column_.end()) {
      missing.push_back(field);
    }
  }
  return missing;
}

}  // namespace aihunt::service

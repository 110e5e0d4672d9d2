#include "service/row_binder.h"

#include <algorithm>
#include <charconv>

namespace aihunt::service {

using detection::Field;

RowBinder::RowBinder(const std::vector<std::string>& columns,
                     const detection::FieldMapping& mapping,
                     const detection::FieldMapping* fallback)
    : field_of_column_(columns.size()), texts_(columns.size()), mapping_(mapping) {
  const auto find = [&](const detection::FieldMapping& in, const std::string& column) {
    std::optional<Field> found;
    for (std::size_t f = 0; f < detection::kFieldCount && !found; ++f) {
      if (!in.columns[f].empty() && in.columns[f] == column) found = static_cast<Field>(f);
    }
    return found;
  };
  for (std::size_t c = 0; c < columns.size(); ++c) {
    field_of_column_[c] = find(mapping, columns[c]);
    if (!field_of_column_[c] && fallback != nullptr)
      field_of_column_[c] = find(*fallback, columns[c]);
  }
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
        number = static_cast<std::int64_t>(value.asDouble());
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

#include "results/column_fields.h"

#include "core/text.h"

namespace aihunt::results {
namespace {

std::string looseKey(std::string_view column) {
  std::string key;
  key.reserve(column.size());
  for (const char c : column) {
    if (c != ' ' && c != '_' && c != '-') key.push_back(core::asciiLower(c));
  }
  return key;
}

}  // namespace

bool sameColumnName(std::string_view a, std::string_view b) {
  return a == b || looseKey(a) == looseKey(b);
}

void ColumnFields::add(std::string_view column, detection::Field field, bool any_case) {
  if (!exact_.emplace(std::string(column), field).second || !any_case) return;
  const auto [at, added] = folded_.emplace(core::asciiLowered(column), field);
  if (!added && at->second != field) at->second.reset();
}

std::optional<detection::Field> ColumnFields::find(std::string_view column) const {
  if (const auto exact = exact_.find(column); exact != exact_.end()) return exact->second;
  const auto folded = folded_.find(core::asciiLowered(column));
  if (folded == folded_.end()) return std::nullopt;
  return folded->second;
}

}  // namespace aihunt::results

#include "service/detectable_fields.h"

#include <algorithm>

namespace aihunt::service {
namespace {

using detection::Field;

constexpr Field kDetectable[] = {Field::kUrl,         Field::kDestHost,  Field::kQueryName,
                                 Field::kApplication, Field::kImage,     Field::kCommandLine,
                                 Field::kScriptText,  Field::kUserAgent, Field::kTargetFile};

bool names(const detection::FieldMapping& mapping, Field field, const std::string& column) {
  const std::string& name = mapping.column(field);
  return !name.empty() && name == column;
}

}  // namespace

std::span<const Field> detectableFields() { return kDetectable; }

std::string detectableColumnNames(const detection::FieldMapping& mapping,
                                  const detection::FieldMapping* fallback) {
  std::vector<std::string> seen;
  for (const detection::FieldMapping* in : {&mapping, fallback}) {
    if (in == nullptr) continue;
    for (const Field field : kDetectable) {
      const std::string& name = in->column(field);
      if (!name.empty() && std::find(seen.begin(), seen.end(), name) == seen.end()) {
        seen.push_back(name);
      }
    }
  }
  std::string out;
  for (const std::string& name : seen) out += (out.empty() ? "" : ", ") + name;
  return out;
}

core::Status checkDetectableColumns(const std::vector<std::string>& columns,
                                    const detection::FieldMapping& mapping,
                                    const detection::FieldMapping* fallback) {
  for (const std::string& column : columns) {
    for (const Field field : kDetectable) {
      if (names(mapping, field, column) ||
          (fallback != nullptr && names(*fallback, field, column))) {
        return {};
      }
    }
  }
  std::string listed;
  for (const std::string& column : columns) listed += (listed.empty() ? "" : ", ") + column;
  return core::makeError(
      core::ErrorCode::kInvalidArgument,
      "none of the query's columns (" + listed +
          ") is one a finding can come from, so no row could become a finding: name one of "
          "them as the detection reads it (" +
          detectableColumnNames(mapping, fallback) + "), e.g. \"URL\" AS " +
          (mapping.column(Field::kUrl).empty() ? std::string("url") : mapping.column(Field::kUrl)));
}

std::vector<UnreadDetectableColumn> unreadDetectableColumns(
    const std::vector<std::string>& unread, const std::vector<config::HuntConfig>& hunts) {
  std::vector<UnreadDetectableColumn> found;
  const auto detectableAs = [](const detection::FieldMapping& mapping, const std::string& column) {
    return std::find_if(kDetectable, std::end(kDetectable),
                        [&](Field f) { return names(mapping, f, column); });
  };
  static const detection::FieldMapping seed = detection::FieldMapping::seedDefaults();
  for (const std::string& column : unread) {
    if (const auto* field = detectableAs(seed, column); field != std::end(kDetectable)) {
      found.push_back({column, *field, std::string()});
      continue;
    }
    for (const config::HuntConfig& hunt : hunts) {
      const auto* field = detectableAs(hunt.columns, column);
      if (field == std::end(kDetectable)) continue;
      found.push_back({column, *field, hunt.name});
      break;
    }
  }
  return found;
}

}  // namespace aihunt::service

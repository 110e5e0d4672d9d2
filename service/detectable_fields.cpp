#include "service/detectable_fields.h"

#include <algorithm>

#include "core/text.h"
#include "results/column_fields.h"

namespace aihunt::service {
namespace {

using detection::Field;

constexpr Field kDetectable[] = {Field::kUrl,         Field::kDestHost,  Field::kQueryName,
                                 Field::kApplication, Field::kImage,     Field::kCommandLine,
                                 Field::kScriptText,  Field::kUserAgent, Field::kTargetFile};

// As the rows are read (results/column_fields.h): a mapping's names in any case, our logical
// names (a fallback) only as they are.
bool names(const detection::FieldMapping& mapping, Field field, const std::string& column,
           bool any_case = true) {
  const std::string& name = mapping.column(field);
  return !name.empty() && (any_case ? core::iequals(name, column) : name == column);
}

// Also in another spelling (`Command Line` for `CommandLine`): what a warning names.
bool spells(const detection::FieldMapping& mapping, Field field, const std::string& column) {
  const std::string& name = mapping.column(field);
  return !name.empty() && results::sameColumnName(name, column);
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
          (fallback != nullptr && names(*fallback, field, column, /*any_case=*/false))) {
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

namespace {

// The seed query's mapping (reader "") and each hunt's (its name), in that order.
template <typename OnMapping>
void forEachMapping(const std::vector<config::HuntConfig>& hunts, OnMapping&& on_mapping) {
  static const detection::FieldMapping seed = detection::FieldMapping::seedDefaults();
  on_mapping(std::string(), seed);
  for (const config::HuntConfig& hunt : hunts) on_mapping(hunt.name, hunt.columns);
}

}  // namespace

std::vector<std::string> detectableColumnNamesAnywhere(
    const std::vector<config::HuntConfig>& hunts) {
  std::vector<std::string> names;
  forEachMapping(hunts, [&](const std::string&, const detection::FieldMapping& mapping) {
    for (const Field field : kDetectable) {
      const std::string& name = mapping.column(field);
      if (!name.empty() && std::find(names.begin(), names.end(), name) == names.end()) {
        names.push_back(name);
      }
    }
  });
  return names;
}

UnreadColumns unreadDetectableColumns(const std::vector<std::string>& seen,
                                      const std::vector<std::string>& unread,
                                      const std::vector<config::HuntConfig>& hunts) {
  UnreadColumns result;
  std::vector<UnreadDetectableColumn>& found = result.columns;
  for (const std::string& column : unread) {
    UnreadDetectableColumn entry{column, Field::kUrl, {}, {}};
    // Two passes: the mappings that name the column as it is, then those that spell it
    // otherwise, so that the first reader named is an exact one where there is one.
    for (const bool exact : {true, false}) {
      forEachMapping(hunts, [&](const std::string& reader, const detection::FieldMapping& mapping) {
        const auto* field =
            std::find_if(std::begin(kDetectable), std::end(kDetectable), [&](Field f) {
              return exact ? names(mapping, f, column) : spells(mapping, f, column);
            });
        if (field == std::end(kDetectable)) return;
        if (!exact && names(mapping, *field, column)) return;  // listed in the first pass
        if (entry.readers.empty()) {
          entry.field = *field;
          entry.first_reader_names = mapping.column(*field);
        }
        if (*field == entry.field) entry.readers.push_back(reader);
      });
    }
    if (!entry.readers.empty()) found.push_back(std::move(entry));
  }
  if (found.empty()) return result;
  // The first mapping (the seed's, then the hunts' in config order) that names every column
  // the rows held as some detectable field: switching to it loses none of them.
  forEachMapping(hunts, [&](const std::string& reader, const detection::FieldMapping& mapping) {
    if (result.reads_all) return;
    const bool all = std::all_of(seen.begin(), seen.end(), [&](const std::string& column) {
      return std::any_of(std::begin(kDetectable), std::end(kDetectable),
                         [&](Field f) { return names(mapping, f, column); });
    });
    if (all) result.reads_all = reader;
  });
  return result;
}

}  // namespace aihunt::service

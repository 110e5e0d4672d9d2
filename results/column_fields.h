#pragma once
// Which field a result column is read as: by its exact name, else, for a mapping's names, by its
// name with ASCII case ignored, when that names one field only. AQL does not care how a property
// is capitalised (IBM's own examples write `sourceIP` for `sourceip`), and a query's alias is
// what Ariel's results and an export carry, so an alias `destinationurl` or a `DestinationUrl`
// column must not go unread while the mapping says `DestinationURL` (a newcomer's trial:
// findings dropped, no word said). Other spellings (`Command Line` for `CommandLine`) are not
// read, since `User Agent` and `URL` are also raw events' names, which triage tells apart from
// results; they are named in triage's warning of unread columns instead (sameColumnName).
#include <optional>
#include <string>
#include <string_view>

#include "core/string_map.h"
#include "detection/event.h"

namespace aihunt::results {

// Whether two column names are spellings of one name: equal with ASCII case, spaces, '_' and
// '-' ignored.
bool sameColumnName(std::string_view a, std::string_view b);

class ColumnFields {
 public:
  // The first field added under a name keeps it. `any_case`: also read in other cases. Not for
  // our logical names (`url`, `application`), which would read a raw event's `URL` and
  // `Application` as a result row's.
  void add(std::string_view column, detection::Field field, bool any_case = true);
  [[nodiscard]] std::optional<detection::Field> find(std::string_view column) const;

 private:
  core::StringMap<detection::Field> exact_;
  // Lower-cased; nullopt where two fields' names differ only in case (read neither).
  core::StringMap<std::optional<detection::Field>> folded_;
};

}  // namespace aihunt::results

#pragma once
// Evaluator rows (aql::Row, values in column order) as detection Events: each column the field
// mapping names is bound to its logical field. Texts live in the binder until the next bind().
#include <optional>
#include <string>
#include <vector>

#include "aql/evaluator.h"
#include "detection/event.h"

namespace aihunt::service {

class RowBinder {
 public:
  // A column binds to the field whose name in `mapping` it has, else in `fallback` (if given).
  RowBinder(const std::vector<std::string>& columns, const detection::FieldMapping& mapping,
            const detection::FieldMapping* fallback = nullptr);

  void bind(const aql::Row& row, detection::Event& out);
  // The mapped fields no column supplies: worth a warning, since they stay empty.
  [[nodiscard]] std::vector<detection::Field> unboundFields() const;

 private:
  std::vector<std::optional<detection::Field>> field_of_column_;
  std::vector<std::string> texts_;
  const detection::FieldMapping& mapping_;
};

}  // namespace aihunt::service

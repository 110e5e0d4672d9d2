// Results in the shape Ariel's /ariel/searches/{id}/results answers.
#include <cmath>
#include <nlohmann/json.hpp>

#include "aql/evaluator.h"

namespace aihunt::aql {

std::string toArielJson(const ResultSet& result) {
  nlohmann::ordered_json rows = nlohmann::ordered_json::array();
  for (const Row& row : result.rows) {
    nlohmann::ordered_json object = nlohmann::ordered_json::object();
    for (std::size_t i = 0; i < row.values.size() && i < result.columns.size(); ++i) {
      const Value& v = row.values[i];
      nlohmann::ordered_json& slot = object[result.columns[i]];
      switch (v.kind()) {
        case Value::Kind::kNull:
          slot = nullptr;
          break;
        case Value::Kind::kBool:
          slot = v.asBool();
          break;
        case Value::Kind::kInt:
          slot = v.asInt();
          break;
        case Value::Kind::kDouble:
          if (std::isfinite(v.asDouble())) {
            slot = v.asDouble();
          } else {
            slot = nullptr;
          }
          break;
        case Value::Kind::kString:
          slot = v.asString();
          break;
      }
    }
    rows.push_back(std::move(object));
  }
  nlohmann::ordered_json out = nlohmann::ordered_json::object();
  out[result.database == Database::kFlows ? "flows" : "events"] = std::move(rows);
  // Invalid UTF-8 in event text must not throw out of here: replace it.
  return out.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

}  // namespace aihunt::aql

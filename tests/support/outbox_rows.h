#pragma once
// Outbox rows as the state store hands them to a sink: ids 1, 2, ... in delivery order, finding
// ids f1, f2, ..., one row per payload.
#include <cstdint>
#include <string>
#include <vector>

#include "state/state_store.h"

namespace aihunt::testing {

inline std::vector<state::OutboxRow> outboxRows(const std::string& sink,
                                                const std::vector<std::string>& payloads) {
  std::vector<state::OutboxRow> rows;
  std::int64_t id = 0;
  for (const auto& payload : payloads) {
    state::OutboxRow row;
    row.id = ++id;
    row.sink = sink;
    row.finding_id = "f" + std::to_string(id);
    row.payload = payload;
    rows.push_back(row);
  }
  return rows;
}

}  // namespace aihunt::testing

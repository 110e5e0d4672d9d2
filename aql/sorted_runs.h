#pragma once
// ORDER BY without a LIMIT over more rows than memory should hold (an analyst's own query over a
// large export, ordered by start time), or a GROUP BY over more groups: the rows held so far are
// sorted and written out as one run to an unlinked spool file, and at the end the runs and the rows
// still in memory are merged, so memory is bounded by the budget, not by the input. The merge is
// exact: items compare by their keys, then by their arrival number, so ties keep input order as the
// in-memory sort does.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "aql/value.h"
#include "core/result.h"

namespace aihunt::aql {

// One row waiting for ORDER BY: its sort keys, its arrival number, and the row's values.
struct SortItem {
  std::vector<Value> keys;
  std::uint64_t seq = 0;
  std::vector<Value> values;
};

// About how much memory an item holds (its vectors and its strings' buffers).
std::size_t heldBytes(const SortItem& item);

class SortedRuns {
 public:
  using Before = std::function<bool(const SortItem&, const SortItem&)>;
  // Returns false to stop the merge (a LIMIT reached).
  using Emit = std::function<bool(SortItem&&)>;

  // `dir`: where the spool file goes ("" is /tmp). `what`: what the items are, for errors ("the
  // rows held for ORDER BY").
  SortedRuns(std::string dir, std::string what);
  ~SortedRuns();
  SortedRuns(const SortedRuns&) = delete;
  SortedRuns& operator=(const SortedRuns&) = delete;

  // Writes `items`, sorted by `before`, as one run (the spool file is made at the first).
  [[nodiscard]] core::Status write(const std::vector<SortItem>& items);
  [[nodiscard]] std::size_t runs() const;

  // Emits every item of every run and of `memory` (sorted by `before` too) in `before` order,
  // until `emit` returns false.
  [[nodiscard]] core::Status merge(std::vector<SortItem>& memory, const Before& before,
                                   const Emit& emit);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace aihunt::aql

#pragma once
// Hunts that run side by side write their findings in plan order, as if they had run one after
// another: the earliest unfinished hunt writes straight through, the others are held in memory
// until every hunt before them is done. A reader of JSONL, CSV or a table never sees two hunts'
// findings interleaved, and the output is the same whatever the number of hunts at once.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "core/result.h"
#include "detection/finding.h"
#include "service/finding_writer.h"

namespace aihunt::service {

class OrderedFindings {
 public:
  // `out` receives every finding; `hunts` is the number of hunts in the plan. The findings held
  // back take at most `max_bytes` of memory (heldFindingBytes(); 0: no limit), the run's output
  // cap: past it a hunt's write fails with the output-limit error (isOutputLimit()).
  OrderedFindings(FindingWriter& out, std::size_t hunts, std::uint64_t max_bytes = 0);
  ~OrderedFindings();
  OrderedFindings(const OrderedFindings&) = delete;
  OrderedFindings& operator=(const OrderedFindings&) = delete;

  // The writer hunt `index` writes to; safe to use from that hunt's thread.
  FindingWriter& writer(std::size_t index);
  // Hunt `index` wrote its last finding. Any order; writes out what the hunts after it were
  // holding once every hunt before them is done. The error is `out`'s.
  [[nodiscard]] core::Status done(std::size_t index);
  // Findings held back for hunts that are not first in line yet (memory the ordering costs).
  [[nodiscard]] std::size_t held() const;
  // Why holding failed (past max_bytes), if it did: the findings of every hunt after the first
  // in line are then lost, so the run cannot go on.
  [[nodiscard]] std::optional<core::Error> failure() const;

 private:
  class HuntWriter;
  core::Status write(std::size_t index, const detection::Finding& finding);
  core::Status pageDone(std::size_t index);
  // Writes out the held findings of the hunts that are now first in line. Locked.
  core::Status advance();

  FindingWriter& out_;
  mutable std::mutex mutex_;
  std::size_t head_ = 0;  // the hunt that writes straight through
  std::vector<std::vector<detection::Finding>> held_;
  std::uint64_t max_bytes_;
  std::uint64_t held_bytes_ = 0;
  std::optional<core::Error> failure_;
  std::vector<bool> done_;
  std::vector<std::unique_ptr<HuntWriter>> writers_;
};

}  // namespace aihunt::service

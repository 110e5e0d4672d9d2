#pragma once
// Hunts that run side by side write their findings in plan order, as if they had run one after
// another: the earliest unfinished hunt writes straight through, the others are held in memory
// until every hunt before them is done. A reader of JSONL, CSV or a table never sees two hunts'
// findings interleaved, and the output is the same whatever the number of hunts at once.
#include <cstddef>
#include <memory>
#include <mutex>
#include <vector>

#include "core/result.h"
#include "detection/finding.h"
#include "service/finding_writer.h"

namespace aihunt::service {

class OrderedFindings {
 public:
  // `out` receives every finding; `hunts` is the number of hunts in the plan.
  OrderedFindings(FindingWriter& out, std::size_t hunts);
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
  std::vector<bool> done_;
  std::vector<std::unique_ptr<HuntWriter>> writers_;
};

}  // namespace aihunt::service

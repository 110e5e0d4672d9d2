#pragma once
// The findings of a run held in memory until it ends, for the views that need the whole run
// before they print a line: the table (sorted by severity and time) and the incidents (folded
// per actor and provider). Bounded like the held output (service/held_output.h, --max-output):
// a run whose findings pass `max_bytes` fails with the same error, instead of exhausting the
// machine's memory, and holds nothing more.
#include <cstdint>
#include <optional>
#include <vector>

#include "core/result.h"
#include "detection/finding.h"

namespace aihunt::service {

// About what a finding takes in memory: the struct and the text its strings keep on the heap.
std::uint64_t heldFindingBytes(const detection::Finding& finding);

class HeldFindings {
 public:
  explicit HeldFindings(std::uint64_t max_bytes) : max_bytes_(max_bytes) {}
  // Holds a copy; past max_bytes (0: no limit) fails, then and at every later call.
  [[nodiscard]] core::Status add(const detection::Finding& finding);
  [[nodiscard]] const std::vector<detection::Finding>& findings() const { return findings_; }
  [[nodiscard]] const std::optional<core::Error>& failure() const { return failure_; }

 private:
  std::uint64_t max_bytes_;
  std::uint64_t bytes_ = 0;
  std::vector<detection::Finding> findings_;
  std::optional<core::Error> failure_;
};

}  // namespace aihunt::service

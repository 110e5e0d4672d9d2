#pragma once
// How a run of hunts ended, hunt by hunt: what the terminal writers need to decide whether the
// run's document may be printed (an incomplete run must not look like a clean "no findings"),
// what the JSON envelope lists, and what the summary table on stderr shows.
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace aihunt::service {

// The statuses of the output contract (docs/output.md, "hunts").
enum class HuntStatus { kOk, kFailed, kCancelled, kTruncated };
std::string_view huntStatusName(HuntStatus status);

struct HuntReport {
  // The hunts that never ran and the hunts that failed, made in one line each.
  static HuntReport ended(std::string name, HuntStatus status, std::string error = {}) {
    HuntReport report;
    report.name = std::move(name);
    report.status = status;
    report.error = std::move(error);
    return report;
  }

  std::string name;
  HuntStatus status = HuntStatus::kOk;
  std::uint64_t rows = 0;
  std::uint64_t findings = 0;
  std::uint64_t suppressed = 0;
  std::uint64_t skipped_lines = 0;   // offline, --skip-bad-lines: event lines passed over
  std::uint64_t repaired_lines = 0;  // offline: event lines read with U+FFFD (not UTF-8)
  std::string error;                 // why it failed or did not run; empty when ok
  // The error is on stderr already (an error line of its own): the hunts' table on stderr does
  // not say it again. The JSON document still carries it.
  bool error_said = false;
};

struct RunReport {
  std::vector<HuntReport> hunts;
  // False when what the writer holds must not be listed (the JSON document then lists none): a
  // write failed after the hunts ran, or the records themselves are wrong (incidents folded from
  // part of a file, aihunt's own findings read as result rows).
  bool output_ok = true;

  // Every hunt ran to its end and every finding was written: the document tells the whole story.
  [[nodiscard]] bool complete() const;
  // Hunts that failed or never ran (the table's footer counts them).
  [[nodiscard]] std::size_t failed() const;
  // The held output broke (its cap, a spool folder without room; `why`, said on stderr already):
  // the hunts that ended well with findings lost them, and now fail with it.
  void loseHeldFindings(const std::string& why);
};

}  // namespace aihunt::service

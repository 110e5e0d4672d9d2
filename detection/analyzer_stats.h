#pragma once
// What one detection pass counted: rows seen, findings raised or suppressed, browsers skipped.
#include <cstdint>

namespace aihunt::detection {

struct AnalyzerStats {
  std::uint64_t events = 0;
  std::uint64_t findings = 0;  // not suppressed
  std::uint64_t suppressed = 0;
  std::uint64_t browser_events_skipped = 0;
  std::uint64_t expired_exception_hits = 0;
  std::uint64_t own_events_skipped = 0;  // aihunt's own LEEF events (not counted in `events`)
  // Findings an exception would have judged by a reference set whose contents are unknown.
  std::uint64_t unknown_reference_set_checks = 0;
};

}  // namespace aihunt::detection

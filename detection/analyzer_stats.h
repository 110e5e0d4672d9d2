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
  // Rows whose text was repaired before they were read (invalid UTF-8, a lone surrogate escape:
  // core/json_repair.h). Counted by the row decoder, carried here so that every run's totals
  // and summaries have it.
  std::uint64_t repaired_rows = 0;
  // Findings whose event time was there but could not be read as a time ("Nov 26, 2026, 9:14:04
  // AM", a UI export's): their event_time is the text as given, which no window can place.
  std::uint64_t unreadable_event_times = 0;
};

// Counts of several passes added up, and what one pass counted between two of its snapshots.
inline AnalyzerStats& operator+=(AnalyzerStats& total, const AnalyzerStats& more) {
  total.events += more.events;
  total.findings += more.findings;
  total.suppressed += more.suppressed;
  total.browser_events_skipped += more.browser_events_skipped;
  total.expired_exception_hits += more.expired_exception_hits;
  total.own_events_skipped += more.own_events_skipped;
  total.unknown_reference_set_checks += more.unknown_reference_set_checks;
  total.repaired_rows += more.repaired_rows;
  total.unreadable_event_times += more.unreadable_event_times;
  return total;
}

inline AnalyzerStats operator-(const AnalyzerStats& after, const AnalyzerStats& before) {
  AnalyzerStats delta;
  delta.events = after.events - before.events;
  delta.findings = after.findings - before.findings;
  delta.suppressed = after.suppressed - before.suppressed;
  delta.browser_events_skipped = after.browser_events_skipped - before.browser_events_skipped;
  delta.expired_exception_hits = after.expired_exception_hits - before.expired_exception_hits;
  delta.own_events_skipped = after.own_events_skipped - before.own_events_skipped;
  delta.unknown_reference_set_checks =
      after.unknown_reference_set_checks - before.unknown_reference_set_checks;
  delta.repaired_rows = after.repaired_rows - before.repaired_rows;
  delta.unreadable_event_times = after.unreadable_event_times - before.unreadable_event_times;
  return delta;
}

}  // namespace aihunt::detection

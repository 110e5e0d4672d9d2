#pragma once
// `aihunt hunt --offline`: a hunt's AQL evaluated locally over exported events (JSONL), then
// the detection, with no QRadar at all. Streams: events are read once per hunt and rows reach
// the detection as the evaluator yields them.
#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "aql/ast.h"
#include "aql/evaluator.h"
#include "aql/lookups.h"
#include "aql/time_window.h"
#include "core/result.h"
#include "detection/analyzer.h"
#include "detection/event.h"
#include "detection/settings.h"
#include "service/finding_writer.h"

namespace aihunt::service {

struct OfflineHunt {
  std::string name;
  aql::Query query;
  detection::FieldMapping mapping;                          // result column names -> logical fields
  std::optional<detection::FieldMapping> fallback_mapping;  // tried when `mapping` misses
  detection::SignalSet signals = detection::SignalSet::all();
  // aggregate_uploads: the second query, evaluated after `query` over the same events and window
  // (OfflineOptions::range); its findings' ids name that window.
  std::optional<aql::Query> upload_query;
};

// What an events file was when a run began: each hunt reads the file again, so one that changed
// in between (an export still being copied, a log still written to) would have the hunts search
// different events, and the run say nothing of it (a newcomer's trial).
struct FileStamp {
  std::uint64_t device = 0;
  std::uint64_t inode = 0;
  std::int64_t size = 0;
  std::int64_t modified_ns = 0;
  bool operator==(const FileStamp&) const = default;
};
// The file's stamp now (following links); nullopt when it cannot be read.
std::optional<FileStamp> stampOf(const std::string& path);

struct OfflineOptions {
  core::EpochMs now = 0;
  // The events file's stamp before the first hunt: a hunt that finds it changed after its scan
  // fails on the events (input_failed). nullopt: not checked.
  std::optional<FileStamp> events_stamp;
  std::optional<aql::TimeRange> range;  // replaces the query's own time clause
  const aql::LookupTables* lookups = nullptr;
  bool show_suppressed = false;
  // Set by Ctrl-C: the hunt ends at its next read of the events with a kCancelled error.
  const std::atomic<bool>* stop = nullptr;
  // Set when a hunt failed on the events themselves (a bad line, a broken stream): every hunt
  // reads the same file, so the caller says it once and runs no other.
  bool* input_failed = nullptr;
  // Lines of the events file that hold no event are counted (OfflineReport::skipped_lines) and
  // passed over instead of failing the hunt (--skip-bad-lines).
  bool skip_bad_lines = false;
  // ORDER BY without a LIMIT (an own --aql query's) holds this much of its rows in memory, and a
  // GROUP BY (proxy-ai-api's upload query) this much of its groups; the rest wait in sorted runs
  // on disk, in `spill_dir` (aql/sorted_runs.h).
  std::size_t sort_memory_bytes = std::size_t{64} << 20;
  std::string spill_dir = "/tmp";
};

struct OfflineReport {
  std::uint64_t rows = 0;  // rows the AQL returned
  detection::AnalyzerStats stats;
  std::vector<std::pair<std::string, std::uint64_t>> suppressed_by_exception;
  std::vector<detection::Field> unbound_fields;  // mapped but not among the query's columns
  aql::EventTimes times;            // the events read by the hunt's query, in time, and its window
  std::uint64_t skipped_lines = 0;  // with skip_bad_lines: lines that held no event
  std::string first_skipped;        // the first of them: its line and why
  // Lines read with U+FFFD in place of text that is not valid UTF-8, and the first of them.
  std::uint64_t repaired_lines = 0;
  std::uint64_t first_repaired_line = 0;
};

// Fills `report` as far as the hunt went: a hunt that fails still says the rows it read and the
// findings it wrote before the failure.
core::Status runOfflineHunt(const std::string& events_path, const OfflineHunt& hunt,
                            const detection::DetectionSettings& settings, FindingWriter& writer,
                            const OfflineOptions& options, OfflineReport& report);

}  // namespace aihunt::service

#pragma once
// Offline hunts over exported events at the speed of the machine: the input (plain, gzip or
// zstd JSONL) is cut into chunks at line boundaries, threads decode and filter the chunks in
// parallel (results/event_decoder.h, aql::EventFilter), and one aql::QueryRun is fed the
// matching events in input order. Everything after WHERE (GROUP BY, aggregates, ORDER BY with
// its ties, LIMIT) therefore runs exactly as the single-threaded evaluator runs it, and the
// result is the same row for row. Memory: the chunks in flight and their matching events, plus
// what the query itself must hold (groups, ordered rows).
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "aql/ast.h"
#include "aql/evaluator.h"
#include "core/result.h"
#include "results/byte_source.h"

namespace aihunt::results {

// kAuto: the prefilter (results/event_prefilter.h) is used while it settles most lines it
// tries. kAlways and kNever are for tests and benchmarks; the result is the same either way.
enum class PrefilterUse { kAuto, kAlways, kNever };

struct EventScanOptions {
  unsigned threads = 0;                // 0: one per core
  std::size_t chunk_bytes = 1U << 20;  // cut at the first line end after this many bytes
  PrefilterUse prefilter = PrefilterUse::kAuto;
  // When it turns true (the caller's sink failed to write), the scan ends after the chunk in
  // hand, without the query's end (no GROUP BY or ORDER BY rows): nothing more would be used.
  const std::atomic<bool>* stop = nullptr;
  // A line that holds no event (not JSON, not an object) is counted in
  // EventScanStats::skipped and the scan goes on, instead of failing there. A stream that cannot
  // be read (a broken gzip member) still fails.
  bool skip_bad_lines = false;
};

struct EventScanStats {
  std::uint64_t events = 0;     // lines that held an event
  std::uint64_t matched = 0;    // events in the time range that passed WHERE
  std::uint64_t fallbacks = 0;  // lines the fast decoder handed to the full JSON parser
  std::uint64_t tried = 0;      // lines the prefilter read (event_prefilter.h)
  std::uint64_t settled = 0;    // of those, lines it settled: never decoded
  bool input_error = false;     // the scan failed on the events (a bad line, a broken stream)
  std::uint64_t skipped = 0;    // bad lines passed over (EventScanOptions::skip_bad_lines)
  std::optional<core::Error> first_skipped;  // the first of them, naming its line
  // Lines whose text was not valid UTF-8 (or held a lone surrogate escape), read with U+FFFD in
  // place of what could not be read (aql::Event::repaired), and the first of them (one-based).
  std::uint64_t repaired = 0;
  std::uint64_t first_repaired_line = 0;
};

// Runs `query` over the JSONL events of `source`, passing rows to `sink` (on the calling
// thread). Errors name the line ("events line N: not valid JSON"); rows before a bad line have
// reached the sink, as with aql::evaluateJsonl. Returns the output column names.
core::Result<std::vector<std::string>> scanEvents(ByteSource& source, const aql::Query& query,
                                                  const aql::EvalOptions& options,
                                                  aql::RowSink sink, EventScanOptions scan = {},
                                                  EventScanStats* stats = nullptr);

}  // namespace aihunt::results

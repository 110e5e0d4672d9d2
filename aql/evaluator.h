#pragma once
// Runs a parsed AQL query over events, as Ariel would: the query's time range first (LAST,
// START/STOP, or the last 60 seconds when there is none), then WHERE, GROUP BY/HAVING,
// ORDER BY and LIMIT. Queries without GROUP BY, aggregates or ORDER BY stream: each event is
// evaluated as it arrives and matching rows go straight to the sink.
#include <algorithm>
#include <functional>
#include <istream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "aql/ast.h"
#include "aql/event.h"
#include "aql/lookups.h"
#include "aql/time_window.h"
#include "aql/value.h"
#include "core/result.h"
#include "core/time.h"

namespace aihunt::core {
class AsciiPatternSet;
}

namespace aihunt::aql {

// What the events fed to a query held, in time: an offline hunt that finds nothing can then say
// whether its window missed the data (aihunt hunt --offline's empty-window hint).
struct EventTimes {
  TimeRange window;             // the query's resolved window
  std::uint64_t events = 0;     // events with a start time
  std::uint64_t in_window = 0;  // of those, inside the window
  core::EpochMs earliest = 0;   // starttime range seen (valid when events > 0)
  core::EpochMs latest = 0;
  // Events whose starttime is missing or not a number (text, ISO 8601): in no window, as Ariel
  // has no event without one; counted so that an export of such events is not read as empty.
  std::uint64_t without_time = 0;

  void note(core::EpochMs at) {
    earliest = events == 0 ? at : std::min(earliest, at);
    latest = events == 0 ? at : std::max(latest, at);
    ++events;
    if (at >= window.from && at < window.to) ++in_window;
  }
  // Adds what another part of the same scan saw (its window is this one's).
  void merge(const EventTimes& other) {
    without_time += other.without_time;
    if (other.events == 0) return;
    earliest = events == 0 ? other.earliest : std::min(earliest, other.earliest);
    latest = events == 0 ? other.latest : std::max(latest, other.latest);
    events += other.events;
    in_window += other.in_window;
  }
};

struct EvalOptions {
  core::EpochMs now = 0;
  // Replaces the query's own time range (the CLI's --last / --from --to).
  std::optional<TimeRange> range;
  // The zone zone-less START/STOP text is read in (a console's; UTC offline).
  ConsoleTimeZone console_zone{};
  const LookupTables* lookups = nullptr;          // CATEGORYNAME() etc.; null: names are NULL
  const ReferenceData* reference_data = nullptr;  // null: REFERENCESETCONTAINS() is false
  EventTimes* times = nullptr;                    // filled in when given
  // ORDER BY rows, and GROUP BY groups, held in memory past this many bytes (each) go to a sorted
  // run on disk, in an unlinked file in `spill_dir` ("": /tmp), merged back at the end
  // (aql/sorted_runs.h, aql/aggregate_state.h). 0: all in memory.
  std::size_t sort_memory_bytes = 0;
  std::string spill_dir;
};

struct Row {
  std::vector<Value> values;  // in column order
};

using RowSink = std::function<void(Row&&)>;

class QueryRun {
 public:
  // Compiles `query` against `schema` (its field names are interned there). Errors: unknown
  // functions, wrong argument counts, aggregates in WHERE, bad constant regex or CIDR.
  static core::Result<QueryRun> create(const Query& query, Schema& schema,
                                       const EvalOptions& options, RowSink sink);
  QueryRun(QueryRun&&) noexcept;
  QueryRun& operator=(QueryRun&&) noexcept;
  ~QueryRun();

  // Output column names: aliases, property names, or Ariel-style generated names.
  [[nodiscard]] const std::vector<std::string>& columns() const;
  [[nodiscard]] TimeRange range() const;

  // Feeds one event. Returns false once more events cannot change the result (a streaming
  // query reached its LIMIT).
  bool add(const Event& event);
  // Emits buffered rows (grouped or ordered queries) to the sink. Call once, after the last add.
  // An error: rows or groups spilled to disk could not be written or read back (add() returned
  // false at the failed write); the sink then has only some of the rows.
  [[nodiscard]] core::Status finish();

 private:
  struct Impl;
  explicit QueryRun(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The part of a query that decides whether an event is in its result at all: the time range and
// WHERE. Compiled on its own so that each thread of a parallel scan holds one and tests events
// while a single QueryRun, fed the matching events in input order, does the rest exactly as it
// would alone. Create it after the QueryRun over the same schema: then the schema already knows
// every field the query reads, and this only reads it.
class EventFilter {
 public:
  static core::Result<EventFilter> create(const Query& query, Schema& schema,
                                          const EvalOptions& options);
  EventFilter(EventFilter&&) noexcept;
  EventFilter& operator=(EventFilter&&) noexcept;
  ~EventFilter();

  // `times`, when given, counts the event's start time (see EventTimes).
  [[nodiscard]] bool matches(const Event& event, EventTimes* times = nullptr);
  [[nodiscard]] const TimeRange& range() const;

  // A condition every event the filter passes meets, testable on a few properties alone: one of
  // the alternatives' properties holds a value whose text contains one of its `needles` (ASCII
  // case ignored). A missing or NULL property fails its alternative. The needles may be looser
  // than the test (a pattern with '_' gives its longest plain run): a value without any of them
  // fails, a value with one may pass. Demands come from the
  // WHERE's top-level AND terms that are LIKE '%literal%' tests on properties, or ORs of them
  // (the built-in hunts' prefilter over URL, command line, script text...), so a raw-event reader
  // may drop a line that fails one without decoding it (results/event_prefilter.h).
  struct TextTest {
    std::string property;  // lower-cased, as Schema matches names
    std::shared_ptr<const core::AsciiPatternSet> needles;
  };
  struct TextDemand {
    std::vector<TextTest> alternatives;
  };
  [[nodiscard]] const std::vector<TextDemand>& textDemands() const;

 private:
  struct Impl;
  explicit EventFilter(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

struct ResultSet {
  Database database = Database::kEvents;
  std::vector<std::string> columns;
  std::vector<Row> rows;
};

// Everything at once: compile, feed `events`, collect rows.
core::Result<ResultSet> evaluate(const Query& query, Schema& schema,
                                 const std::vector<Event>& events, const EvalOptions& options);

// Offline hunts: reads JSONL events from `in` and runs `query` over them, passing rows to
// `sink`. Streams (constant memory) unless the query needs buffering; SELECT * reads all events
// first so that its columns are every property seen. Returns the output column names.
core::Result<std::vector<std::string>> evaluateJsonl(const Query& query, std::istream& in,
                                                     const EvalOptions& options, RowSink sink);

// The name Ariel gives a column: its alias; a property's own name; for an unaliased function
// "<function>_<first property argument>" in lower case (categoryname_category).
std::string columnName(const SelectItem& item);

// Ariel's result shape: {"events":[{"alias":value,...},...]} (or "flows").
std::string toArielJson(const ResultSet& result);

}  // namespace aihunt::aql

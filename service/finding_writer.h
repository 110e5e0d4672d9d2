#pragma once
// Where findings go as they come: the terminal formats (table, JSON document, JSON Lines or CSV),
// and the daemon's state store (service/ledger_writer.h). Writes can fail (a full disk, a closed
// pipe, a damaged state file): each says so, and the pipeline stops there.
//
// The terminal formats hold their document until the run ends (service/held_output.h: memory
// stays small, the bytes wait in a spool file) and finishRun() decides what a reader gets: a
// complete run prints the document; an incomplete one (a hunt failed, was cancelled or hit the
// row cap) prints nothing on stdout, except with --format json, which prints its envelope with
// "complete": false and every hunt's status (docs/output.md).
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"
#include "detection/finding.h"
#include "service/held_output.h"
#include "service/output_format.h"
#include "service/run_report.h"

namespace aihunt::service {

class FindingWriter {
 public:
  virtual ~FindingWriter() = default;
  [[nodiscard]] virtual core::Status write(const detection::Finding& finding) = 0;
  // Writers whose record of a finding does not depend on the findings before it (a JSON line, a
  // CSV row, an entry of the JSON document) let other threads format it: formatRecord() appends
  // the record to `out` and is safe to call from several threads at once; writeRecord() then
  // takes the records in order, as write() would have. The others (the table, incidents) say
  // false and take write() alone.
  [[nodiscard]] virtual bool formatsRecords() const { return false; }
  virtual void formatRecord(const detection::Finding& /*finding*/, std::string& /*out*/) const {}
  [[nodiscard]] virtual core::Status writeRecord(std::string_view /*record*/) {
    return core::makeError(core::ErrorCode::kInternal, "this output takes whole findings");
  }
  // After each results page: what was written so far may be made durable.
  [[nodiscard]] virtual core::Status pageDone() { return {}; }
  // Closes the document and flushes: the run was complete.
  [[nodiscard]] virtual core::Status finish() = 0;
  // The run's end, with how each hunt ended. The default, for writers that do not hold a
  // document: finish() when the run is complete, nothing otherwise.
  [[nodiscard]] virtual core::Status finishRun(const RunReport& run) {
    return run.complete() ? finish() : core::Status{};
  }
  // Why the held document broke (its size cap, a spool folder without room), if it did: every
  // hunt's findings after that are lost, so the run cannot go on.
  [[nodiscard]] virtual std::optional<core::Error> outputFailure() const { return std::nullopt; }
};

// Whether a run's findings reach the output: an incomplete run prints nothing, except the JSON
// document, whose envelope says it is incomplete (docs/output.md). Every writer follows this.
inline bool printsFindings(OutputFormat format, const RunReport& run) {
  return run.complete() || format == OutputFormat::kJson;
}

// `hold`: the terminal formats hold the run's document (the CLI); hold.hold = false streams it
// (benchmarks). --format json always holds: its envelope comes first and says how the run ended.
// The JSON document's head, up to the opening '[' of its `view` list ("findings" or
// "incidents"): schema version, whether the run was complete, and how each hunt ended.
std::string jsonEnvelopeHead(const RunReport& run, std::string_view view);

std::unique_ptr<FindingWriter> makeFindingWriter(OutputFormat format, std::FILE* out,
                                                 HoldOptions hold = {.hold = false});

}  // namespace aihunt::service

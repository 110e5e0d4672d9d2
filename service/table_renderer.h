#pragma once
// The table a person reads: findings or incidents, sorted by severity then time across every
// hunt of the run, columns fitted to the terminal (service/table_layout.h), colour by severity
// when asked, and a footer that counts what the run found, suppressed and failed. Sorting needs
// every row, so the table writer holds the run's findings and prints when the run ends.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "detection/finding.h"
#include "detection/incidents.h"
#include "service/finding_writer.h"
#include "service/output_view.h"

namespace aihunt::service {

struct TableOptions {
  OutputView view = OutputView::kIncidents;
  std::size_t width = 100;  // terminal columns
  bool wide = false;        // every cell whole
  bool color = false;       // SGR colour on the severity cell
  detection::IncidentOptions incidents;
  // Set when the run is stopped (Ctrl-C): a table still being built when it is set is not
  // printed, and finish() fails as cancelled, since a whole table would read as a whole run.
  const std::atomic<bool>* stop = nullptr;
};

// What the run flow knows and the writer cannot see: findings that exceptions suppressed (not
// shown without --show-suppressed) and hunts that failed.
struct RunCounts {
  std::optional<std::uint64_t> suppressed;  // unknown: the footer leaves it out
  std::optional<std::size_t> hunts_failed;  // unknown for triage (no hunts)
};

// A FindingWriter that is told the run's counts before finish().
class ResultWriter : public FindingWriter {
 public:
  virtual void setRunCounts(const RunCounts& /*counts*/) {}
};

std::string renderFindingsTable(std::vector<const detection::Finding*> findings,
                                const TableOptions& options);
std::string renderIncidentsTable(const std::vector<detection::Incident>& incidents,
                                 const TableOptions& options);

// `max_bytes`: how much memory the run's findings may take until it ends (HeldFindings).
std::unique_ptr<ResultWriter> makeTableWriter(std::FILE* out, const TableOptions& options,
                                              std::uint64_t max_bytes);

}  // namespace aihunt::service

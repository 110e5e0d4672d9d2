#pragma once
// `aihunt triage` on several threads. The reading thread cuts the input into batches of rows;
// workers decode and examine a batch each (service/triage_rows.h) and keep its findings; the
// reading thread writes the batches' findings in input order. The output, the counts and where a
// bad row or the output cap stops the run are those of the serial loop, byte for byte
// (tests/service/triage_workers_test.cpp compares the two).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "detection/settings.h"
#include "results/row_splitter.h"
#include "service/finding_writer.h"
#include "service/triage_rows.h"

namespace aihunt::service {

struct TriageOptions;

// What a triage pass over the whole input gathered.
struct TriageTally {
  unsigned threads = 1;  // workers that examined rows (1 for the serial loop)
  TriageCounts counts;
  // Watched column names the rows held, and those of them nothing read, in the order first seen.
  std::vector<std::string> watched_seen;
  std::vector<std::string> unread_columns;
  std::optional<core::Error> failure;
};

// `workers` threads examine the rows (at least 1); the caller's thread reads and writes.
TriageTally triageOnWorkers(results::RowSplitter& splitter,
                            const detection::DetectionSettings& settings,
                            const detection::FieldMapping& mapping, FindingWriter& writer,
                            const TriageOptions& options, unsigned workers);

// The serial loop: every row on the caller's thread.
TriageTally triageInOrder(results::RowSplitter& splitter,
                          const detection::DetectionSettings& settings,
                          const detection::FieldMapping& mapping, FindingWriter& writer,
                          const TriageOptions& options);

}  // namespace aihunt::service

#pragma once
// --view incidents for programs: the run's findings folded into incidents
// (detection/incidents.h), written when the run ends as a JSON array, JSON Lines or CSV.
#include <cstdint>
#include <cstdio>
#include <memory>

#include "detection/incidents.h"
#include "service/output_format.h"
#include "service/table_renderer.h"

namespace aihunt::service {

// `max_bytes`: how much memory the run's findings may take until it ends (HeldFindings).
std::unique_ptr<ResultWriter> makeIncidentWriter(OutputFormat format, std::FILE* out,
                                                 const detection::IncidentOptions& options,
                                                 std::uint64_t max_bytes);

// What a command prints, by format and view: the table (either view), incidents, or the
// findings writers of service/finding_writer.h as they stream.
// `hold` as for makeFindingWriter; the table and the incident writers hold in memory (they sort
// or fold the whole run), up to hold.max_bytes.
std::unique_ptr<ResultWriter> makeResultWriter(OutputFormat format, std::FILE* out,
                                               const TableOptions& options,
                                               HoldOptions hold = {.hold = false});

}  // namespace aihunt::service

#pragma once
// The end of an on-demand run (`hunt`, `triage`) as its user sees it: the findings document on
// stdout only when it tells the whole story (service/finding_writer.h), each hunt's status in a
// table on stderr, and what the exit code says.
#include <string>

#include "cli/command.h"
#include "service/finding_writer.h"
#include "service/hunt_engine.h"
#include "service/run_report.h"

namespace aihunt::cli {

// Where the terminal writers hold a run's document (a spool file in $TMPDIR, or /tmp) and how
// much of it (--max-output, in MiB; 0: no limit).
core::Result<service::HoldOptions> holdOptions(const CommandContext& context,
                                               const boost::program_options::variables_map& values);

// One online hunt's line of the report; its error redacted.
service::HuntReport huntReport(const service::HuntOutcome& outcome, const core::Redactor& redactor);

// Closes the document (printed, or not: the report decides; an incomplete run is said to be so
// on stderr), then shows the hunts' table on stderr at log level info or below (with
// --log-format json, one log record a hunt instead).
// Returns kExitOk, or the exit code of a failed write.
int finishRun(service::FindingWriter& writer, const service::RunReport& report,
              service::OutputFormat format, CommandContext& context);

}  // namespace aihunt::cli

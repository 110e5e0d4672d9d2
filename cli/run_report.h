#pragma once
// What `aihunt run --once` and `aihunt backfill` print when they end: per hunt its windows,
// rows, findings, repeats, gaps and status, then the deliveries per destination. As a table
// (text) or, for a cron job or a CI step that reads it, one JSON document (--format json).
#include <string>
#include <string_view>

#include "cli/command.h"
#include "config/config.h"
#include "core/result.h"
#include "service/daemon.h"

namespace aihunt::cli {

enum class RunReportFormat { kText, kJson };

// "text" or "json" (--format); anything else is a usage error that says so.
core::Result<RunReportFormat> runReportFormat(std::string_view name);

// The state file's path, absolute: a default state.path is the working directory's, which the
// path alone hides.
std::string absoluteStatePath(const config::Config& cfg);

// The report on stdout. Sinks that keep rows are said on stderr either way (a warning, or an
// error when the run failed).
void printRunReport(const service::DaemonReport& report, const config::Config& cfg,
                    RunReportFormat format, CommandContext& context);

}  // namespace aihunt::cli

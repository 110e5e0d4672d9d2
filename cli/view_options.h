#pragma once
// --view, --wide, --no-color and --max-output: how `hunt` and `triage` present their results.
#include <boost/program_options.hpp>

#include "cli/command.h"
#include "cli/detection_setup.h"
#include "core/result.h"
#include "service/output_format.h"
#include "service/table_renderer.h"

namespace aihunt::cli {

// What --view's help says is the default: `hunt` and `triage` show incidents in the table and
// findings otherwise; `incidents` shows incidents in every format.
enum class ViewDefault { kByFormat, kIncidentsAlways };

void addViewOptions(boost::program_options::options_description& options,
                    ViewDefault view_default = ViewDefault::kByFormat);

// The table and incident settings for a run printed in `format` on `out`: the view asked for
// (default: incidents for the table, findings otherwise), the terminal's width and colour, the
// incident window of the config and its scoring thresholds.
core::Result<service::TableOptions> resolveTableOptions(
    const boost::program_options::variables_map& values, service::OutputFormat format,
    const DetectionSetup& setup, std::FILE* out, const CommandContext& context);

}  // namespace aihunt::cli

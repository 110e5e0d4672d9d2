#pragma once
// `aihunt hunt` against a console: each planned hunt's AQL goes to Ariel through the QRadar
// client, and its result pages stream through the detection into the finding writer.
#include <optional>

#include <boost/program_options.hpp>

#include "aql/time_window.h"
#include "cli/command.h"
#include "cli/delivery.h"
#include "cli/detection_setup.h"
#include "core/time.h"
#include "service/held_output.h"
#include "service/output_format.h"
#include "service/table_renderer.h"

namespace aihunt::cli {

// What `hunt` can do without a console, for the no-URL error.
inline constexpr const char* kOfflineInstead =
    "or --offline EVENTS.jsonl to hunt an export of events";

// --seed-query, --timeout, --page-size, --row-cap, --progress and the connection options.
// `delivery`: set with --deliver (the findings are recorded and sent through the sinks too).
void addOnlineHuntOptions(boost::program_options::options_description& options);

int runOnlineHunt(const boost::program_options::variables_map& values, const DetectionSetup& setup,
                  core::EpochMs now, const std::optional<aql::TimeRange>& window,
                  service::OutputFormat format, const service::TableOptions& table,
                  const service::HoldOptions& hold, HuntDelivery* delivery,
                  CommandContext& context);

}  // namespace aihunt::cli

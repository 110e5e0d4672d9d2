#pragma once
// --now, --last, --from and --to: the instant a command treats as now, and the window it covers.
#include <optional>

#include <boost/program_options.hpp>

#include "aql/time_window.h"
#include "core/result.h"
#include "core/time.h"

namespace aihunt::cli {

void addTimeOptions(boost::program_options::options_description& options);

// --now (ISO 8601 or epoch ms), else the system clock.
core::Result<core::EpochMs> resolveNow(const boost::program_options::variables_map& values);

// [now - last, now) or [from, to); nullopt when none was given. Errors name the option.
core::Result<std::optional<aql::TimeRange>> resolveWindow(
    const boost::program_options::variables_map& values, core::EpochMs now);

}  // namespace aihunt::cli

#pragma once
// --now, --last, --from and --to: the instant a command treats as now, and the window it covers.
#include <optional>

#include <boost/program_options.hpp>

#include "aql/time_window.h"
#include "core/result.h"
#include "core/time.h"

namespace aihunt::cli {

// What --now, --from and --to accept (core::parseTimestamp), for help texts and errors.
inline constexpr const char* kTimestampForms =
    "2026-11-26T18:00:00Z (ISO 8601; an offset such as +01:00, fractions of a second, or no "
    "zone: UTC), 2026-11-26 18:00[:00] (UTC), 2026-11-26 (midnight UTC), or epoch milliseconds";

// `judges_expiry`: the command applies exceptions, whose expiry --now is also the instant for.
void addTimeOptions(boost::program_options::options_description& options,
                    bool judges_expiry = true);

// The timestamp in option `name`; an error names the option and the forms it accepts.
core::Result<core::EpochMs> timestampOption(const boost::program_options::variables_map& values,
                                            const char* name);

// --now (kTimestampForms), else the system clock.
core::Result<core::EpochMs> resolveNow(const boost::program_options::variables_map& values);

// For the commands that record their windows in the state store (run, backfill, hunt
// --deliver): a --now after the machine's clock is refused.
core::Status nowNotAhead(const boost::program_options::variables_map& values, core::EpochMs now);

// [now - last, now) or [from, to); nullopt when none was given. Errors name the option.
core::Result<std::optional<aql::TimeRange>> resolveWindow(
    const boost::program_options::variables_map& values, core::EpochMs now);

// --now and the window that --last, --from and --to give (resolveWindow): what every command
// that takes addTimeOptions reads first.
struct CommandTimes {
  core::EpochMs now = 0;
  std::optional<aql::TimeRange> window;
};
core::Result<CommandTimes> resolveTimes(const boost::program_options::variables_map& values);

}  // namespace aihunt::cli

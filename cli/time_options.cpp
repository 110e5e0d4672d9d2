#include "cli/time_options.h"

#include <chrono>

namespace aihunt::cli {

namespace po = boost::program_options;

void addTimeOptions(po::options_description& options) {
  options.add_options()("last", po::value<std::string>(), "window ending now: 15m, 24h, 7d ...")(
      "from", po::value<std::string>(), "window start (ISO 8601 or epoch ms), with --to")(
      "to", po::value<std::string>(), "window end, exclusive")(
      "now", po::value<std::string>(),
      "the instant treated as now, for --last and exception expiry (default: the clock)");
}

core::Result<core::EpochMs> resolveNow(const po::variables_map& values) {
  if (values.count("now") == 0) return core::toEpochMs(std::chrono::system_clock::now());
  auto now = core::parseTimestamp(values["now"].as<std::string>());
  if (!now) return now.error().withContext("--now");
  return now;
}

core::Result<std::optional<aql::TimeRange>> resolveWindow(const po::variables_map& values,
                                                          core::EpochMs now) {
  const bool has_last = values.count("last") != 0;
  const bool has_from = values.count("from") != 0;
  const bool has_to = values.count("to") != 0;
  if (has_last && (has_from || has_to)) {
    return core::makeError(core::ErrorCode::kInvalidArgument,
                           "give --last or --from/--to, not both");
  }
  if (has_from != has_to) {
    return core::makeError(core::ErrorCode::kInvalidArgument, "--from and --to go together");
  }
  if (has_last) {
    auto span = core::parseDuration(values["last"].as<std::string>());
    if (!span) return span.error().withContext("--last");
    if (span->count() <= 0) {
      return core::makeError(core::ErrorCode::kInvalidArgument, "--last must be positive");
    }
    return std::optional<aql::TimeRange>(aql::TimeRange{now - span->count(), now});
  }
  if (has_from) {
    auto from = core::parseTimestamp(values["from"].as<std::string>());
    if (!from) return from.error().withContext("--from");
    auto to = core::parseTimestamp(values["to"].as<std::string>());
    if (!to) return to.error().withContext("--to");
    if (*to <= *from) {
      return core::makeError(core::ErrorCode::kInvalidArgument, "--to must be after --from");
    }
    return std::optional<aql::TimeRange>(aql::TimeRange{*from, *to});
  }
  return std::optional<aql::TimeRange>();
}

}  // namespace aihunt::cli

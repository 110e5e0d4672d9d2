#include "cli/time_options.h"

#include <chrono>
#include <string>

namespace aihunt::cli {

namespace po = boost::program_options;

void addTimeOptions(po::options_description& options) {
  options.add_options()("last", po::value<std::string>(),
                        "window ending now: a duration (90s, 15m, 24h, 7d, 2w, 1h30m)")(
      "from", po::value<std::string>(), "window start, with --to (same forms as --now)")(
      "to", po::value<std::string>(), "window end, exclusive (same forms as --now)")(
      "now", po::value<std::string>(),
      (std::string("the instant treated as now, for --last and exception expiry (default: the "
                   "clock): ") +
       kTimestampForms)
          .c_str());
}

core::Result<core::EpochMs> timestampOption(const po::variables_map& values, const char* name) {
  auto parsed = core::parseTimestamp(values[name].as<std::string>());
  if (parsed) return parsed;
  core::Error error = parsed.error().withContext(std::string("--") + name);
  error.message += "; accepted: ";
  error.message += kTimestampForms;
  return error;
}

core::Result<core::EpochMs> resolveNow(const po::variables_map& values) {
  if (values.count("now") == 0) return core::toEpochMs(std::chrono::system_clock::now());
  return timestampOption(values, "now");
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
    auto from = timestampOption(values, "from");
    if (!from) return from.error();
    auto to = timestampOption(values, "to");
    if (!to) return to.error();
    if (*to <= *from) {
      return core::makeError(core::ErrorCode::kInvalidArgument, "--to must be after --from");
    }
    return std::optional<aql::TimeRange>(aql::TimeRange{*from, *to});
  }
  return std::optional<aql::TimeRange>();
}

}  // namespace aihunt::cli

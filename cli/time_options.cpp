#include "cli/time_options.h"

#include <chrono>
#include <string>

namespace aihunt::cli {

namespace po = boost::program_options;

void addTimeOptions(po::options_description& options, bool judges_expiry) {
  options.add_options()("last", po::value<std::string>(),
                        "window ending now: a duration (90s, 15m, 24h, 7d, 2w, 1h30m)")(
      "from", po::value<std::string>(), "window start, with --to (same forms as --now)")(
      "to", po::value<std::string>(), "window end, exclusive (same forms as --now)")(
      "now", po::value<std::string>(),
      (std::string("the instant treated as now, for --last") +
       (judges_expiry ? " and exception expiry" : "") + " (default: the clock): " + kTimestampForms)
          .c_str());
}

core::Result<core::EpochMs> timestampOption(const po::variables_map& values, const char* name) {
  const std::string& text = values[name].as<std::string>();
  auto parsed = core::parseTimestamp(text);
  // A number is epoch milliseconds, Ariel's unit; one that puts the instant before 1973 is
  // almost surely epoch seconds (1795716000 for 2026-11-26), which would hunt 1970 in silence.
  constexpr core::EpochMs kSecondsLike = 100'000'000'000;  // 1973-03-03 in milliseconds
  if (parsed && *parsed >= 0 && *parsed < kSecondsLike &&
      text.find_first_not_of("0123456789") == std::string::npos) {
    // Epoch seconds are advised only when, as milliseconds, they would be accepted: zero, a
    // bare year (2026) or a compact date (20261126) would get a hint refused in its turn.
    const std::string advice =
        *parsed * 1000 >= kSecondsLike
            ? "if it is epoch seconds, give " + text + "000"
            : std::string("give a time after 1973 (") + kTimestampForms + ")";
    return core::makeError(core::ErrorCode::kInvalidArgument,
                           std::string("--") + name + " " + text +
                               " reads as epoch milliseconds, " + core::formatIso8601(*parsed) +
                               ": " + advice);
  }
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

core::Status nowNotAhead(const po::variables_map& values, core::EpochMs now) {
  if (values.count("now") == 0) return {};
  // A few minutes of leeway: clocks of two machines (a scheduler's, this one's) disagree a little.
  constexpr core::EpochMs kLeeway = 5 * 60 * 1000;
  const core::EpochMs clock = core::toEpochMs(std::chrono::system_clock::now());
  if (now <= clock + kLeeway) return {};
  return core::makeError(
      core::ErrorCode::kInvalidArgument,
      "--now " + core::formatIso8601(now) + " is after this machine's clock (" +
          core::formatIso8601(clock) +
          "): the windows hunted would lie in the future, where nothing is found, and the state "
          "store would then hold every real window back until that instant; give an instant in "
          "the past, or leave --now out");
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
      // The times as read, since a zone-less time is UTC and may not be what was meant.
      return core::makeError(core::ErrorCode::kInvalidArgument,
                             "--to (" + core::formatIso8601(*to) + ") must be after --from (" +
                                 core::formatIso8601(*from) + ")");
    }
    return std::optional<aql::TimeRange>(aql::TimeRange{*from, *to});
  }
  return std::optional<aql::TimeRange>();
}

core::Result<CommandTimes> resolveTimes(const po::variables_map& values) {
  auto now = resolveNow(values);
  if (!now) return now.error();
  auto window = resolveWindow(values, *now);
  if (!window) return window.error();
  return CommandTimes{*now, *window};
}

}  // namespace aihunt::cli

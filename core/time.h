#pragma once
// Time values as aihunt sees them: epoch milliseconds (Ariel's unit), ISO 8601 text in UTC
// (our output), and short durations from config and flags ("15m", "24h", "7d").
#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"

namespace aihunt::core {

using EpochMs = std::int64_t;

// Accepts "2026-11-26T17:03:08Z", "...T17:03:08.123+01:00", "2026-11-26 17:03:08" (UTC, the
// seed's DATEFORMAT output), "2026-11-26 17:03" (AQL START/STOP), "2026-11-26" and a bare
// integer of epoch milliseconds.
Result<EpochMs> parseTimestamp(std::string_view text);

// "2026-11-26T17:03:08.123Z"; always UTC, always milliseconds.
std::string formatIso8601(EpochMs ms);
// The same into `out`, reusing its storage (once per finding on the hot path).
void formatIso8601Into(std::string& out, EpochMs ms);

// "90s", "15m", "24h", "7d", "2w", "500ms"; also combined "1h30m". Negative or empty is an error.
Result<std::chrono::milliseconds> parseDuration(std::string_view text);
// A duration as a person writes it, and as parseDuration reads it back: "30s", "2m", "1h30m",
// "1500ms" (milliseconds only where whole seconds do not fit).
std::string formatDuration(std::chrono::milliseconds duration);

// Event times below this, read as epoch milliseconds, fall before 1973: nearly always epoch
// seconds given where QRadar gives milliseconds (1795716000 is 2026-11-26 in seconds and
// 1970-01-21 in milliseconds). Used to say so, never to guess.
inline constexpr EpochMs kEpochSecondsSuspectBelowMs = 100'000'000'000;

EpochMs toEpochMs(std::chrono::system_clock::time_point at);
std::chrono::system_clock::time_point fromEpochMs(EpochMs ms);

// Days since 1970-01-01 for a proleptic Gregorian date (H. Hinnant's algorithm).
std::int64_t daysFromCivil(std::int64_t year, unsigned month, unsigned day);

}  // namespace aihunt::core

#pragma once
// Which REST API version to send. A console serves a window of versions (IBM's table: 7.5.0 UP8
// serves 20.0-22.0, UP12/13 serve 24.0-26.0; older ones are deprecated, then removed and refused
// with 422; a version above the newest is served as the newest). GET /api/help/versions lists
// them; aihunt reads it on connect and picks the newest version it speaks, unless the config
// pins one. The versions aihunt speaks: 20.0 (legacy reference data API) to 26.0
// (reference_data_collections); what differs between them is only the reference data API
// (reference_data_client.h).
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"
#include "qradar_client/api_client.h"

namespace aihunt::qradar {

inline constexpr std::string_view kOldestSpokenVersion = "20.0";
inline constexpr std::string_view kNewestSpokenVersion = "26.0";

// "26.0" → 26.0; nullopt for anything that is not digits, a dot and digits.
std::optional<double> apiVersionNumber(std::string_view text);

// A version pinned by the config or --api-version: one aihunt speaks, or an error that says the
// range (a version outside it sends requests aihunt was not written for).
core::Status checkPinnedVersion(std::string_view version);

// One entry of GET /api/help/versions.
struct ConsoleApiVersion {
  std::string version;
  bool deprecated = false;
  bool removed = false;
};

// The body of GET /api/help/versions: an array of {version, deprecated, removed, ...} objects
// (bare version strings are accepted too). Errors name what is malformed.
core::Result<std::vector<ConsoleApiVersion>> parseHelpVersions(std::string_view body);

struct VersionChoice {
  std::string version;         // what aihunt sends
  bool pinned = false;         // the config or --api-version named it
  bool negotiated = false;     // chosen from the console's list
  std::string console_oldest;  // the console's served range (not removed), when read
  std::string console_newest;
  std::vector<std::string> console_deprecated;  // served, but marked deprecated
  bool chosen_deprecated = false;
  std::string note;  // why the default was kept (no list, nothing in common)
};

// The newest version in the console's list that is served (not removed) and that aihunt speaks.
// An error when the two ranges do not meet.
core::Result<VersionChoice> chooseApiVersion(const std::vector<ConsoleApiVersion>& console);

// GET /api/help/versions (sent with Version: the newest aihunt speaks, which any console serves,
// as its newest if it is older), then chooseApiVersion(). Not retried: a console that cannot
// answer is left at the version the client already has, and the choice says why.
[[nodiscard]] core::Result<VersionChoice> negotiateApiVersion(ApiClient& api);

// A first request without the token (GET /api/help/versions): any HTTP answer, 401 included,
// shows an HTTP server. A URL that names another service (QRadar's syslog receiver, which
// keeps every line it is sent as an event) would otherwise get the token as its first line.
// Errors are the transport's: nothing answered, TLS failed, or no HTTP answer came in time.
[[nodiscard]] core::Status probeWithoutToken(ApiClient& api);

}  // namespace aihunt::qradar

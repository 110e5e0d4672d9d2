#include "qradar_client/api_version.h"

#include <algorithm>
#include <charconv>
#include <chrono>

#include <nlohmann/json.hpp>

#include "core/text.h"

namespace aihunt::qradar {

std::optional<double> apiVersionNumber(std::string_view text) {
  const std::size_t dot = text.find('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 == text.size() || text.size() > 12) {
    return std::nullopt;
  }
  int major = 0;
  int minor = 0;
  const char* begin = text.data();
  const auto [major_end, major_ec] = std::from_chars(begin, begin + dot, major);
  const auto [minor_end, minor_ec] = std::from_chars(begin + dot + 1, begin + text.size(), minor);
  if (major_ec != std::errc() || minor_ec != std::errc() || major_end != begin + dot ||
      minor_end != begin + text.size()) {
    return std::nullopt;
  }
  // Minor versions are single digits in practice (12.1, 13.1); compare them as tenths.
  return major + minor / 10.0;
}

core::Result<std::vector<ConsoleApiVersion>> parseHelpVersions(std::string_view body) {
  const nlohmann::json parsed = nlohmann::json::parse(body, nullptr, false);
  if (!parsed.is_array()) {
    return core::makeError(core::ErrorCode::kParse,
                           "malformed /api/help/versions answer: not a JSON array");
  }
  std::vector<ConsoleApiVersion> out;
  for (const auto& entry : parsed) {
    ConsoleApiVersion version;
    if (entry.is_string()) {
      version.version = entry.get<std::string>();
    } else if (entry.is_object() && entry.contains("version") && entry["version"].is_string()) {
      version.version = entry["version"].get<std::string>();
      // A flag of another type (a string, say) reads as unset rather than throwing.
      const auto flag = [&](const char* key) {
        const auto it = entry.find(key);
        return it != entry.end() && it->is_boolean() && it->get<bool>();
      };
      version.deprecated = flag("deprecated");
      version.removed = flag("removed");
    } else {
      continue;
    }
    if (apiVersionNumber(version.version)) out.push_back(std::move(version));
  }
  return out;
}

core::Status checkPinnedVersion(std::string_view version) {
  const std::optional<double> number = apiVersionNumber(version);
  if (number && *number >= *apiVersionNumber(kOldestSpokenVersion) &&
      *number <= *apiVersionNumber(kNewestSpokenVersion)) {
    return {};
  }
  return core::makeError(core::ErrorCode::kConfig,
                         "API version '" + core::printableExcerpt(version, 40) + "'" +
                             (number ? "" : " is not a version (like 26.0)") + ": aihunt speaks " +
                             std::string(kOldestSpokenVersion) + " to " +
                             std::string(kNewestSpokenVersion) +
                             " (leave it auto to use the newest the console and aihunt share)");
}

core::Result<VersionChoice> chooseApiVersion(const std::vector<ConsoleApiVersion>& console) {
  const double oldest_spoken = *apiVersionNumber(kOldestSpokenVersion);
  const double newest_spoken = *apiVersionNumber(kNewestSpokenVersion);
  VersionChoice choice;
  choice.negotiated = true;
  std::optional<double> low;
  std::optional<double> high;
  std::optional<double> best;
  for (const ConsoleApiVersion& entry : console) {
    if (entry.removed) continue;
    const double value = *apiVersionNumber(entry.version);
    if (!low || value < *low) {
      low = value;
      choice.console_oldest = entry.version;
    }
    if (!high || value > *high) {
      high = value;
      choice.console_newest = entry.version;
    }
    if (entry.deprecated) choice.console_deprecated.push_back(entry.version);
    if (value >= oldest_spoken && value <= newest_spoken && (!best || value > *best)) {
      best = value;
      choice.version = entry.version;
      choice.chosen_deprecated = entry.deprecated;
    }
  }
  if (!low) {
    return core::makeError(core::ErrorCode::kRemote,
                           "the console lists no API version it serves (/api/help/versions)");
  }
  if (!best) {
    return core::makeError(core::ErrorCode::kRemote,
                           "the console serves API versions " + choice.console_oldest + " to " +
                               choice.console_newest + "; aihunt speaks " +
                               std::string(kOldestSpokenVersion) + " to " +
                               std::string(kNewestSpokenVersion));
  }
  return choice;
}

core::Status probeWithoutToken(ApiClient& api) {
  ApiCall call;
  call.path = "/api/help/versions";
  call.version = std::string(kNewestSpokenVersion);
  call.retry = false;
  call.anonymous = true;
  // A console's web tier answers it at once (nothing to authenticate, nothing to look up); a
  // port of another service is then said within seconds, not after the whole request timeout.
  call.timeout = std::chrono::seconds(10);
  auto response = api.call(call);
  if (!response) {
    return response.error().withContext(
        "first request (GET /api/help/versions; the token goes only to a server that has "
        "answered it)");
  }
  return {};
}

core::Result<VersionChoice> negotiateApiVersion(ApiClient& api) {
  ApiCall call;
  call.path = "/api/help/versions";
  call.version = std::string(kNewestSpokenVersion);
  call.retry = false;
  auto response = api.call(call);
  if (!response) return response.error().withContext("reading /api/help/versions");
  if (response->status < 200 || response->status >= 300) {
    core::Error error = api.coreErrorOf(*response).withContext("reading /api/help/versions");
    // 401 refuses the credentials; 403 only this page (a token without the capability), which
    // the searches may not need: not a failure to authenticate.
    if (response->status == 403) error.code = core::ErrorCode::kRemote;
    // A console that is starting (503) or busy (429, 5xx) answers its versions a while later:
    // a long-lived connection waits for them (ConnectionRequest::require_negotiated_version).
    if (response->status == 429 || response->status >= 500) {
      error.code = core::ErrorCode::kUnavailable;
    }
    return error;
  }
  auto versions = parseHelpVersions(response->body);
  if (!versions) return versions.error();
  return chooseApiVersion(*versions);
}

}  // namespace aihunt::qradar

#include "emulator/api_versions.h"

#include <algorithm>

#include "core/text.h"
#include "emulator/request_parsing.h"

namespace aihunt::emulator {
namespace {

std::string squeezed(std::string_view name) {
  std::string out;
  for (const char c : name) {
    if (c != ' ') out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return out;
}

// Every version before `first`, as listed by defaultApiVersions()-like history.
std::vector<std::string> olderThan(double first) {
  static const std::vector<std::string> kHistory = {"12.0", "12.1", "13.0", "13.1", "14.0", "15.0",
                                                    "16.0", "17.0", "18.0", "19.0", "20.0", "21.0",
                                                    "22.0", "23.0", "24.0", "25.0", "26.0", "27.0"};
  std::vector<std::string> out;
  for (const std::string& version : kHistory) {
    auto value = parseApiVersion(version);
    if (value.ok() && *value < first) out.push_back(version);
  }
  return out;
}

std::vector<ApiVersionProfile> profiles() {
  // IBM's table: supported versions and the deprecated ones (an "x.x" range, served here as
  // x.0) per release; everything older is removed.
  return {
      {"7.5 UP8", {"20.0", "21.0", "22.0"}, {"19.0"}, olderThan(19.0)},
      {"7.5 UP12", {"24.0", "25.0", "26.0"}, {"23.0"}, olderThan(23.0)},
      {"7.5 UP13", {"24.0", "25.0", "26.0"}, {"23.0"}, olderThan(23.0)},
      {"7.5 UP14", {"25.0", "26.0", "27.0"}, {"24.0"}, olderThan(24.0)},
  };
}

}  // namespace

std::optional<ApiVersionProfile> findApiVersionProfile(std::string_view name) {
  for (ApiVersionProfile& profile : profiles()) {
    if (squeezed(profile.name) == squeezed(name)) return std::move(profile);
  }
  return std::nullopt;
}

std::vector<std::string> apiVersionProfileNames() {
  std::vector<std::string> out;
  for (const ApiVersionProfile& profile : profiles()) out.push_back(profile.name);
  return out;
}

core::Result<ApiVersionPolicy> ApiVersionPolicy::make(const std::string& profile_name,
                                                      const std::vector<std::string>& versions) {
  ApiVersionProfile profile;
  if (profile_name.empty()) {
    profile.supported = versions;
  } else {
    auto found = findApiVersionProfile(profile_name);
    if (!found) {
      std::string known;
      for (const std::string& name : apiVersionProfileNames()) {
        known += (known.empty() ? "" : ", ") + name;
      }
      return core::makeError(core::ErrorCode::kConfig, "api_profile: unknown profile '" +
                                                           core::printableExcerpt(profile_name) +
                                                           "' (" + known + ")");
    }
    profile = std::move(*found);
  }
  ApiVersionPolicy policy;
  const auto add = [&policy](const std::string& version, bool deprecated,
                             bool removed) -> core::Status {
    auto value = parseApiVersion(version);
    if (!value.ok()) {
      return core::makeError(core::ErrorCode::kConfig,
                             "api_versions: '" + version + "' is not a version");
    }
    policy.entries_.push_back(Entry{version, *value, deprecated, removed});
    return {};
  };
  for (const std::string& v : profile.supported) {
    if (auto status = add(v, false, false); !status.ok()) return status.error();
  }
  for (const std::string& v : profile.deprecated) {
    if (auto status = add(v, true, false); !status.ok()) return status.error();
  }
  for (const std::string& v : profile.removed) {
    if (auto status = add(v, false, true); !status.ok()) return status.error();
  }
  std::sort(policy.entries_.begin(), policy.entries_.end(),
            [](const Entry& a, const Entry& b) { return a.value < b.value; });
  for (const Entry& entry : policy.entries_) {
    if (entry.removed) continue;
    if (policy.oldest_.empty()) policy.oldest_ = entry.version;
    if (!entry.deprecated || policy.newest_.empty()) {
      policy.newest_ = entry.version;
      policy.newest_value_ = entry.value;
    }
  }
  if (policy.newest_.empty()) {
    return core::makeError(core::ErrorCode::kConfig, "api_versions: no version to serve");
  }
  return policy;
}

std::variant<ServedVersion, ApiError> ApiVersionPolicy::resolve(
    const std::optional<std::string>& header) const {
  if (!header) return ServedVersion{newest_, false};
  auto value = parseApiVersion(*header);
  if (value.ok()) {
    for (const Entry& entry : entries_) {
      if (entry.value == *value && !entry.removed)
        return ServedVersion{entry.version, entry.deprecated};
    }
    // IBM: a version above the newest is answered by the newest.
    if (*value > newest_value_) return ServedVersion{newest_, false};
  }
  return ApiError{422, kCodeInvalidParameter,
                  "Version " + core::printableExcerpt(*header, 20) +
                      " is not supported. Supported: " + oldest_ + " to " + newest_,
                  "The Version header names an API version this server does not provide.",
                  nlohmann::json::object()};
}

nlohmann::json ApiVersionPolicy::helpVersions() const {
  nlohmann::json out = nlohmann::json::array();
  int id = 0;
  for (const Entry& entry : entries_) {
    out.push_back({{"id", ++id},
                   {"version", entry.version},
                   {"deprecated", entry.deprecated},
                   {"removed", entry.removed},
                   {"root_resource_ids", nlohmann::json::array()}});
  }
  return out;
}

}  // namespace aihunt::emulator

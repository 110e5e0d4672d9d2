#pragma once
// Which REST API versions qradar-emu serves, as a QRadar release does (IBM's "QRadar API
// endpoint documentation and supported versions" table): a profile names a release ("7.5 UP8",
// "7.5 UP13") and gives its supported versions, its deprecated ones (still served, with a
// `Deprecated` response header) and the removed ones (refused: 422). A Version above the newest
// is served as the newest; no Version header gets the newest. Without a profile every version
// of the configured list is served and none is deprecated.
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/result.h"
#include "emulator/qradar_error.h"

namespace aihunt::emulator {

struct ApiVersionProfile {
  std::string name;
  std::vector<std::string> supported;
  std::vector<std::string> deprecated;
  std::vector<std::string> removed;  // listed by /api/help/versions with removed: true
};

// "7.5 UP8", "7.5 UP12", "7.5 UP13", "7.5 UP14" (case and spaces are not significant).
std::optional<ApiVersionProfile> findApiVersionProfile(std::string_view name);
std::vector<std::string> apiVersionProfileNames();

struct ServedVersion {
  std::string version;
  bool deprecated = false;
};

class ApiVersionPolicy {
 public:
  ApiVersionPolicy() = default;
  // `profile` empty: `versions` are all served (none deprecated); else the profile's.
  static core::Result<ApiVersionPolicy> make(const std::string& profile,
                                             const std::vector<std::string>& versions);

  // The version a request is served with, from its Version header (nullopt: none sent).
  [[nodiscard]] std::variant<ServedVersion, ApiError> resolve(
      const std::optional<std::string>& header) const;
  // GET /api/help/versions: [{id, version, deprecated, removed, root_resource_ids}].
  [[nodiscard]] nlohmann::json helpVersions() const;
  [[nodiscard]] const std::string& newest() const { return newest_; }
  [[nodiscard]] const std::string& oldest() const { return oldest_; }

 private:
  struct Entry {
    std::string version;
    double value = 0;
    bool deprecated = false;
    bool removed = false;
  };
  std::vector<Entry> entries_;  // ascending
  std::string newest_;          // newest served
  std::string oldest_;          // oldest served (deprecated included)
  double newest_value_ = 0;
};

}  // namespace aihunt::emulator

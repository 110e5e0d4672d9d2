#pragma once
// Readers for the content sections that both the built-in pack (content/*.yaml) and the config's
// `detection:` additions use, so that a provider or process list has one shape wherever it is
// written.
#include <array>
#include <string_view>
#include <utility>
#include <vector>

#include "config/config.h"
#include "config/config_error.h"
#include "config/yaml_tree.h"

namespace aihunt::config {

// A list of {id, vendor, class, hosts}. With `extension` (config extras) vendor and class are
// optional, because naming an existing id only adds hosts.
std::vector<ProviderSpec> readProviders(const YamlNode& list, Diagnostics& diagnostics,
                                        bool extension);

// {Category: [name | {name, vendor}]}; vendor only for AI_Client.
std::vector<ProcessSpec> readProcessCategories(const YamlNode& map, Diagnostics& diagnostics);

// A list of {match: prefix|contains, pattern, category, label}.
std::vector<UserAgentSpec> readUserAgentRules(const YamlNode& list, Diagnostics& diagnostics);

enum class IndicatorKind { kKeyVariable, kSdkPackage, kInstaller, kSdkPath };
// A list of names checked for the kind's character set; sdk paths get '/' separators.
std::vector<std::string> readIndicatorList(const YamlNode& list, IndicatorKind kind,
                                           Diagnostics& diagnostics);

// Every field of detection::ScoringWeights with its config name.
inline constexpr std::size_t kScoringFieldCount = 16;
// A new ScoringWeights field must be added to scoringFields() and content/detection.yaml.
static_assert(sizeof(detection::ScoringWeights) == kScoringFieldCount * sizeof(int));
const std::array<std::pair<std::string_view, int detection::ScoringWeights::*>, kScoringFieldCount>&
scoringFields();

// {field: 0..100}; unknown fields are errors.
std::vector<ScoringOverride> readScoring(const YamlNode& map, Diagnostics& diagnostics);

// Upper bound for large_upload_bytes and large_upload_window_bytes: 1 TiB is beyond any request
// body.
inline constexpr std::int64_t kMaxLargeUploadBytes = std::int64_t{1} << 40;

}  // namespace aihunt::config

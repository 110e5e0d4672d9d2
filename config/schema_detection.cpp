// The `detection:` section: tuning of the built-in pack and site additions to it.
#include "config/pack_sections.h"
#include "config/schema.h"
#include "config/yaml_reader.h"

namespace aihunt::config {
namespace {

void appendIndicators(MapReader& reader, std::string_view key, IndicatorKind kind,
                      std::vector<std::string>& out) {
  if (const YamlNode* node = reader.get(key)) {
    auto values = readIndicatorList(*node, kind, reader.diagnostics());
    out.insert(out.end(), values.begin(), values.end());
  }
}

}  // namespace

DetectionConfig readDetectionSection(const YamlNode& node, Diagnostics& diagnostics) {
  DetectionConfig detection;
  MapReader reader(node, diagnostics);
  reader.boolean("use_builtin_pack", detection.use_builtin_pack);
  if (const YamlNode* bytes = reader.get("large_upload_bytes")) {
    if (auto value = readInteger(*bytes, diagnostics, 1, kMaxLargeUploadBytes)) {
      detection.large_upload_bytes = *value;
    }
  }
  if (reader.get("own_log_source_types") != nullptr) {
    std::vector<std::string> types;
    reader.stringList("own_log_source_types", types);
    detection.own_log_source_types = std::move(types);
  }
  if (const YamlNode* bytes = reader.get("large_upload_window_bytes")) {
    if (auto value = readInteger(*bytes, diagnostics, 1, kMaxLargeUploadBytes)) {
      detection.large_upload_window_bytes = *value;
    }
  }
  if (const YamlNode* scoring = reader.get("scoring")) {
    detection.scoring = readScoring(*scoring, diagnostics);
  }
  if (const YamlNode* providers = reader.get("extra_providers")) {
    detection.extra_providers = readProviders(*providers, diagnostics, /*extension=*/true);
  }
  if (const YamlNode* processes = reader.get("extra_processes")) {
    detection.extra_processes = readProcessCategories(*processes, diagnostics);
  }
  if (const YamlNode* agents = reader.get("extra_user_agents")) {
    detection.extra_user_agents = readUserAgentRules(*agents, diagnostics);
  }
  auto& indicators = detection.extra_indicators;
  appendIndicators(reader, "extra_key_variables", IndicatorKind::kKeyVariable,
                   indicators.key_variables);
  appendIndicators(reader, "extra_sdk_packages", IndicatorKind::kSdkPackage,
                   indicators.sdk_packages);
  appendIndicators(reader, "extra_installers", IndicatorKind::kInstaller, indicators.installers);
  appendIndicators(reader, "extra_sdk_paths", IndicatorKind::kSdkPath, indicators.sdk_paths);
  return detection;
}

}  // namespace aihunt::config

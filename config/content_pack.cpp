#include "config/content_pack.h"

#include "config/embedded_pack.h"
#include "config/pack_sections.h"
#include "config/schema.h"
#include "config/yaml_reader.h"
#include "config/yaml_tree.h"

namespace aihunt::config {
namespace {

constexpr std::string_view kProvidersFile = "providers.yaml";
constexpr std::string_view kProcessesFile = "processes.yaml";
constexpr std::string_view kUserAgentsFile = "user_agents.yaml";
constexpr std::string_view kIndicatorsFile = "indicators.yaml";
constexpr std::string_view kDetectionFile = "detection.yaml";
constexpr std::string_view kHuntsFile = "hunts.yaml";

const core::EmbeddedFile* findIn(std::span<const core::EmbeddedFile> files, std::string_view name) {
  for (const auto& file : files) {
    if (file.name == name) return &file;
  }
  return nullptr;
}

// Parses one pack file and hands its root to `read`; errors carry the file's name.
template <typename Read>
void readPackFile(std::span<const core::EmbeddedFile> files, std::string_view name,
                  Diagnostics& all, Read read) {
  Diagnostics diagnostics{std::string(name)};
  const core::EmbeddedFile* file = findIn(files, name);
  if (file == nullptr) {
    diagnostics.error("", "content file is missing");
  } else {
    const YamlNode root = parseYamlTree(file->contents, diagnostics);
    if (!diagnostics.hasErrors()) {
      MapReader reader(root, diagnostics);
      read(reader);
    }
  }
  all.merge(diagnostics);
}

}  // namespace

PackOutcome parseContentPack(std::span<const core::EmbeddedFile> files) {
  ContentPack pack;
  Diagnostics all{"content"};
  readPackFile(files, kProvidersFile, all, [&](MapReader& reader) {
    if (const YamlNode* list = reader.require("providers")) {
      pack.providers = readProviders(*list, reader.diagnostics(), /*extension=*/false);
    }
  });
  readPackFile(files, kProcessesFile, all, [&](MapReader& reader) {
    if (const YamlNode* map = reader.require("categories")) {
      pack.processes = readProcessCategories(*map, reader.diagnostics());
    }
  });
  readPackFile(files, kUserAgentsFile, all, [&](MapReader& reader) {
    if (const YamlNode* list = reader.require("rules")) {
      pack.user_agents = readUserAgentRules(*list, reader.diagnostics());
    }
  });
  readPackFile(files, kIndicatorsFile, all, [&](MapReader& reader) {
    auto& out = pack.indicators;
    const std::pair<std::string_view, std::pair<IndicatorKind, std::vector<std::string>*>> lists[] =
        {
            {"key_variables", {IndicatorKind::kKeyVariable, &out.key_variables}},
            {"sdk_packages", {IndicatorKind::kSdkPackage, &out.sdk_packages}},
            {"installers", {IndicatorKind::kInstaller, &out.installers}},
            {"sdk_paths", {IndicatorKind::kSdkPath, &out.sdk_paths}},
        };
    for (const auto& [key, target] : lists) {
      if (const YamlNode* list = reader.require(key)) {
        *target.second = readIndicatorList(*list, target.first, reader.diagnostics());
      }
    }
  });
  readPackFile(files, kHuntsFile, all, [&](MapReader& reader) {
    if (const YamlNode* list = reader.require("hunts")) {
      pack.hunts = readHuntsSection(*list, reader.diagnostics());
      for (auto& hunt : pack.hunts) hunt.builtin = true;
    }
  });
  readPackFile(files, kDetectionFile, all, [&](MapReader& reader) {
    if (const YamlNode* bytes = reader.require("large_upload_bytes")) {
      if (auto value = readInteger(*bytes, reader.diagnostics(), 1, kMaxLargeUploadBytes)) {
        pack.large_upload_bytes = *value;
      }
    }
    if (const YamlNode* bytes = reader.require("large_upload_window_bytes")) {
      if (auto value = readInteger(*bytes, reader.diagnostics(), 1, kMaxLargeUploadBytes)) {
        pack.large_upload_window_bytes = *value;
      }
    }
    if (const YamlNode* scoring = reader.require("scoring")) {
      // The pack is the reference: every weight is spelled out, none left to a C++ default.
      for (const auto& [name, field] : scoringFields()) {
        if (scoring->isMap() && scoring->find(name) == nullptr) {
          reader.diagnostics().error(childPath(scoring->path, name), "missing required key",
                                     scoring->mark);
        }
      }
      for (const auto& item : readScoring(*scoring, reader.diagnostics())) {
        pack.scoring.*item.field = item.value;
      }
    }
  });
  PackOutcome outcome;
  outcome.errors = all.takeErrors();
  if (outcome.errors.empty()) outcome.pack = std::move(pack);
  return outcome;
}

std::span<const core::EmbeddedFile> builtinContentFiles() {
  return {embedded::kEmbeddedFiles, embedded::kEmbeddedFileCount};
}

const core::EmbeddedFile* findBuiltinFile(std::string_view name) {
  return findIn(builtinContentFiles(), name);
}

core::Result<ContentPack> builtinContentPack() {
  PackOutcome outcome = parseContentPack(builtinContentFiles());
  if (outcome.pack) return std::move(*outcome.pack);
  std::string message = "the built-in content pack is invalid:";
  for (const auto& error : outcome.errors) message += "\n  " + error.describe();
  return core::makeError(core::ErrorCode::kInternal, std::move(message));
}

}  // namespace aihunt::config

#pragma once
// One reader per top-level section of the config file (schema_<section>.cpp). Each reports every
// problem it finds to `diagnostics` and returns what it could read; the loader decides.
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "config/config.h"
#include "config/config_error.h"
#include "config/yaml_tree.h"
#include "detection/exceptions.h"

namespace aihunt::config {

// An exception rule plus where its provider ids were written: ids are checked once the
// provider catalog (pack + extras) exists.
struct ProviderRef {
  std::string path;
  std::string id;
  YamlMark mark;
};

struct ExceptionSpec {
  detection::ExceptionRule rule;
  std::vector<ProviderRef> provider_refs;
  std::string path;
};

// A QRadar reference set name aihunt accepts (letters, digits, space, '_', '-', '.'; it ends up
// in REST paths and AQL), read from `node`; nullopt after reporting the error.
bool isReferenceSetName(std::string_view name);
std::optional<std::string> readReferenceSetName(const YamlNode& node, Diagnostics& diagnostics);

QRadarConfig readQRadarSection(const YamlNode& node, Diagnostics& diagnostics);
std::vector<HuntConfig> readHuntsSection(const YamlNode& node, Diagnostics& diagnostics);
DetectionConfig readDetectionSection(const YamlNode& node, Diagnostics& diagnostics);
std::vector<ExceptionSpec> readExceptionsSection(const YamlNode& node, Diagnostics& diagnostics);
OutputsConfig readOutputsSection(const YamlNode& node, Diagnostics& diagnostics);
StateConfig readStateSection(const YamlNode& node, Diagnostics& diagnostics);
ServerConfig readServerSection(const YamlNode& node, Diagnostics& diagnostics);
LoggingConfig readLoggingSection(const YamlNode& node, Diagnostics& diagnostics);

// QRadar property names end up inside AQL double quotes: only a safe set of characters.
bool isSafePropertyName(std::string_view name);

}  // namespace aihunt::config

#include "config/pack_sections.h"

#include "config/yaml_reader.h"
#include "core/text.h"

namespace aihunt::config {
namespace {

bool isAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

bool allOf(std::string_view text, std::string_view extra) {
  for (const char c : text) {
    if (!isAlnum(c) && extra.find(c) == std::string_view::npos) return false;
  }
  return true;
}

// Provider ids and vendors appear in findings, exceptions and metrics labels.
bool isIdentifier(std::string_view text) {
  return !text.empty() && text.size() <= 64 && allOf(text, "_-");
}

std::optional<std::string> readIdentifier(const YamlNode& node, Diagnostics& diagnostics,
                                          bool allow_empty) {
  auto text = readString(node, diagnostics, allow_empty);
  if (!text) return std::nullopt;
  if (text->empty() && allow_empty) return text;
  if (!isIdentifier(*text)) {
    diagnostics.error(node.path,
                      "'" + core::printableExcerpt(*text) +
                          "' is not an identifier (1-64 letters, digits, '_' or '-')",
                      node.mark);
    return std::nullopt;
  }
  return core::asciiLowered(*text);
}

std::optional<detection::ProcessCategory> readCategory(const YamlNode& node, std::string_view text,
                                                       Diagnostics& diagnostics) {
  const auto category = detection::processCategoryFromName(text);
  if (!category || *category == detection::ProcessCategory::kUnknown) {
    std::vector<std::string_view> names;
    for (const auto value :
         {detection::ProcessCategory::kScriptRuntime, detection::ProcessCategory::kScriptHost,
          detection::ProcessCategory::kCliTransfer, detection::ProcessCategory::kLolbin,
          detection::ProcessCategory::kAiClient, detection::ProcessCategory::kBrowser,
          detection::ProcessCategory::kOther}) {
      names.push_back(detection::processCategoryName(value));
    }
    diagnostics.error(node.path,
                      "'" + core::printableExcerpt(text) + "' is not a process category; " +
                          suggestion(text, names),
                      node.mark.line > 0 ? node.mark : node.key_mark);
    return std::nullopt;
  }
  return category;
}

void readProcessItem(const YamlNode& item, detection::ProcessCategory category,
                     Diagnostics& diagnostics, std::vector<ProcessSpec>& out) {
  ProcessSpec spec;
  spec.entry.category = category;
  spec.path = item.path;
  if (item.isMap()) {
    MapReader reader(item, diagnostics);
    reader.string("name", spec.name, /*required=*/true);
    if (const YamlNode* vendor = reader.get("vendor")) {
      if (category != detection::ProcessCategory::kAiClient) {
        diagnostics.error(vendor->path, "vendor only applies to AI_Client processes",
                          vendor->key_mark);
      } else if (auto value = readIdentifier(*vendor, diagnostics, /*allow_empty=*/true)) {
        spec.entry.vendor = *value;
      }
    }
    if (spec.name.empty()) return;
  } else {
    auto name = readString(item, diagnostics);
    if (!name) return;
    spec.name = std::move(*name);
  }
  if (detection::normaliseProcessName(spec.name).empty()) {
    diagnostics.error(
        item.path, "'" + core::printableExcerpt(spec.name) + "' is not a process name", item.mark);
    return;
  }
  out.push_back(std::move(spec));
}

}  // namespace

std::vector<ProviderSpec> readProviders(const YamlNode& list, Diagnostics& diagnostics,
                                        bool extension) {
  std::vector<ProviderSpec> out;
  if (!expectList(list, diagnostics)) return out;
  for (const auto& item : list.items) {
    MapReader reader(item, diagnostics);
    if (!item.isMap()) continue;
    ProviderSpec spec;
    spec.path = item.path;
    if (const YamlNode* id = reader.require("id")) {
      if (auto value = readIdentifier(*id, diagnostics, false)) spec.provider.id = *value;
    }
    if (const YamlNode* vendor = extension ? reader.get("vendor") : reader.require("vendor")) {
      if (auto value = readIdentifier(*vendor, diagnostics, false)) {
        spec.provider.vendor = *value;
        spec.has_vendor = true;
      }
    }
    if (const YamlNode* cls = extension ? reader.get("class") : reader.require("class")) {
      if (auto value = readChoice<detection::ProviderClass>(
              *cls, diagnostics,
              {{"api", detection::ProviderClass::kApi},
               {"portal", detection::ProviderClass::kPortal}})) {
        spec.provider.provider_class = *value;
        spec.has_class = true;
      }
    }
    if (const YamlNode* hosts = reader.require("hosts")) {
      if (expectList(*hosts, diagnostics)) {
        if (hosts->items.empty())
          diagnostics.error(hosts->path, "needs at least one host", hosts->mark);
        for (const auto& host : hosts->items) {
          auto text = readString(host, diagnostics);
          if (!text) continue;
          if (auto status = detection::validateHostPattern(*text); !status) {
            diagnostics.error(host.path, status.error().message, host.mark);
            continue;
          }
          spec.provider.hosts.push_back(core::asciiLowered(*text));
          spec.host_paths.push_back(host.path);
        }
      }
    }
    out.push_back(std::move(spec));
  }
  return out;
}

std::vector<ProcessSpec> readProcessCategories(const YamlNode& map, Diagnostics& diagnostics) {
  std::vector<ProcessSpec> out;
  if (map.isNull()) return out;
  if (!expectMap(map, diagnostics)) return out;
  for (const auto& [name, list] : map.entries) {
    const auto category = readCategory(list, name, diagnostics);
    if (!category) continue;
    if (list.isNull()) continue;  // an empty category
    if (!expectList(list, diagnostics)) continue;
    for (const auto& item : list.items) readProcessItem(item, *category, diagnostics, out);
  }
  return out;
}

std::vector<UserAgentSpec> readUserAgentRules(const YamlNode& list, Diagnostics& diagnostics) {
  std::vector<UserAgentSpec> out;
  if (!expectList(list, diagnostics)) return out;
  for (const auto& item : list.items) {
    MapReader reader(item, diagnostics);
    if (!item.isMap()) continue;
    UserAgentSpec spec;
    spec.path = item.path;
    bool complete = true;
    if (const YamlNode* match = reader.require("match")) {
      auto value = readChoice<detection::UserAgentMatch>(
          *match, diagnostics,
          {{"prefix", detection::UserAgentMatch::kPrefix},
           {"contains", detection::UserAgentMatch::kContains}});
      complete = complete && value.has_value();
      if (value) spec.rule.match = *value;
    } else {
      complete = false;
    }
    if (const YamlNode* pattern = reader.require("pattern")) {
      auto value = readString(*pattern, diagnostics);
      if (value && value->size() < 3) {
        // "a" would classify nearly every agent on earth.
        diagnostics.error(pattern->path, "patterns need at least 3 characters", pattern->mark);
        value.reset();
      }
      complete = complete && value.has_value();
      if (value) spec.rule.pattern = std::move(*value);
    } else {
      complete = false;
    }
    if (const YamlNode* category = reader.require("category")) {
      auto text = readString(*category, diagnostics);
      auto value = text ? readCategory(*category, *text, diagnostics) : std::nullopt;
      complete = complete && value.has_value();
      if (value) spec.rule.category = *value;
    } else {
      complete = false;
    }
    reader.string("label", spec.rule.label, /*required=*/true);
    complete = complete && !spec.rule.label.empty();
    if (complete) out.push_back(std::move(spec));
  }
  return out;
}

std::vector<std::string> readIndicatorList(const YamlNode& list, IndicatorKind kind,
                                           Diagnostics& diagnostics) {
  std::vector<std::string> out;
  if (!expectList(list, diagnostics)) return out;
  for (const auto& item : list.items) {
    auto text = readString(item, diagnostics);
    if (!text) continue;
    std::string value = std::move(*text);
    std::string_view rule;
    bool valid = value.size() <= 256;
    switch (kind) {
      case IndicatorKind::kKeyVariable:
        valid = valid && allOf(value, "_") && !(value.front() >= '0' && value.front() <= '9');
        rule = "an environment variable name (letters, digits, '_')";
        break;
      case IndicatorKind::kSdkPackage:
        valid = valid && allOf(value, "@/._-");
        rule = "a package name (letters, digits, '@', '/', '.', '_', '-')";
        break;
      case IndicatorKind::kInstaller:
        valid = valid && allOf(value, "._-");
        rule = "a program name (letters, digits, '.', '_', '-')";
        break;
      case IndicatorKind::kSdkPath:
        for (char& c : value) c = c == '\\' ? '/' : c;
        valid = valid &&
                value.find_first_of(std::string_view("\0\r\n\t", 4)) == std::string::npos &&
                core::isValidUtf8(value) && value.find('/') != std::string::npos;
        rule = "a path fragment containing a directory separator";
        break;
    }
    if (!valid) {
      diagnostics.error(item.path,
                        "'" + core::printableExcerpt(value) + "' is not " + std::string(rule),
                        item.mark);
      continue;
    }
    out.push_back(std::move(value));
  }
  return out;
}

const std::array<std::pair<std::string_view, int detection::ScoringWeights::*>, kScoringFieldCount>&
scoringFields() {
  using W = detection::ScoringWeights;
  static const std::array<std::pair<std::string_view, int W::*>, kScoringFieldCount> kFields = {{
      {"non_browser_ai_api", &W::non_browser_ai_api},
      {"large_upload", &W::large_upload},
      {"key_or_prompt_on_cmdline", &W::key_or_prompt_on_cmdline},
      {"ai_sdk_install", &W::ai_sdk_install},
      {"first_seen", &W::first_seen},
      {"ai_api_contact", &W::ai_api_contact},
      {"script_runtime", &W::script_runtime},
      {"script_host", &W::script_host},
      {"cli_transfer", &W::cli_transfer},
      {"lolbin", &W::lolbin},
      {"ai_client", &W::ai_client},
      {"other", &W::other},
      {"portal_percent", &W::portal_percent},
      {"medium_at", &W::medium_at},
      {"high_at", &W::high_at},
      {"critical_at", &W::critical_at},
  }};
  return kFields;
}

std::vector<ScoringOverride> readScoring(const YamlNode& map, Diagnostics& diagnostics) {
  std::vector<ScoringOverride> out;
  MapReader reader(map, diagnostics);
  for (const auto& [name, field] : scoringFields()) {
    const YamlNode* node = reader.get(name);
    if (node == nullptr) continue;
    if (auto value = readInteger(*node, diagnostics, 0, 100)) {
      out.push_back({field, static_cast<int>(*value), node->path});
    }
  }
  return out;
}

}  // namespace aihunt::config

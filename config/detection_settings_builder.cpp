#include "config/detection_settings_builder.h"

#include <map>
#include <string>
#include <unordered_set>

#include "config/yaml_reader.h"
#include "core/string_map.h"
#include "core/text.h"

namespace aihunt::config {
namespace {

void buildProviders(const ContentPack* pack, const DetectionConfig& config,
                    Diagnostics& diagnostics, detection::ProviderCatalog& catalog) {
  std::vector<ProviderSpec> merged;
  if (pack != nullptr) merged = pack->providers;
  std::map<std::string, std::size_t, std::less<>> by_id;
  for (std::size_t i = 0; i < merged.size(); ++i) by_id.emplace(merged[i].provider.id, i);

  for (const ProviderSpec& extra : config.extra_providers) {
    if (extra.provider.id.empty()) continue;  // already reported
    const auto it = by_id.find(extra.provider.id);
    if (it == by_id.end()) {
      if (!extra.has_vendor || !extra.has_class) {
        diagnostics.error(extra.path,
                          "new provider '" + extra.provider.id + "' needs vendor and class");
        continue;
      }
      by_id.emplace(extra.provider.id, merged.size());
      merged.push_back(extra);
      continue;
    }
    // An existing id: add hosts, and insist that vendor and class, if given, agree.
    ProviderSpec& base = merged[it->second];
    if (extra.has_vendor && extra.provider.vendor != base.provider.vendor) {
      diagnostics.error(
          childPath(extra.path, "vendor"),
          "provider '" + base.provider.id + "' already has vendor '" + base.provider.vendor + "'");
    }
    if (extra.has_class && extra.provider.provider_class != base.provider.provider_class) {
      diagnostics.error(
          childPath(extra.path, "class"),
          "provider '" + base.provider.id + "' already has class '" +
              std::string(detection::providerClassName(base.provider.provider_class)) + "'");
    }
    base.provider.hosts.insert(base.provider.hosts.end(), extra.provider.hosts.begin(),
                               extra.provider.hosts.end());
    base.host_paths.insert(base.host_paths.end(), extra.host_paths.begin(), extra.host_paths.end());
  }

  // Duplicate hosts are found here, where each host's path is known; the catalog would only
  // name the provider.
  core::StringMap<std::string> owner;
  for (ProviderSpec& spec : merged) {
    std::vector<std::string> hosts;
    for (std::size_t i = 0; i < spec.provider.hosts.size(); ++i) {
      const std::string& host = spec.provider.hosts[i];
      const auto [at, inserted] = owner.emplace(host, spec.provider.id);
      if (!inserted) {
        const std::string path = i < spec.host_paths.size() ? spec.host_paths[i] : spec.path;
        diagnostics.error(path,
                          "host '" + host + "' already belongs to provider '" + at->second + "'");
        continue;
      }
      hosts.push_back(host);
    }
    spec.provider.hosts = std::move(hosts);
    if (spec.provider.hosts.empty()) continue;
    if (auto status = catalog.add(spec.provider); !status) {
      diagnostics.error(spec.path, status.error().message);
    }
  }
}

void buildProcesses(const ContentPack* pack, const DetectionConfig& config,
                    Diagnostics& diagnostics, detection::ProcessCatalog& catalog) {
  struct Chosen {
    const ProcessSpec* spec;
    bool from_config;
  };
  std::vector<std::string> order;
  core::StringMap<Chosen> chosen;
  const auto consider = [&](const ProcessSpec& spec, bool from_config) {
    std::string key = detection::normaliseProcessName(spec.name);
    if (key.empty()) return;  // reported by the reader
    auto it = chosen.find(key);
    if (it == chosen.end()) {
      chosen.emplace(key, Chosen{&spec, from_config});
      order.push_back(std::move(key));
      return;
    }
    Chosen& previous = it->second;
    if (previous.from_config == from_config) {
      if (previous.spec->entry.category != spec.entry.category) {
        diagnostics.error(
            spec.path,
            "process '" + key + "' is already listed as " +
                std::string(detection::processCategoryName(previous.spec->entry.category)) +
                " at " + previous.spec->path);
      }
      return;
    }
    previous = Chosen{&spec, from_config};  // config over pack
  };
  if (pack != nullptr) {
    for (const auto& spec : pack->processes) consider(spec, false);
  }
  for (const auto& spec : config.extra_processes) consider(spec, true);
  for (const auto& key : order) {
    const Chosen& entry = chosen.find(key)->second;
    if (auto status = catalog.add(key, entry.spec->entry); !status) {
      diagnostics.error(entry.spec->path, status.error().message);
    }
  }
}

// Appends the values `out` does not hold yet, ASCII case aside. A set of the lowered values keeps
// it linear: a config may list tens of thousands (a newcomer's trial hung on 100,000).
void appendUnique(std::vector<std::string>& out, const std::vector<std::string>& values) {
  std::unordered_set<std::string> seen;
  seen.reserve(out.size() + values.size());
  for (const auto& existing : out) seen.insert(core::asciiLowered(existing));
  for (const auto& value : values) {
    if (seen.insert(core::asciiLowered(value)).second) out.push_back(value);
  }
}

void buildScoring(const ContentPack* pack, const DetectionConfig& config, Diagnostics& diagnostics,
                  detection::ScoringWeights& out) {
  out = pack != nullptr ? pack->scoring : detection::ScoringWeights{};
  for (const auto& item : config.scoring) out.*item.field = item.value;
  if (!(out.medium_at < out.high_at && out.high_at < out.critical_at)) {
    diagnostics.error("detection.scoring", "severity thresholds must rise: medium_at (" +
                                               std::to_string(out.medium_at) + ") < high_at (" +
                                               std::to_string(out.high_at) + ") < critical_at (" +
                                               std::to_string(out.critical_at) + ")");
  }
}

void checkExceptions(const std::vector<ExceptionSpec>& exceptions,
                     const detection::ProviderCatalog& catalog, Diagnostics& diagnostics,
                     std::vector<detection::ExceptionRule>& out) {
  std::vector<std::string_view> ids;
  for (const auto& provider : catalog.providers()) ids.push_back(provider->id);
  for (const auto& spec : exceptions) {
    for (const auto& ref : spec.provider_refs) {
      if (std::find(ids.begin(), ids.end(), ref.id) == ids.end()) {
        diagnostics.error(ref.path,
                          "'" + core::printableExcerpt(ref.id) + "' is not a provider id; " +
                              suggestion(ref.id, ids),
                          ref.mark);
      }
    }
    out.push_back(spec.rule);
  }
}

}  // namespace

void buildDetectionSettings(const ContentPack* pack, const DetectionConfig& config,
                            const std::vector<ExceptionSpec>& exceptions, Diagnostics& diagnostics,
                            detection::DetectionSettings& out) {
  buildProviders(pack, config, diagnostics, out.providers);
  buildProcesses(pack, config, diagnostics, out.processes);
  // Site rules first: the catalog tries rules in order and the site knows its own agents best.
  for (const auto& spec : config.extra_user_agents) out.user_agents.add(spec.rule);
  if (pack != nullptr) {
    for (const auto& spec : pack->user_agents) out.user_agents.add(spec.rule);
    out.cmdline = pack->indicators;
    out.large_upload_bytes = pack->large_upload_bytes;
    out.large_upload_window_bytes = pack->large_upload_window_bytes;
  }
  appendUnique(out.cmdline.key_variables, config.extra_indicators.key_variables);
  appendUnique(out.cmdline.sdk_packages, config.extra_indicators.sdk_packages);
  appendUnique(out.cmdline.installers, config.extra_indicators.installers);
  appendUnique(out.cmdline.sdk_paths, config.extra_indicators.sdk_paths);
  if (config.large_upload_bytes) out.large_upload_bytes = *config.large_upload_bytes;
  if (config.own_log_source_types) {
    out.own_log_source_types.clear();
    for (const auto& type : *config.own_log_source_types) {
      out.own_log_source_types.push_back(core::asciiLowered(type));
    }
  }
  if (config.large_upload_window_bytes) {
    out.large_upload_window_bytes = *config.large_upload_window_bytes;
  }
  buildScoring(pack, config, diagnostics, out.scoring);
  checkExceptions(exceptions, out.providers, diagnostics, out.exceptions);
  if (out.providers.providers().empty()) {
    diagnostics.warning("detection", "no AI providers are defined: nothing can be detected");
  }
}

core::Result<detection::DetectionSettings> builtinDetectionSettings() {
  auto pack = builtinContentPack();
  if (!pack) return pack.error();
  Diagnostics diagnostics{"content"};
  detection::DetectionSettings settings;
  buildDetectionSettings(&*pack, DetectionConfig{}, {}, diagnostics, settings);
  if (diagnostics.hasErrors()) {
    std::string message = "the built-in content pack is inconsistent:";
    for (const auto& error : diagnostics.errors()) message += "\n  " + error.describe();
    return core::makeError(core::ErrorCode::kInternal, std::move(message));
  }
  return settings;
}

}  // namespace aihunt::config

#include "config/loader.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>

#include "config/content_pack.h"
#include "config/detection_settings_builder.h"
#include "config/env_expand.h"
#include "config/overrides.h"
#include "config/relative_paths.h"
#include "config/schema.h"
#include "config/token_source.h"
#include "config/yaml_reader.h"
#include "core/text.h"
#include "core/time.h"

namespace aihunt::config {
namespace {

constexpr std::int64_t kSchemaVersion = 1;

void crossChecks(const Config& config, const YamlNode& root, Diagnostics& diagnostics) {
  const auto needsQRadar = [&](std::string_view section, bool enabled) {
    if (!enabled || config.qradar) return;
    const YamlNode* outputs = root.find("outputs");
    const YamlNode* node = outputs != nullptr ? outputs->find(section) : nullptr;
    diagnostics.error("outputs." + std::string(section) + ".enabled",
                      "needs a qradar: section to write to",
                      node != nullptr ? node->mark : YamlMark{});
  };
  needsQRadar("reference_sets", config.outputs.reference_sets.enabled);
  needsQRadar("offense_notes", config.outputs.offense_notes.enabled);
  // After an outage of up to catch_up_max, a hunt's first window re-reads its overlap: findings
  // raised before the outage come back, and only their remembered ids make them repeats. A
  // retention shorter than that forgets them first (a review), so they would be raised twice.
  const HuntConfig* farthest = nullptr;
  const auto reachOf = [](const HuntConfig& hunt) {
    return hunt.schedule.catch_up_max + hunt.schedule.overlap + hunt.schedule.every;
  };
  for (const HuntConfig& hunt : config.hunts) {
    if (hunt.enabled && (farthest == nullptr || reachOf(hunt) > reachOf(*farthest))) {
      farthest = &hunt;
    }
  }
  if (farthest != nullptr && config.state.retention <= reachOf(*farthest)) {
    const YamlNode* state = root.find("state");
    const YamlNode* retention = state != nullptr ? state->find("retention") : nullptr;
    diagnostics.error("state.retention",
                      "must be longer than how far back hunt '" + farthest->name +
                          "' may re-read (schedule.catch_up_max plus its overlap and every: " +
                          core::formatDuration(reachOf(*farthest)) + "), found " +
                          core::formatDuration(config.state.retention) +
                          ": after an outage that long its first window re-reads the overlap, "
                          "and findings raised before the outage, whose ids would be forgotten by "
                          "then, would be raised again",
                      retention != nullptr ? retention->mark : YamlMark{});
  }
  if (config.hunts.empty()) {
    diagnostics.warning("hunts", "no hunts are configured: `aihunt run` has nothing to do");
  } else if (std::none_of(config.hunts.begin(), config.hunts.end(),
                          [](const auto& hunt) { return hunt.enabled; })) {
    // As empty for the daemon, which runs enabled hunts only; `hunt --hunt NAME` still runs one.
    diagnostics.warning("hunts", "every hunt has enabled: false: `aihunt run` has nothing to do");
  }
}

void warnExpired(const std::vector<ExceptionSpec>& exceptions, core::EpochMs now,
                 Diagnostics& diagnostics) {
  for (const auto& spec : exceptions) {
    if (spec.rule.expires && *spec.rule.expires <= now) {
      diagnostics.warning(childPath(spec.path, "expires"),
                          "exception '" + spec.rule.id + "' expired on " +
                              core::formatIso8601(*spec.rule.expires) +
                              " and no longer suppresses anything");
    }
  }
}

// The environment's token is a secret whether or not this file has a qradar: section, and a
// file may hold the same text anywhere (pasted by mistake): no message may echo it.
void scrubEnvironmentToken(Diagnostics& diagnostics, const Environment& env) {
  if (auto token = env.get("AIHUNT_QRADAR_TOKEN"); token && !token->empty()) {
    diagnostics.scrub(*token);
  }
}

}  // namespace

LoadOutcome loadConfigText(std::string_view text, std::string_view source_name,
                           const Environment& env, const LoadOptions& options) {
  Diagnostics diagnostics{std::string(source_name)};
  LoadOutcome outcome;
  YamlNode root = parseYamlTree(text, diagnostics, options.limits);
  if (diagnostics.hasErrors()) {
    scrubEnvironmentToken(diagnostics, env);
    outcome.errors = diagnostics.takeErrors();
    return outcome;
  }
  for (const auto& assignment : options.overrides) applyOverride(root, assignment, diagnostics);
  if (diagnostics.hasErrors()) {
    scrubEnvironmentToken(diagnostics, env);
    outcome.errors = diagnostics.takeErrors();
    return outcome;
  }
  expandEnvironmentInTree(root, env, diagnostics);
  // A file of comments only (or nothing) passed `config check` as OK (a trial): said, since a
  // config written for another tool's path, or saved empty, would run on every default.
  if (root.isNull() || (root.isMap() && root.entries.empty())) {
    diagnostics.warning("",
                        "the config holds no settings (it is empty, or comments only): every "
                        "setting takes its default ('aihunt config example' prints one to "
                        "start from)");
  }

  Config config;
  std::vector<ExceptionSpec> exceptions;
  bool hunts_given = false;
  {
    MapReader reader(root, diagnostics);
    if (const YamlNode* version = reader.get("version")) {
      readInteger(*version, diagnostics, kSchemaVersion, kSchemaVersion);
    }
    if (const YamlNode* node = reader.get("qradar")) {
      if (!node->isNull()) config.qradar = readQRadarSection(*node, diagnostics);
    }
    if (const YamlNode* node = reader.get("hunts")) {
      config.hunts = readHuntsSection(*node, diagnostics);
      hunts_given = true;
    }
    if (const YamlNode* node = reader.get("detection")) {
      config.detection = readDetectionSection(*node, diagnostics);
    }
    if (const YamlNode* node = reader.get("exceptions")) {
      exceptions = readExceptionsSection(*node, diagnostics);
    }
    if (const YamlNode* node = reader.get("outputs")) {
      config.outputs = readOutputsSection(*node, diagnostics);
    }
    if (const YamlNode* node = reader.get("state")) {
      config.state = readStateSection(*node, diagnostics);
    }
    if (const YamlNode* node = reader.get("server")) {
      config.server = readServerSection(*node, diagnostics);
    }
    if (const YamlNode* node = reader.get("logging")) {
      config.logging = readLoggingSection(*node, diagnostics);
    }
  }
  if (options.now) warnExpired(exceptions, *options.now, diagnostics);
  resolveRelativePaths(config, options.base_directory);

  std::optional<ContentPack> pack;
  if (config.detection.use_builtin_pack) {
    auto builtin = builtinContentPack();
    if (builtin) {
      pack = std::move(builtin).value();
    } else {
      diagnostics.error("detection.use_builtin_pack", builtin.error().message);
    }
  }
  // A config's `hunts:` replaces the built-in hunts as a whole; without one, they apply.
  if (!hunts_given && pack) config.hunts = pack->hunts;
  crossChecks(config, root, diagnostics);
  buildDetectionSettings(pack ? &*pack : nullptr, config.detection, exceptions, diagnostics,
                         config.settings);

  if (config.qradar && options.resolve_token) {
    if (auto token = resolveQRadarToken(*config.qradar, env, diagnostics)) {
      // Whatever else was said about this file, the token's text is not part of it.
      diagnostics.scrub(token->token.reveal());
      config.qradar_token = std::move(token->token);
      config.qradar_token_origin = std::move(token->origin);
    }
  }

  scrubEnvironmentToken(diagnostics, env);
  outcome.errors = diagnostics.takeErrors();
  outcome.warnings = diagnostics.takeWarnings();
  outcome.keys_read = diagnostics.takeKeysRead();
  if (outcome.errors.empty()) {
    outcome.config = std::move(config);
  } else {
    outcome.partial = std::move(config);
  }
  return outcome;
}

LoadOutcome loadConfigFile(const std::string& path, const Environment& env,
                           const LoadOptions& options) {
  LoadOutcome failed;
  const auto fail = [&](std::string message) {
    failed.errors.push_back({path, "", std::move(message), 0, 0});
    return std::move(failed);
  };
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) {
    return fail("cannot read the config file: " + std::string(std::strerror(errno)));
  }
  if (!S_ISREG(info.st_mode)) return fail("the config file is not a regular file");
  if (static_cast<std::uint64_t>(info.st_size) > options.limits.max_bytes) {
    return fail("the config file is larger than " + std::to_string(options.limits.max_bytes) +
                " bytes");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) return fail("cannot open the config file: " + std::string(std::strerror(errno)));
  std::string text;
  text.resize(options.limits.max_bytes + 1);
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<std::size_t>(in.gcount()));
  if (in.bad()) return fail("cannot read the config file");
  // A file that grew since stat() is caught by the tree parser's own size limit.
  if (options.base_directory.empty()) {
    LoadOptions beside_the_file = options;
    beside_the_file.base_directory = directoryOf(path);
    return loadConfigText(text, path, env, beside_the_file);
  }
  return loadConfigText(text, path, env, options);
}

std::string describeErrors(const std::vector<ConfigError>& errors, std::size_t max_listed) {
  std::string message = std::to_string(errors.size()) + " config error(s):";
  for (std::size_t i = 0; i < errors.size() && i < max_listed; ++i) {
    message += "\n  " + errors[i].describe();
  }
  if (errors.size() > max_listed) {
    message += "\n  ... and " + std::to_string(errors.size() - max_listed) +
               " more (aihunt config check lists them all)";
  }
  return message;
}

core::Result<Config> toResult(LoadOutcome outcome) {
  if (outcome.config) return std::move(*outcome.config);
  return core::makeError(core::ErrorCode::kConfig, describeErrors(outcome.errors));
}

}  // namespace aihunt::config

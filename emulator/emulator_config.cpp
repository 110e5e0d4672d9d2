#include "emulator/emulator_config.h"

#include <set>

#include "emulator/yaml_reader.h"

namespace aihunt::emulator {
namespace {

void readRules(YamlReader& reader, const YAML::Node& node, const std::string& path,
               std::vector<RuleConfig>& out) {
  if (!node) return;
  if (!node.IsSequence()) {
    reader.fail(path, "expected a list");
    return;
  }
  for (std::size_t i = 0; i < node.size(); ++i) {
    const std::string at = indexPath(path, i);
    const YAML::Node item = node[i];
    if (!reader.checkMap(
            item, at,
            {"id", "name", "enabled", "event_ids", "index", "description", "log_source_types",
             "mapped_only", "magnitude", "severity", "credibility", "relevance", "categories"})) {
      continue;
    }
    RuleConfig rule;
    rule.id = 100'000 + static_cast<std::int64_t>(i);
    reader.readInt(item["id"], childPath(at, "id"), rule.id);
    reader.readString(item["name"], childPath(at, "name"), rule.name);
    reader.readBool(item["enabled"], childPath(at, "enabled"), rule.enabled);
    reader.readStrings(item["event_ids"], childPath(at, "event_ids"), rule.event_ids);
    reader.readString(item["index"], childPath(at, "index"), rule.index);
    reader.readString(item["description"], childPath(at, "description"), rule.description);
    reader.readStrings(item["log_source_types"], childPath(at, "log_source_types"),
                       rule.log_source_types);
    reader.readBool(item["mapped_only"], childPath(at, "mapped_only"), rule.mapped_only);
    reader.readInt(item["magnitude"], childPath(at, "magnitude"), rule.magnitude);
    reader.readInt(item["severity"], childPath(at, "severity"), rule.severity);
    reader.readInt(item["credibility"], childPath(at, "credibility"), rule.credibility);
    reader.readInt(item["relevance"], childPath(at, "relevance"), rule.relevance);
    reader.readStrings(item["categories"], childPath(at, "categories"), rule.categories);
    if (rule.event_ids.empty()) reader.fail(childPath(at, "event_ids"), "must not be empty");
    if (rule.name.empty()) reader.fail(childPath(at, "name"), "must not be empty");
    for (const std::int64_t* score :
         {&rule.magnitude, &rule.severity, &rule.credibility, &rule.relevance}) {
      if (*score < 1 || *score > 10) reader.fail(at, "scores must be between 1 and 10");
    }
    out.push_back(std::move(rule));
  }
}

void readRoles(YamlReader& reader, const YAML::Node& node, EmulatorConfig& config) {
  if (!node) return;
  if (!node.IsMap()) {
    reader.fail("roles", "expected a map of role name to capabilities");
    return;
  }
  for (const auto& item : node) {
    const std::string name = item.first.Scalar();
    const std::string path = childPath("roles", name);
    std::vector<std::string> names;
    reader.readStrings(item.second, path, names);
    CapabilitySet capabilities;
    for (const std::string& capability : names) {
      const auto parsed = parseCapability(capability);
      if (!parsed) {
        reader.fail(path, "unknown capability '" + capability +
                              "' (ADMIN, LOG_ACTIVITY, REFERENCE_DATA, OFFENSES)");
        continue;
      }
      capabilities.insert(*parsed);
    }
    config.roles[name] = capabilities;
  }
}

}  // namespace

std::vector<std::string> defaultApiVersions() {
  return {"6.0",  "7.0",  "8.0",  "9.0",  "10.0", "11.0", "12.0", "12.1",
          "13.0", "13.1", "14.0", "15.0", "15.1", "16.0", "17.0", "18.0",
          "19.0", "20.0", "21.0", "22.0", "23.0", "24.0", "25.0", "26.0"};
}

std::map<std::string, CapabilitySet> defaultRoles() {
  return {{"admin", {Capability::kAdmin}},
          {"hunter",
           {Capability::kLogActivity, Capability::kReferenceData, Capability::kOffenses,
            Capability::kViewCustomRules}},
          {"searcher", {Capability::kLogActivity}}};
}

core::Result<EmulatorConfig> parseEmulatorConfig(std::string_view yaml_text) {
  YamlReader reader(yaml_text);
  EmulatorConfig config;
  config.roles = defaultRoles();
  if (!reader.ok()) return reader.error();
  const YAML::Node& root = reader.root();
  if (root.IsNull()) return config;
  if (!reader.checkMap(root, "",
                       {"roles", "tokens", "users", "admin_token", "api_versions", "ariel", "rules",
                        "max_recorded_requests", "http_idle_timeout_ms", "syslog_idle_timeout_ms",
                        "max_connections_per_address", "max_events"})) {
    return reader.error();
  }
  readRoles(reader, root["roles"], config);
  if (const YAML::Node tokens = root["tokens"]) {
    if (!tokens.IsSequence()) reader.fail("tokens", "expected a list");
    for (std::size_t i = 0; tokens.IsSequence() && i < tokens.size(); ++i) {
      const std::string at = indexPath("tokens", i);
      if (!reader.checkMap(tokens[i], at, {"token", "user", "role"})) continue;
      TokenConfig token{"", "api_token_user", "admin"};
      reader.readString(tokens[i]["token"], childPath(at, "token"), token.token);
      reader.readString(tokens[i]["user"], childPath(at, "user"), token.user);
      reader.readString(tokens[i]["role"], childPath(at, "role"), token.role);
      if (token.token.empty()) reader.fail(childPath(at, "token"), "must not be empty");
      config.tokens.push_back(std::move(token));
    }
  }
  if (const YAML::Node users = root["users"]) {
    if (!users.IsSequence()) reader.fail("users", "expected a list");
    for (std::size_t i = 0; users.IsSequence() && i < users.size(); ++i) {
      const std::string at = indexPath("users", i);
      if (!reader.checkMap(users[i], at, {"name", "password", "role"})) continue;
      UserConfig user{"", "", "admin"};
      reader.readString(users[i]["name"], childPath(at, "name"), user.name);
      reader.readString(users[i]["password"], childPath(at, "password"), user.password);
      reader.readString(users[i]["role"], childPath(at, "role"), user.role);
      if (user.name.empty()) reader.fail(childPath(at, "name"), "must not be empty");
      config.users.push_back(std::move(user));
    }
  }
  reader.readString(root["admin_token"], "admin_token", config.admin_token);
  if (root["api_versions"] && root["api_versions"].IsScalar()) {
    // A release profile by name: api_versions: "7.5 UP13".
    reader.readString(root["api_versions"], "api_versions", config.api_profile);
  } else {
    reader.readStrings(root["api_versions"], "api_versions", config.api_versions);
  }
  if (const YAML::Node ariel = root["ariel"]) {
    if (reader.checkMap(
            ariel, "ariel",
            {"workers", "max_active_searches", "phase_delay_ms", "retention_ms", "reuse_window_ms",
             "reuse_identical_queries", "content_range_without_range", "console_timezone"})) {
      ArielConfig& a = config.ariel;
      reader.readInt(ariel["workers"], "ariel.workers", a.workers);
      reader.readInt(ariel["max_active_searches"], "ariel.max_active_searches",
                     a.max_active_searches);
      reader.readInt(ariel["phase_delay_ms"], "ariel.phase_delay_ms", a.phase_delay_ms);
      reader.readInt(ariel["retention_ms"], "ariel.retention_ms", a.retention_ms);
      reader.readInt(ariel["reuse_window_ms"], "ariel.reuse_window_ms", a.reuse_window_ms);
      reader.readBool(ariel["reuse_identical_queries"], "ariel.reuse_identical_queries",
                      a.reuse_identical_queries);
      reader.readBool(ariel["content_range_without_range"], "ariel.content_range_without_range",
                      a.content_range_without_range);
      std::string zone;
      reader.readString(ariel["console_timezone"], "ariel.console_timezone", zone);
      if (!zone.empty()) {
        auto parsed = aql::ConsoleTimeZone::parse(zone);
        if (parsed.ok()) {
          a.console_timezone = parsed.value();
        } else {
          reader.fail("ariel.console_timezone", parsed.error().message);
        }
      }
      if (a.workers < 1 || a.workers > 64) reader.fail("ariel.workers", "must be 1..64");
      if (a.max_active_searches < 1) reader.fail("ariel.max_active_searches", "must be >= 1");
      if (a.phase_delay_ms < 0 || a.retention_ms < 0 || a.reuse_window_ms < 0) {
        reader.fail("ariel", "durations must not be negative");
      }
    }
  }
  readRules(reader, root["rules"], "rules", config.rules);
  reader.readInt(root["max_recorded_requests"], "max_recorded_requests",
                 config.max_recorded_requests);
  reader.readInt(root["http_idle_timeout_ms"], "http_idle_timeout_ms", config.http_idle_timeout_ms);
  if (config.http_idle_timeout_ms < 1) reader.fail("http_idle_timeout_ms", "must be >= 1");
  reader.readInt(root["syslog_idle_timeout_ms"], "syslog_idle_timeout_ms",
                 config.syslog_idle_timeout_ms);
  if (config.syslog_idle_timeout_ms < 1) reader.fail("syslog_idle_timeout_ms", "must be >= 1");
  reader.readInt(root["max_connections_per_address"], "max_connections_per_address",
                 config.max_connections_per_address);
  if (config.max_connections_per_address < 1) {
    reader.fail("max_connections_per_address", "must be >= 1");
  }
  reader.readInt(root["max_events"], "max_events", config.max_events);
  if (config.max_events < 0) reader.fail("max_events", "must be >= 0");
  if (!reader.ok()) return reader.error();
  return config;
}

core::Result<std::vector<RuleConfig>> parseRulesFile(std::string_view yaml_text) {
  YamlReader reader(yaml_text);
  if (!reader.ok()) return reader.error();
  std::vector<RuleConfig> rules;
  if (reader.checkMap(reader.root(), "", {"rules"})) {
    readRules(reader, reader.root()["rules"], "rules", rules);
  }
  if (!reader.ok()) return reader.error();
  return rules;
}

core::Status validateConfig(const EmulatorConfig& config) {
  std::set<std::string> seen;
  for (std::size_t i = 0; i < config.tokens.size(); ++i) {
    const TokenConfig& token = config.tokens[i];
    if (config.roles.count(token.role) == 0) {
      return core::makeError(core::ErrorCode::kConfig,
                             indexPath("tokens", i) + ".role: unknown role '" + token.role + "'");
    }
    if (!seen.insert(token.token).second) {
      return core::makeError(core::ErrorCode::kConfig,
                             indexPath("tokens", i) + ".token: duplicate token");
    }
    if (!config.admin_token.empty() && token.token == config.admin_token) {
      return core::makeError(core::ErrorCode::kConfig,
                             "admin_token: must differ from every API token");
    }
  }
  for (std::size_t i = 0; i < config.users.size(); ++i) {
    if (config.roles.count(config.users[i].role) == 0) {
      return core::makeError(
          core::ErrorCode::kConfig,
          indexPath("users", i) + ".role: unknown role '" + config.users[i].role + "'");
    }
  }
  std::set<std::int64_t> rule_ids;
  for (const RuleConfig& rule : config.rules) {
    if (!rule_ids.insert(rule.id).second) {
      return core::makeError(core::ErrorCode::kConfig,
                             "rules: duplicate rule id " + std::to_string(rule.id));
    }
    if (rule.index != "sourceip" && rule.index != "destinationip" && rule.index != "username") {
      return core::makeError(core::ErrorCode::kConfig,
                             "rules: index must be sourceip, destinationip or username");
    }
  }
  return {};
}

}  // namespace aihunt::emulator

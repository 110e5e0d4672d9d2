#include "service/hunt_query.h"

#include <algorithm>
#include <set>

#include "aql/parser.h"
#include "aql/time_window.h"
#include "core/secret_scan.h"
#include "core/text.h"

namespace aihunt::service {
namespace {

using detection::Field;

// Columns every Ariel event has; a hunt's `fields` may still point them elsewhere.
struct StandardColumn {
  Field field;
  const char* property;
  aql::HuntColumn::Transform transform;
};

constexpr StandardColumn kStandardColumns[] = {
    {Field::kEventTime, "starttime", aql::HuntColumn::Transform::kNone},
    {Field::kSourceIp, "sourceip", aql::HuntColumn::Transform::kNone},
    {Field::kDestinationIp, "destinationip", aql::HuntColumn::Transform::kNone},
    {Field::kDestinationPort, "destinationport", aql::HuntColumn::Transform::kNone},
    {Field::kUsername, "username", aql::HuntColumn::Transform::kNone},
    {Field::kLogSource, "logsourceid", aql::HuntColumn::Transform::kLogSourceName},
    {Field::kEventCategory, "category", aql::HuntColumn::Transform::kCategoryName},
    // aihunt's own LEEF events are recognised by their log source type and never analysed.
    {Field::kLogSourceType, "devicetype", aql::HuntColumn::Transform::kLogSourceTypeName},
};

bool isHostField(Field field) {
  return field == Field::kUrl || field == Field::kDestHost || field == Field::kQueryName;
}
bool isTextField(Field field) {
  return field == Field::kCommandLine || field == Field::kScriptText;
}

// The longest run of a host pattern without '*': "*.openai.azure.com" -> ".openai.azure.com",
// "bedrock-runtime.*.amazonaws.com" -> "bedrock-runtime." (broad is fine: C++ decides).
std::string literalPart(const std::string& pattern) {
  std::string best;
  std::size_t start = 0;
  while (start <= pattern.size()) {
    const std::size_t star = pattern.find('*', start);
    const std::size_t end = star == std::string::npos ? pattern.size() : star;
    if (end - start > best.size()) best = pattern.substr(start, end - start);
    if (star == std::string::npos) break;
    start = star + 1;
  }
  return best;
}

std::vector<std::string> hostNeedles(const detection::DetectionSettings& settings) {
  std::set<std::string> needles;
  for (const auto& provider : settings.providers.providers()) {
    for (const auto& host : provider->hosts) needles.insert(literalPart(host));
  }
  return {needles.begin(), needles.end()};
}

// Vendor key prefixes ("sk-ant-", "aiza", "hf_"), so that a command line holding only a key
// reaches the detection. The bare "sk-" of OpenAI's older keys is left out: as a substring it is
// in "task-", "disk-" and "desk-", and would bring back most process events.
std::vector<std::string> keyNeedles() {
  std::vector<std::string> needles;
  for (const std::string_view prefix : core::apiKeyPrefixes()) {
    if (prefix != "sk-") needles.push_back(core::asciiLowered(prefix));
  }
  return needles;
}

std::vector<std::string> textNeedles(const detection::DetectionSettings& settings) {
  std::vector<std::string> needles = hostNeedles(settings);
  const std::vector<std::string> keys = keyNeedles();
  needles.insert(needles.end(), keys.begin(), keys.end());
  needles.insert(needles.end(), settings.cmdline.key_variables.begin(),
                 settings.cmdline.key_variables.end());
  needles.insert(needles.end(), settings.cmdline.sdk_packages.begin(),
                 settings.cmdline.sdk_packages.end());
  return needles;
}

// Installed SDK files: the package name as a path component ("@scope/pkg" -> "@scope").
std::vector<std::string> fileNeedles(const detection::DetectionSettings& settings) {
  std::set<std::string> needles;
  for (const auto& package : settings.cmdline.sdk_packages) {
    needles.insert(package.substr(0, package.find('/')));
  }
  return {needles.begin(), needles.end()};
}

}  // namespace

detection::FieldMapping logicalColumnMapping() {
  detection::FieldMapping mapping;
  for (std::size_t i = 0; i < detection::kFieldCount; ++i) {
    const auto field = static_cast<Field>(i);
    mapping.setColumn(field, std::string(detection::fieldName(field)));
  }
  return mapping;
}

void alsoReadLogicalNames(results::RowDecoder& decoder) {
  for (std::size_t i = 0; i < detection::kFieldCount; ++i) {
    const auto field = static_cast<Field>(i);
    decoder.alsoRead(std::string(detection::fieldName(field)), field);
  }
  decoder.alsoRead("starttime", Field::kEventTime);
}

core::Result<aql::HuntTemplate> huntTemplate(const config::HuntConfig& hunt,
                                             const detection::DetectionSettings& settings) {
  aql::HuntTemplate out;
  out.name = hunt.name;
  out.database = hunt.database == config::HuntDatabase::kFlows ? aql::Database::kFlows
                                                               : aql::Database::kEvents;
  out.extra_where = hunt.where;
  // The seed-style prefilters stay off: any_contains below replaces both.
  out.provider_hosts.clear();
  out.process_names.clear();

  std::set<Field> mapped;
  for (const auto& [field, property] : hunt.fields) {
    mapped.insert(field);
    out.columns.push_back(
        {std::string(detection::fieldName(field)), property, aql::HuntColumn::Transform::kNone});
    if (isHostField(field)) {
      out.any_contains.push_back({property, hostNeedles(settings)});
    } else if (isTextField(field)) {
      out.any_contains.push_back({property, textNeedles(settings)});
    } else if (field == Field::kTargetFile) {
      out.any_contains.push_back({property, fileNeedles(settings)});
    }
  }
  for (const auto& standard : kStandardColumns) {
    if (mapped.count(standard.field) != 0) continue;
    out.columns.push_back(
        {std::string(detection::fieldName(standard.field)), standard.property, standard.transform});
  }
  if (out.any_contains.empty()) {
    return core::makeError(core::ErrorCode::kConfig,
                           "hunt '" + hunt.name +
                               "' maps none of url, dest_host, query_name, command_line, "
                               "script_text or target_file: it has nothing to look for");
  }
  return out;
}

core::Result<aql::Query> huntQuery(const config::HuntConfig& hunt,
                                   const detection::DetectionSettings& settings, core::EpochMs from,
                                   core::EpochMs to, bool streamed) {
  if (!hunt.aql.empty()) {
    auto query = aql::parse(hunt.aql);
    if (!query) return query.error().withContext("hunt '" + hunt.name + "' aql");
    query->time = aql::minuteClause(from, to);
    return query;
  }
  auto built = huntTemplate(hunt, settings);
  if (!built) return built.error();
  built->order_by_time = !streamed;
  return aql::buildHuntQuery(*built, from, to);
}

core::Result<std::optional<aql::Query>> uploadQuery(const config::HuntConfig& hunt,
                                                    const detection::DetectionSettings& settings,
                                                    core::EpochMs from, core::EpochMs to) {
  if (!hunt.aggregate_uploads) return std::optional<aql::Query>();
  auto built = huntTemplate(hunt, settings);
  if (!built) return built.error();
  const auto property = [&](Field field, const char* standard) -> std::string {
    for (const auto& [mapped, name] : hunt.fields) {
      if (mapped == field) return name;
    }
    return standard;
  };
  aql::UploadAggregation upload;
  upload.bytes_property = property(Field::kBytesSent, "");
  for (const auto& [field, standard] :
       {std::pair{Field::kSourceIp, "sourceip"}, std::pair{Field::kUsername, "username"},
        std::pair{Field::kUrl, ""}, std::pair{Field::kApplication, ""},
        std::pair{Field::kImage, ""}, std::pair{Field::kUserAgent, ""}}) {
    std::string name = property(field, standard);
    if (name.empty()) continue;  // not mapped: the per-event hunt has no such column either
    upload.keys.push_back({std::string(detection::fieldName(field)), std::move(name),
                           aql::HuntColumn::Transform::kNone});
  }
  // The log source type, as the per-event hunt selects it (kStandardColumns), unless the hunt
  // maps it to a property of its own.
  const std::string type_property = property(Field::kLogSourceType, "");
  upload.log_source_type =
      type_property.empty()
          ? aql::HuntColumn{std::string(detection::fieldName(Field::kLogSourceType)), "devicetype",
                            aql::HuntColumn::Transform::kLogSourceTypeName}
          : aql::HuntColumn{std::string(detection::fieldName(Field::kLogSourceType)), type_property,
                            aql::HuntColumn::Transform::kNone};
  auto query = aql::buildUploadQuery(*built, upload, from, to);
  if (!query) return query.error().withContext("aggregate_uploads");
  return std::optional<aql::Query>(std::move(*query));
}

}  // namespace aihunt::service

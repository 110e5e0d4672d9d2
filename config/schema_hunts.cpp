// The `hunts:` section: what to ask QRadar, how often, and where each logical field lives.
#include <algorithm>
#include <map>

#include "config/schema.h"

#include "aql/parser.h"
#include "config/yaml_reader.h"
#include "core/text.h"

namespace aihunt::config {
namespace {

using std::chrono::milliseconds;
constexpr milliseconds kMinute{60'000};

bool isHuntName(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (const char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-' || c == '.';
    if (!ok) return false;
  }
  return true;
}

std::vector<std::string_view> allFieldNames() {
  std::vector<std::string_view> names;
  for (std::size_t i = 0; i < detection::kFieldCount; ++i) {
    names.push_back(detection::fieldName(static_cast<detection::Field>(i)));
  }
  return names;
}

std::vector<std::string_view> allSignalNames() {
  std::vector<std::string_view> names;
  for (int i = 0; i < detection::kSignalCount; ++i) {
    names.push_back(detection::signalName(static_cast<detection::Signal>(i)));
  }
  return names;
}

// Windows are whole minutes (docs/architecture.md, data flow): a schedule that is not would drift.
void wholeMinutes(MapReader& reader, std::string_view key, milliseconds& out, milliseconds min) {
  const YamlNode* node = reader.get(key);
  if (node == nullptr) return;
  auto value = readDuration(*node, reader.diagnostics(), min);
  if (!value) return;
  if (value->count() % kMinute.count() != 0) {
    reader.diagnostics().error(
        node->path, "must be whole minutes, found '" + core::printableExcerpt(node->scalar) + "'",
        node->mark);
    return;
  }
  out = *value;
}

void readSchedule(const YamlNode& node, HuntSchedule& schedule, Diagnostics& diagnostics) {
  MapReader reader(node, diagnostics);
  wholeMinutes(reader, "every", schedule.every, kMinute);
  wholeMinutes(reader, "overlap", schedule.overlap, milliseconds(0));
  wholeMinutes(reader, "delay", schedule.delay, milliseconds(0));
  reader.duration("splay", schedule.splay, milliseconds(0));
  wholeMinutes(reader, "catch_up_max", schedule.catch_up_max, kMinute);
  wholeMinutes(reader, "max_window", schedule.max_window, kMinute);
  if (const YamlNode* at = node.find("catch_up_max"); at != nullptr) {
    if (schedule.catch_up_max < schedule.every) {
      diagnostics.error(at->path, "must be at least the schedule's 'every'", at->mark);
    }
    return;
  }
  // The default, 24h, under an `every` as long left no whole window to hunt (a hunt of 25h never
  // ran, and said nothing), or no room for a turn that comes late (a gap each time: reviews).
  // Twice `every` leaves a whole window's room.
  schedule.catch_up_max = std::max(schedule.catch_up_max, 2 * schedule.every);
}

void readFields(const YamlNode& node, HuntConfig& hunt, Diagnostics& diagnostics) {
  if (!expectMap(node, diagnostics)) return;
  for (const auto& [name, value] : node.entries) {
    const auto field = detection::fieldFromName(name);
    if (!field) {
      diagnostics.error(value.path, "unknown logical field; " + suggestion(name, allFieldNames()),
                        value.key_mark);
      continue;
    }
    auto property = readString(value, diagnostics);
    if (!property) continue;
    if (!isSafePropertyName(*property)) {
      diagnostics.error(value.path,
                        "'" + core::printableExcerpt(*property) +
                            "' is not a safe property name (letters, digits, space, '_', '-', "
                            "'.', '(', ')'; at most 128)",
                        value.mark);
      continue;
    }
    hunt.fields.emplace_back(*field, *property);
    hunt.columns.setColumn(*field, *property);
  }
}

void readSignals(const YamlNode& node, HuntConfig& hunt, Diagnostics& diagnostics) {
  if (!expectList(node, diagnostics)) return;
  if (node.items.empty()) {
    diagnostics.error(node.path, "needs at least one signal", node.mark);
    return;
  }
  for (const auto& item : node.items) {
    auto name = readString(item, diagnostics);
    if (!name) continue;
    if (auto signal = detection::signalFromName(*name)) {
      hunt.signals.add(*signal);
    } else {
      diagnostics.error(item.path,
                        "'" + core::printableExcerpt(*name) + "' is not a signal; " +
                            suggestion(*name, allSignalNames()),
                        item.mark);
    }
  }
}

// The aggregated upload query is generated from `fields`: it needs the URL (for the provider),
// the bytes to sum, and large_upload among the hunt's signals.
void checkUploadAggregation(const YamlNode& node, const HuntConfig& hunt,
                            Diagnostics& diagnostics) {
  const std::string path = childPath(node.path, "aggregate_uploads");
  if (!hunt.aql.empty()) {
    diagnostics.error(path, "needs a generated query: not with `aql`");
    return;
  }
  for (const auto field : {detection::Field::kUrl, detection::Field::kBytesSent}) {
    const bool mapped = std::any_of(hunt.fields.begin(), hunt.fields.end(),
                                    [&](const auto& entry) { return entry.first == field; });
    if (!mapped) {
      diagnostics.error(path, "needs `fields." + std::string(detection::fieldName(field)) +
                                  "`: the aggregated query groups by the URL and sums the bytes");
    }
  }
  if (!hunt.signals.has(detection::Signal::kLargeUpload)) {
    diagnostics.error(path, "needs large_upload among the hunt's signals");
  }
}

HuntConfig readHunt(const YamlNode& node, Diagnostics& diagnostics) {
  HuntConfig hunt;
  for (int i = 0; i < detection::kSignalCount; ++i) {
    hunt.signals.add(static_cast<detection::Signal>(i));
  }
  MapReader reader(node, diagnostics);
  if (const YamlNode* name = reader.require("name")) {
    if (auto text = readString(*name, diagnostics)) {
      if (isHuntName(*text)) {
        hunt.name = *text;
      } else {
        diagnostics.error(name->path,
                          "'" + core::printableExcerpt(*text) +
                              "' is not a hunt name (1-64 letters, digits, '_', '-', '.')",
                          name->mark);
      }
    }
  }
  reader.boolean("enabled", hunt.enabled);
  if (const YamlNode* description = reader.get("description")) {
    if (auto text = readString(*description, diagnostics, /*allow_empty=*/true)) {
      hunt.description = *text;
    }
  }
  reader.choice<HuntDatabase>("database", hunt.database,
                              {{"events", HuntDatabase::kEvents}, {"flows", HuntDatabase::kFlows}});
  if (const YamlNode* schedule = reader.get("schedule")) {
    readSchedule(*schedule, hunt.schedule, diagnostics);
  }
  if (const YamlNode* fields = reader.get("fields")) readFields(*fields, hunt, diagnostics);
  if (const YamlNode* signals = reader.get("signals")) {
    hunt.signals = {};
    readSignals(*signals, hunt, diagnostics);
  }
  if (const YamlNode* aql = reader.get("aql")) {
    if (auto text = readString(*aql, diagnostics)) {
      if (text->size() > 64 * 1024) {
        diagnostics.error(aql->path, "AQL templates are limited to 64 KiB", aql->mark);
      } else if (auto parsed = aql::parse(*text); !parsed) {
        diagnostics.error(aql->path, "not valid AQL: " + parsed.error().message, aql->mark);
      } else {
        hunt.aql = *text;
      }
    }
  }
  if (const YamlNode* where = reader.get("where")) {
    if (auto text = readString(*where, diagnostics)) {
      if (text->size() > 16 * 1024) {
        diagnostics.error(where->path, "conditions are limited to 16 KiB", where->mark);
      } else if (auto parsed = aql::parseExpression(*text); !parsed) {
        diagnostics.error(where->path, "not a valid AQL condition: " + parsed.error().message,
                          where->mark);
      } else {
        hunt.where = *text;
      }
    }
  }
  reader.boolean("aggregate_uploads", hunt.aggregate_uploads);
  if (hunt.aggregate_uploads) checkUploadAggregation(node, hunt, diagnostics);
  if (!hunt.aql.empty() && !hunt.where.empty()) {
    diagnostics.error(childPath(node.path, "where"),
                      "give either `aql` (a whole query) or `where` (a condition), not both");
  }
  return hunt;
}

}  // namespace

bool isSafePropertyName(std::string_view name) {
  if (name.empty() || name.size() > 128 || name.front() == ' ' || name.back() == ' ') return false;
  for (const char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == ' ' || c == '_' || c == '-' || c == '.' || c == '(' || c == ')';
    if (!ok) return false;
  }
  return true;
}

std::vector<HuntConfig> readHuntsSection(const YamlNode& node, Diagnostics& diagnostics) {
  std::vector<HuntConfig> hunts;
  if (node.isNull()) return hunts;
  if (!expectList(node, diagnostics)) return hunts;
  std::map<std::string, std::string, std::less<>> seen;  // name -> path of its first use
  for (const auto& item : node.items) {
    HuntConfig hunt = readHunt(item, diagnostics);
    if (!hunt.name.empty()) {
      const auto [it, inserted] = seen.emplace(hunt.name, item.path);
      if (!inserted) {
        const YamlNode* name = item.find("name");
        diagnostics.error(name->path,
                          "hunt name '" + hunt.name + "' is already used by " + it->second,
                          name->mark);
      }
    }
    hunts.push_back(std::move(hunt));
  }
  return hunts;
}

}  // namespace aihunt::config

#include "service/reference_set_sink.h"

#include <optional>
#include <unordered_set>
#include <utility>

#include <nlohmann/json.hpp>

#include "core/display_text.h"
#include "core/ip_literal.h"
#include "core/text.h"

namespace aihunt::service {
namespace {

constexpr std::size_t kMaxTextValue = 255;

std::optional<detection::Severity> severityOf(const nlohmann::json& finding) {
  const auto it = finding.find("severity");
  if (it == finding.end() || !it->is_string()) return std::nullopt;
  const auto& text = it->get_ref<const std::string&>();
  for (const auto severity : {detection::Severity::kLow, detection::Severity::kMedium,
                              detection::Severity::kHigh, detection::Severity::kCritical}) {
    if (core::iequals(text, detection::severityName(severity))) return severity;
  }
  return std::nullopt;
}

}  // namespace

bool isReferenceSetValue(std::string_view element_type, std::string_view value) {
  if (value.empty()) return false;
  if (element_type == "IP") {
    return core::isIpLiteral(value);
  }
  if (value.size() > kMaxTextValue) return false;
  // What the display sanitiser would hide (C0 and C1 controls, bidi overrides, zero-width
  // characters) or could not decode is refused: a set's values are shown in QRadar's console and
  // matched by rules, where a value that reads differently from what it is does harm.
  for (std::size_t at = 0; at < value.size();) {
    const core::Utf8Char one = core::decodeUtf8At(value, at);
    if (one.length == 0 || core::isHiddenOrControl(one.code)) return false;
    at += one.length;
  }
  return true;
}

GroupedValues groupReferenceSetValues(const std::vector<config::ReferenceSetTarget>& sets,
                                      const std::vector<state::OutboxRow>& rows) {
  GroupedValues grouped;
  std::vector<std::unordered_set<std::string>> seen(sets.size());
  for (const auto& set : sets) grouped.sets.push_back({&set, {}, 0});
  for (const auto& row : rows) {
    const nlohmann::json finding = nlohmann::json::parse(row.payload, nullptr, false);
    if (!finding.is_object()) {
      ++grouped.unreadable;
      continue;
    }
    // An exception said this finding is fine: it names no one to watch.
    if (const auto it = finding.find("suppressed");
        it != finding.end() && it->is_boolean() && it->get<bool>()) {
      ++grouped.in_no_set;
      continue;
    }
    const auto severity = severityOf(finding);
    if (!severity) {
      ++grouped.unreadable;
      continue;
    }
    bool in_a_set = false;
    for (std::size_t i = 0; i < sets.size(); ++i) {
      const config::ReferenceSetTarget& set = sets[i];
      if (*severity < set.min_severity) continue;
      const auto it = finding.find(std::string(config::referenceSetFieldName(set.field)));
      if (it == finding.end() || !it->is_string()) continue;
      const auto& value = it->get_ref<const std::string&>();
      if (value.empty()) continue;
      const std::string_view type = config::referenceSetElementType(set.field);
      if (!isReferenceSetValue(type, value)) {
        ++grouped.sets[i].invalid;
        continue;
      }
      in_a_set = true;
      // ALNIC compares without case, as QRadar does.
      const std::string key = type == "ALNIC" ? core::asciiLowered(value) : value;
      if (seen[i].insert(key).second) grouped.sets[i].values.push_back(value);
    }
    if (!in_a_set) ++grouped.in_no_set;
  }
  return grouped;
}

ReferenceSetSink::ReferenceSetSink(ReferenceSetSinkOptions options, QRadarConnector connect,
                                   std::shared_ptr<spdlog::logger> logger)
    : options_(std::move(options)), connect_(std::move(connect)), logger_(std::move(logger)) {
  if (options_.metrics != nullptr) {
    options_.metrics->declare("aihunt_reference_set_values_total", core::MetricType::kCounter,
                              "Finding values sent to each QRadar reference set (added) or skipped "
                              "because the set's element type refuses them (invalid)",
                              {"set", "result"});
  }
}

core::Result<state::SinkProgress> ReferenceSetSink::mark() {
  state::SinkProgress progress;
  progress.sink = name_;
  progress.target = "qradar reference sets";
  return progress;
}

std::string ReferenceSetSink::rollbackDetail(const state::SinkProgress& /*progress*/) const {
  return "nothing to undo in the reference sets (a value added again is only refreshed)";
}

core::Status ReferenceSetSink::rollback(const state::SinkProgress& /*progress*/) {
  // Nothing to undo: the batch is added again, and a value added twice is only refreshed.
  return {};
}

core::Status ReferenceSetSink::ensureSet(qradar::ReferenceDataClient& client,
                                         const config::ReferenceSetTarget& set) {
  const std::string_view type = config::referenceSetElementType(set.field);
  auto found = client.find(set.name);
  if (!found) return found.error();
  if (*found) {
    if (!core::iequals((*found)->element_type, type)) {
      return core::makeError(
          core::ErrorCode::kConfig,
          "holds " +
              ((*found)->element_type.empty()
                   ? std::string("values of a type the console does not name")
                   : core::printableExcerpt((*found)->element_type, 40) + " values") +
              ", but " + std::string(config::referenceSetFieldName(set.field)) + " needs " +
              std::string(type) + " (see aihunt check)");
    }
    return {};
  }
  logger_->info("reference set '{}' does not exist: creating it ({}, time to live {} s)", set.name,
                type, set.time_to_live.count() / 1000);
  return client.create(set.name, set.time_to_live, type);
}

core::Status ReferenceSetSink::deliverGroups(const GroupedValues& grouped) {
  if (!connection_) {
    auto opened = connect_();
    if (!opened) return opened.error();
    connection_ = std::move(*opened);
    ready_.clear();
  }
  qradar::ReferenceDataClient client(*connection_->api, options_.reference);
  // Every set is checked (made when missing) before any takes a value: a set with the wrong
  // element type then holds the batch back whole, rather than after other sets took their part.
  for (const auto& group : grouped.sets) {
    const config::ReferenceSetTarget& set = *group.set;
    if (group.values.empty() || ready_.count(set.name) != 0) continue;
    if (auto ready = ensureSet(client, set); !ready) {
      return ready.error().withContext("reference set '" + set.name + "'");
    }
    ready_.insert(set.name);
  }
  for (const auto& group : grouped.sets) {
    const config::ReferenceSetTarget& set = *group.set;
    if (group.values.empty()) continue;
    if (auto added = client.addValues(set.name, group.values, options_.source); !added) {
      return added.error().withContext("adding " + core::counted(group.values.size(), "value") +
                                       " to reference set '" + set.name + "'");
    }
    logger_->debug("reference set '{}': {} values added", set.name, group.values.size());
    if (options_.metrics != nullptr) {
      options_.metrics->add("aihunt_reference_set_values_total", {set.name, "added"},
                            static_cast<double>(group.values.size()));
    }
  }
  return {};
}

core::Status ReferenceSetSink::deliver(const std::vector<state::OutboxRow>& rows) {
  const GroupedValues grouped = groupReferenceSetValues(options_.sets, rows);
  if (grouped.unreadable > 0) {
    logger_->warn("reference sets: {} outbox rows are not findings with a severity; skipped",
                  grouped.unreadable);
  }
  bool any = false;
  for (const auto& group : grouped.sets) {
    if (group.invalid > 0) {
      const bool ip = config::referenceSetElementType(group.set->field) == "IP";
      logger_->warn(
          "reference set '{}': {} left out: {} (counted in "
          "aihunt_reference_set_values_total{{result=\"invalid\"}}; the findings are delivered "
          "to the other destinations as they are)",
          group.set->name, core::counted(group.invalid, "value"),
          ip ? "not an IP address (the set's element type is IP)"
             : "control or invisible characters, invalid UTF-8, or more than 255 bytes (a value "
               "that would read differently in QRadar's console than it is)");
      if (options_.metrics != nullptr) {
        options_.metrics->add("aihunt_reference_set_values_total", {group.set->name, "invalid"},
                              static_cast<double>(group.invalid));
      }
    }
    any = any || !group.values.empty();
  }
  if (any) {
    if (auto delivered = deliverGroups(grouped); !delivered) {
      // The next attempt starts afresh: a new connection, the sets looked up again (one may
      // have been deleted meanwhile).
      connection_.reset();
      ready_.clear();
      return delivered;
    }
  }
  in_no_set_ += grouped.in_no_set;
  return {};
}

std::string ReferenceSetSink::deliveredDetail() const {
  if (in_no_set_ == 0) return {};
  return std::to_string(in_no_set_) +
         " in no set: suppressed, below each set's min_severity, or with no value a set takes";
}

}  // namespace aihunt::service

#include "emulator/rule_engine.h"

#include <algorithm>

#include "core/text.h"

namespace aihunt::emulator {

std::string fieldText(const FieldList& fields, std::string_view name) {
  for (const auto& [key, value] : fields) {
    if (!core::iequals(key, name)) continue;
    if (value.isNull()) return "";
    return value.kind() == aql::Value::Kind::kString ? value.asString() : value.toString();
  }
  return "";
}

RuleEngine::RuleEngine(std::vector<RuleConfig> rules, OffenseStore& offenses,
                       const EmulatorClock& clock)
    : rules_(std::move(rules)), offenses_(offenses), clock_(clock) {}

std::size_t RuleEngine::onEvent(const FieldList& fields, const EventOrigin& origin) {
  const std::string event_id = fieldText(fields, "EventID");
  if (event_id.empty()) return 0;
  std::size_t fired = 0;
  for (const RuleConfig& rule : rules_) {
    if (!rule.enabled) continue;
    if (std::find(rule.event_ids.begin(), rule.event_ids.end(), event_id) == rule.event_ids.end()) {
      continue;
    }
    if (rule.mapped_only && !origin.mapped) continue;
    if (!rule.log_source_types.empty() &&
        std::none_of(
            rule.log_source_types.begin(), rule.log_source_types.end(),
            [&](const std::string& type) { return core::iequals(type, origin.log_source_type); })) {
      continue;
    }
    RuleHit hit;
    hit.rule_id = rule.id;
    hit.index_field = rule.index;
    hit.index_value = fieldText(fields, rule.index);
    if (hit.index_value.empty()) continue;  // a null index field creates no offense
    // A rule that dispatches no event of its own leaves the offense named after the event that
    // opened it (IBM support, "QRadar: Troubleshooting incorrect offense name issues":
    // "Offense descriptions show up with the event name ... instead of the custom naming
    // configured in the triggered custom rule" when no CRE event was dispatched,
    // https://www.ibm.com/support/pages/node/6485473).
    hit.description = rule.description.empty() ? origin.event_name : rule.description;
    hit.rule_names_offense = !rule.description.empty();
    hit.magnitude = rule.magnitude;
    hit.severity = rule.severity;
    hit.credibility = rule.credibility;
    hit.relevance = rule.relevance;
    hit.categories = rule.categories;
    hit.log_source_id = origin.log_source_id;
    hit.log_source_name = origin.log_source_name;
    hit.source_ip = fieldText(fields, "sourceip");
    hit.destination_ip = fieldText(fields, "destinationip");
    hit.username = fieldText(fields, "username");
    hit.event_time = origin.event_time;
    offenses_.recordHit(hit, clock_.nowMs());
    ++fired;
  }
  return fired;
}

}  // namespace aihunt::emulator

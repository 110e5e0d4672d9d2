#pragma once
// The custom-rule table: "when an event's EventID (LEEF EventID) is one of ..., ensure the
// event is part of an offense indexed on <field>". Each matching event with a non-null index
// value goes to the OffenseStore, which keeps one open offense per index value.
#include <vector>

#include "emulator/emulator_clock.h"
#include "emulator/emulator_config.h"
#include "emulator/event_store.h"
#include "emulator/offense_store.h"

namespace aihunt::emulator {

struct EventOrigin {
  std::int64_t log_source_id = 0;
  std::string log_source_name;
  core::EpochMs event_time = 0;
  // The event's name: the QID record its log source type maps its EventID and category to, or
  // "Unknown" when none does (IBM: "Until you map an event, all events ... are categorized as
  // unknown ... the Event Name column and Low Level Category columns display Unknown",
  // https://ibm.com/docs/en/dsm?topic=kona-creating-event-map-akamai-events).
  std::string event_name = "Unknown";
  bool mapped = false;          // a DSM mapping named it (it has a QID)
  std::string log_source_type;  // its log source's type's name; empty when none
};

class RuleEngine {
 public:
  RuleEngine(std::vector<RuleConfig> rules, OffenseStore& offenses, const EmulatorClock& clock);
  // Returns how many rules fired.
  std::size_t onEvent(const FieldList& fields, const EventOrigin& origin);

 private:
  std::vector<RuleConfig> rules_;
  OffenseStore& offenses_;
  const EmulatorClock& clock_;
};

// The field's value as text ("" when absent or null), matched ASCII case-insensitively.
std::string fieldText(const FieldList& fields, std::string_view name);

}  // namespace aihunt::emulator

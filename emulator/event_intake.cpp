#include "emulator/event_intake.h"

#include <charconv>
#include <nlohmann/json.hpp>

#include "core/text.h"

namespace aihunt::emulator {
namespace {

std::optional<std::int64_t> parseInteger(std::string_view text) {
  text = core::trim(text);
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

struct KeyMapping {
  std::string_view leef;
  std::string_view qradar;
  bool numeric;
};

constexpr KeyMapping kMappings[] = {
    {"src", "sourceip", false},          {"dst", "destinationip", false},
    {"srcPort", "sourceport", true},     {"dstPort", "destinationport", true},
    {"usrName", "username", false},      {"url", "URL", false},
    {"srcBytes", "Bytes Sent", true},    {"dstBytes", "Bytes Received", true},
    {"sev", "severity", true},           {"proto", "protocol", false},
    {"identHostName", "Hostname", false}};

aql::Value jsonToValue(const nlohmann::json& value) {
  if (value.is_null()) return aql::Value::null();
  if (value.is_boolean()) return aql::Value::boolean(value.get<bool>());
  if (value.is_number_integer()) return aql::Value::integer(value.get<std::int64_t>());
  if (value.is_number()) return aql::Value::real(value.get<double>());
  if (value.is_string()) return aql::Value::string(value.get<std::string>());
  return aql::Value::string(value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

}  // namespace

FieldList leefToFields(const LeefEvent& leef, const SyslogMessage& syslog, core::EpochMs received) {
  FieldList fields;
  core::EpochMs device_time = syslog.time.value_or(received);
  for (const auto& [key, value] : leef.attributes) {
    if (key == "devTime") {
      // Epoch milliseconds (13 digits), as aihunt sends it; other forms need devTimeFormat,
      // which the emulator does not read: the header's time stands then.
      if (const auto ms = parseInteger(value); ms && value.size() >= 12) device_time = *ms;
      fields.emplace_back("devTime", aql::Value::string(value));
      continue;
    }
    const KeyMapping* mapping = nullptr;
    for (const KeyMapping& m : kMappings) {
      if (m.leef == key) mapping = &m;
    }
    if (mapping == nullptr) {
      fields.emplace_back(key, aql::Value::string(value));
      continue;
    }
    const auto number = mapping->numeric ? parseInteger(value) : std::nullopt;
    fields.emplace_back(std::string(mapping->qradar),
                        number ? aql::Value::integer(*number) : aql::Value::string(value));
  }
  fields.emplace_back("starttime", aql::Value::integer(received));
  fields.emplace_back("devicetime", aql::Value::integer(device_time));
  fields.emplace_back("EventID", aql::Value::string(leef.event_id));
  fields.emplace_back("LEEF Vendor", aql::Value::string(leef.vendor));
  fields.emplace_back("LEEF Product", aql::Value::string(leef.product));
  fields.emplace_back("LEEF Version", aql::Value::string(leef.version));
  return fields;
}

EventIntake::EventIntake(EventStore& events, RuleEngine& rules,
                         const ClassificationStore& classification, const EmulatorClock& clock)
    : events_(events), rules_(rules), classification_(classification), clock_(clock) {}

EventIntake::LogSource EventIntake::logSourceFor(const std::string& host) {
  if (auto configured = classification_.logSourceFor(host)) {
    return {configured->id, std::move(configured->name), configured->type_id,
            std::move(configured->type_name)};
  }
  std::lock_guard lock(mutex_);
  auto [it, inserted] =
      log_sources_.try_emplace(host, 1000 + static_cast<std::int64_t>(log_sources_.size()));
  return {it->second, "LEEF @ " + host, std::nullopt, {}};
}

void EventIntake::onSyslogFrame(std::string_view frame, const std::string& peer) {
  ++counters_.frames;
  const SyslogMessage syslog = parseSyslog(frame);
  const std::string host = syslog.hostname.empty() ? peer : syslog.hostname;
  const LogSource source = logSourceFor(host);
  const core::EpochMs now = clock_.nowMs();
  FieldList fields;
  EventOrigin origin;
  origin.log_source_id = source.id;
  origin.log_source_name = source.name;
  origin.event_time = now;
  origin.log_source_type = source.type_name;
  if (core::istartsWith(syslog.message, "LEEF:")) {
    auto leef = parseLeef(syslog.message);
    if (leef.ok()) {
      fields = leefToFields(*leef, syslog, now);
      ++counters_.leef_events;
      if (source.type_id) {
        std::string_view category;
        for (const auto& [key, value] : leef->attributes) {
          if (key == "cat") category = value;
        }
        if (auto qid = classification_.qidFor(*source.type_id, leef->event_id, category)) {
          // The event's QID, as QIDNAME(qid) reads it back (docs/qradar-setup.md's check).
          fields.emplace_back("qid", aql::Value::integer(qid->qid));
          origin.event_name = std::move(qid->name);
          origin.mapped = true;
        }
      }
    } else {
      ++counters_.leef_errors;
    }
  }
  if (fields.empty()) {
    ++counters_.other_events;
    fields.emplace_back("starttime", aql::Value::integer(now));
    fields.emplace_back("devicetime", aql::Value::integer(syslog.time.value_or(now)));
  }
  fields.emplace_back("logsourceid", aql::Value::integer(source.id));
  if (source.type_id) fields.emplace_back("devicetype", aql::Value::integer(*source.type_id));
  fields.emplace_back("logsourceidentifier", aql::Value::string(host));
  fields.emplace_back("payload", aql::Value::string(std::string(frame)));
  // Stored first: an event the store refuses must not make an offense either.
  auto stored = events_.addFields(fields);
  if (!stored.ok()) {
    noteDropped(stored.error());
    return;
  }
  counters_.rule_hits += rules_.onEvent(fields, origin);
}

void EventIntake::noteDropped(const core::Error& error) {
  const std::uint64_t dropped = ++counters_.dropped_store_full;
  // The first drop and then every power of ten: a sender that keeps sending cannot flood the log.
  bool power_of_ten = true;
  for (std::uint64_t n = dropped; n > 1 && power_of_ten; n /= 10) power_of_ten = n % 10 == 0;
  if (logger_ && power_of_ten) {
    logger_->warn("syslog event dropped ({} so far): {}", dropped, error.message);
  }
}

core::Status EventIntake::onJsonEvent(std::string_view line) {
  const nlohmann::json object = nlohmann::json::parse(line, nullptr, false);
  if (object.is_discarded() || !object.is_object()) {
    return core::makeError(core::ErrorCode::kParse, "expected one JSON object per line");
  }
  FieldList fields;
  bool has_start = false;
  for (const auto& [key, value] : object.items()) {
    fields.emplace_back(key, jsonToValue(value));
    has_start = has_start || key == "starttime";
  }
  if (!has_start) fields.emplace_back("starttime", aql::Value::integer(clock_.nowMs()));
  EventOrigin origin;
  origin.event_time = clock_.nowMs();
  for (const auto& [name, value] : fields) {
    if (name == "starttime" && value.kind() == aql::Value::Kind::kInt) {
      origin.event_time = value.asInt();
    }
    if (name == "logsourceid" && value.kind() == aql::Value::Kind::kInt) {
      origin.log_source_id = value.asInt();
      origin.log_source_name = "log source " + std::to_string(value.asInt());
    }
  }
  auto stored = events_.addFields(fields);
  if (!stored.ok()) return stored;
  counters_.rule_hits += rules_.onEvent(fields, origin);
  return {};
}

}  // namespace aihunt::emulator

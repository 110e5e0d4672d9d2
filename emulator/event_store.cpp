#include "emulator/event_store.h"

#include <algorithm>
#include <istream>

namespace aihunt::emulator {
namespace {

// Properties Ariel indexes by default (the normalized event fields).
bool isIndexed(std::string_view name) {
  static constexpr std::string_view kIndexed[] = {
      "starttime", "sourceip",    "destinationip", "destinationport", "sourceport", "username",
      "category",  "logsourceid", "qid",           "devicetype",      "protocolid", "magnitude"};
  return std::find(std::begin(kIndexed), std::end(kIndexed), name) != std::end(kIndexed);
}

std::string typeOf(const aql::Value& value) {
  switch (value.kind()) {
    case aql::Value::Kind::kBool:
      return "BOOLEAN";
    case aql::Value::Kind::kInt:
    case aql::Value::Kind::kDouble:
      return "NUMERIC";
    case aql::Value::Kind::kString:
      return "STRING";
    case aql::Value::Kind::kNull:
      break;
  }
  return "";
}

}  // namespace

EventStore::EventStore(std::size_t max_events) : max_events_(max_events) {
  // The fields every event has, in Ariel's catalog order, even before any event arrives.
  for (const char* name : {"starttime", "sourceip", "destinationip", "destinationport",
                           "sourceport", "username", "category", "logsourceid", "qid"}) {
    schema_.intern(name);
    types_.emplace_back(
        std::string_view(name) == "sourceip" || std::string_view(name) == "destinationip" ? "IP"
        : std::string_view(name) == "username"                                            ? "STRING"
                                               : "NUMERIC");
  }
}

void EventStore::noteTypesLocked(const aql::Event& event) {
  if (types_.size() < schema_.size()) types_.resize(schema_.size());
  for (std::size_t i = 0; i < event.values.size() && i < types_.size(); ++i) {
    if (types_[i].empty()) types_[i] = typeOf(event.values[i]);
  }
}

void EventStore::appendLocked(aql::Event&& event) {
  noteTypesLocked(event);
  const std::size_t slot = count_ % kEventChunkSize;
  if (slot == 0) chunks_.push_back(std::make_shared<EventChunk>());
  chunks_.back()->events[slot] = std::move(event);
  ++count_;
}

core::Status EventStore::fullError() const {
  return core::makeError(core::ErrorCode::kLimitExceeded,
                         "the event store is full: it holds " + std::to_string(max_events_) +
                             " events (--max-events, config max_events)");
}

core::Status EventStore::addJson(std::string_view line) {
  std::lock_guard lock(mutex_);
  if (count_ >= max_events_) return fullError();
  auto event = aql::parseEventJson(line, schema_);
  if (!event.ok()) return event.error();
  appendLocked(std::move(*event));
  return {};
}

core::Result<std::size_t> EventStore::addJsonl(std::istream& in) {
  std::lock_guard lock(mutex_);
  std::size_t added = 0;
  auto read = aql::readEventsJsonl(in, schema_, [this, &added](aql::Event&& event) {
    if (count_ >= max_events_) return fullError();
    appendLocked(std::move(event));
    ++added;
    return core::Status{};
  });
  if (!read.ok()) return read.error();
  return added;
}

core::Status EventStore::addFields(const FieldList& fields) {
  std::lock_guard lock(mutex_);
  if (count_ >= max_events_) return fullError();
  aql::Event event;
  for (const auto& [name, value] : fields) event.set(schema_.intern(name), value);
  appendLocked(std::move(event));
  return {};
}

EventSnapshot EventStore::snapshot() const {
  std::lock_guard lock(mutex_);
  EventSnapshot snap;
  snap.chunks.assign(chunks_.begin(), chunks_.end());
  snap.count = count_;
  snap.schema = schema_;
  return snap;
}

aql::Schema EventStore::schema() const {
  std::lock_guard lock(mutex_);
  return schema_;
}

std::size_t EventStore::size() const {
  std::lock_guard lock(mutex_);
  return count_;
}

std::vector<ColumnInfo> EventStore::columns() const {
  std::lock_guard lock(mutex_);
  std::vector<ColumnInfo> out;
  for (std::size_t i = 0; i < schema_.size(); ++i) {
    const std::string& name = schema_.name(static_cast<aql::FieldId>(i));
    const std::string type = i < types_.size() && !types_[i].empty() ? types_[i] : "STRING";
    out.push_back(ColumnInfo{name, type, isIndexed(name)});
  }
  return out;
}

}  // namespace aihunt::emulator

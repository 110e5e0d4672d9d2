#pragma once
// The events Ariel holds: append-only, in fixed-size chunks, so that searches read a snapshot
// without locks while syslog intake and the admin endpoint keep appending. Field names are
// interned into one Schema (guarded here); a search copies the schema when it starts.
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "aql/event.h"
#include "aql/value.h"
#include "core/result.h"

namespace aihunt::emulator {

inline constexpr std::size_t kEventChunkSize = 16384;

struct EventChunk {
  std::unique_ptr<aql::Event[]> events{new aql::Event[kEventChunkSize]};
};

// What a search reads: the first `count` events across `chunks`, frozen at snapshot time.
struct EventSnapshot {
  std::vector<std::shared_ptr<const EventChunk>> chunks;
  std::size_t count = 0;
  aql::Schema schema;

  template <typename Visit>
  bool forEach(Visit visit) const;  // stops when visit returns false; returns false then
};

// One column of GET /api/ariel/databases/events.
struct ColumnInfo {
  std::string name;
  std::string argument_type;  // NUMERIC, STRING, BOOLEAN, ...
  bool indexable = false;
};

using FieldList = std::vector<std::pair<std::string, aql::Value>>;

// Holds at most `max_events` events: an emulator fed forever (a load run, a noisy syslog
// sender) refuses more with kLimitExceeded instead of growing until the machine runs out of
// memory.
class EventStore {
 public:
  explicit EventStore(std::size_t max_events = kDefaultMaxEvents);
  static constexpr std::size_t kDefaultMaxEvents = 5'000'000;

  // Appends one JSON object (a JSONL line).
  core::Status addJson(std::string_view line);
  // Appends a JSONL document; returns how many events were added. Stops at the first bad line,
  // and when the store is full (then nothing more is read).
  core::Result<std::size_t> addJsonl(std::istream& in);
  core::Status addFields(const FieldList& fields);

  [[nodiscard]] EventSnapshot snapshot() const;
  [[nodiscard]] aql::Schema schema() const;
  [[nodiscard]] std::size_t size() const;
  [[nodiscard]] std::size_t capacity() const { return max_events_; }
  [[nodiscard]] std::vector<ColumnInfo> columns() const;

 private:
  void appendLocked(aql::Event&& event);
  void noteTypesLocked(const aql::Event& event);
  [[nodiscard]] core::Status fullError() const;

  const std::size_t max_events_;

  mutable std::mutex mutex_;
  aql::Schema schema_;
  std::vector<std::string> types_;  // by FieldId
  std::vector<std::shared_ptr<EventChunk>> chunks_;
  std::size_t count_ = 0;
};

template <typename Visit>
bool EventSnapshot::forEach(Visit visit) const {
  std::size_t left = count;
  for (const auto& chunk : chunks) {
    const std::size_t n = std::min(left, kEventChunkSize);
    for (std::size_t i = 0; i < n; ++i) {
      if (!visit(chunk->events[i])) return false;
    }
    left -= n;
    if (left == 0) break;
  }
  return true;
}

}  // namespace aihunt::emulator

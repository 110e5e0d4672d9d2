#pragma once
// Raw QRadar events (one JSON object per line) into aql::Events, fast: only the properties a
// compiled query reads are materialised, and each line's keys are matched against the previous
// line's (exported events share their key order), so a property is found by its position rather
// than by hashing its name. Flat objects take the flat-row scanner (results/flat_row.h); any line
// it declines (nesting, \u escapes, a repeated property, ...) goes to aql's full parser, which
// has the last word, error or not. event_decoder_fuzz checks that the two agree.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "aql/event.h"
#include "core/result.h"
#include "core/string_map.h"
#include "results/flat_row.h"

namespace aihunt::results {

class EventDecoder {
 public:
  // `schema` holds the fields to keep; it is only read, so decoders on several threads may share
  // it (and it must outlive them).
  explicit EventDecoder(const aql::Schema& schema);

  // Decodes `line` into the decoder's event (valid until the next call). Fields the line lacks
  // are null.
  core::Result<const aql::Event*> decode(std::string_view line);

  // Lines the full parser decoded (or rejected) because the scanner declined them.
  [[nodiscard]] std::uint64_t fallbacks() const { return fallbacks_; }

 private:
  struct Slot {
    std::string key;  // the key seen at this position last time
    int field = -1;   // its FieldId, or -1 when the query does not read it
  };
  bool scanFlat(std::string_view line);
  int fieldOf(std::size_t position, const FlatMember& member);
  bool setValue(aql::FieldId field, const FlatMember& member);

  // Keys met so far and their fields (-1: unread). Bounded: a file of ever new keys (one per
  // line) must not grow it without end.
  static constexpr std::size_t kMaxKnownKeys = 4096;
  core::StringMap<int> known_keys_;

  const aql::Schema& schema_;
  FlatRowScanner scanner_;
  aql::Event event_;
  std::vector<Slot> slots_;
  std::vector<std::uint64_t> seen_in_row_;  // per field: the row that last set it
  std::vector<aql::FieldId> set_now_;       // fields this row set
  std::vector<aql::FieldId> set_before_;    // fields the previous row set
  std::uint64_t row_ = 0;
  std::uint64_t fallbacks_ = 0;
};

}  // namespace aihunt::results

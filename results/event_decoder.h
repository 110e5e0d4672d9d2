#pragma once
// Raw QRadar events (one JSON object per line) into aql::Events, fast: only the properties a
// compiled query reads are materialised, and each key is first compared with the key that
// followed the previous key last time (each telemetry family writes its keys in one order, and
// families interleave in a file), so a property is found without hashing its name. Flat objects
// take the flat-row scanner (results/flat_row.h); any line it declines (nesting, \u escapes, a
// repeated property, ...) goes to aql's full parser, which has the last word, error or not.
// event_decoder_fuzz checks that the two agree.
#include <array>
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
  // Lines read with U+FFFD in place of text that is not valid UTF-8 (aql::Event::repaired).
  [[nodiscard]] std::uint64_t repaired() const { return repaired_; }

 private:
  struct Key {
    std::string name;
    int field = -1;  // its FieldId, or -1 when the query does not read it
    int next = -1;   // the key that followed it last time (an index into keys_), or -1
    // Other keys that have followed it (families share a first few keys, then part ways):
    // looked at before the map when `next` was wrong.
    std::array<int, 4> others{-1, -1, -1, -1};
    std::size_t replace = 0;  // the entry of `others` a new successor takes
  };
  bool scanFlat(std::string_view line);
  // The index of the member's key in keys_ (-1: past the bound), learning what follows what.
  int keyOf(const FlatMember& member);
  bool setValue(aql::FieldId field, const FlatMember& member);

  // Keys met so far (by name: their index in keys_). Bounded: a file of ever new keys (one per
  // line) must not grow it without end.
  static constexpr std::size_t kMaxKnownKeys = 4096;
  core::StringMap<int> known_keys_;
  std::vector<Key> keys_;
  static constexpr int kLineStart = -2;
  int first_key_ = -1;         // the first key of the previous line
  int previous_ = kLineStart;  // the key before the member being read (-1: one past the bound)
  [[nodiscard]] int predicted() const;

  const aql::Schema& schema_;
  FlatRowScanner scanner_;
  aql::Event event_;
  std::vector<std::uint64_t> seen_in_row_;  // per field: the row that last set it
  std::vector<aql::FieldId> set_now_;       // fields this row set
  std::vector<aql::FieldId> set_before_;    // fields the previous row set
  std::uint64_t row_ = 0;
  std::uint64_t fallbacks_ = 0;
  std::uint64_t repaired_ = 0;
};

}  // namespace aihunt::results

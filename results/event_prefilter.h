#pragma once
// Most lines of an export cannot match an offline hunt: they fall outside its window or lack the
// text its WHERE demands (aql::EventFilter::TextDemand: "URL" must contain one of the provider
// hosts). The prefilter settles such lines without decoding them into an event: simdjson
// validates the line (so a bad line is still an error, never skipped) and reads only its start
// time and the demanded properties. What it cannot settle goes to the event decoder, which has
// the last word: a line simdjson refuses (the full parser then decides, as it would have), a
// property given twice or in two spellings, a value that is not text, and every line that may
// match. event_decoder_fuzz checks that a settled line decodes and does not match.
#include <cstddef>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "aql/evaluator.h"
#include "core/time.h"

namespace aihunt::results {

class EventPrefilter {
 public:
  EventPrefilter(aql::TimeRange range, std::vector<aql::EventFilter::TextDemand> demands);
  EventPrefilter(EventPrefilter&&) noexcept;
  EventPrefilter& operator=(EventPrefilter&&) noexcept;
  ~EventPrefilter();

  // Bytes that must be readable after a line for settle() to read it where it lies
  // (simdjson's SIMDJSON_PADDING; the source checks that they agree).
  static constexpr std::size_t kPadding = 64;

  struct Settled {
    std::optional<core::EpochMs> start;  // the event's start time, if it has one
  };
  // A valid event line that cannot match, or nullopt: decode it. `padded`: kPadding bytes
  // follow the line in memory (otherwise simdjson copies it).
  std::optional<Settled> settle(std::string_view line, bool padded);

 private:
  struct Impl;  // keeps simdjson's header (and its build's definitions) out of includers
  std::unique_ptr<Impl> impl_;
};

}  // namespace aihunt::results

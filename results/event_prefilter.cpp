#include "results/event_prefilter.h"

#include <cmath>
#include <cstdint>
#include <string>
#include <utility>

#include <simdjson.h>

#include "core/ascii_pattern_set.h"
#include "core/int_cast.h"
#include "core/text.h"

namespace aihunt::results {

static_assert(EventPrefilter::kPadding == simdjson::SIMDJSON_PADDING);

struct EventPrefilter::Impl {
  // A property the prefilter reads: starttime first, then each the demands name, once.
  struct Wanted {
    std::string property;  // lower-cased
    unsigned seen = 0;     // in this line
    simdjson::dom::element value;
  };
  struct Test {
    std::size_t wanted;  // index into `wanted`
    const core::AsciiPatternSet* needles;
  };
  aql::TimeRange range;
  std::vector<aql::EventFilter::TextDemand> demands;  // owns the needles
  std::vector<Wanted> wanted;
  std::vector<std::vector<Test>> tests;  // per demand, its alternatives
  // A bit per key length below 64 that some wanted key has: most keys of a line are skipped on
  // their length alone. Longer wanted keys set bit 0, which makes every long key compared.
  std::uint64_t lengths = 0;
  simdjson::dom::parser parser;

  std::size_t want(std::string_view property) {
    lengths |= std::uint64_t{1} << (property.size() < 64 ? property.size() : 0);
    for (std::size_t i = 0; i < wanted.size(); ++i) {
      if (wanted[i].property == property) return i;
    }
    Wanted& added = wanted.emplace_back();
    added.property = std::string(property);
    return wanted.size() - 1;
  }
  [[nodiscard]] bool mayWant(std::size_t length) const {
    return length >= 64 ? (lengths & 1U) != 0 : (lengths >> length & 1U) != 0;
  }
};

namespace {

enum class Start { kNone, kAt, kUnsure };

// The start time as the decoder would give it (aql's startTimeOf on the decoded value): an
// integer, or a double cut toward zero. kUnsure: values the decoder may read differently (an
// integer past INT64_MAX becomes a double; a double past int64's range has no cast).
Start startOf(simdjson::dom::element value, core::EpochMs& at) {
  switch (value.type()) {
    case simdjson::dom::element_type::INT64:
      at = value.get_int64().value_unsafe();
      return Start::kAt;
    case simdjson::dom::element_type::DOUBLE: {
      const auto whole = core::truncatedInt64(value.get_double().value_unsafe());
      if (!whole) return Start::kUnsure;
      at = *whole;
      return Start::kAt;
    }
    case simdjson::dom::element_type::UINT64:
      return Start::kUnsure;
    default:  // null, text, true/false, arrays and objects: no start time
      return Start::kNone;
  }
}

}  // namespace

EventPrefilter::EventPrefilter(aql::TimeRange range,
                               std::vector<aql::EventFilter::TextDemand> demands)
    : impl_(std::make_unique<Impl>()) {
  impl_->range = range;
  impl_->demands = std::move(demands);
  impl_->want("starttime");
  for (const auto& demand : impl_->demands) {
    std::vector<Impl::Test>& tests = impl_->tests.emplace_back();
    for (const auto& alternative : demand.alternatives) {
      tests.push_back({impl_->want(alternative.property), alternative.needles.get()});
    }
  }
}

EventPrefilter::EventPrefilter(EventPrefilter&&) noexcept = default;
EventPrefilter& EventPrefilter::operator=(EventPrefilter&&) noexcept = default;
EventPrefilter::~EventPrefilter() = default;

std::optional<EventPrefilter::Settled> EventPrefilter::settle(std::string_view line, bool padded) {
  Impl& impl = *impl_;
  simdjson::dom::element root;
  if (impl.parser.parse(line.data(), line.size(), !padded).get(root) != simdjson::SUCCESS) {
    return std::nullopt;
  }
  simdjson::dom::object object;
  if (root.get_object().get(object) != simdjson::SUCCESS) return std::nullopt;

  for (Impl::Wanted& wanted : impl.wanted) wanted.seen = 0;
  for (const simdjson::dom::key_value_pair member : object) {
    const std::string_view key = member.key;
    if (!impl.mayWant(key.size())) continue;
    for (Impl::Wanted& wanted : impl.wanted) {
      if (key.size() == wanted.property.size() && core::iequals(key, wanted.property)) {
        ++wanted.seen;
        wanted.value = member.value;
        break;
      }
    }
  }
  // A repeated property: which value the decoder keeps is its business.
  for (const Impl::Wanted& wanted : impl.wanted) {
    if (wanted.seen > 1) return std::nullopt;
  }

  Settled settled;
  core::EpochMs at = 0;
  const Impl::Wanted& start_key = impl.wanted.front();
  const Start start = start_key.seen == 0 ? Start::kNone : startOf(start_key.value, at);
  if (start == Start::kUnsure) return std::nullopt;
  if (start == Start::kNone) return settled;  // no start time: in no window
  settled.start = at;
  if (at < impl.range.from || at >= impl.range.to) return settled;
  for (const std::vector<Impl::Test>& alternatives : impl.tests) {
    bool unsure = false;
    bool met = false;
    for (const Impl::Test& test : alternatives) {
      const Impl::Wanted& wanted = impl.wanted[test.wanted];
      // Missing or NULL: the LIKE is NULL, which fails this alternative.
      if (wanted.seen == 0 || wanted.value.is_null()) continue;
      std::string_view text;
      if (wanted.value.get_string().get(text) != simdjson::SUCCESS) {
        unsure = true;  // a number or a nested value: its text is the decoder's to make
      } else if (test.needles->containsAny(text)) {
        met = true;
        break;
      }
    }
    if (!met && !unsure) return settled;  // every alternative fails: the AND is not true
  }
  return std::nullopt;  // it may match: decode it
}

}  // namespace aihunt::results

#include "results/event_prefilter.h"

#include <cmath>
#include <cstdint>
#include <utility>

#include <simdjson.h>

#include "core/ascii_pattern_set.h"
#include "core/text.h"

namespace aihunt::results {

static_assert(EventPrefilter::kPadding == simdjson::SIMDJSON_PADDING);

struct EventPrefilter::Impl {
  aql::TimeRange range;
  std::vector<aql::EventFilter::TextDemand> demands;
  std::vector<simdjson::dom::element> demanded;  // per demand: the value found in this line
  std::vector<unsigned> seen;                    // per demand: how often the line named it
  // A bit per key length below 64 that some wanted key has: most keys of a line are skipped on
  // their length alone. Longer wanted keys set bit 0, which makes every long key compared.
  std::uint64_t lengths = 0;
  simdjson::dom::parser parser;

  void want(std::size_t length) { lengths |= std::uint64_t{1} << (length < 64 ? length : 0); }
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
      const double real = value.get_double().value_unsafe();
      // 2^63: the first double past int64's range.
      if (!std::isfinite(real) || real >= 9223372036854775808.0 || real < -9223372036854775808.0) {
        return Start::kUnsure;
      }
      at = static_cast<core::EpochMs>(real);
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
  impl_->demanded.resize(impl_->demands.size());
  impl_->seen.resize(impl_->demands.size());
  impl_->want(std::string_view("starttime").size());
  for (const auto& demand : impl_->demands) impl_->want(demand.property.size());
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

  std::fill(impl.seen.begin(), impl.seen.end(), 0U);
  unsigned start_keys = 0;
  simdjson::dom::element start_value;
  for (const simdjson::dom::key_value_pair member : object) {
    const std::string_view key = member.key;
    if (!impl.mayWant(key.size())) continue;
    if (key.size() == 9 && core::iequals(key, "starttime")) {
      ++start_keys;
      start_value = member.value;
    }
    for (std::size_t i = 0; i < impl.demands.size(); ++i) {
      if (key.size() == impl.demands[i].property.size() &&
          core::iequals(key, impl.demands[i].property)) {
        ++impl.seen[i];
        impl.demanded[i] = member.value;
      }
    }
  }
  // A repeated property: which value the decoder keeps is its business.
  if (start_keys > 1) return std::nullopt;
  for (const unsigned seen : impl.seen) {
    if (seen > 1) return std::nullopt;
  }

  Settled settled;
  core::EpochMs at = 0;
  const Start start = start_keys == 0 ? Start::kNone : startOf(start_value, at);
  if (start == Start::kUnsure) return std::nullopt;
  if (start == Start::kNone) return settled;  // no start time: in no window
  settled.start = at;
  if (at < impl.range.from || at >= impl.range.to) return settled;
  for (std::size_t i = 0; i < impl.demands.size(); ++i) {
    if (impl.seen[i] == 0) return settled;  // missing: NULL, and the AND is not true
    const simdjson::dom::element value = impl.demanded[i];
    if (value.is_null()) return settled;
    std::string_view text;
    if (value.get_string().get(text) != simdjson::SUCCESS) return std::nullopt;  // a number...
    if (!impl.demands[i].needles->containsAny(text)) return settled;
  }
  return std::nullopt;  // it may match: decode it
}

}  // namespace aihunt::results

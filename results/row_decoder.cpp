#include "results/row_decoder.h"

#include <simdjson.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "core/json_repair.h"
#include "core/string_map.h"
#include "core/swar.h"
#include "results/column_fields.h"
#include "results/flat_row.h"

namespace aihunt::results {
namespace {

constexpr std::size_t kMaxDepth = 64;

std::optional<std::int64_t> parseInteger(std::string_view text) {
  // Ariel sends numbers; some exports send them as strings, sometimes as "1.5E3".
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  if (text.empty()) return std::nullopt;
  std::int64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec == std::errc() && end == text.data() + text.size()) return value;
  double real = 0;
  const auto [real_end, real_ec] = std::from_chars(text.data(), text.data() + text.size(), real);
  if (real_ec == std::errc() && real_end == text.data() + text.size() && real >= -9.2e18 &&
      real <= 9.2e18) {
    return static_cast<std::int64_t>(real);
  }
  return std::nullopt;
}

// A raw token runs up to the next structural character, so it can end in JSON whitespace.
std::string_view trimTrailingSpace(std::string_view token) {
  while (!token.empty() && (token.back() == ' ' || token.back() == '\n' || token.back() == '\r' ||
                            token.back() == '\t')) {
    token.remove_suffix(1);
  }
  return token;
}

// Values are short: eight bytes per step inline beats a call to memchr for each of them.
bool hasBackslash(std::string_view text) {
  std::size_t at = 0;
  for (; at + 8 <= text.size(); at += 8) {
    if (core::swar::bytesEqual(core::swar::load(text.data() + at), '\\') != 0) return true;
  }
  for (; at < text.size(); ++at) {
    if (text[at] == '\\') return true;
  }
  return false;
}

// A key as written in the row: up to the first quote that is not escaped. `raw` follows the
// opening quote of a key simdjson has already validated.
std::string_view rawKeyText(const char* raw, std::size_t available) {
  std::size_t length = 0;
  while (length < available && raw[length] != '"') length += raw[length] == '\\' ? 2 : 1;
  return {raw, std::min(length, available)};
}

void assign(detection::Event& out, detection::Field target, std::string_view text, bool is_number) {
  using detection::Field;
  out.set(target, text);
  if (text.empty()) return;
  if (target == Field::kBytesSent) {
    out.setBytesSent(parseInteger(text));
  } else if (target == Field::kDestinationPort) {
    out.setDestinationPort(parseInteger(text));
  } else if (target == Field::kEventTime && is_number) {
    out.event_time_ms = parseInteger(text);
  }
}

}  // namespace

struct RowDecoder::Impl {
  simdjson::ondemand::parser parser;
  std::vector<char> padded;  // the row, copied with simdjson's required padding
  ColumnFields columns;
  // Rows of one result share their key order: remember the key seen at each position, as it
  // is written in the row (escapes and all), and its field. Most keys are then one short
  // comparison against the row's bytes, with no unescaping and no hashing. Exported events mix
  // a few row shapes (proxy and endpoint rows name different keys), so each position keeps the
  // last few keys seen there, the latest first.
  struct SeenKey {
    std::string raw_key;
    std::optional<detection::Field> field;
    bool plain = false;  // no escapes: usable as the fast scanner's expected key
  };
  static constexpr std::size_t kWays = 4;
  struct Position {
    std::array<SeenKey, kWays> keys;  // keys[0, used), the latest first
    std::size_t used = 0;
  };
  std::vector<Position> key_order;

  // The latest key seen at `position`, if any.
  [[nodiscard]] const SeenKey* latest(std::size_t position) const {
    if (position >= key_order.size() || key_order[position].used == 0) return nullptr;
    return &key_order[position].keys[0];
  }

  // Moves way `way` of `position` to the front, and returns it.
  const SeenKey* promote(std::size_t position, std::size_t way) {
    auto& keys = key_order[position].keys;
    if (way != 0)
      std::rotate(keys.begin(), keys.begin() + static_cast<std::ptrdiff_t>(way),
                  keys.begin() + static_cast<std::ptrdiff_t>(way) + 1);
    return &keys[0];
  }

  // `raw` points just after the key's opening quote; `available` bytes of the row follow it.
  const SeenKey* remembered(std::size_t position, const char* raw, std::size_t available) {
    if (position >= key_order.size()) return nullptr;
    const Position& seen = key_order[position];
    for (std::size_t way = 0; way < seen.used; ++way) {
      const std::string& key = seen.keys[way].raw_key;
      if (key.size() < available && raw[key.size()] == '"' &&
          core::swar::equalBytes(raw, key.data(), key.size())) {
        return promote(position, way);
      }
    }
    return nullptr;
  }

  std::optional<detection::Field> remember(std::size_t position, std::string_view raw_key,
                                           std::string_view key) {
    const std::optional<detection::Field> field = columns.find(key);
    noteWatched(key, !field.has_value());
    if (position < kMaxRememberedKeys) {
      if (position >= key_order.size()) key_order.resize(position + 1);
      Position& seen = key_order[position];
      if (seen.used < kWays) ++seen.used;
      // The oldest way (or a free one) becomes the front.
      promote(position, seen.used - 1);
      const bool plain = std::none_of(raw_key.begin(), raw_key.end(), [](char c) {
        return c == '"' || c == '\\' || static_cast<unsigned char>(c) < 0x20;
      });
      seen.keys[0] = {std::string(raw_key), field, plain};
    }
    return field;
  }

  // The same for a key the fast scanner read: it has no escapes, so it is its own raw form.
  std::optional<detection::Field> fieldFor(std::size_t position, std::string_view key) {
    if (position < key_order.size()) {
      const Position& seen = key_order[position];
      for (std::size_t way = 0; way < seen.used; ++way) {
        if (seen.keys[way].raw_key == key) return promote(position, way)->field;
      }
    }
    return remember(position, key, key);
  }

  // Only keys missing from the remembered ones come here, so the hot path never pays for it.
  // A watched name is seen however it is spelt (a `Command Line` column beside a mapping's
  // `CommandLine`), and listed as the row spells it, so that the warning of unread columns
  // names the column the user has.
  void noteWatched(std::string_view key, bool is_unread) {
    const bool is_watched = std::any_of(watched.begin(), watched.end(), [&](const std::string& w) {
      return sameColumnName(w, key);
    });
    if (!is_watched) return;
    if (std::find(watched_seen.begin(), watched_seen.end(), key) != watched_seen.end()) return;
    watched_seen.emplace_back(key);
    if (is_unread) unread.emplace_back(key);
  }

  static constexpr std::size_t kMaxRememberedKeys = 256;
  std::vector<std::string> watched;
  std::vector<std::string> watched_seen;
  std::vector<std::string> unread;
  DecodePath path = DecodePath::kFastWhenFlat;
  FlatRowScanner flat;
  std::uint64_t fast_rows = 0;
  std::uint64_t repaired_rows = 0;
};

RowDecoder::RowDecoder(const detection::FieldMapping& mapping, DecodePath path)
    : impl_(std::make_unique<Impl>()) {
  impl_->path = path;
  for (std::size_t i = 0; i < detection::kFieldCount; ++i) {
    const std::string& column = mapping.columns[i];
    if (!column.empty()) impl_->columns.add(column, static_cast<detection::Field>(i));
  }
}

RowDecoder::~RowDecoder() = default;

void RowDecoder::alsoRead(const std::string& column, detection::Field field) {
  impl_->columns.add(column, field, /*any_case=*/false);
}

std::uint64_t RowDecoder::fastPathRows() const { return impl_->fast_rows; }
std::uint64_t RowDecoder::repairedRows() const { return impl_->repaired_rows; }

void RowDecoder::watchUnread(std::vector<std::string> names) { impl_->watched = std::move(names); }

const std::vector<std::string>& RowDecoder::watchedSeen() const { return impl_->watched_seen; }

const std::vector<std::string>& RowDecoder::unreadColumns() const { return impl_->unread; }

core::Status RowDecoder::decode(std::string_view row_json, detection::Event& out,
                                std::size_t readable_after) {
  using detection::Field;
  out = detection::Event{};
  if (impl_->path == DecodePath::kFastWhenFlat) {
    const auto expected_key = [&](std::size_t position) -> std::string_view {
      const auto* latest = impl_->latest(position);
      if (latest == nullptr || !latest->plain) return {};
      return latest->raw_key;
    };
    const bool scanned = impl_->flat.scan(
        row_json, expected_key, [&](std::size_t position, const FlatMember& member) {
          const std::optional<Field> target = member.key_was_expected
                                                  ? impl_->latest(position)->field
                                                  : impl_->fieldFor(position, member.key);
          if (target) {
            assign(out, *target, member.value, member.kind == ScalarKind::kNumber);
          }
        });
    if (scanned) {
      ++impl_->fast_rows;
      return {};
    }
    out = detection::Event{};  // declined part-way: the full parser starts over
  }
  core::Status parsed = decodeFull(row_json, out, readable_after);
  if (parsed) return parsed;
  // Text that is not valid UTF-8, or a lone surrogate escape: the rest of the row is analysed
  // with U+FFFD in their place (core/json_repair.h), and the row is counted.
  auto repaired = core::repairedJsonText(row_json);
  if (!repaired) return parsed;
  // Parsed from a padded copy (no bytes readable after it), so the Event points into the
  // decoder's buffers, not into `repaired`.
  out = detection::Event{};
  if (auto again = decodeFull(*repaired, out, 0); !again) return parsed;
  ++impl_->repaired_rows;
  return {};
}

core::Status RowDecoder::decodeFull(std::string_view row_json, detection::Event& out,
                                    std::size_t readable_after) {
  using detection::Field;
  // simdjson reads up to SIMDJSON_PADDING bytes past the end. Their content does not change
  // the verdict (it looks at the first of them when the row ends early, and its own balance
  // check still rejects such rows), so the splitter's next bytes serve as padding.
  const char* json = row_json.data();
  std::size_t capacity = row_json.size() + readable_after;
  if (readable_after < simdjson::SIMDJSON_PADDING) {
    auto& padded = impl_->padded;
    if (padded.size() < row_json.size() + simdjson::SIMDJSON_PADDING) {
      padded.resize(row_json.size() + simdjson::SIMDJSON_PADDING);
    }
    std::memcpy(padded.data(), row_json.data(), row_json.size());
    std::memset(padded.data() + row_json.size(), 0, simdjson::SIMDJSON_PADDING);
    json = padded.data();
    capacity = padded.size();
  }

  const auto fail = [](simdjson::error_code code) {
    return core::makeError(core::ErrorCode::kParse,
                           std::string("malformed row: ") + simdjson::error_message(code));
  };
  if (impl_->parser.max_depth() != kMaxDepth) {
    // iterate() grows the capacity for larger rows and keeps this depth.
    if (auto error = impl_->parser.allocate(64 * 1024, kMaxDepth)) {
      return fail(error);
    }
  }
  simdjson::ondemand::document document;
  if (auto error = impl_->parser.iterate(json, row_json.size(), capacity).get(document)) {
    return fail(error);
  }
  simdjson::ondemand::object object;
  if (auto error = document.get_object().get(object)) return fail(error);
  const char* const row_end = json + row_json.size();
  std::size_t position = 0;
  for (auto field_or_error : object) {
    simdjson::ondemand::field field;
    if (auto error = std::move(field_or_error).get(field)) return fail(error);
    const char* raw_key = field.key().raw();
    const std::size_t available = static_cast<std::size_t>(row_end - raw_key);
    std::optional<Field> mapped;
    if (const auto* seen = impl_->remembered(position, raw_key, available)) {
      mapped = seen->field;
    } else {
      std::string_view key;
      if (auto error = field.unescaped_key().get(key)) return fail(error);
      mapped = impl_->remember(position, rawKeyText(raw_key, available), key);
    }
    ++position;
    if (!mapped) continue;  // simdjson skips the unread value
    const Field target = *mapped;
    // By reference: copying ondemand values around costs store-forwarding stalls per field.
    simdjson::ondemand::value& value = field.value();
    simdjson::ondemand::json_type type;
    if (auto error = value.type().get(type)) return fail(error);
    std::string_view text;
    switch (type) {
      case simdjson::ondemand::json_type::string:
        // Most values have no escapes: then the text between the quotes is the value, already
        // validated (UTF-8, no raw control characters) by simdjson's first stage. Only values
        // with a backslash are unescaped, into the parser's buffer.
        text = trimTrailingSpace(value.raw_json_token());
        if (text.size() >= 2 && text.back() == '"' && !hasBackslash(text)) {
          text = text.substr(1, text.size() - 2);
        } else if (auto error = value.get_string().get(text)) {
          return fail(error);
        }
        break;
      case simdjson::ondemand::json_type::number:
      case simdjson::ondemand::json_type::boolean:
        text = trimTrailingSpace(value.raw_json_token());
        break;
      case simdjson::ondemand::json_type::null:
        if (auto error = value.is_null().error()) return fail(error);
        break;
      case simdjson::ondemand::json_type::array:
      case simdjson::ondemand::json_type::object:
        // Some AQL functions yield arrays; keep their JSON text rather than guess an element.
        if (auto error = simdjson::to_json_string(value).get(text)) return fail(error);
        break;
    }
    assign(out, target, text, type == simdjson::ondemand::json_type::number);
  }
  // Anything after the object ("{...} x") is still in bounds once the object is consumed.
  const char* trailing = nullptr;
  if (document.current_location().get(trailing) == simdjson::SUCCESS) {
    return fail(simdjson::TRAILING_CONTENT);
  }
  return {};
}

}  // namespace aihunt::results

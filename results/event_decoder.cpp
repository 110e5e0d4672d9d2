#include "results/event_decoder.h"

#include <charconv>
#include <cstdlib>
#include <utility>

#include "core/char_class.h"
#include "core/swar.h"

namespace aihunt::results {
namespace {

// A JSON number as nlohmann reads it (the full parser's word): integers that fit stay integers,
// larger unsigned ones become doubles, anything with a fraction or exponent is a double. False
// for what nlohmann rejects (a double out of range), so that the line goes to the full parser.
// find_first_of(".eE") would call memchr once per byte of the number: a plain loop is cheaper.
bool hasAnyOf(std::string_view text, char a, char b, char c = '\0') {
  for (const char ch : text) {
    if (ch == a || ch == b || (c != '\0' && ch == c)) return true;
  }
  return false;
}

bool numberValue(std::string_view text, aql::Value& out) {
  // The common case first: an integer of at most 18 digits (times, ports, ids, byte counts)
  // cannot overflow an int64, and the scanner has checked the JSON grammar already.
  const bool negative = !text.empty() && text.front() == '-';
  if (const std::size_t digits = text.size() - (negative ? 1 : 0); digits > 0 && digits <= 18) {
    std::int64_t value = 0;
    bool plain = true;
    for (std::size_t i = negative ? 1 : 0; i < text.size() && plain; ++i) {
      plain = core::isAsciiDigit(text[i]);
      value = value * 10 + (text[i] - '0');
    }
    if (plain) {
      out = aql::Value::integer(negative ? -value : value);
      return true;
    }
  }
  const char* first = text.data();
  const char* last = text.data() + text.size();
  if (!hasAnyOf(text, 'e', 'E', '.')) {
    std::int64_t i = 0;
    if (auto [end, error] = std::from_chars(first, last, i); error == std::errc() && end == last) {
      out = aql::Value::integer(i);
      return true;
    }
    std::uint64_t u = 0;
    if (auto [end, error] = std::from_chars(first, last, u); error == std::errc() && end == last) {
      out = aql::Value::real(static_cast<double>(u));
      return true;
    }
  }
  double d = 0;
  if (auto [end, error] = std::from_chars(first, last, d); error == std::errc() && end == last) {
    out = aql::Value::real(d);
    return true;
  }
  return false;
}

// Only a number this long, or with an exponent, can be out of a double's range.
bool mayOverflow(std::string_view text) { return text.size() > 300 || hasAnyOf(text, 'e', 'E'); }

}  // namespace

EventDecoder::EventDecoder(const aql::Schema& schema) : schema_(schema) {
  event_.values.resize(schema.size());
  seen_in_row_.resize(schema.size(), 0);
}

int EventDecoder::predicted() const {
  if (previous_ == kLineStart) return first_key_;
  return previous_ < 0 ? -1 : keys_[previous_].next;
}

int EventDecoder::keyOf(const FlatMember& member) {
  if (member.key_was_expected) return predicted();  // the scanner matched its name
  if (previous_ >= 0) {
    Key& before = keys_[previous_];
    for (int& other : before.others) {
      if (other >= 0 && keys_[other].name.size() == member.key.size() &&
          core::swar::equalBytes(keys_[other].name.data(), member.key.data(), member.key.size())) {
        std::swap(other, before.next);  // the wrong guess stays among the others
        return before.next;
      }
    }
  }
  // The schema's lookup lower-cases a copy of the key; the decoder's own map of keys does not.
  auto known = known_keys_.find(member.key);
  if (known == known_keys_.end()) {
    if (keys_.size() >= kMaxKnownKeys) return -1;
    const auto id = schema_.find(member.key);
    keys_.push_back(Key{std::string(member.key), id ? static_cast<int>(*id) : -1, -1});
    known = known_keys_.emplace(std::string(member.key), static_cast<int>(keys_.size() - 1)).first;
  }
  const int key = known->second;
  if (previous_ == kLineStart) {
    first_key_ = key;
  } else if (previous_ >= 0) {
    Key& before = keys_[previous_];
    if (before.next >= 0) {
      before.others[before.replace] = before.next;
      before.replace = (before.replace + 1) % before.others.size();
    }
    before.next = key;
  }
  return key;
}

bool EventDecoder::setValue(aql::FieldId field, const FlatMember& member) {
  aql::Value& value = event_.values[field];
  switch (member.kind) {
    case ScalarKind::kString:
      value.assignString(member.value);
      return true;
    case ScalarKind::kNumber:
      return numberValue(member.value, value);
    case ScalarKind::kBoolean:
      value = aql::Value::boolean(member.value == "true");
      return true;
    case ScalarKind::kNull:
      value = aql::Value::null();
      return true;
  }
  return false;
}

bool EventDecoder::scanFlat(std::string_view line) {
  ++row_;
  set_now_.clear();
  previous_ = kLineStart;
  bool ok = true;
  const bool complete = scanner_.scan(
      line,
      [this](std::size_t /*position*/) {
        const int key = predicted();
        return key < 0 ? std::string_view() : std::string_view(keys_[key].name);
      },
      [&](std::size_t /*position*/, const FlatMember& member) {
        const int key = keyOf(member);
        previous_ = key;  // -1 (a key past the bound): nothing predicted for the next one
        int field = -1;
        if (key >= 0) {
          field = keys_[key].field;
        } else if (const auto id = schema_.find(member.key)) {
          field = static_cast<int>(*id);
        }
        if (!ok) return;
        if (field < 0) {
          // Unread, but a number the full parser rejects (1e400) still makes the line bad.
          aql::Value unused;
          if (member.kind == ScalarKind::kNumber && mayOverflow(member.value) &&
              !numberValue(member.value, unused)) {
            ok = false;
          }
          return;
        }
        const auto id = static_cast<aql::FieldId>(field);
        // Two keys for one field ("URL" and "url", or a repeat): which wins depends on the full
        // parser's rules, so it decides.
        if (seen_in_row_[id] == row_) ok = false;
        seen_in_row_[id] = row_;
        set_now_.push_back(id);
        if (ok) ok = setValue(id, member);
      });
  // Fields the previous row set and this one lacks go back to null.
  for (const aql::FieldId id : set_before_) {
    if (seen_in_row_[id] != row_) event_.values[id] = aql::Value::null();
  }
  set_before_.swap(set_now_);
  return complete && ok;
}

core::Result<const aql::Event*> EventDecoder::decode(std::string_view line) {
  if (scanFlat(line)) return &event_;
  ++fallbacks_;
  auto parsed = aql::parseEventJsonKnown(line, schema_);
  if (!parsed.ok()) return parsed.error();
  parsed->values.resize(schema_.size());
  event_ = std::move(parsed.value());
  // Every field may now hold a value: the next row clears what it does not set.
  set_before_.clear();
  for (aql::FieldId id = 0; id < event_.values.size(); ++id) set_before_.push_back(id);
  return &event_;
}

}  // namespace aihunt::results

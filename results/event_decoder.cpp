#include "results/event_decoder.h"

#include <utility>

#include "core/swar.h"
#include "results/json_text.h"

namespace aihunt::results {

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
      return jsonNumberValue(member.value, value);
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
          if (member.kind == ScalarKind::kNumber && jsonNumberMayOverflow(member.value) &&
              !jsonNumberValue(member.value, unused)) {
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
  // The scanner declines text that is not valid UTF-8: only the full parser repairs.
  event_.repaired = false;
  if (scanFlat(line)) return &event_;
  ++fallbacks_;
  auto parsed = aql::parseEventJsonKnown(line, schema_);
  if (!parsed.ok()) return parsed.error();
  if (parsed->repaired) ++repaired_;
  parsed->values.resize(schema_.size());
  event_ = std::move(parsed.value());
  // Every field may now hold a value: the next row clears what it does not set.
  set_before_.clear();
  for (aql::FieldId id = 0; id < event_.values.size(); ++id) set_before_.push_back(id);
  return &event_;
}

}  // namespace aihunt::results

#include "service/offense_note_text.h"

#include <algorithm>
#include <array>
#include <set>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/display_text.h"
#include "core/text.h"
#include "core/time.h"
#include "service/reference_set_sink.h"

namespace aihunt::service {
namespace {

constexpr std::size_t kValueChars = 64;       // one provider, process or user
constexpr std::size_t kFindingIdChars = 8;    // enough to find the finding in the JSONL file
constexpr std::size_t kMarkerPartChars = 64;  // the hunt name and the window in the marker
constexpr std::string_view kEllipsis = "\u2026";
constexpr std::int64_t kHourMs = 3'600'000;

bool isContinuation(unsigned char byte) { return (byte & 0xC0U) == 0x80U; }

std::size_t codePoints(std::string_view text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return !isContinuation(static_cast<unsigned char>(c));
  }));
}

// The first `max_chars` code points of valid UTF-8 `text`.
std::string_view firstCodePoints(std::string_view text, std::size_t max_chars) {
  std::size_t chars = 0;
  for (std::size_t at = 0; at < text.size(); ++at) {
    if (isContinuation(static_cast<unsigned char>(text[at]))) continue;
    if (chars == max_chars) return text.substr(0, at);
    ++chars;
  }
  return text;
}

std::string stringAt(const nlohmann::json& finding, const char* key) {
  const auto it = finding.find(key);
  return it != finding.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The finding's hunt window, or its event's UTC hour for a finding written before the ledger
// recorded windows in the payload.
std::string windowOf(const nlohmann::json& finding) {
  std::string window = stringAt(finding, "window");
  if (!window.empty()) return window;
  const auto at = core::parseTimestamp(stringAt(finding, "event_time"));
  if (!at) return "unknown";
  const core::EpochMs hour = *at - (((*at % kHourMs) + kHourMs) % kHourMs);
  return core::formatIso8601(hour) + "/" + core::formatIso8601(hour + kHourMs);
}

// A payload with invalid UTF-8 would not parse; its non-ASCII bytes (all inside strings) go.
std::string asciiOnly(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    if (static_cast<unsigned char>(c) < 0x80) out.push_back(c);
  }
  return out;
}

void addDistinct(std::vector<std::string>& list, const std::string& value) {
  if (value.empty()) return;
  if (std::find(list.begin(), list.end(), value) == list.end()) list.push_back(value);
}

// A list item as the note shows it: sanitised, each run of spaces (what the sanitiser put for
// hidden and control characters) as one, then cut. An item that holds what the note itself
// writes between items or lists (", ", ". ", ": "), a quote, a space at either end, a '+' first
// (as in "+3 more") or a ',', '.' or ':' last is quoted, with its quotes doubled: `x. Hosts:
// DC-01` or `WS-1, DC-01` in an event's user or host field cannot read as another list, more
// items, or a count of items left out.
std::string listValue(std::string_view item, std::size_t max_chars) {
  const std::string sanitized = sanitizeNoteValue(item, std::string::npos);
  std::string value;
  value.reserve(sanitized.size());
  for (const char c : sanitized) {
    if (c == ' ' && !value.empty() && value.back() == ' ') continue;
    value.push_back(c);
  }
  if (codePoints(value) > max_chars && max_chars > 0) {
    value = std::string(firstCodePoints(value, max_chars - 1)) + std::string(kEllipsis);
  }
  if (value.empty()) return value;
  const bool ambiguous =
      value.find(", ") != std::string::npos || value.find(". ") != std::string::npos ||
      value.find(": ") != std::string::npos || value.find('"') != std::string::npos ||
      value.front() == ' ' || value.front() == '+' || value.back() == ' ' || value.back() == '.' ||
      value.back() == ',' || value.back() == ':';
  if (!ambiguous) return value;
  std::string quoted = "\"";
  for (const char c : value) {
    if (c == '"') quoted.push_back('"');
    quoted.push_back(c);
  }
  quoted.push_back('"');
  return quoted;
}

// Appends parts while they fit in `max_chars` code points, less room kept for saying which
// lists did not fit at all (finish()).
class BoundedText {
 public:
  static constexpr std::size_t kCutReserve = 16;  // " +5 lists cut."

  BoundedText(std::string start, std::size_t max_chars)
      : text_(std::move(start)),
        used_(codePoints(text_)),
        max_(max_chars > kCutReserve ? max_chars - kCutReserve : 0),
        full_max_(max_chars) {}

  [[nodiscard]] bool fits(std::string_view part, std::size_t reserve = 0) const {
    return used_ + codePoints(part) + reserve <= max_;
  }
  void append(std::string_view part) {
    text_ += part;
    used_ += codePoints(part);
  }
  // " Label: a, b, c." with as many items as fit, then "+N more".
  void appendList(std::string_view label, const std::vector<std::string>& items,
                  std::size_t item_chars) {
    if (items.empty()) return;
    constexpr std::size_t kMoreReserve = 16;  // ", +99999 more."
    const std::string head = " " + std::string(label) + ": ";
    if (!fits(head, kMoreReserve)) {
      dropped_.emplace_back(label);
      return;
    }
    append(head);
    std::size_t written = 0;
    for (const auto& item : items) {
      const std::string value = listValue(item, item_chars);
      const std::string part = (written == 0 ? "" : ", ") + value;
      const bool last = written + 1 == items.size();
      if (!fits(part, last ? 1 : kMoreReserve)) break;
      append(part);
      ++written;
    }
    if (written < items.size()) {
      append((written == 0 ? "+" : ", +") + std::to_string(items.size() - written) + " more");
    }
    append(".");
  }
  // Says which lists were left out whole (a trial: at 200 characters the providers, users,
  // hosts and findings vanished without a word), by name when that fits, else by number.
  void finish() {
    if (dropped_.empty()) return;
    max_ = full_max_;
    std::string named = " Not shown:";
    for (std::size_t i = 0; i < dropped_.size(); ++i) named += (i ? ", " : " ") + dropped_[i];
    named += ".";
    const std::string counted = " +" + std::to_string(dropped_.size()) +
                                (dropped_.size() == 1 ? " list cut." : " lists cut.");
    if (fits(named)) {
      append(named);
    } else if (fits(counted)) {
      append(counted);
    }
  }
  [[nodiscard]] std::string take() && { return std::move(text_); }

 private:
  std::string text_;
  std::size_t used_;
  std::size_t max_;
  std::size_t full_max_;
  std::vector<std::string> dropped_;  // labels of lists left out whole
};

}  // namespace

std::string sanitizeNoteValue(std::string_view value, std::size_t max_chars) {
  const bool valid = core::isValidUtf8(value);
  std::string out;
  out.reserve(std::min(value.size(), max_chars * 4));
  for (std::size_t at = 0; at < value.size();) {
    if (!valid && static_cast<unsigned char>(value[at]) >= 0x80) {
      ++at;  // no way to tell characters apart: only the ASCII stays
      continue;
    }
    // The display sanitiser's test: controls (C0, DEL, C1), bidi overrides and isolates, and
    // the invisible characters an analyst reading the note in the console could be fooled by.
    const core::Utf8Char decoded = core::decodeUtf8At(value, at);
    const std::size_t length = std::max<std::size_t>(decoded.length, 1);
    if (core::isHiddenOrControl(decoded.code)) {
      out.push_back(' ');
    } else {
      out.append(value.substr(at, length));
    }
    at += length;
  }
  if (codePoints(out) <= max_chars) return out;
  if (max_chars == 0) return {};
  std::string cut(firstCodePoints(out, max_chars - 1));
  cut += kEllipsis;
  return cut;
}

NoteGroups groupFindingsForNotes(const std::vector<state::OutboxRow>& rows) {
  NoteGroups out;
  std::map<std::array<std::string, 3>, std::size_t> index;  // (source, hunt, window) -> group
  for (const auto& row : rows) {
    const nlohmann::json finding = nlohmann::json::parse(
        core::isValidUtf8(row.payload) ? row.payload : asciiOnly(row.payload), nullptr, false);
    if (!finding.is_object()) {
      ++out.unreadable;
      continue;
    }
    if (const auto it = finding.find("suppressed");
        it != finding.end() && it->is_boolean() && it->get<bool>()) {
      continue;
    }
    const std::string source = stringAt(finding, "source_ip");
    // Offenses are indexed on the source IP; only an IP literal may reach a filter.
    if (!isReferenceSetValue("IP", source)) {
      ++out.without_source;
      continue;
    }
    std::array<std::string, 3> key = {source, stringAt(finding, "hunt"), windowOf(finding)};
    auto [it, added] = index.emplace(key, out.groups.size());
    if (added) {
      WindowFindings group;
      group.source_ip = key[0];
      group.hunt = key[1];
      group.window = key[2];
      out.groups.push_back(std::move(group));
    }
    WindowFindings& group = out.groups[it->second];
    ++group.count;
    std::string severity = core::asciiLowered(stringAt(finding, "severity"));
    ++group.severities[severity.empty() ? "unknown" : severity];
    if (const auto listed = finding.find("signals");
        listed != finding.end() && listed->is_array()) {
      for (const auto& signal : *listed) {
        if (signal.is_string()) ++group.signals[signal.get<std::string>()];
      }
    }
    if (const auto risk = finding.find("risk_score");
        risk != finding.end() && risk->is_number_integer()) {
      group.top_risk = std::max(group.top_risk, risk->get<std::int64_t>());
    }
    addDistinct(group.providers, stringAt(finding, "provider"));
    addDistinct(group.processes, stringAt(finding, "process_name"));
    addDistinct(group.users, stringAt(finding, "username"));
    addDistinct(group.hosts, stringAt(finding, "host"));
    addDistinct(group.finding_ids, stringAt(finding, "finding_id"));
    group.row_ids.push_back(row.id);
    group.first_due = std::max(group.first_due, row.first_due_at.value_or(0));
    if (row.due_at && row.first_due_at && *row.due_at > *row.first_due_at) {
      group.tried_before = true;
    }
  }
  return out;
}

namespace {

// A marker part: sanitised, with '[' , ']' and ' ' (which would end the marker or a part of it
// early) made '_'.
std::string markerPart(std::string_view value, std::size_t max_chars) {
  std::string part = sanitizeNoteValue(value.empty() ? "-" : value, max_chars);
  std::replace_if(
      part.begin(), part.end(), [](char c) { return c == '[' || c == ']' || c == ' '; }, '_');
  return part;
}

}  // namespace

std::string legacyNoteMarker(std::string_view hunt, std::string_view window) {
  return "[aihunt window " + markerPart(hunt, kMarkerPartChars) + " " +
         sanitizeNoteValue(window, kMarkerPartChars) + "]";
}

std::string noteMarker(std::string_view hunt, std::string_view window,
                       std::string_view first_finding_id) {
  return "[aihunt window " + markerPart(hunt, kMarkerPartChars) + " " +
         markerPart(window, kMarkerPartChars) + " " +
         markerPart(first_finding_id.substr(0, kFindingIdChars), kFindingIdChars) + "]";
}

std::string noteMarker(const WindowFindings& group) {
  return noteMarker(group.hunt, group.window,
                    group.finding_ids.empty() ? std::string_view() : group.finding_ids.front());
}

std::string noteText(const WindowFindings& group, std::size_t max_chars) {
  BoundedText text(noteMarker(group), max_chars);
  const std::string head = " " + std::to_string(group.count) +
                           (group.count == 1 ? " new finding" : " new findings") + " from " +
                           sanitizeNoteValue(group.source_ip, kValueChars) + ".";
  if (text.fits(head)) text.append(head);
  if (group.top_risk >= 0) {
    const std::string risk = " Highest risk score: " + std::to_string(group.top_risk) + ".";
    if (text.fits(risk)) text.append(risk);
  }
  // Most severe first, then anything else a finding called its severity.
  std::vector<std::string> severities;
  std::set<std::string> listed;
  for (const char* name : {"critical", "high", "medium", "low"}) {
    if (const auto it = group.severities.find(name); it != group.severities.end()) {
      severities.push_back(it->first + " " + std::to_string(it->second));
      listed.insert(it->first);
    }
  }
  for (const auto& [name, count] : group.severities) {
    if (listed.count(name) == 0) severities.push_back(name + " " + std::to_string(count));
  }
  text.appendList("Severity", severities, kValueChars + 8);
  // The most frequent first: what made these findings, in the detection's words.
  std::vector<std::pair<std::string, std::size_t>> by_count(group.signals.begin(),
                                                            group.signals.end());
  std::stable_sort(by_count.begin(), by_count.end(),
                   [](const auto& a, const auto& b) { return a.second > b.second; });
  std::vector<std::string> signals;
  signals.reserve(by_count.size());
  for (const auto& [name, count] : by_count) signals.push_back(name + " " + std::to_string(count));
  text.appendList("Signals", signals, kValueChars + 8);
  text.appendList("Providers", group.providers, kValueChars);
  text.appendList("Processes", group.processes, kValueChars);
  text.appendList("Users", group.users, kValueChars);
  text.appendList("Hosts", group.hosts, kValueChars);
  std::vector<std::string> short_ids;
  short_ids.reserve(group.finding_ids.size());
  for (const auto& id : group.finding_ids) short_ids.push_back(id.substr(0, kFindingIdChars));
  text.appendList("Findings", short_ids, kFindingIdChars);
  text.finish();
  return std::move(text).take();
}

bool hasMarkedNote(const std::vector<std::string>& notes, std::string_view marker) {
  return std::any_of(notes.begin(), notes.end(), [&](const std::string& note) {
    return std::string_view(note).substr(0, marker.size()) == marker;
  });
}

}  // namespace aihunt::service

#include "emulator/offense_store.h"

#include <algorithm>

namespace aihunt::emulator {
namespace {

int offenseTypeFor(const std::string& index_field) {
  if (index_field == "destinationip") return 1;
  if (index_field == "username") return 3;
  return 0;
}

// Whether the API shows the offense yet (OffenseStore's `shown_after`).
bool shown(const Offense& offense) {
  return offense.shown_from <= std::chrono::steady_clock::now();
}

}  // namespace

ApiError offenseNotFound(std::int64_t id) {
  return notFound("The offense " + std::to_string(id) + " does not exist.");
}

OffenseStore::OffenseStore(std::chrono::milliseconds shown_after)
    : shown_after_(shown_after),
      closing_reasons_{{1, "Non-Issue", false, false},
                       {2, "False-Positive, Tuned", true, false},
                       {3, "Policy Violation", false, false}} {}

std::int64_t OffenseStore::recordHit(const RuleHit& hit, core::EpochMs now) {
  std::lock_guard lock(mutex_);
  const int type = offenseTypeFor(hit.index_field);
  Offense* offense = nullptr;
  for (auto& [id, candidate] : offenses_) {
    if (candidate.status != "CLOSED" && candidate.offense_type == type &&
        candidate.offense_source == hit.index_value) {
      offense = &candidate;
      break;
    }
  }
  if (offense == nullptr) {
    Offense created;
    created.id = next_id_++;
    created.description = hit.description + "\n";
    created.offense_source = hit.index_value;
    created.offense_type = type;
    created.magnitude = hit.magnitude;
    created.severity = hit.severity;
    created.credibility = hit.credibility;
    created.relevance = hit.relevance;
    created.start_time = hit.event_time;
    created.shown_from = std::chrono::steady_clock::now() + shown_after_;
    offense = &offenses_.emplace(created.id, std::move(created)).first->second;
  } else if (hit.rule_names_offense &&
             offense->description.find(hit.description) == std::string::npos) {
    // QRadar chains the descriptions of further rules: "A\n preceded by B\n".
    offense->description.pop_back();
    offense->description += " preceded by " + hit.description + "\n";
  }
  offense->event_count += 1;
  offense->last_updated_time = now;
  offense->last_persisted_time = now;
  offense->magnitude = std::max(offense->magnitude, hit.magnitude);
  offense->severity = std::max(offense->severity, hit.severity);
  offense->rules.insert(hit.rule_id);
  for (const std::string& category : hit.categories) offense->categories.insert(category);
  if (hit.log_source_id != 0) offense->log_sources[hit.log_source_id] = hit.log_source_name;
  if (!hit.source_ip.empty()) offense->source_ips.insert(hit.source_ip);
  if (!hit.destination_ip.empty()) offense->destination_ips.insert(hit.destination_ip);
  if (!hit.username.empty()) offense->usernames.insert(hit.username);
  return offense->id;
}

std::vector<Offense> OffenseStore::list() const {
  std::lock_guard lock(mutex_);
  std::vector<Offense> out;
  out.reserve(offenses_.size());
  for (const auto& [id, offense] : offenses_) {
    if (shown(offense)) out.push_back(offense);
  }
  return out;
}

std::pair<std::size_t, std::size_t> OffenseStore::counts() const {
  std::lock_guard lock(mutex_);
  const auto hidden = std::count_if(offenses_.begin(), offenses_.end(),
                                    [](const auto& entry) { return !shown(entry.second); });
  return {offenses_.size(), static_cast<std::size_t>(hidden)};
}

std::optional<Offense> OffenseStore::get(std::int64_t id) const {
  std::lock_guard lock(mutex_);
  auto it = offenses_.find(id);
  if (it == offenses_.end() || !shown(it->second)) return std::nullopt;
  return it->second;
}

ApiResult<Offense> OffenseStore::update(std::int64_t id, const OffenseUpdate& update,
                                        const std::string& user, core::EpochMs now) {
  std::lock_guard lock(mutex_);
  auto it = offenses_.find(id);
  if (it == offenses_.end() || !shown(it->second)) return offenseNotFound(id);
  Offense& offense = it->second;
  if (update.status) {
    const std::string& status = *update.status;
    if (status != "OPEN" && status != "HIDDEN" && status != "CLOSED") {
      return invalidParameter("Invalid status \"" + status + "\" (OPEN, HIDDEN, CLOSED)");
    }
    if (status == "CLOSED") {
      if (!update.closing_reason_id) {
        return ApiError{409, kCodeStateConflict,
                        "A closing_reason_id must be provided when closing an offense", "",
                        nlohmann::json::object()};
      }
      bool known = false;
      for (const ClosingReason& reason : closing_reasons_) {
        known = known || (reason.id == *update.closing_reason_id && !reason.is_deleted);
      }
      if (!known) {
        return invalidParameter("closing_reason_id " + std::to_string(*update.closing_reason_id) +
                                " does not exist");
      }
      offense.closing_reason_id = update.closing_reason_id;
      offense.close_time = now;
      offense.closing_user = user;
    } else if (offense.status == "CLOSED") {
      return ApiError{409, kCodeStateConflict, "A closed offense cannot be reopened", "",
                      nlohmann::json::object()};
    }
    offense.status = status;
  } else if (update.closing_reason_id) {
    return invalidParameter("closing_reason_id is only valid with status=CLOSED");
  }
  if (update.assigned_to) offense.assigned_to = *update.assigned_to;
  if (update.follow_up) offense.follow_up = *update.follow_up;
  if (update.is_protected) offense.is_protected = *update.is_protected;
  offense.last_persisted_time = now;
  return offense;
}

ApiResult<OffenseNote> OffenseStore::addNote(std::int64_t id, const std::string& text,
                                             const std::string& user, core::EpochMs now) {
  std::lock_guard lock(mutex_);
  auto it = offenses_.find(id);
  if (it == offenses_.end() || !shown(it->second)) return offenseNotFound(id);
  OffenseNote note{next_note_id_++, now, user, text};
  it->second.notes.push_back(note);
  return note;
}

ApiResult<std::vector<OffenseNote>> OffenseStore::notes(std::int64_t id) const {
  std::lock_guard lock(mutex_);
  auto it = offenses_.find(id);
  if (it == offenses_.end() || !shown(it->second)) return offenseNotFound(id);
  return it->second.notes;
}

std::vector<ClosingReason> OffenseStore::closingReasons() const {
  std::lock_guard lock(mutex_);
  return closing_reasons_;
}

}  // namespace aihunt::emulator

#include "service/reference_set_refresher.h"

#include <algorithm>

#include "core/text.h"
#include "core/time.h"
#include "qradar_client/reference_data_client.h"

namespace aihunt::service {
namespace {

// "42s", "17m", "5h", "3d": the age of a copy in a log line.
std::string ageText(core::EpochMs ms) {
  const core::EpochMs seconds = std::max<core::EpochMs>(0, ms / 1000);
  if (seconds < 120) return std::to_string(seconds) + "s";
  if (seconds < 2 * 3600) return std::to_string(seconds / 60) + "m";
  if (seconds < 2 * 86'400) return std::to_string(seconds / 3600) + "h";
  return std::to_string(seconds / 86'400) + "d";
}

}  // namespace

std::vector<std::string> referencedSetNames(const std::vector<detection::ExceptionRule>& rules) {
  std::vector<std::string> names;
  for (const auto& rule : rules) {
    for (const auto& match : rule.reference_sets) {
      if (std::find(names.begin(), names.end(), match.name) == names.end()) {
        names.push_back(match.name);
      }
    }
  }
  return names;
}

void declareReferenceSetMetrics(core::Metrics& metrics) {
  using core::MetricType;
  metrics.declare("aihunt_reference_set_reads_total", MetricType::kCounter,
                  "Reads of reference sets that exceptions name, by set and result (ok, "
                  "failed).",
                  {"set", "result"});
  metrics.declare("aihunt_reference_set_age_seconds", MetricType::kGauge,
                  "Age of the copy of each reference set that exceptions use (absent: none).",
                  {"set"});
  metrics.declare("aihunt_reference_set_copy_values", MetricType::kGauge,
                  "Values held by the copy of each reference set that exceptions use.", {"set"});
  metrics.declare("aihunt_reference_set_unknown_checks_total", MetricType::kCounter,
                  "Findings an exception did not suppress because a reference set it names was "
                  "never read.",
                  {});
}

ReferenceSetRefresher::ReferenceSetRefresher(ReferenceSetRefresherOptions options,
                                             QRadarConnector connect, state::StateStore* store,
                                             const core::Clock& clock, core::Metrics* metrics,
                                             std::shared_ptr<spdlog::logger> logger)
    : options_(std::move(options)),
      connect_(std::move(connect)),
      store_(store),
      clock_(clock),
      metrics_(metrics),
      logger_(std::move(logger)),
      snapshot_(std::make_shared<detection::ReferenceSetContents>()) {
  for (const auto& name : options_.names) sets_[name];
}

core::EpochMs ReferenceSetRefresher::now() const { return core::toEpochMs(clock_.now()); }

void ReferenceSetRefresher::loadStored() {
  if (store_ == nullptr || sets_.empty()) return;
  auto copies = store_->referenceSets();
  if (!copies) {
    logger_->warn("reading the stored reference set copies: {}", copies.error().message);
    return;
  }
  for (auto& copy : *copies) {
    auto it = sets_.find(copy.name);
    if (it == sets_.end()) continue;  // no exception names it any more
    logger_->info("reference set '{}': using the stored copy of {} values read {} ago", copy.name,
                  copy.values.size(), ageText(now() - copy.read_at));
    it->second.copy = std::move(copy);
  }
  rebuild();
}

core::Status ReferenceSetRefresher::readOne(QRadarConnection& connection, const std::string& name,
                                            SetState& state) {
  qradar::ReferenceDataClient client(*connection.api);
  auto read = client.readValues(name, options_.max_values, options_.page_size);
  if (!read) return read.error();
  if (!*read) {
    return core::makeError(core::ErrorCode::kNotFound, "QRadar has no reference set by that name");
  }
  state::ReferenceSetCopy copy;
  copy.name = name;
  copy.element_type = (*read)->info.element_type;
  copy.read_at = now();
  copy.truncated = (*read)->truncated;
  copy.values = std::move((*read)->values);
  if (copy.truncated && !state.truncated) {
    logger_->warn(
        "reference set '{}' holds more than {} values; only the first {} are used by exceptions "
        "(qradar.exceptions_max_values)",
        name, options_.max_values, copy.values.size());
  }
  state.truncated = copy.truncated;
  if (store_ != nullptr && options_.save) {
    // The copy in memory is good whatever happens here; the stored one only helps a restart.
    if (auto saved = store_->saveReferenceSet(copy); !saved) {
      logger_->warn("reference set '{}': {}", name, saved.error().message);
    }
  }
  if (state.failures > 0) {
    logger_->info("reference set '{}' read again after {} failed attempts ({} values)", name,
                  state.failures, copy.values.size());
  }
  state.failures = 0;
  state.copy = std::move(copy);
  return {};
}

void ReferenceSetRefresher::noteFailure(const std::string& name, SetState& state,
                                        const core::Error& error) {
  if (metrics_ != nullptr) metrics_->add("aihunt_reference_set_reads_total", {name, "failed"});
  // Once per streak: a console down for a day must not fill the log.
  if (state.failures++ > 0) return;
  const std::string why = core::printableExcerpt(error.message, 300);
  if (state.copy) {
    logger_->warn(
        "reference set '{}' could not be read ({}); exceptions keep using the copy read "
        "{} ago",
        name, why, ageText(now() - state.copy->read_at));
  } else {
    logger_->warn(
        "reference set '{}' could not be read ({}) and no copy is stored: exceptions "
        "that name it suppress nothing until it is read",
        name, why);
  }
}

std::size_t ReferenceSetRefresher::refresh() {
  last_attempt_ = clock_.now();
  if (sets_.empty()) return 0;
  std::size_t failed = 0;
  auto connection = connect_();
  for (auto& [name, state] : sets_) {
    core::Status status =
        connection ? readOne(**connection, name, state) : core::Status(connection.error());
    if (status) {
      if (metrics_ != nullptr) metrics_->add("aihunt_reference_set_reads_total", {name, "ok"});
    } else {
      ++failed;
      noteFailure(name, state, status.error());
    }
  }
  rebuild();
  return failed;
}

bool ReferenceSetRefresher::refreshIfDue() {
  const bool due = !last_attempt_ || clock_.now() - *last_attempt_ >= options_.every;
  if (due) {
    refresh();
  } else {
    updateGauges();
  }
  return due;
}

void ReferenceSetRefresher::rebuild() {
  auto contents = std::make_shared<detection::ReferenceSetContents>();
  std::map<std::string, core::EpochMs> read_at;
  for (const auto& [name, state] : sets_) {
    if (!state.copy) continue;
    contents->put(name, state.copy->element_type, state.copy->values);
    read_at[name] = state.copy->read_at;
  }
  {
    const std::lock_guard lock(mutex_);
    snapshot_ = std::move(contents);
    read_at_ = std::move(read_at);
  }
  updateGauges();
}

void ReferenceSetRefresher::updateGauges() {
  if (metrics_ == nullptr) return;
  const detection::ReferenceSetSnapshot current = snapshot();
  for (const auto& [name, state] : sets_) {
    if (!state.copy) continue;
    metrics_->set("aihunt_reference_set_age_seconds", {name},
                  static_cast<double>(now() - state.copy->read_at) / 1000.0);
    metrics_->set("aihunt_reference_set_copy_values", {name},
                  static_cast<double>(current->size(name)));
  }
}

detection::ReferenceSetSnapshot ReferenceSetRefresher::snapshot() const {
  const std::lock_guard lock(mutex_);
  return snapshot_;
}

std::optional<core::EpochMs> ReferenceSetRefresher::readAt(const std::string& name) const {
  const std::lock_guard lock(mutex_);
  const auto it = read_at_.find(name);
  if (it == read_at_.end()) return std::nullopt;
  return it->second;
}

}  // namespace aihunt::service

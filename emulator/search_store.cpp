#include "emulator/search_store.h"

#include <algorithm>
#include <cstdio>

namespace aihunt::emulator {

SearchStore::SearchStore(const ArielConfig& config, const EmulatorClock& clock)
    : config_(config), clock_(clock), random_(std::random_device{}()) {}

std::string SearchStore::newId() {
  // A version 4 UUID, like Ariel's search ids.
  const std::uint64_t high = random_();
  const std::uint64_t low = random_();
  char text[37];
  std::snprintf(text, sizeof text, "%08x-%04x-4%03x-%04x-%012llx",
                static_cast<unsigned>(high >> 32), static_cast<unsigned>((high >> 16) & 0xFFFF),
                static_cast<unsigned>(high & 0x0FFF),
                static_cast<unsigned>(((low >> 48) & 0x3FFF) | 0x8000),
                static_cast<unsigned long long>(low & 0xFFFFFFFFFFFFULL));
  return text;
}

bool SearchStore::expired(const Search& search, core::EpochMs now) const {
  if (search.saveResults()) return false;
  const auto finished = search.finishedAt();
  return finished && now - *finished >= config_.retention_ms;
}

void SearchStore::expireLocked(core::EpochMs now) {
  for (auto it = searches_.begin(); it != searches_.end();) {
    if (expired(*it->second, now)) {
      it = searches_.erase(it);
    } else {
      ++it;
    }
  }
}

void SearchStore::clockMoved() {
  std::lock_guard lock(mutex_);
  ++clock_epoch_;
}

std::variant<CreatedSearch, ApiError> SearchStore::create(const std::string& query_text,
                                                          aql::Query query, SearchFault fault,
                                                          std::uint64_t data_generation) {
  const core::EpochMs now = clock_.nowMs();
  const auto real_now = std::chrono::steady_clock::now();
  const auto window = std::chrono::milliseconds(config_.reuse_window_ms);
  std::lock_guard lock(mutex_);
  expireLocked(now);
  const bool scripted = fault.scripted();
  if (config_.reuse_identical_queries && !scripted) {
    for (const auto& [id, search] : searches_) {
      const SearchState state = search->state();
      // QRadar reuses only a recent identical search: recent by the emulator clock and by real
      // time (a fixed --now never ages), over the same events (unconfirmed: IBM documents no
      // reuse rule; see docs/emulator.md, "Fidelity").
      if (search->query_text == query_text && now - search->created_ms < config_.reuse_window_ms &&
          real_now - search->created_steady < window &&
          search->data_generation == data_generation && search->clock_epoch == clock_epoch_ &&
          state != SearchState::kError && state != SearchState::kCanceled &&
          !search->cancelRequested() && !search->fault.scripted()) {
        return CreatedSearch{search, true};
      }
    }
  }
  std::int64_t active = 0;
  for (const auto& [id, search] : searches_) {
    if (!isFinished(search->state())) ++active;
  }
  if (active >= config_.max_active_searches) {
    return ApiError{503, kCodeArielUnavailable,
                    "The Ariel server is unavailable: too many concurrent searches (" +
                        std::to_string(active) + ")",
                    "Retry the search later.", nlohmann::json::object()};
  }
  peak_active_ = std::max(peak_active_, active + 1);
  auto search = std::make_shared<Search>(newId(), query_text, std::move(query), now,
                                         config_.retention_ms, fault);
  search->data_generation = data_generation;
  search->clock_epoch = clock_epoch_;
  searches_[search->id] = search;
  return CreatedSearch{search, false};
}

std::shared_ptr<Search> SearchStore::find(const std::string& id) {
  const core::EpochMs now = clock_.nowMs();
  std::lock_guard lock(mutex_);
  auto it = searches_.find(id);
  if (it == searches_.end()) return nullptr;
  if (expired(*it->second, now)) {
    searches_.erase(it);
    return nullptr;
  }
  return it->second;
}

bool SearchStore::remove(const std::string& id) {
  std::shared_ptr<Search> removed;
  {
    std::lock_guard lock(mutex_);
    auto it = searches_.find(id);
    if (it == searches_.end()) return false;
    removed = std::move(it->second);
    searches_.erase(it);
  }
  removed->requestCancel();
  return true;
}

std::vector<std::string> SearchStore::ids() {
  const core::EpochMs now = clock_.nowMs();
  std::lock_guard lock(mutex_);
  expireLocked(now);
  // Oldest first. IBM documents no order for GET /api/ariel/searches; this one lets a client
  // that reads the newest last (aihunt, after a lost create) find a recent search (unconfirmed).
  std::vector<const Search*> ordered;
  ordered.reserve(searches_.size());
  for (const auto& [id, search] : searches_) ordered.push_back(search.get());
  std::stable_sort(ordered.begin(), ordered.end(), [](const Search* a, const Search* b) {
    return a->created_steady < b->created_steady;
  });
  std::vector<std::string> out;
  out.reserve(ordered.size());
  for (const Search* search : ordered) out.push_back(search->id);
  return out;
}

std::int64_t SearchStore::peakActive() {
  std::lock_guard lock(mutex_);
  return peak_active_;
}

std::size_t SearchStore::size() {
  std::lock_guard lock(mutex_);
  return searches_.size();
}

}  // namespace aihunt::emulator

#include "detection/upload_window.h"

#include <algorithm>
#include <limits>

#include "core/text.h"
#include "core/utf8_excerpt.h"
#include "detection/scoring.h"

namespace aihunt::detection {
namespace {

constexpr std::size_t kClientsInEvidence = 3;

// Counts come from the server: never let a hostile value wrap a total around.
std::int64_t addClamped(std::int64_t total, std::int64_t more) {
  more = std::max<std::int64_t>(more, 0);
  if (total > std::numeric_limits<std::int64_t>::max() - more) {
    return std::numeric_limits<std::int64_t>::max();
  }
  return total + more;
}

template <typename Map, typename Bytes>
typename Map::const_iterator largest(const Map& map, Bytes bytes) {
  return std::max_element(map.begin(), map.end(), [&](const auto& a, const auto& b) {
    return bytes(a.second) < bytes(b.second);
  });
}

std::string timeText(const std::optional<core::EpochMs>& at) {
  return at ? core::formatIso8601(*at) : std::string("?");
}

}  // namespace

UploadWindow::UploadWindow(const DetectionSettings& settings, std::string hunt, SignalSet enabled,
                           core::EpochMs from, core::EpochMs to)
    : settings_(settings),
      hunt_(std::move(hunt)),
      enabled_(enabled),
      from_(from),
      to_(to),
      suppressor_(settings.exceptions) {}

void UploadWindow::add(const UploadGroup& row) {
  // Groups of aihunt's own LEEF events (the query groups by log source type too) are left out
  // as the per-event hunt leaves the events out: never summed into a source's total. Not
  // counted: the per-event query read the same events and counted them, and a group is not an
  // event.
  if (isOwnEvent(settings_, row.group)) return;
  ++stats_.events;
  classifyClient(settings_, row.group, client_);
  if (client_.category == ProcessCategory::kBrowser) {
    ++stats_.browser_events_skipped;
    return;
  }
  const ProviderHit hit = networkProvider(settings_.providers, row.group);
  if (hit.provider == nullptr) return;  // the prefilter is broad; the host decides
  Total& total = totals_[Key{std::string(row.group.get(Field::kSourceIp)),
                             std::string(row.group.get(Field::kUsername)), hit.provider->id}];
  total.provider = hit.provider;
  const std::int64_t bytes = std::max<std::int64_t>(row.group.bytes_sent.value_or(0), 0);
  total.bytes = addClamped(total.bytes, bytes);
  total.requests = addClamped(total.requests, row.requests);
  if (const auto first = row.group.event_time_ms) {
    total.first = total.first ? std::min(*total.first, *first) : *first;
  }
  if (const auto last = row.last_time_ms ? row.last_time_ms : row.group.event_time_ms) {
    total.last = total.last ? std::max(*total.last, *last) : *last;
  }
  std::string domain = core::asciiLowered(hit.domain);
  while (!domain.empty() && domain.back() == '.') domain.pop_back();
  std::int64_t& domain_bytes = total.domain_bytes[domain];
  domain_bytes = addClamped(domain_bytes, bytes);

  const std::string_view name =
      client_.process_name.empty() ? client_.agent_label : client_.process_name;
  ClientTotal& client = total.clients[std::string(name)];
  client.category = client_.category;
  client.process_name = name;
  client.application = client_.process_seen.empty() ? std::string(client_.agent_label)
                                                    : core::utf8Excerpt(client_.process_seen, 260);
  client.bytes = addClamped(client.bytes, bytes);
}

std::vector<Finding> UploadWindow::findings(core::EpochMs now) {
  std::vector<Finding> out;
  if (!enabled_.has(Signal::kLargeUpload)) return out;
  for (const auto& [key, total] : totals_) {
    if (total.bytes < settings_.large_upload_window_bytes) continue;
    // One request that was large on its own is the per-event finding's: nothing to add.
    if (total.requests == 1 && total.bytes >= settings_.large_upload_bytes) continue;
    out.push_back(makeFinding(key, total, now));
  }
  return out;
}

Finding UploadWindow::makeFinding(const Key& key, const Total& total, core::EpochMs now) {
  const auto& [source_ip, username, provider_id] = key;
  Finding finding;
  finding.hunt = hunt_;
  // One finding per window, source, user and provider: the same window hunted again gets the
  // same id (the ledger counts a repeat); the prefix keeps it apart from per-event ids.
  digest_.field("large_upload_window").field(hunt_);
  digest_.field(std::to_string(from_)).field(std::to_string(to_));
  digest_.field(source_ip).field(username).field(provider_id);
  digest_.hexInto(finding.finding_id, kFindingIdHexChars);
  finding.event_time = total.first ? core::formatIso8601(*total.first) : std::string();
  finding.source_ip = source_ip;
  finding.username = username;
  finding.provider = provider_id;
  finding.domain = largest(total.domain_bytes, [](std::int64_t b) { return b; })->first;
  const ClientTotal& top =
      largest(total.clients, [](const ClientTotal& c) { return c.bytes; })->second;
  finding.application = top.application;
  finding.process_name = top.process_name;
  finding.process_category = top.category;
  finding.bytes_sent = total.bytes;
  finding.signals.add(Signal::kLargeUpload);
  finding.total_window = TotalWindow{from_, to_, total.first, total.last};

  std::string evidence =
      std::to_string(total.bytes) + " bytes in " + std::to_string(total.requests) +
      " requests from " + timeText(total.first) + " to " + timeText(total.last) + " (window " +
      core::formatIso8601(from_) + " to " + core::formatIso8601(to_) + "); clients:";
  std::size_t listed = 0;
  for (const auto& [name, client] : total.clients) {
    if (listed++ == kClientsInEvidence) {
      evidence += " ...";
      break;
    }
    evidence += " " + (name.empty() ? std::string("unknown") : core::printableExcerpt(name, 64)) +
                " (" + std::string(processCategoryName(client.category)) + ", " +
                std::to_string(client.bytes) + " bytes)";
  }
  finding.evidence = std::move(evidence);
  const Score score =
      scoreFinding(settings_.scoring, finding.signals, finding.process_category, total.provider);
  finding.risk_score = score.risk;
  finding.severity = score.severity;
  suppressor_.apply(finding, top.application, now, stats_);
  return finding;
}

}  // namespace aihunt::detection

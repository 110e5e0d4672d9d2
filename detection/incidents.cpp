#include "detection/incidents.h"

#include <algorithm>
#include <array>
#include <limits>
#include <map>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

#include "core/digest.h"
#include "detection/identity.h"

namespace aihunt::detection {
namespace {

constexpr std::int64_t kNoTime = std::numeric_limits<std::int64_t>::min();

// A finding with the keys that correlation compares, computed once.
struct Keyed {
  const Finding* finding = nullptr;
  std::int64_t time = kNoTime;  // epoch ms; kNoTime when the event time could not be read
  std::string user;
  std::string host;
  std::string process;
  TelemetrySource source;
};

// One event: the finding and the other log sources' records of the same thing.
struct Event {
  std::vector<const Keyed*> records;
  [[nodiscard]] const Keyed& first() const { return *records.front(); }
};

// The identity and action an incident is about; an empty field is not yet known.
struct ClusterKey {
  std::array<std::string, 4> fields;  // user, host, source IP, process
};

struct Cluster {
  ClusterKey key;
  std::int64_t bucket = 0;
  std::vector<const Event*> events;
};

std::array<std::string_view, 4> fieldsOf(const Keyed& keyed) {
  return {keyed.user, keyed.host, keyed.finding->source_ip, keyed.process};
}

int specificity(const Keyed& keyed) {
  int known = 0;
  for (const auto field : fieldsOf(keyed)) known += field.empty() ? 0 : 1;
  return known;
}

// Two records are of one event when they come from different log sources, lie within
// duplicate_skew_ms, and agree on everything else that describes the act: user, host, source
// IP, process, domain, evidence, category, signals and suppression. This is that agreement as
// one string: records with different keys are never records of one event.
std::string duplicateKey(const Keyed& record) {
  const Finding& f = *record.finding;
  std::string key;
  for (const std::string_view part :
       {std::string_view(record.user), std::string_view(record.host), std::string_view(f.source_ip),
        std::string_view(record.process), std::string_view(f.domain), std::string_view(f.evidence),
        std::string_view(f.event_category)}) {
    key += std::to_string(part.size());
    key += ':';
    key += part;
  }
  f.signals.forEach([&](Signal signal) { key += std::to_string(static_cast<int>(signal)) + ','; });
  key += f.suppressed ? 'S' : 's';
  return key;
}

// Folds records of one event (in time order) into events: a record joins the earliest event it
// duplicates whose log sources do not already include its own. Events are looked up by their
// duplicate key, and for each key and log source a cursor skips the events that already hold
// that source or have left the time skew: both stay so, so the fold is linear even when
// thousands of records share one key and one second.
std::vector<Event> foldDuplicates(const std::vector<Keyed>& keyed, const IncidentOptions& options) {
  std::vector<Event> events;
  events.reserve(keyed.size());
  // Per duplicate key: its events' indices in order, and per log source the next one to try.
  struct Same {
    std::vector<std::size_t> events;
    std::vector<std::pair<std::string_view, std::size_t>> cursors;  // a key has few sources
  };
  std::unordered_map<std::string, Same> by_key;
  by_key.reserve(keyed.size());
  const auto holdsSource = [](const Event& event, const std::string& source) {
    return std::any_of(event.records.begin(), event.records.end(),
                       [&](const Keyed* r) { return r->finding->log_source == source; });
  };
  for (const Keyed& record : keyed) {
    if (record.time == kNoTime) {  // nothing to compare a time with: an event of its own
      events.push_back(Event{{&record}});
      continue;
    }
    Same& same = by_key[duplicateKey(record)];
    const std::string_view source = record.finding->log_source;
    auto cursor = std::find_if(same.cursors.begin(), same.cursors.end(),
                               [&](const auto& entry) { return entry.first == source; });
    if (cursor == same.cursors.end()) cursor = same.cursors.insert(cursor, {source, 0});
    std::size_t& next = cursor->second;
    while (next < same.events.size() &&
           (record.time - events[same.events[next]].first().time > options.duplicate_skew_ms ||
            holdsSource(events[same.events[next]], record.finding->log_source))) {
      ++next;
    }
    if (next < same.events.size()) {
      events[same.events[next]].records.push_back(&record);
    } else {
      same.events.push_back(events.size());
      events.push_back(Event{{&record}});
    }
  }
  return events;
}

// Whether `event` can belong to `cluster`: no field contradicts, and the user, host or source IP
// is the same (two records that share only a process are two people).
bool fits(const ClusterKey& cluster, const Keyed& event) {
  const auto fields = fieldsOf(event);
  bool anchored = false;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (fields[i].empty() || cluster.fields[i].empty()) continue;
    if (fields[i] != cluster.fields[i]) return false;
    if (i < 3) anchored = true;
  }
  return anchored;
}

bool exactly(const ClusterKey& cluster, const Keyed& event) {
  const auto fields = fieldsOf(event);
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (fields[i] != cluster.fields[i]) return false;
  }
  return true;
}

// Events of one provider, bucket and suppression state into clusters. The most complete records
// go first, so that a partial one (a Zeek record knows only the source IP) joins the incident it
// fits; one that fits several joins the one with exactly its fields, or else starts its own
// rather than guess.
void cluster(std::vector<const Event*> events, std::int64_t bucket, std::vector<Cluster>& out) {
  std::stable_sort(events.begin(), events.end(), [](const Event* a, const Event* b) {
    return specificity(a->first()) > specificity(b->first());
  });
  const std::size_t begin = out.size();
  for (const Event* event : events) {
    const Keyed& record = event->first();
    Cluster* home = nullptr;
    std::size_t candidates = 0;
    for (std::size_t i = begin; i < out.size(); ++i) {
      if (exactly(out[i].key, record)) {
        home = &out[i];
        candidates = 1;
        break;
      }
      if (fits(out[i].key, record)) {
        home = &out[i];
        ++candidates;
      }
    }
    if (candidates != 1) {
      out.push_back(Cluster{{}, bucket, {}});
      home = &out.back();
    }
    const auto fields = fieldsOf(record);
    for (std::size_t i = 0; i < fields.size(); ++i) {
      if (home->key.fields[i].empty()) home->key.fields[i] = std::string(fields[i]);
    }
    home->events.push_back(event);
  }
}

std::int64_t bucketOf(std::int64_t time, std::int64_t window) {
  if (time == kNoTime) return kNoTime;
  // Floor division, so that times before 1970 still fall in the bucket that holds them.
  std::int64_t quotient = time / window;
  if (time % window != 0 && time < 0) --quotient;
  return quotient * window;
}

template <typename T>
void sortUnique(std::vector<T>& values) {
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
}

Incident buildIncident(const Cluster& cluster, const std::string& provider, bool suppressed,
                       const IncidentOptions& options) {
  std::vector<const Keyed*> records;
  for (const Event* event : cluster.events) {
    records.insert(records.end(), event->records.begin(), event->records.end());
  }
  std::stable_sort(records.begin(), records.end(), [](const Keyed* a, const Keyed* b) {
    if (a->time != b->time) return a->time < b->time;
    return a->finding->finding_id < b->finding->finding_id;
  });
  Incident incident;
  incident.actor.user = cluster.key.fields[0];
  incident.actor.source_ip = cluster.key.fields[2];
  incident.process = cluster.key.fields[3];
  incident.provider = provider;
  incident.suppressed = suppressed;
  incident.events = cluster.events.size();
  incident.first_seen = records.front()->finding->event_time;
  incident.last_seen = records.back()->finding->event_time;
  int best = -1;
  int best_with_evidence = -1;
  for (const Keyed* record : records) {
    const Finding& finding = *record->finding;
    incident.finding_ids.push_back(finding.finding_id);
    if (preferUserDisplay(finding.username, incident.actor.user_display) &&
        !userKey(finding.username).empty()) {
      incident.actor.user_display = finding.username;
    }
    // Of a host's spellings, the shortest reads best in a table; ties in byte order.
    if (!record->host.empty() &&
        (incident.actor.host.empty() || finding.host.size() < incident.actor.host.size() ||
         (finding.host.size() == incident.actor.host.size() &&
          finding.host < incident.actor.host))) {
      incident.actor.host = finding.host;
    }
    incident.sources.push_back(record->source.label);
    if (record->source.family != TelemetryFamily::kOther) {
      incident.families.push_back(record->source.family);
    }
    finding.signals.forEach([&](Signal signal) { incident.signals.add(signal); });
    incident.hunts.push_back(finding.hunt);
    if (!finding.exception.empty()) incident.exceptions.push_back(finding.exception);
    // The first in time order wins a tie: it is what started the incident.
    if (finding.risk_score > best) {
      best = finding.risk_score;
      if (!finding.domain.empty()) incident.domain = finding.domain;
    }
    if (!finding.evidence.empty() && finding.risk_score > best_with_evidence) {
      best_with_evidence = finding.risk_score;
      incident.evidence = finding.evidence;
    }
  }
  if (incident.domain.empty()) {
    for (const Keyed* record : records) {
      if (!record->finding->domain.empty()) {
        incident.domain = record->finding->domain;
        break;
      }
    }
  }
  sortUnique(incident.sources);
  sortUnique(incident.families);
  sortUnique(incident.hunts);
  sortUnique(incident.exceptions);
  const int corroborating = std::max(0, static_cast<int>(incident.families.size()) - 1);
  incident.risk_score = std::min(100, best + corroborating * options.corroboration_bonus);
  incident.severity = severityForRisk(incident.risk_score, options.weights);
  return incident;
}

std::string incidentId(core::Sha256& sha, const Cluster& cluster, const std::string& provider,
                       bool suppressed, std::string_view salt) {
  sha.field("incident/1");
  for (const auto& field : cluster.key.fields) sha.field(field);
  sha.field(provider).field(std::to_string(cluster.bucket)).field(suppressed ? "s" : "");
  sha.field(salt);
  return sha.hex(32);
}

int severityRank(Severity severity) { return static_cast<int>(severity); }

}  // namespace

std::vector<Incident> correlateFindings(const std::vector<Finding>& findings,
                                        const IncidentOptions& options) {
  const std::int64_t window = std::max<std::int64_t>(options.window_ms, 1);
  std::vector<Keyed> keyed;
  keyed.reserve(findings.size());
  for (const Finding& finding : findings) {
    Keyed k;
    k.finding = &finding;
    if (auto time = core::parseTimestamp(finding.event_time)) k.time = *time;
    k.user = userKey(finding.username);
    k.host = hostKey(finding.host);
    k.process = processKey(finding.process_name);
    k.source = telemetrySource(finding);
    keyed.push_back(std::move(k));
  }
  std::sort(keyed.begin(), keyed.end(), [](const Keyed& a, const Keyed& b) {
    if (a.time != b.time) return a.time < b.time;
    return a.finding->finding_id < b.finding->finding_id;
  });
  const std::vector<Event> events = foldDuplicates(keyed, options);

  // Provider, bucket of the event's first record, suppressed: what must be equal.
  std::map<std::tuple<std::string, std::int64_t, bool>, std::vector<const Event*>> groups;
  for (const Event& event : events) {
    const Finding& finding = *event.first().finding;
    groups[{finding.provider, bucketOf(event.first().time, window), finding.suppressed}].push_back(
        &event);
  }
  std::vector<Incident> incidents;
  incidents.reserve(events.size());
  std::unordered_set<std::string> ids;
  ids.reserve(events.size());
  core::Sha256 sha;
  for (const auto& [group, members] : groups) {
    const auto& [provider, bucket, suppressed] = group;
    std::vector<Cluster> clusters;
    cluster(members, bucket, clusters);
    for (const Cluster& c : clusters) {
      Incident incident = buildIncident(c, provider, suppressed, options);
      incident.incident_id = incidentId(sha, c, provider, suppressed, "");
      // Two incidents with one key (a record that fitted several started its own): the first
      // finding tells them apart.
      if (!ids.insert(incident.incident_id).second) {
        incident.incident_id = incidentId(sha, c, provider, suppressed, incident.finding_ids[0]);
        ids.insert(incident.incident_id);
      }
      incidents.push_back(std::move(incident));
    }
  }
  // Sorted by pointer, then moved once into place: an incident is too large to move at every
  // step of a sort.
  std::vector<Incident*> order;
  order.reserve(incidents.size());
  for (Incident& incident : incidents) order.push_back(&incident);
  std::sort(order.begin(), order.end(), [](const Incident* a, const Incident* b) {
    if (a->severity != b->severity) return severityRank(a->severity) > severityRank(b->severity);
    if (a->risk_score != b->risk_score) return a->risk_score > b->risk_score;
    if (a->first_seen != b->first_seen) return a->first_seen < b->first_seen;
    return a->incident_id < b->incident_id;
  });
  std::vector<Incident> sorted;
  sorted.reserve(incidents.size());
  for (Incident* incident : order) sorted.push_back(std::move(*incident));
  return sorted;
}

}  // namespace aihunt::detection

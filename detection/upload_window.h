#pragma once
// Large uploads over a window, from the rows of the aggregated upload query (one row per group
// of source, user, URL and client, with the bytes summed by QRadar). Groups whose client is a
// browser are left out, decided exactly as the per-event analysis decides it; the rest are
// totalled per (source IP, user, provider), and a total that reaches
// DetectionSettings::large_upload_window_bytes becomes a large_upload finding even when no
// single request was large: a slow exfiltration in many small requests.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <tuple>
#include <vector>

#include "core/digest.h"
#include "core/time.h"
#include "detection/analyzer_stats.h"
#include "detection/event.h"
#include "detection/finding.h"
#include "detection/request_facts.h"
#include "detection/settings.h"
#include "detection/suppressor.h"

namespace aihunt::detection {

// One row of the aggregated query: the group's key fields, bytes_sent (the sum) and
// event_time_ms (the first request) in `group`; the request count and the last request time.
struct UploadGroup {
  const Event& group;
  std::int64_t requests = 0;
  std::optional<core::EpochMs> last_time_ms;
};

class UploadWindow {
 public:
  // [from, to): the window the query covered; part of each finding's id.
  UploadWindow(const DetectionSettings& settings, std::string hunt, SignalSet enabled,
               core::EpochMs from, core::EpochMs to);

  void add(const UploadGroup& row);
  // The findings of the window (suppressed ones marked), in (source, user, provider) order.
  [[nodiscard]] std::vector<Finding> findings(core::EpochMs now);

  // events: groups read; browser_events_skipped: browser groups; findings and suppressed.
  [[nodiscard]] const AnalyzerStats& stats() const { return stats_; }
  [[nodiscard]] const Suppressor& suppressor() const { return suppressor_; }
  // The QRadar reference sets exceptions look values up in (null: none read).
  void setReferenceSets(ReferenceSetSnapshot sets) {
    suppressor_.setReferenceSets(std::move(sets));
  }

 private:
  struct ClientTotal {
    ProcessCategory category = ProcessCategory::kUnknown;
    std::string process_name;
    std::string application;  // as seen, or the user agent's label
    std::int64_t bytes = 0;
  };
  struct Total {
    const Provider* provider = nullptr;
    std::int64_t bytes = 0;
    std::int64_t requests = 0;
    std::optional<core::EpochMs> first;
    std::optional<core::EpochMs> last;
    std::map<std::string, std::int64_t> domain_bytes;
    std::map<std::string, ClientTotal> clients;  // by process name or agent label
  };
  using Key = std::tuple<std::string, std::string, std::string>;  // source, user, provider id

  Finding makeFinding(const Key& key, const Total& total, core::EpochMs now);

  const DetectionSettings& settings_;
  std::string hunt_;
  SignalSet enabled_;
  core::EpochMs from_;
  core::EpochMs to_;
  Client client_;
  Suppressor suppressor_;
  core::Sha256 digest_;
  std::map<Key, Total> totals_;
  AnalyzerStats stats_;
};

}  // namespace aihunt::detection

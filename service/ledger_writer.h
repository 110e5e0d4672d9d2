#pragma once
// The daemon's FindingWriter: each finding of a window is checked against the findings already
// raised (a repeat is counted, not raised again: overlap windows make repeats normal), given the
// first_seen signal when its (host or source, process, provider) has never been seen, and kept
// for the outbox. After each results page the page's findings are committed in one transaction
// (seen ids, outbox rows per sink, baselines); the window is marked done by complete(), never
// before its findings are committed. A crash mid-window loses nothing: the window is hunted
// again, and what was committed comes back as repeats, already in the outbox.
#include <cstdint>
#include <string>
#include <unordered_set>
#include <vector>

#include "core/metrics.h"
#include "detection/settings.h"
#include "service/finding_writer.h"
#include "state/state_store.h"

namespace aihunt::service {

class LedgerWriter final : public FindingWriter {
 public:
  LedgerWriter(state::StateStore& store, const detection::DetectionSettings& settings,
               std::string hunt, std::vector<std::string> sinks, core::EpochMs now,
               bool first_seen);

  [[nodiscard]] core::Status write(const detection::Finding& finding) override;
  [[nodiscard]] core::Status pageDone() override;
  [[nodiscard]] core::Status finish() override { return pageDone(); }
  // Commits what is left and marks [from, to) done, with the window's counts.
  [[nodiscard]] core::Status complete(state::WindowRecord record);

  // The hunt window [from, to) the findings come from: each outbox payload gets a "window" key,
  // "<from>/<to>" in ISO 8601 UTC (offense notes summarise a window).
  void setWindow(core::EpochMs from, core::EpochMs to);

  // `aihunt hunt --deliver`: an upload total is a repeat when a total of its source, user and
  // provider was raised over an overlapping window, not only over the same one. Its windows are
  // not the daemon's fixed ones, so a run a minute after another would total the same bytes
  // under another id. The daemon keeps one total per window of its own, but for a total of only
  // requests that a raised total held already (what its overlap re-reads): a repeat.
  void setOverlappingTotalsRepeat(bool on) { overlapping_totals_repeat_ = on; }

  // Counts new findings by severity, signal and category (aihunt_findings_*), once the store has
  // them: a window whose commit fails (a full disk) counts none.
  void setMetrics(core::Metrics* metrics) { metrics_ = metrics; }

  [[nodiscard]] std::uint64_t added() const { return added_; }
  [[nodiscard]] std::uint64_t repeats() const { return repeats_; }
  [[nodiscard]] std::uint64_t firstSeen() const { return first_seen_count_; }

 private:
  [[nodiscard]] core::Status flush(std::optional<state::WindowRecord> completes);

  state::StateStore& store_;
  const detection::DetectionSettings& settings_;
  std::string hunt_;
  std::vector<std::string> sinks_;
  core::EpochMs now_;
  bool first_seen_;
  bool overlapping_totals_repeat_ = false;
  state::Commit pending_;
  std::unordered_set<std::string> pending_ids_;
  std::unordered_set<std::string> pending_baselines_;
  detection::Finding copy_;
  std::uint64_t added_ = 0;
  std::uint64_t repeats_ = 0;
  std::uint64_t first_seen_count_ = 0;
  core::Metrics* metrics_ = nullptr;
  // What the pending findings add to the metrics when they are committed.
  struct Counted {
    detection::Severity severity;
    detection::SignalSet signals;
    detection::ProcessCategory category;
  };
  std::vector<Counted> pending_counts_;
  std::string window_;  // empty: no window key
};

// The first-seen key of a finding: who (host, else source IP, else user), what process, which
// provider; lower-cased.
std::string baselineKey(const detection::Finding& finding);

}  // namespace aihunt::service

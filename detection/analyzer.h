#pragma once
// The detection pipeline for one event: classify provider, categorise process, compute
// signals, score, apply exceptions, derive the stable finding id. Pure: no I/O, no clock of its
// own (the caller says what "now" is, for exception expiry).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/digest.h"
#include "core/time.h"
#include "detection/cmdline_indicators.h"
#include "detection/event.h"
#include "detection/evidence.h"
#include "detection/exceptions.h"
#include "detection/finding.h"
#include "detection/reference_sets.h"
#include "detection/settings.h"

namespace aihunt::detection {

struct AnalyzerStats {
  std::uint64_t events = 0;
  std::uint64_t findings = 0;  // not suppressed
  std::uint64_t suppressed = 0;
  std::uint64_t browser_events_skipped = 0;
  std::uint64_t expired_exception_hits = 0;
  std::uint64_t own_events_skipped = 0;  // aihunt's own LEEF events (not counted in `events`)
  // Findings an exception would have judged by a reference set whose contents are unknown.
  std::uint64_t unknown_reference_set_checks = 0;
};

class Analyzer {
 public:
  // `enabled`: the signals this hunt reports; others are computed but dropped.
  Analyzer(const DetectionSettings& settings, std::string hunt,
           SignalSet enabled = SignalSet::all());

  // A finding when any signal fires, suppressed or not; nullopt otherwise.
  [[nodiscard]] std::optional<Finding> analyze(const Event& event, core::EpochMs now);
  // The same into `finding`, reusing its storage: the form for pipelines, where a fresh Finding
  // per row would cost more in allocations than the detection itself. Returns whether a signal
  // fired; `finding` is only meaningful when it did.
  [[nodiscard]] bool analyze(const Event& event, core::EpochMs now, Finding& finding);

  [[nodiscard]] const AnalyzerStats& stats() const { return stats_; }
  // Exception id -> suppressed count, in rule order.
  [[nodiscard]] const std::vector<std::uint64_t>& suppressedPerException() const {
    return suppressed_per_rule_;
  }
  [[nodiscard]] const ExceptionMatcher& exceptions() const { return exceptions_; }
  // The QRadar reference sets exceptions look values up in (null: none read).
  void setReferenceSets(ReferenceSetSnapshot sets) { reference_sets_ = std::move(sets); }

 private:
  const DetectionSettings& settings_;
  CommandLineMatcher cmdline_;  // the settings' lists, compiled once
  EvidenceRedactor evidence_;
  core::Sha256 digest_;  // reused for every finding id
  std::string hunt_;
  SignalSet enabled_;
  ExceptionMatcher exceptions_;
  ReferenceSetSnapshot reference_sets_;
  AnalyzerStats stats_;
  std::vector<std::uint64_t> suppressed_per_rule_;
};

}  // namespace aihunt::detection

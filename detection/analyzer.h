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
#include "detection/analyzer_stats.h"
#include "detection/cmdline_indicators.h"
#include "detection/event.h"
#include "detection/evidence.h"
#include "detection/exceptions.h"
#include "detection/finding.h"
#include "detection/reference_sets.h"
#include "detection/request_facts.h"
#include "detection/settings.h"
#include "detection/suppressor.h"

namespace aihunt::detection {

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
    return suppressor_.suppressedPerRule();
  }
  [[nodiscard]] const ExceptionMatcher& exceptions() const { return suppressor_.exceptions(); }
  [[nodiscard]] const Suppressor& suppressor() const { return suppressor_; }
  // The QRadar reference sets exceptions look values up in (null: none read).
  void setReferenceSets(ReferenceSetSnapshot sets) {
    suppressor_.setReferenceSets(std::move(sets));
  }

 private:
  const DetectionSettings& settings_;
  CommandLineMatcher cmdline_;  // the settings' lists, compiled once
  EvidenceRedactor evidence_;
  core::Sha256 digest_;  // reused for every finding id
  std::string hunt_;
  SignalSet enabled_;
  Suppressor suppressor_;
  Client client_;  // reused for every event
  AnalyzerStats stats_;
};

}  // namespace aihunt::detection

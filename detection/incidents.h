#pragma once
// Incidents: the findings of one actor's one action, folded together. A person running one
// PowerShell command that calls an AI API leaves a Sysmon 1 record, a Security 4688 record, a
// Sysmon 3 connection and a proxy request: four findings, one thing that happened. Pure functions
// over findings; docs/incidents.md states the rules and the score formula.
#include <cstdint>
#include <string>
#include <vector>

#include "core/time.h"
#include "detection/finding.h"
#include "detection/scoring.h"
#include "detection/telemetry_source.h"

namespace aihunt::detection {

struct IncidentOptions {
  // Actions are grouped in fixed buckets of this length, counted from the Unix epoch.
  std::int64_t window_ms = 10 * 60 * 1000;
  // Two records of one event from different log sources (Sysmon 1 and Security 4688 of one
  // process) are this close in time at most.
  std::int64_t duplicate_skew_ms = 5 * 1000;
  // Added to the highest finding score for each telemetry family beyond the first that saw the
  // incident (endpoint and network are independent witnesses); the total is capped at 100.
  int corroboration_bonus = 10;
  ScoringWeights weights;  // severity thresholds for the incident's score
};

struct IncidentActor {
  std::string user;          // userKey(): "jdoe"; empty when no finding named a user
  std::string user_display;  // the most qualified spelling seen: "CORP\jdoe"
  std::string host;          // as a finding spelled it (hostKey() folds the spellings)
  std::string source_ip;
};

struct Incident {
  std::string incident_id;  // 32 hex chars: actor, action and bucket start
  IncidentActor actor;
  std::string provider;
  std::string domain;
  std::string process;               // processKey(): "powershell"; empty when only the wire saw it
  std::vector<std::string> sources;  // telemetry labels, sorted: "4688", "Sysmon 1", "proxy"
  std::vector<TelemetryFamily> families;
  SignalSet signals;
  int risk_score = 0;
  Severity severity = Severity::kLow;
  std::string first_seen;  // ISO 8601 UTC (the raw value for a time that could not be read)
  std::string last_seen;
  std::vector<std::string> finding_ids;  // every contributing finding, in time order
  std::size_t events = 0;          // findings left once duplicate records of one event are folded
  std::string evidence;            // of the highest-scoring finding that carries any
  std::vector<std::string> hunts;  // sorted
  bool suppressed = false;         // every finding suppressed (such findings group apart)
  std::vector<std::string> exceptions;  // the suppressing exception ids, sorted
};

// The incidents of `findings`, sorted by severity (highest first), then first seen, then id.
// Deterministic: the same findings in any order give the same incidents.
std::vector<Incident> correlateFindings(const std::vector<Finding>& findings,
                                        const IncidentOptions& options);

}  // namespace aihunt::detection

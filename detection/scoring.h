#pragma once
// Risk score (0-100) and severity. Weights are content: the defaults live in the pack and
// config may change them.
#include <cstdint>
#include <string_view>

#include "detection/process.h"
#include "detection/provider.h"
#include "detection/signals.h"

namespace aihunt::detection {

enum class Severity { kLow, kMedium, kHigh, kCritical };
std::string_view severityName(Severity severity);

struct ScoringWeights {
  // Per signal.
  int non_browser_ai_api = 40;
  int large_upload = 30;
  int key_or_prompt_on_cmdline = 30;
  int ai_sdk_install = 15;
  int first_seen = 10;
  int ai_api_contact = 20;
  // Per process category (added once).
  int script_runtime = 10;
  int script_host = 20;
  int cli_transfer = 10;
  int lolbin = 30;
  int ai_client = 0;
  int other = 0;
  // A portal host (chatgpt.com) rather than an API endpoint scales the total by this percent.
  int portal_percent = 60;
  // Severity thresholds on the final score: >= high_at is high, and so on.
  int medium_at = 40;
  int high_at = 60;
  int critical_at = 85;
};

struct Score {
  int risk = 0;
  Severity severity = Severity::kLow;
};

// The severity of a risk score by the weights' thresholds.
Severity severityForRisk(int risk, const ScoringWeights& weights);

Score scoreFinding(const ScoringWeights& weights, SignalSet signals, ProcessCategory category,
                   const Provider* provider);

}  // namespace aihunt::detection

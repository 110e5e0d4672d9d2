#include "detection/scoring.h"

#include <algorithm>

namespace aihunt::detection {

std::string_view severityName(Severity severity) {
  switch (severity) {
    case Severity::kLow:
      return "low";
    case Severity::kMedium:
      return "medium";
    case Severity::kHigh:
      return "high";
    case Severity::kCritical:
      return "critical";
  }
  return "low";
}

Score scoreFinding(const ScoringWeights& weights, SignalSet signals, ProcessCategory category,
                   const Provider* provider) {
  int total = 0;
  if (signals.has(Signal::kNonBrowserAiApi)) total += weights.non_browser_ai_api;
  if (signals.has(Signal::kLargeUpload)) total += weights.large_upload;
  if (signals.has(Signal::kKeyOrPromptOnCmdline)) total += weights.key_or_prompt_on_cmdline;
  if (signals.has(Signal::kAiSdkInstall)) total += weights.ai_sdk_install;
  if (signals.has(Signal::kFirstSeen)) total += weights.first_seen;
  if (signals.has(Signal::kAiApiContact)) total += weights.ai_api_contact;
  switch (category) {
    case ProcessCategory::kScriptRuntime:
      total += weights.script_runtime;
      break;
    case ProcessCategory::kScriptHost:
      total += weights.script_host;
      break;
    case ProcessCategory::kCliTransfer:
      total += weights.cli_transfer;
      break;
    case ProcessCategory::kLolbin:
      total += weights.lolbin;
      break;
    case ProcessCategory::kAiClient:
      total += weights.ai_client;
      break;
    case ProcessCategory::kOther:
      total += weights.other;
      break;
    case ProcessCategory::kBrowser:
    case ProcessCategory::kUnknown:
      break;
  }
  if (provider != nullptr && provider->provider_class == ProviderClass::kPortal) {
    total = total * weights.portal_percent / 100;
  }
  Score score;
  score.risk = std::clamp(total, 0, 100);
  score.severity = severityForRisk(score.risk, weights);
  return score;
}

Severity severityForRisk(int risk, const ScoringWeights& weights) {
  if (risk >= weights.critical_at) return Severity::kCritical;
  if (risk >= weights.high_at) return Severity::kHigh;
  if (risk >= weights.medium_at) return Severity::kMedium;
  return Severity::kLow;
}

}  // namespace aihunt::detection

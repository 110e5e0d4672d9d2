#pragma once
// Everything the detection needs to decide, built once at start-up from the content pack and
// config (config/ builds it; detection/ only reads it).
#include <cstdint>
#include <string>
#include <vector>

#include "detection/exceptions.h"
#include "detection/process.h"
#include "detection/provider.h"
#include "detection/scoring.h"
#include "detection/user_agent.h"

namespace aihunt::detection {

struct CommandLineIndicators {
  // Environment variable names that hold AI API keys ("OPENAI_API_KEY"); matched as words,
  // ASCII case-insensitive.
  std::vector<std::string> key_variables;
  // Package names of AI SDKs ("openai", "anthropic", "google-generativeai").
  std::vector<std::string> sdk_packages;
  // Package managers whose "install"/"add" installs them ("pip", "npm", "uv", "poetry").
  std::vector<std::string> installers;
  // Path fragments of installed SDKs ("site-packages/openai/"; separators normalised to '/').
  std::vector<std::string> sdk_paths;
};

struct DetectionSettings {
  ProviderCatalog providers;
  ProcessCatalog processes;
  UserAgentCatalog user_agents;
  CommandLineIndicators cmdline;
  std::vector<ExceptionRule> exceptions;
  ScoringWeights scoring;
  std::int64_t large_upload_bytes = 1'048'576;  // per event
  // Log source types whose events are aihunt's own (the LEEF events it sends, under the type
  // docs/qradar-setup.md creates), lower-cased. They carry an AI API's URL, so a hunt over every
  // log source would find them again, one generation after another: they are never analysed.
  std::vector<std::string> own_log_source_types = {"aihunt"};
  // Per (source, user, provider) over one hunt window, summed by the aggregated upload query.
  std::int64_t large_upload_window_bytes = 2'097'152;
};

}  // namespace aihunt::detection

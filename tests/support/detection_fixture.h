#pragma once
// A small, explicit DetectionSettings for unit tests of detection/, independent of the content
// pack (config tests cover the pack itself).
#include "detection/settings.h"

namespace aihunt::testing {

inline detection::DetectionSettings makeTestSettings() {
  using namespace detection;
  DetectionSettings settings;
  const auto must = [](const core::Status& status) {
    if (!status) throw std::runtime_error(status.error().message);
  };
  must(settings.providers.add({"openai", "openai", ProviderClass::kApi, {"api.openai.com"}}));
  must(settings.providers.add(
      {"anthropic", "anthropic", ProviderClass::kApi, {"api.anthropic.com"}}));
  must(settings.providers.add(
      {"azure_openai", "openai", ProviderClass::kApi, {"*.openai.azure.com"}}));
  must(settings.providers.add(
      {"vertex_ai", "google", ProviderClass::kApi, {"*-aiplatform.googleapis.com"}}));
  must(settings.providers.add(
      {"bedrock", "aws", ProviderClass::kApi, {"bedrock-runtime.*.amazonaws.com"}}));
  must(settings.providers.add({"chatgpt", "openai", ProviderClass::kPortal, {"chatgpt.com"}}));
  for (const char* name : {"python", "powershell", "pwsh", "node"}) {
    must(settings.processes.add(name, {ProcessCategory::kScriptRuntime, {}}));
  }
  must(settings.processes.add("wscript", {ProcessCategory::kScriptHost, {}}));
  must(settings.processes.add("curl", {ProcessCategory::kCliTransfer, {}}));
  must(settings.processes.add("mshta", {ProcessCategory::kLolbin, {}}));
  must(settings.processes.add("chrome", {ProcessCategory::kBrowser, {}}));
  must(settings.processes.add("codex", {ProcessCategory::kAiClient, "openai"}));
  settings.user_agents.add({UserAgentMatch::kContains, "WindowsPowerShell",
                            ProcessCategory::kScriptRuntime, "powershell"});
  settings.user_agents.add(
      {UserAgentMatch::kPrefix, "python-requests/", ProcessCategory::kScriptRuntime, ""});
  settings.user_agents.add({UserAgentMatch::kPrefix, "curl/", ProcessCategory::kCliTransfer, ""});
  settings.cmdline.key_variables = {"OPENAI_API_KEY", "ANTHROPIC_API_KEY"};
  settings.cmdline.sdk_packages = {"openai", "anthropic", "@anthropic-ai/sdk"};
  settings.cmdline.installers = {"pip", "npm", "uv"};
  settings.cmdline.sdk_paths = {"site-packages/openai/", "node_modules/@anthropic-ai/sdk/"};
  settings.large_upload_bytes = 1'000'000;
  return settings;
}

}  // namespace aihunt::testing

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "config/content_pack.h"
#include "config/detection_settings_builder.h"
#include "config/pack_sections.h"
#include "config/yaml_tree.h"
#include "detection/process.h"
#include "detection/provider.h"
#include "detection/user_agent.h"

namespace aihunt::config {
namespace {

using detection::ProcessCategory;

const detection::DetectionSettings& builtin() {
  static const detection::DetectionSettings settings = [] {
    auto result = builtinDetectionSettings();
    INFO((result.ok() ? std::string() : result.error().message));
    REQUIRE(result.ok());
    return std::move(result).value();
  }();
  return settings;
}

TEST_CASE("the built-in pack loads without errors", "[config][pack]") {
  const PackOutcome outcome = parseContentPack(builtinContentFiles());
  std::string all;
  for (const auto& error : outcome.errors) all += error.describe() + "\n";
  INFO(all);
  REQUIRE(outcome.errors.empty());
  REQUIRE(outcome.pack.has_value());
  CHECK(outcome.pack->large_upload_bytes == 1'048'576);
  CHECK(builtin().providers.providers().size() == outcome.pack->providers.size());
}

TEST_CASE("every seed host and every documented addition is classified", "[config][pack]") {
  const std::vector<std::pair<std::string, std::string>> hosts = {
      {"api.openai.com", "openai"},
      {"api.anthropic.com", "anthropic"},
      {"generativelanguage.googleapis.com", "google_gemini"},
      {"api.cohere.ai", "cohere"},
      {"api-inference.huggingface.co", "huggingface"},
      {"api.mistral.ai", "mistral"},
      {"api.together.xyz", "together"},
      {"api.groq.com", "groq"},
      {"api.perplexity.ai", "perplexity"},
      {"api.replicate.com", "replicate"},
      {"api.stability.ai", "stability"},
      {"api.ai21.com", "ai21"},
      {"inference.azure.com", "azure_ai_inference"},
      {"myco.openai.azure.com", "azure_openai"},
      {"x.inference.ai.azure.com", "azure_ai_inference"},
      {"models.inference.ai.azure.com", "azure_ai_inference"},
      {"us-central1-aiplatform.googleapis.com", "google_vertex"},
      {"router.huggingface.co", "huggingface"},
      {"api.cohere.com", "cohere"},
      {"api.x.ai", "xai"},
      {"api.deepseek.com", "deepseek"},
      {"openrouter.ai", "openrouter"},
      {"bedrock-runtime.us-east-1.amazonaws.com", "aws_bedrock"},
      {"dashscope.aliyuncs.com", "alibaba_dashscope"},
      {"chatgpt.com", "openai_portal"},
      {"chat.openai.com", "openai_portal"},
      {"claude.ai", "anthropic_portal"},
      {"gemini.google.com", "google_portal"},
  };
  for (const auto& [host, id] : hosts) {
    INFO(host);
    const detection::Provider* provider = builtin().providers.classify(host);
    REQUIRE(provider != nullptr);
    CHECK(provider->id == id);
  }
  CHECK(builtin().providers.classify("openai.azure.com") == nullptr);
  CHECK(builtin().providers.classify("notapi.openai.com") == nullptr);
  CHECK(builtin().providers.classify("s3.us-east-1.amazonaws.com") == nullptr);
  CHECK(builtin().providers.classify("chatgpt.com")->provider_class ==
        detection::ProviderClass::kPortal);
}

TEST_CASE("the built-in process categories cover the documented categories", "[config][pack]") {
  const std::vector<std::pair<std::string, ProcessCategory>> names = {
      {"python", ProcessCategory::kScriptRuntime}, {"pythonw", ProcessCategory::kScriptRuntime},
      {"py", ProcessCategory::kScriptRuntime},     {"powershell", ProcessCategory::kScriptRuntime},
      {"pwsh", ProcessCategory::kScriptRuntime},   {"node", ProcessCategory::kScriptRuntime},
      {"deno", ProcessCategory::kScriptRuntime},   {"bun", ProcessCategory::kScriptRuntime},
      {"ruby", ProcessCategory::kScriptRuntime},   {"perl", ProcessCategory::kScriptRuntime},
      {"php", ProcessCategory::kScriptRuntime},    {"java", ProcessCategory::kScriptRuntime},
      {"javaw", ProcessCategory::kScriptRuntime},  {"wscript", ProcessCategory::kScriptHost},
      {"cscript", ProcessCategory::kScriptHost},   {"curl", ProcessCategory::kCliTransfer},
      {"wget", ProcessCategory::kCliTransfer},     {"bitsadmin", ProcessCategory::kCliTransfer},
      {"certutil", ProcessCategory::kCliTransfer}, {"mshta", ProcessCategory::kLolbin},
      {"regsvr32", ProcessCategory::kLolbin},      {"rundll32", ProcessCategory::kLolbin},
      {"msbuild", ProcessCategory::kLolbin},       {"installutil", ProcessCategory::kLolbin},
      {"regasm", ProcessCategory::kLolbin},        {"regsvcs", ProcessCategory::kLolbin},
      {"msiexec", ProcessCategory::kLolbin},       {"claude", ProcessCategory::kAiClient},
      {"chatgpt", ProcessCategory::kAiClient},     {"codex", ProcessCategory::kAiClient},
      {"ollama", ProcessCategory::kAiClient},      {"chrome", ProcessCategory::kBrowser},
      {"msedge", ProcessCategory::kBrowser},       {"firefox", ProcessCategory::kBrowser},
      {"safari", ProcessCategory::kBrowser},       {"brave", ProcessCategory::kBrowser},
      {"opera", ProcessCategory::kBrowser},        {"iexplore", ProcessCategory::kBrowser},
      {"vivaldi", ProcessCategory::kBrowser},      {"chromium", ProcessCategory::kBrowser},
      {"notepad", ProcessCategory::kOther},
  };
  for (const auto& [name, category] : names) {
    INFO(name);
    CHECK(builtin().processes.lookup(detection::normaliseProcessName(name)).entry.category ==
          category);
  }
  CHECK(builtin().processes.lookup("claude").entry.vendor == "anthropic");
  CHECK(builtin().processes.lookup("chatgpt").entry.vendor == "openai");
  CHECK(builtin().processes.lookup("codex").entry.vendor == "openai");
  CHECK(builtin().processes.lookup("ollama").entry.vendor.empty());
}

TEST_CASE("the built-in user-agent rules tell non-browsers apart", "[config][pack]") {
  const std::vector<std::pair<std::string, ProcessCategory>> agents = {
      {"python-requests/2.31.0", ProcessCategory::kScriptRuntime},
      {"python-httpx/0.27.0", ProcessCategory::kScriptRuntime},
      {"Python-urllib/3.11", ProcessCategory::kScriptRuntime},
      {"OpenAI/Python 1.30.1", ProcessCategory::kScriptRuntime},
      {"Anthropic/Python 0.28.0", ProcessCategory::kScriptRuntime},
      {"curl/8.4.0", ProcessCategory::kCliTransfer},
      {"Wget/1.21.4", ProcessCategory::kCliTransfer},
      {"Mozilla/5.0 (Windows NT; Windows NT 10.0; en-US) WindowsPowerShell/5.1.22621.2506",
       ProcessCategory::kScriptRuntime},
      {"Mozilla/5.0 (Windows NT 10.0; Microsoft Windows 10.0.22631; en-US) PowerShell/7.4.1",
       ProcessCategory::kScriptRuntime},
      {"node-fetch/1.0 (+https://github.com/bitinn/node-fetch)", ProcessCategory::kScriptRuntime},
      {"axios/1.6.7", ProcessCategory::kScriptRuntime},
      {"Go-http-client/2.0", ProcessCategory::kScriptRuntime},
      {"okhttp/4.12.0", ProcessCategory::kScriptRuntime},
      {"Java/17.0.9", ProcessCategory::kScriptRuntime},
      {"libwww-perl/6.72", ProcessCategory::kScriptRuntime},
      {"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
       "Chrome/120.0.0.0 Safari/537.36",
       ProcessCategory::kBrowser},
  };
  for (const auto& [agent, category] : agents) {
    INFO(agent);
    CHECK(builtin().user_agents.classify(agent).category == category);
  }
}

TEST_CASE("the built-in indicators and scoring are complete", "[config][pack]") {
  const auto& cmdline = builtin().cmdline;
  const auto has = [](const std::vector<std::string>& list, std::string_view value) {
    return std::find(list.begin(), list.end(), value) != list.end();
  };
  for (const char* name :
       {"OPENAI_API_KEY", "ANTHROPIC_API_KEY", "GEMINI_API_KEY", "GOOGLE_API_KEY", "COHERE_API_KEY",
        "CO_API_KEY", "MISTRAL_API_KEY", "GROQ_API_KEY", "TOGETHER_API_KEY", "PERPLEXITY_API_KEY",
        "REPLICATE_API_TOKEN", "HF_TOKEN", "HUGGINGFACEHUB_API_TOKEN", "XAI_API_KEY",
        "DEEPSEEK_API_KEY", "OPENROUTER_API_KEY", "AZURE_OPENAI_API_KEY"}) {
    CHECK(has(cmdline.key_variables, name));
  }
  for (const char* name :
       {"openai", "anthropic", "google-generativeai", "google-genai", "cohere", "mistralai", "groq",
        "together", "replicate", "huggingface_hub", "langchain", "langchain-openai", "llama-index",
        "litellm", "@anthropic-ai/sdk", "@google/generative-ai"}) {
    CHECK(has(cmdline.sdk_packages, name));
  }
  for (const char* name :
       {"pip", "pip3", "pipx", "uv", "poetry", "conda", "npm", "pnpm", "yarn", "bun", "gem"}) {
    CHECK(has(cmdline.installers, name));
  }
  for (const char* name : {"site-packages/openai/", "site-packages/anthropic/",
                           "node_modules/openai/", "node_modules/@anthropic-ai/sdk/"}) {
    CHECK(has(cmdline.sdk_paths, name));
  }
  // detection.yaml spells out every weight; the pack reader insists on each one.
  const detection::ScoringWeights defaults;
  for (const auto& [name, field] : scoringFields()) {
    INFO(name);
    CHECK(builtin().scoring.*field == defaults.*field);
  }
}

TEST_CASE("a pack missing a weight or a file is reported per file", "[config][pack]") {
  const core::EmbeddedFile* providers = findBuiltinFile("providers.yaml");
  REQUIRE(providers != nullptr);
  const std::vector<core::EmbeddedFile> files = {
      *providers,
      {"detection.yaml", "large_upload_bytes: 10\nscoring: {non_browser_ai_api: 40}\n"},
  };
  const PackOutcome outcome = parseContentPack(files);
  CHECK_FALSE(outcome.pack.has_value());
  std::vector<std::string> described;
  for (const auto& error : outcome.errors) described.push_back(error.describe());
  CHECK(std::find(described.begin(), described.end(), "processes.yaml: content file is missing") !=
        described.end());
  CHECK(std::find(described.begin(), described.end(),
                  "detection.yaml:2:10: scoring.lolbin: missing required key") != described.end());
}

}  // namespace
}  // namespace aihunt::config

// CommandLineMatcher's rules one by one: word and package boundaries, and what evidence hides.
#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <vector>

#include "core/secret_scan.h"
#include "detection/cmdline_indicators.h"
#include "tests/support/detection_fixture.h"

using aihunt::detection::CommandLineMatcher;

namespace {

CommandLineMatcher matcher() {
  return CommandLineMatcher(aihunt::testing::makeTestSettings().cmdline);
}

}  // namespace

TEST_CASE("key variables count only as whole words, in any case") {
  const auto m = matcher();
  CHECK(m.mentionsKeyVariable("OPENAI_API_KEY"));
  CHECK(m.mentionsKeyVariable("echo %openai_api_key%"));
  CHECK(m.mentionsKeyVariable("x MY_OPENAI_API_KEY_2 y ANTHROPIC_API_KEY"));  // the second one
  CHECK_FALSE(m.mentionsKeyVariable("MY_OPENAI_API_KEY"));
  CHECK_FALSE(m.mentionsKeyVariable("OPENAI_API_KEYS"));
  CHECK_FALSE(m.mentionsKeyVariable(""));
}

TEST_CASE("an SDK with a key word needs both, the SDK as a word") {
  const auto m = matcher();
  CHECK(m.mentionsSdkWithKey("import anthropic; c = anthropic.Anthropic(api_key=k)"));
  CHECK(m.mentionsSdkWithKey("OPENAI.ApiKey = x"));
  CHECK_FALSE(m.mentionsSdkWithKey("import openai"));
  CHECK_FALSE(m.mentionsSdkWithKey("myopenai api_key"));
}

TEST_CASE("installs need an installer, a verb and a package with package boundaries") {
  const auto m = matcher();
  CHECK(m.installsSdk("npm i @anthropic-ai/sdk@0.30"));
  CHECK(m.installsSdk("pip install -U requests openai>=1.0"));
  CHECK(m.installsSdk("uv add anthropic~=0.40"));
  CHECK(m.installsSdk("npm install openai@latest"));
  CHECK_FALSE(m.installsSdk("pip install openai/"));          // a path
  CHECK_FALSE(m.installsSdk("pip install x.openai"));         // a module attribute
  CHECK_FALSE(m.installsSdk("pipx install openai"));          // not a listed installer
  CHECK_FALSE(m.installsSdk("pip freeze | findstr openai"));  // no install verb
}

TEST_CASE("SDK paths match with either slash") {
  const auto m = matcher();
  CHECK(m.isSdkPath("C:\\Python\\Lib\\Site-Packages\\OpenAI\\__init__.py"));
  CHECK(m.isSdkPath("/home/a/app/node_modules/@anthropic-ai/sdk/index.js"));
  CHECK_FALSE(m.isSdkPath("/home/a/site-packages/openai_helper/x.py"));
  CHECK_FALSE(m.isSdkPath(""));
}

TEST_CASE("evidence hides values assigned to key variables, however they are written") {
  const auto m = matcher();
  CHECK(m.redactedEvidence("export OPENAI_API_KEY=abc123; python x.py", 512) ==
        "export OPENAI_API_KEY=[REDACTED]; python x.py");
  CHECK(m.redactedEvidence("$env:anthropic_api_key = 'v1' ; $env:OPENAI_API_KEY=\"v2\"", 512) ==
        "$env:anthropic_api_key = '[REDACTED]' ; $env:OPENAI_API_KEY=\"[REDACTED]\"");
  // A variable inside a value already hidden is part of that value.
  CHECK(m.redactedEvidence("OPENAI_API_KEY=ANTHROPIC_API_KEY=zzz end", 512) ==
        "OPENAI_API_KEY=[REDACTED] end");
  // Mentioned, not assigned: nothing to hide; a later assignment still is.
  CHECK(m.redactedEvidence("echo OPENAI_API_KEY && OPENAI_API_KEY:s3cr3t", 512) ==
        "echo OPENAI_API_KEY && OPENAI_API_KEY:[REDACTED]");
  CHECK(m.redactedEvidence("set OPENAI_API_KEY=[REDACTED]", 512) ==
        "set OPENAI_API_KEY=[REDACTED]");
  CHECK(m.redactedEvidence("curl -H \"Authorization: Bearer abcdefghij\" x", 512) ==
        "curl -H \"Authorization: Bearer [REDACTED]\" x");
  CHECK(m.redactedEvidence("OPENAI_API_KEY=abcdefgh\nline", 12) == "OPENAI_API_K...");
}

TEST_CASE("evidence hides keys assigned through quotes, indexes, arguments and setx") {
  const auto m = matcher();
  const std::string secret = "0123456789abcdef0123";  // no vendor prefix: only the name tells
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"python -c \"import os;os.environ['OPENAI_API_KEY']='" + secret + "'\"",
       "python -c \"import os;os.environ['OPENAI_API_KEY']='[REDACTED]'\""},
      {"[Environment]::SetEnvironmentVariable(\"OPENAI_API_KEY\",\"" + secret + "\",\"User\")",
       "[Environment]::SetEnvironmentVariable(\"OPENAI_API_KEY\",\"[REDACTED]\",\"User\")"},
      {"echo {\"ANTHROPIC_API_KEY\": \"" + secret + "\"} > c.json",
       "echo {\"ANTHROPIC_API_KEY\": \"[REDACTED]\"} > c.json"},
      {"setx OPENAI_API_KEY " + secret + " /M", "setx OPENAI_API_KEY [REDACTED] /M"},
      // Evidence shows control characters as '?'.
      {"SETX  ANTHROPIC_API_KEY\t" + secret, "SETX  ANTHROPIC_API_KEY?[REDACTED]"},
      {"OPENAI_API_KEY\t=" + secret, "OPENAI_API_KEY?=[REDACTED]"},
  };
  for (const auto& [text, expected] : cases) {
    INFO(text);
    CHECK(m.redactedEvidence(text, 512) == expected);
  }
  // Named, not assigned: left alone.
  CHECK(m.redactedEvidence("notsetx OPENAI_API_KEY value", 512) == "notsetx OPENAI_API_KEY value");
  CHECK(m.redactedEvidence("Get-Item env:OPENAI_API_KEY | fl", 512) ==
        "Get-Item env:OPENAI_API_KEY | fl");
}

TEST_CASE("examine sees exactly the API keys the secret scanner finds") {
  const auto m = matcher();
  const std::vector<std::string> pieces = {
      "sk-", "SK-", "sk-ant-",    "sk-proj-",   "AIza",       "aiza", "hf_",  "x",     "_",  " ",
      "=",   "-",   "abcdefghij", "0123456789", "KLMNOPQRST", "\"",   "gsk_", "pplx-", "r8_"};
  std::mt19937 random(4);
  for (int round = 0; round < 5000; ++round) {
    std::string text;
    const std::size_t count = random() % 10;
    for (std::size_t i = 0; i < count; ++i) text += pieces[random() % pieces.size()];
    INFO(text);
    CHECK(m.examine(text).api_key_token == aihunt::core::containsApiKeyToken(text));
  }
}

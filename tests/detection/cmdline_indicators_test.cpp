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

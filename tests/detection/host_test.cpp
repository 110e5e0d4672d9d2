// Host extraction and provider classification over generated URL shapes.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "detection/host.h"
#include "detection/provider.h"
#include "tests/support/detection_fixture.h"

using namespace aihunt::detection;

namespace {

struct Case {
  std::string input;
  std::string host;
};

// Every combination of scheme, userinfo, host spelling, port, path and wrapping.
std::vector<Case> generatedUrls(const std::vector<std::string>& hosts) {
  const std::vector<std::string> schemes = {"", "http://", "https://", "HTTPS://", "//", "wss://"};
  const std::vector<std::string> userinfos = {"", "user@", "user:p%40ss@", "a:b:c@"};
  const std::vector<std::string> ports = {"", ":443", ":8443", ":"};
  const std::vector<std::string> paths = {"",     "/",     "/v1/chat/completions?x=1",
                                          "?q=a", "#frag", "\\windows\\path"};
  const std::vector<std::string> wraps = {"", "\"", "'", " "};
  std::vector<Case> cases;
  for (const auto& host : hosts) {
    for (const auto& scheme : schemes)
      for (const auto& userinfo : userinfos)
        for (const auto& port : ports)
          for (const auto& path : paths)
            for (const auto& wrap : wraps) {
              std::string expected = host;
              while (!expected.empty() && expected.back() == '.') expected.pop_back();
              cases.push_back({wrap + scheme + userinfo + host + port + path + wrap, expected});
            }
  }
  return cases;
}

}  // namespace

TEST_CASE("hostFromUrl extracts the host from every generated URL shape") {
  const auto cases = generatedUrls({"api.openai.com", "API.OpenAI.COM", "api.openai.com.",
                                    "eu.api.openai.com", "x.openai.azure.com"});
  REQUIRE(cases.size() > 2000);
  for (const auto& c : cases) {
    INFO(c.input);
    const auto host = hostFromUrl(c.input);
    REQUIRE(host.has_value());
    CHECK(*host == c.host);
  }
}

TEST_CASE("hostFromUrl handles IPv6 literals and rejects empty hosts") {
  CHECK(hostFromUrl("https://[2001:db8::1]:443/x").value() == "2001:db8::1");
  CHECK(hostFromUrl("https://[::1]/").value() == "::1");
  CHECK_FALSE(hostFromUrl("https:///path").has_value());
  CHECK_FALSE(hostFromUrl("").has_value());
  CHECK_FALSE(hostFromUrl("https://user@:443/").has_value());
  CHECK_FALSE(hostFromUrl("https://[").has_value());
}

TEST_CASE("hostFromHostPort accepts SNI, DNS names and host:port") {
  CHECK(hostFromHostPort("api.openai.com:443").value() == "api.openai.com");
  CHECK(hostFromHostPort("api.openai.com.").value() == "api.openai.com");
  CHECK(hostFromHostPort("[::1]:443").value() == "::1");
  CHECK(hostFromHostPort("2001:db8::5").value() == "2001:db8::5");
  CHECK(hostFromHostPort("https://api.openai.com/v1").value() == "api.openai.com");
  CHECK_FALSE(hostFromHostPort("  ").has_value());
}

TEST_CASE("provider classification is dot-bounded and case-insensitive") {
  const auto settings = aihunt::testing::makeTestSettings();
  const auto& catalog = settings.providers;
  const auto id = [&](std::string_view host) -> std::string {
    const Provider* provider = catalog.classify(host);
    return provider == nullptr ? "" : provider->id;
  };
  SECTION("the host and its subdomains match") {
    for (const char* host : {"api.openai.com", "API.OPENAI.COM", "eu.api.openai.com",
                             "a.b.c.api.openai.com", "api.openai.com."}) {
      INFO(host);
      CHECK(id(host) == "openai");
    }
  }
  SECTION("lookalikes do not match") {
    for (const char* host :
         {"api.openai.com.evil.example", "notapi.openai.com", "api-openai.com", "api.openai.co",
          "apiopenai.com", "openai.com", "api.openai.comm", "xapi.openai.com", "api.openai.com-x",
          "api.0penai.com", "", ".", "com", "xn--pi-openai-9za.com"}) {
      INFO(host);
      CHECK(id(host).empty());
    }
  }
  SECTION("subdomain-only patterns need a subdomain") {
    CHECK(id("contoso.openai.azure.com") == "azure_openai");
    CHECK(id("A.B.OPENAI.AZURE.COM") == "azure_openai");
    CHECK(id("openai.azure.com").empty());
    CHECK(id("contoso.openai.azure.com.evil.example").empty());
  }
  SECTION("label globs") {
    CHECK(id("us-central1-aiplatform.googleapis.com") == "vertex_ai");
    CHECK(id("europe-west4-aiplatform.googleapis.com") == "vertex_ai");
    CHECK(id("aiplatform.googleapis.com").empty());
    CHECK(id("bedrock-runtime.us-east-1.amazonaws.com") == "bedrock");
    CHECK(id("bedrock-runtime.amazonaws.com").empty());
    CHECK(id("bedrock-runtime.us-east-1.amazonaws.com.evil.example").empty());
  }
  SECTION("portals are classified with their class") {
    const Provider* portal = catalog.classify("chatgpt.com");
    REQUIRE(portal != nullptr);
    CHECK(portal->provider_class == ProviderClass::kPortal);
  }
}

TEST_CASE("a glob in the second-level label still matches (no second-level shortcut)") {
  ProviderCatalog catalog;
  REQUIRE(catalog.add({"wild", "wild", ProviderClass::kApi, {"api.*ai.com"}}));
  REQUIRE(catalog.add({"plain", "plain", ProviderClass::kApi, {"llm.example.net"}}));
  const auto id = [&](std::string_view host) -> std::string {
    const Provider* provider = catalog.classify(host);
    return provider == nullptr ? "" : provider->id;
  };
  CHECK(id("api.openai.com") == "wild");
  CHECK(id("api.mistralai.com") == "wild");
  CHECK(id("api.openai.org").empty());
  CHECK(id("x.llm.example.net") == "plain");
  CHECK(id("llm.example.org").empty());
}

TEST_CASE("findInText finds provider hosts inside command lines") {
  const auto settings = aihunt::testing::makeTestSettings();
  const auto& catalog = settings.providers;
  const auto match =
      catalog.findInText("curl.exe -X POST https://api.openai.com/v1/chat/completions -d \"{}\"");
  REQUIRE(match.provider != nullptr);
  CHECK(match.provider->id == "openai");
  CHECK(match.host == "api.openai.com");
  CHECK(catalog.findInText("Invoke-WebRequest -Uri 'https://x.openai.azure.com/openai'")
            .provider->id == "azure_openai");
  CHECK(catalog.findInText("ping api.openai.com.evil.example").provider == nullptr);
  CHECK(catalog.findInText("see notapi.openai.com for details").provider == nullptr);
  CHECK(catalog.findInText("end of sentence api.openai.com.").provider->id == "openai");
  CHECK(catalog.findInText("").provider == nullptr);
}

TEST_CASE("host patterns are validated") {
  CHECK(validateHostPattern("api.openai.com"));
  CHECK(validateHostPattern("*.openai.azure.com"));
  CHECK(validateHostPattern("*-aiplatform.googleapis.com"));
  CHECK(validateHostPattern("bedrock-runtime.*.amazonaws.com"));
  for (const char* bad : {"", "*", "*.com", "com", "api..openai.com", "api.openai.com/x",
                          "api openai.com", "a**b.example.com", "api.openai.*"}) {
    INFO(bad);
    CHECK_FALSE(validateHostPattern(bad));
  }
}

TEST_CASE("a host claimed by two providers is rejected") {
  ProviderCatalog catalog;
  REQUIRE(catalog.add({"a", "a", ProviderClass::kApi, {"api.example.com"}}));
  const auto status = catalog.add({"b", "b", ProviderClass::kApi, {"API.example.com"}});
  REQUIRE_FALSE(status);
  CHECK(status.error().message.find("already belongs to 'a'") != std::string::npos);
}

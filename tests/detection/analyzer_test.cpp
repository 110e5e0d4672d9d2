// The analyzer's decisions on single events: which signals fire, scoring, exceptions, ids.
#include <catch2/catch.hpp>

#include "core/time.h"
#include "detection/analyzer.h"
#include "detection/finding_json.h"
#include "tests/support/detection_fixture.h"

using namespace aihunt::detection;

namespace {

constexpr aihunt::core::EpochMs kNow = 1'795'000'000'000;  // 2026-11-18

Event event(std::initializer_list<std::pair<Field, std::string_view>> values) {
  Event out;
  for (const auto& [field, value] : values) out.set(field, value);
  return out;
}

bool has(const Finding& finding, Signal signal) { return finding.signals.has(signal); }

// An exception for sources in `cidr`, with the bookkeeping fields every exception needs.
ExceptionRule sourceException(std::string id, std::string_view cidr) {
  ExceptionRule rule;
  rule.id = std::move(id);
  rule.reason = "test";
  rule.owner = "secops";
  rule.source_cidrs.push_back(*Cidr::parse(cidr));
  return rule;
}

}  // namespace

TEST_CASE("a script runtime reaching an AI API is a non-browser finding") {
  const auto settings = aihunt::testing::makeTestSettings();
  Analyzer analyzer(settings, "hunt-a");
  const auto finding = analyzer.analyze(event({{Field::kApplication, "C:\\Python311\\python.exe"},
                                               {Field::kDestHost, "api.openai.com"},
                                               {Field::kSourceIp, "10.0.0.5"}}),
                                        kNow);
  REQUIRE(finding);
  CHECK(has(*finding, Signal::kNonBrowserAiApi));
  CHECK(finding->provider == "openai");
  CHECK(finding->domain == "api.openai.com");
  CHECK(finding->process_name == "python");
  CHECK(finding->process_category == ProcessCategory::kScriptRuntime);
  CHECK(finding->risk_score == 50);  // 40 signal + 10 script runtime
  CHECK(finding->severity == Severity::kMedium);
  CHECK(finding->finding_id.size() == 32);
  CHECK_FALSE(finding->suppressed);
}

TEST_CASE("browsers never produce findings, not even with keys on the command line") {
  const auto settings = aihunt::testing::makeTestSettings();
  Analyzer analyzer(settings, "h");
  CHECK_FALSE(analyzer.analyze(event({{Field::kApplication, "chrome.exe"},
                                      {Field::kUrl, "https://api.openai.com/v1"},
                                      {Field::kCommandLine, "chrome.exe OPENAI_API_KEY=x"}}),
                               kNow));
  CHECK_FALSE(
      analyzer.analyze(event({{Field::kUserAgent, "Mozilla/5.0 (Windows NT 10.0) Chrome/131.0"},
                              {Field::kUrl, "https://api.openai.com/v1"}}),
                       kNow));
  CHECK(analyzer.stats().browser_events_skipped == 2);
}

TEST_CASE("a user agent logged in the application column is read as the user agent") {
  auto settings = aihunt::testing::makeTestSettings();
  settings.user_agents.add(
      {UserAgentMatch::kPrefix, "OpenAI/JS", ProcessCategory::kScriptRuntime, "openai-node"});
  Analyzer analyzer(settings, "h");
  const auto url = std::pair{Field::kUrl, std::string_view("https://api.openai.com/v1/chat")};
  // A browser's: skipped, as under the user agent's own column.
  CHECK_FALSE(analyzer.analyze(
      event({{Field::kApplication, "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/131.0"}, url}),
      kNow));
  CHECK(analyzer.stats().browser_events_skipped == 1);
  // A script's and a tool's: scored as under the user agent's column, and named by the agent's
  // label or their product token, never by their version ("2.31").
  for (const char* agent : {"python-requests/2.31.0", "curl/8.4.0"}) {
    INFO(agent);
    const auto finding = analyzer.analyze(event({{Field::kApplication, agent}, url}), kNow);
    const auto as_agent = analyzer.analyze(event({{Field::kUserAgent, agent}, url}), kNow);
    REQUIRE(finding);
    REQUIRE(as_agent);
    // The agent's label, or the process catalog's name for its product token (curl).
    const std::string_view token =
        std::string_view(agent).substr(0, std::string_view(agent).find('/'));
    CHECK((finding->process_name == as_agent->process_name || finding->process_name == token));
    CHECK(finding->process_category == as_agent->process_category);
    CHECK(finding->risk_score == as_agent->risk_score);
    CHECK(finding->process_category != ProcessCategory::kOther);
    CHECK(finding->application == agent);  // the value as logged, for people and exceptions
  }
  // An agent the catalog knows though its shape is not "name/version", and one it does not
  // know, named by its product token rather than left blank.
  const auto node = analyzer.analyze(event({{Field::kApplication, "OpenAI/JS 4.20.1"}, url}), kNow);
  REQUIRE(node);
  CHECK(node->process_category == ProcessCategory::kScriptRuntime);
  CHECK(node->process_name == "openai-node");
  const auto unknown = analyzer.analyze(event({{Field::kApplication, "MyTool/1.0"}, url}), kNow);
  REQUIRE(unknown);
  CHECK(unknown->process_category == ProcessCategory::kOther);
  CHECK(unknown->process_name == "mytool");
  CHECK(unknown->application == "MyTool/1.0");
  // Program paths and names stay programs, a relative one whose next part starts with a digit
  // included.
  for (const char* program : {"/usr/bin/python3", "C:\\Python311\\python.exe", "python3.11",
                              "tools/7zip/7z.exe", "node"}) {
    INFO(program);
    const auto finding = analyzer.analyze(event({{Field::kApplication, program}, url}), kNow);
    REQUIRE(finding);
    CHECK_FALSE(finding->process_name.empty());
    CHECK(finding->process_name != "7z.exe");
  }
}

TEST_CASE("non-AI destinations and lookalikes give nothing") {
  const auto settings = aihunt::testing::makeTestSettings();
  Analyzer analyzer(settings, "h");
  for (const char* host : {"pypi.org", "api.openai.com.evil.example", "notapi.openai.com"}) {
    INFO(host);
    CHECK_FALSE(analyzer.analyze(
        event({{Field::kApplication, "curl.exe"}, {Field::kDestHost, host}}), kNow));
  }
}

TEST_CASE("the user agent categorises proxy rows without a process") {
  const auto settings = aihunt::testing::makeTestSettings();
  Analyzer analyzer(settings, "h");
  const auto finding = analyzer.analyze(event({{Field::kUrl, "https://api.openai.com/v1/models"},
                                               {Field::kUserAgent,
                                                "Mozilla/5.0 (Windows NT; Windows NT 10.0; en-US) "
                                                "WindowsPowerShell/5.1.19041.4894"}}),
                                        kNow);
  REQUIRE(finding);
  CHECK(finding->process_category == ProcessCategory::kScriptRuntime);
  CHECK(finding->process_name == "powershell");
  CHECK(has(*finding, Signal::kNonBrowserAiApi));
}

TEST_CASE("key_or_prompt_on_cmdline fires on hosts, key variables, key tokens and SDK keys") {
  const auto settings = aihunt::testing::makeTestSettings();
  Analyzer analyzer(settings, "h");
  const auto signalFor = [&](std::string_view command_line) {
    const auto finding = analyzer.analyze(
        event({{Field::kApplication, "powershell.exe"}, {Field::kCommandLine, command_line}}),
        kNow);
    return finding && has(*finding, Signal::kKeyOrPromptOnCmdline);
  };
  CHECK(signalFor("Invoke-WebRequest -Uri https://api.openai.com/v1/models"));
  CHECK(signalFor("$env:OPENAI_API_KEY='abc'"));
  CHECK(signalFor("set anthropic_api_key=abc"));
  CHECK(signalFor("echo sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123"));
  CHECK(signalFor("python -c \"import openai; openai.api_key='x'\""));
  CHECK_FALSE(signalFor("$env:MY_OPENAI_API_KEY_BACKUP='abc'"));
  CHECK_FALSE(signalFor("echo sk-short"));
  CHECK_FALSE(signalFor("Get-ChildItem C:\\"));
  CHECK_FALSE(signalFor("python -c \"api_key = load()\""));
}

TEST_CASE("a host on the command line names the provider and makes it non-browser use") {
  const auto settings = aihunt::testing::makeTestSettings();
  Analyzer analyzer(settings, "h");
  const auto finding = analyzer.analyze(
      event({{Field::kApplication, "curl.exe"},
             {Field::kCommandLine,
              "curl.exe -X POST https://api.openai.com/v1/chat/completions -H \"Authorization: "
              "Bearer sk-proj-abcdefghijklmnopqrstuvwxyz012345\" -d \"{}\""}}),
      kNow);
  REQUIRE(finding);
  CHECK(has(*finding, Signal::kNonBrowserAiApi));
  CHECK(has(*finding, Signal::kKeyOrPromptOnCmdline));
  CHECK(finding->provider == "openai");
  CHECK(finding->risk_score == 80);
  CHECK(finding->severity == Severity::kHigh);
  CHECK(finding->evidence.find("sk-proj-abcdefghijklmnopqrstuvwxyz012345") == std::string::npos);
  CHECK(finding->evidence.find("[REDACTED]") != std::string::npos);
}

TEST_CASE("a program outside the catalog reaching an API host is non-browser use") {
  const auto settings = aihunt::testing::makeTestSettings();
  Analyzer analyzer(settings, "h");
  // A renamed runtime or a custom tool: its name is in no list, the network says where it went.
  const auto renamed =
      analyzer.analyze(event({{Field::kImage, "C:\\Users\\o2\\AppData\\Local\\Temp\\svchost32.exe"},
                              {Field::kDestHost, "api.openai.com"}}),
                       kNow);
  REQUIRE(renamed);
  CHECK(renamed->process_category == ProcessCategory::kOther);
  CHECK(has(*renamed, Signal::kNonBrowserAiApi));
  CHECK(renamed->risk_score == 40);  // non_browser_ai_api 40 + other 0
  CHECK(renamed->severity == Severity::kMedium);

  // A chat portal is left to the other signals: desktop applications open them.
  CHECK_FALSE(analyzer.analyze(
      event({{Field::kImage, "myapp.exe"}, {Field::kDestHost, "chatgpt.com"}}), kNow));
  // A host only written in its arguments is no request.
  const auto named = analyzer.analyze(
      event({{Field::kImage, "myapp.exe"}, {Field::kCommandLine, "myapp --server api.openai.com"}}),
      kNow);
  REQUIRE(named);  // the named host is still a key_or_prompt_on_cmdline signal
  CHECK(has(*named, Signal::kKeyOrPromptOnCmdline));
  CHECK_FALSE(has(*named, Signal::kNonBrowserAiApi));
}

TEST_CASE("key values assigned to key variables are redacted in evidence") {
  const auto settings = aihunt::testing::makeTestSettings();
  Analyzer analyzer(settings, "h");
  const auto finding = analyzer.analyze(
      event({{Field::kApplication, "powershell.exe"},
             {Field::kCommandLine, "$env:OPENAI_API_KEY = 'notkeyshaped123'; irm x"}}),
      kNow);
  REQUIRE(finding);
  CHECK(finding->evidence.find("notkeyshaped123") == std::string::npos);
  CHECK(finding->evidence.find("OPENAI_API_KEY") != std::string::npos);
}

TEST_CASE("SDK installs are seen on command lines and in file paths") {
  const auto settings = aihunt::testing::makeTestSettings();
  Analyzer analyzer(settings, "h");
  const auto install = [&](std::string_view command_line) {
    const auto finding = analyzer.analyze(
        event({{Field::kApplication, "pip.exe"}, {Field::kCommandLine, command_line}}), kNow);
    return finding && has(*finding, Signal::kAiSdkInstall);
  };
  CHECK(install("pip install openai==1.54.3"));
  CHECK(install("python -m pip install --upgrade anthropic requests"));
  CHECK(install("npm i @anthropic-ai/sdk"));
  CHECK(install("uv add openai[datalib]"));
  CHECK_FALSE(install("pip install requests"));
  CHECK_FALSE(install("pip install openai-whisper-lookalike"));
  CHECK_FALSE(install("pip download openai"));
  const auto file = analyzer.analyze(
      event({{Field::kApplication, "python.exe"},
             {Field::kTargetFile,
              "C:\\Users\\a\\AppData\\Roaming\\Python\\Python311\\site-packages\\openai\\x.py"}}),
      kNow);
  REQUIRE(file);
  CHECK(has(*file, Signal::kAiSdkInstall));
  CHECK(file->process_category == ProcessCategory::kScriptRuntime);
}

TEST_CASE("large uploads to AI APIs") {
  const auto settings = aihunt::testing::makeTestSettings();
  Analyzer analyzer(settings, "h");
  Event big = event({{Field::kApplication, "python"}, {Field::kUrl, "https://api.anthropic.com/"}});
  big.bytes_sent = 1'000'000;
  const auto finding = analyzer.analyze(big, kNow);
  REQUIRE(finding);
  CHECK(has(*finding, Signal::kLargeUpload));
  CHECK(finding->risk_score == 80);
  big.bytes_sent = 999'999;
  CHECK_FALSE(has(*analyzer.analyze(big, kNow), Signal::kLargeUpload));
  // Large uploads elsewhere are not ours to judge.
  Event elsewhere = event({{Field::kApplication, "python"}, {Field::kUrl, "https://example.com/"}});
  elsewhere.bytes_sent = 50'000'000;
  CHECK_FALSE(analyzer.analyze(elsewhere, kNow));
}

TEST_CASE("AI clients are quiet towards their own vendor only") {
  const auto settings = aihunt::testing::makeTestSettings();
  Analyzer analyzer(settings, "h");
  CHECK_FALSE(analyzer.analyze(
      event({{Field::kApplication, "codex"}, {Field::kDestHost, "api.openai.com"}}), kNow));
  const auto other = analyzer.analyze(
      event({{Field::kApplication, "codex"}, {Field::kDestHost, "api.anthropic.com"}}), kNow);
  REQUIRE(other);
  CHECK(has(*other, Signal::kNonBrowserAiApi));
  CHECK(other->process_category == ProcessCategory::kAiClient);
}

TEST_CASE("unattributed contacts are weak findings; unattributed portal visits are none") {
  const auto settings = aihunt::testing::makeTestSettings();
  Analyzer analyzer(settings, "h");
  const auto sni = analyzer.analyze(event({{Field::kDestHost, "api.openai.com"}}), kNow);
  REQUIRE(sni);
  CHECK(has(*sni, Signal::kAiApiContact));
  CHECK_FALSE(has(*sni, Signal::kNonBrowserAiApi));
  CHECK(sni->severity == Severity::kLow);
  CHECK_FALSE(analyzer.analyze(event({{Field::kDestHost, "chatgpt.com"}}), kNow));
}

TEST_CASE("portal hosts reached by scripts score lower than API hosts") {
  const auto settings = aihunt::testing::makeTestSettings();
  Analyzer analyzer(settings, "h");
  const auto api = analyzer.analyze(
      event({{Field::kApplication, "python"}, {Field::kDestHost, "api.openai.com"}}), kNow);
  const auto portal = analyzer.analyze(
      event({{Field::kApplication, "python"}, {Field::kDestHost, "chatgpt.com"}}), kNow);
  REQUIRE(api);
  REQUIRE(portal);
  CHECK(portal->risk_score < api->risk_score);
  CHECK(portal->risk_score == 30);  // (40 + 10) * 60%
}

TEST_CASE("exceptions suppress, count, and stop working when they expire") {
  auto settings = aihunt::testing::makeTestSettings();
  ExceptionRule rule = sourceException("soar", "10.50.0.0/24");
  rule.user_globs = {"svc-*"};
  rule.providers = {"openai"};
  rule.expires = kNow + 1000;
  settings.exceptions.push_back(rule);
  Analyzer analyzer(settings, "h");
  const Event soar = event({{Field::kApplication, "python"},
                            {Field::kDestHost, "api.openai.com"},
                            {Field::kSourceIp, "10.50.0.10"},
                            {Field::kUsername, "SVC-SOAR"}});
  const auto suppressed = analyzer.analyze(soar, kNow);
  REQUIRE(suppressed);
  CHECK(suppressed->suppressed);
  CHECK(suppressed->exception == "soar");
  CHECK(analyzer.suppressedPerException() == std::vector<std::uint64_t>{1});

  const auto after_expiry = analyzer.analyze(soar, kNow + 1000);
  REQUIRE(after_expiry);
  CHECK_FALSE(after_expiry->suppressed);
  CHECK(analyzer.stats().expired_exception_hits == 1);

  Event outside = soar;
  outside.set(Field::kSourceIp, "10.50.1.10");
  CHECK_FALSE(analyzer.analyze(outside, kNow)->suppressed);
  Event other_provider = soar;
  other_provider.set(Field::kDestHost, "api.anthropic.com");
  CHECK_FALSE(analyzer.analyze(other_provider, kNow)->suppressed);
  CHECK(analyzer.stats().suppressed == 1);
}

TEST_CASE("an exception's signals bound what it forgives: a finding with another is reported") {
  auto settings = aihunt::testing::makeTestSettings();
  ExceptionRule rule = sourceException("dev", "10.0.0.0/8");
  rule.signals.add(Signal::kNonBrowserAiApi);
  rule.signals.add(Signal::kFirstSeen);
  settings.exceptions.push_back(rule);
  Analyzer analyzer(settings, "h");
  const Event plain = event({{Field::kApplication, "python"},
                             {Field::kDestHost, "api.openai.com"},
                             {Field::kSourceIp, "10.1.2.3"}});
  const auto forgiven = analyzer.analyze(plain, kNow);
  REQUIRE(forgiven);
  CHECK(forgiven->suppressed);
  CHECK(forgiven->exception == "dev");

  // The same program with a key on its command line: non_browser_ai_api is listed, but
  // key_or_prompt_on_cmdline is not, so the finding is reported.
  Event keyed = plain;
  keyed.set(Field::kCommandLine,
            "python -c \"import requests; requests.post('https://api.openai.com/v1/chat/"
            "completions', headers={'Authorization': 'Bearer sk-proj-4fJ9aQ2xLm8ZtR7vB3nK'})\"");
  const auto reported = analyzer.analyze(keyed, kNow);
  REQUIRE(reported);
  REQUIRE(has(*reported, Signal::kKeyOrPromptOnCmdline));
  REQUIRE(has(*reported, Signal::kNonBrowserAiApi));
  CHECK_FALSE(reported->suppressed);
  CHECK(reported->exception.empty());

  // A rule that lists both forgives both.
  auto both = aihunt::testing::makeTestSettings();
  ExceptionRule wide = rule;
  wide.signals.add(Signal::kKeyOrPromptOnCmdline);
  both.exceptions.push_back(wide);
  Analyzer lenient(both, "h");
  CHECK(lenient.analyze(keyed, kNow)->suppressed);
}

TEST_CASE("finding ids are stable for the same event and differ otherwise") {
  const auto settings = aihunt::testing::makeTestSettings();
  Analyzer first(settings, "hunt-a");
  Analyzer second(settings, "hunt-a");
  Analyzer other_hunt(settings, "hunt-b");
  Event e = event({{Field::kApplication, "python"},
                   {Field::kDestHost, "api.openai.com"},
                   {Field::kEventTime, "2026-11-26 09:14:03"}});
  const auto a = first.analyze(e, kNow);
  const auto b = second.analyze(e, kNow);
  const auto c = other_hunt.analyze(e, kNow);
  e.set(Field::kEventTime, "2026-11-26 09:14:04");
  const auto d = first.analyze(e, kNow);
  CHECK(a->finding_id == b->finding_id);
  CHECK(a->finding_id != c->finding_id);
  CHECK(a->finding_id != d->finding_id);
  CHECK(a->event_time == "2026-11-26T09:14:03.000Z");
}

TEST_CASE("finding ids leave out the names QRadar looks up, and keep every field of the event") {
  const auto settings = aihunt::testing::makeTestSettings();
  Analyzer analyzer(settings, "hunt-a");
  const Event e = event({{Field::kApplication, "python"},
                         {Field::kDestHost, "api.openai.com"},
                         {Field::kCommandLine, "python ask.py"},
                         {Field::kEventTime, "2026-11-26 09:14:03"},
                         {Field::kLogSource, "Sysmon @ WS-1"},
                         {Field::kEventCategory, "Process Create"},
                         {Field::kLogSourceType, "Microsoft Windows Security Event Log"}});
  const std::string id = analyzer.analyze(e, kNow)->finding_id;
  // A log source renamed on the console, or names missing offline without --lookups.
  for (const Field name : {Field::kLogSource, Field::kEventCategory, Field::kLogSourceType,
                           Field::kProcessCategoryHint}) {
    Event renamed = e;
    renamed.set(name, "renamed");
    CHECK(analyzer.analyze(renamed, kNow)->finding_id == id);
    renamed.set(name, "");
    CHECK(analyzer.analyze(renamed, kNow)->finding_id == id);
  }
  // Anything of the event itself is another event.
  for (const Field own : {Field::kSourceIp, Field::kUsername, Field::kHost, Field::kCommandLine,
                          Field::kImage, Field::kUrl, Field::kTargetFile}) {
    Event other = e;
    other.set(own, "x");
    const auto finding = analyzer.analyze(other, kNow);
    REQUIRE(finding);
    CHECK(finding->finding_id != id);
  }
}

TEST_CASE("URLs lose credentials and key parameters") {
  const auto settings = aihunt::testing::makeTestSettings();
  Analyzer analyzer(settings, "h");
  const auto finding = analyzer.analyze(
      event(
          {{Field::kApplication, "python"},
           {Field::kUrl,
            "https://user:hunter2@api.openai.com/v1?key=AIzaSyA-1234567890abcdefghijklmnop&x=1"}}),
      kNow);
  REQUIRE(finding);
  CHECK(finding->url.find("hunter2") == std::string::npos);
  CHECK(finding->url.find("AIzaSy") == std::string::npos);
  CHECK(finding->url.find("x=1") != std::string::npos);
}

TEST_CASE("the url shown names the host the domain was taken from") {
  const auto settings = aihunt::testing::makeTestSettings();
  Analyzer analyzer(settings, "h");
  // A browser reads the backslash as '/': the request went to api.openai.com, and "@evil.example"
  // is path (a trial saw url https://evil.example/ beside domain api.openai.com).
  for (const std::string url :
       {"https://api.openai.com\\@evil.example/", "https://api.openai.com\\x@evil.example/v1"}) {
    INFO(url);
    const auto finding =
        analyzer.analyze(event({{Field::kApplication, "python"}, {Field::kUrl, url}}), kNow);
    REQUIRE(finding);
    CHECK(finding->domain == "api.openai.com");
    CHECK(finding->url == url);
  }
  // A password beside a backslash does not show either (a review): a proxy's DOMAIN\\user, a
  // backslash in the password; a port before the backslash is no password.
  for (const auto& [given, shown] : std::vector<std::pair<std::string, std::string>>{
           {"https://CORP\\alice:Winter2026@api.openai.com/v1",
            "https://CORP\\alice:[REDACTED]@api.openai.com/v1"},
           {"https://alice:pa\\ss@api.openai.com/", "https://alice:[REDACTED]@api.openai.com/"},
           {"https://api.openai.com:443\\@evil.example/",
            "https://api.openai.com:443\\@evil.example/"},
           {"https://api.openai.com:443\\bob:pw@evil.example/",
            "https://api.openai.com:443\\bob:[REDACTED]@evil.example/"}}) {
    INFO(given);
    const auto finding = analyzer.analyze(event({{Field::kApplication, "python"},
                                                 {Field::kDestHost, "api.openai.com"},
                                                 {Field::kUrl, given}}),
                                          kNow);
    REQUIRE(finding);
    CHECK(finding->url == shown);
  }
  // Credentials ahead of the host still go.
  const auto with_password =
      analyzer.analyze(event({{Field::kApplication, "python"},
                              {Field::kUrl, "https://bob:s3cr3t@api.openai.com\\v1"}}),
                       kNow);
  REQUIRE(with_password);
  CHECK(with_password->url == "https://api.openai.com\\v1");
}

TEST_CASE("finding JSON carries the contract's fields") {
  const auto settings = aihunt::testing::makeTestSettings();
  Analyzer analyzer(settings, "h");
  Event e = event({{Field::kApplication, "python"},
                   {Field::kDestHost, "api.openai.com"},
                   {Field::kUsername, "quote\"and\\back\nslash"}});
  e.destination_port = 443;
  const auto finding = analyzer.analyze(e, kNow);
  REQUIRE(finding);
  std::string json;
  appendFindingJson(json, *finding);
  for (const char* key : {"\"finding_id\":",
                          "\"hunt\":",
                          "\"event_time\":",
                          "\"source_ip\":",
                          "\"username\":",
                          "\"host\":",
                          "\"destination_ip\":",
                          "\"destination_port\":443",
                          "\"url\":",
                          "\"domain\":",
                          "\"provider\":\"openai\"",
                          "\"application\":",
                          "\"process_name\":\"python\"",
                          "\"process_category\":\"ScriptRuntime\"",
                          "\"bytes_sent\":null",
                          "\"signals\":[\"non_browser_ai_api\"]",
                          "\"risk_score\":50",
                          "\"severity\":\"medium\"",
                          "\"suppressed\":false",
                          "\"exception\":null",
                          "\"mitre\":[\"T1588.007\"]",
                          "\"log_source\":",
                          "\"event_category\":"}) {
    INFO(key);
    CHECK(json.find(key) != std::string::npos);
  }
  CHECK(json.find("\"quote\\\"and\\\\back\\nslash\"") != std::string::npos);
}

TEST_CASE("a finding's url hides the values of credential parameters, in the query and fragment") {
  const auto settings = aihunt::testing::makeTestSettings();
  Analyzer analyzer(settings, "h");
  const std::string value = "3f9a1c0e7b5d4a2f8e6c1b0a9d7e5f3c";
  for (const char* name :
       {"key", "api-key", "x-api-key", "subscription-key", "Ocp-Apim-Subscription-Key", "password",
        "secret", "client_secret", "secret_key", "private_key", "sig", "X-Amz-Signature",
        "X-Amz-Credential", "auth", "code", "jwt", "access_token", "apiKey", "token"}) {
    for (const std::string& url :
         {"https://api.openai.com/v1/x?" + std::string(name) + "=" + value + "&model=gpt",
          "https://api.openai.com/v1/x?a=1#" + std::string(name) + "=" + value}) {
      INFO(url);
      const auto finding =
          analyzer.analyze(event({{Field::kApplication, "python"}, {Field::kUrl, url}}), kNow);
      REQUIRE(finding);
      CHECK(finding->url.find(value) == std::string::npos);
      CHECK(finding->url.find(std::string(name) + "=[REDACTED]") != std::string::npos);
    }
  }
  // Other parameters stay as they were.
  const auto kept = analyzer.analyze(
      event({{Field::kApplication, "python"},
             {Field::kUrl, "https://api.openai.com/v1/x?model=gpt-4o&country_code=US&monkeys=3"}}),
      kNow);
  REQUIRE(kept);
  CHECK(kept->url == "https://api.openai.com/v1/x?model=gpt-4o&country_code=US&monkeys=3");
}

TEST_CASE("a reused Finding carries nothing over from the finding before it") {
  auto settings = aihunt::testing::makeTestSettings();
  settings.exceptions.push_back(sourceException("lab", "10.9.0.0/16"));
  // Rich findings (evidence, suppression, URL, bytes) alternate with bare ones, in both orders.
  std::vector<Event> events = {
      event({{Field::kApplication, "curl.exe"},
             {Field::kSourceIp, "10.9.1.1"},
             {Field::kUrl, "https://api.openai.com/v1/x?key=secretvalue"},
             {Field::kCommandLine,
              "curl https://api.openai.com -H \"Authorization: Bearer "
              "abcdefghijklmnop\""},
             {Field::kEventTime, "2026-11-18 10:00:00"}}),
      event({{Field::kApplication, "python"}, {Field::kDestHost, "api.anthropic.com"}}),
      event({{Field::kApplication, "chrome"}, {Field::kDestHost, "api.openai.com"}}),
      event({{Field::kUserAgent, "python-requests/2.32"},
             {Field::kUrl, "https://api.openai.com/v1/models"},
             {Field::kUsername, "alice"}}),
      event({{Field::kApplication, "pip.exe"}, {Field::kCommandLine, "pip install openai"}}),
      event({{Field::kApplication, "powershell"}, {Field::kDestHost, "x.openai.azure.com"}}),
  };
  events[0].bytes_sent = 5'000'000;
  Analyzer fresh(settings, "h");
  Analyzer reusing(settings, "h");
  Finding reused;
  for (int pass = 0; pass < 2; ++pass) {
    for (std::size_t i = 0; i < events.size(); ++i) {
      const std::size_t at = pass == 0 ? i : events.size() - 1 - i;
      INFO("event " << at);
      const auto expected = fresh.analyze(events[at], kNow);
      REQUIRE(reusing.analyze(events[at], kNow, reused) == expected.has_value());
      if (!expected) continue;
      std::string expected_json, reused_json;
      appendFindingJson(expected_json, *expected);
      appendFindingJson(reused_json, reused);
      CHECK(reused_json == expected_json);
    }
  }
}

TEST_CASE("aihunt's own LEEF events are never analysed, whatever else they carry") {
  auto settings = aihunt::testing::makeTestSettings();
  // As QRadar stores aihunt's LEEF event: the URL of an AI API, a source and a user, no process.
  const Event own = event({{Field::kUrl, "https://api.openai.com/v1/chat/completions"},
                           {Field::kSourceIp, "10.0.0.5"},
                           {Field::kUsername, "jdoe"},
                           {Field::kLogSourceType, "AIHunt"}});
  Event other = own;
  other.set(Field::kLogSourceType, "Blue Coat SG Appliance");

  SECTION("the default list names the type docs/qradar-setup.md creates, in any case") {
    Analyzer analyzer(settings, "proxy");
    CHECK_FALSE(analyzer.analyze(own, kNow).has_value());
    CHECK(analyzer.stats().own_events_skipped == 1);
    CHECK(analyzer.stats().events == 0);
    REQUIRE(analyzer.analyze(other, kNow).has_value());
    CHECK(analyzer.stats().events == 1);
  }
  SECTION("an empty list analyses every event") {
    settings.own_log_source_types.clear();
    Analyzer analyzer(settings, "proxy");
    CHECK(analyzer.analyze(own, kNow).has_value());
    CHECK(analyzer.stats().own_events_skipped == 0);
  }
  SECTION("a row without the column (exported results, the seed query) is analysed") {
    Event bare = own;
    bare.set(Field::kLogSourceType, "");
    Analyzer analyzer(settings, "proxy");
    CHECK(analyzer.analyze(bare, kNow).has_value());
  }
}

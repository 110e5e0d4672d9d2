// What evidence keeps and what it hides.
#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "detection/cmdline_indicators.h"
#include "detection/evidence.h"
#include "tests/support/detection_fixture.h"
#include "tests/support/piece_text.h"

using aihunt::detection::EvidenceRedactor;

TEST_CASE("evidence hides values assigned to key variables, however they are written") {
  const EvidenceRedactor e(aihunt::testing::makeTestSettings().cmdline);
  CHECK(e.redact("export OPENAI_API_KEY=abc123; python x.py", 512) ==
        "export OPENAI_API_KEY=[REDACTED]; python x.py");
  CHECK(e.redact("$env:anthropic_api_key = 'v1' ; $env:OPENAI_API_KEY=\"v2\"", 512) ==
        "$env:anthropic_api_key = '[REDACTED]' ; $env:OPENAI_API_KEY=\"[REDACTED]\"");
  // A variable inside a value already hidden is part of that value.
  CHECK(e.redact("OPENAI_API_KEY=ANTHROPIC_API_KEY=zzz end", 512) ==
        "OPENAI_API_KEY=[REDACTED] end");
  // Mentioned, not assigned: nothing to hide; a later assignment still is.
  CHECK(e.redact("echo OPENAI_API_KEY && OPENAI_API_KEY:s3cr3t", 512) ==
        "echo OPENAI_API_KEY && OPENAI_API_KEY:[REDACTED]");
  CHECK(e.redact("set OPENAI_API_KEY=[REDACTED]", 512) == "set OPENAI_API_KEY=[REDACTED]");
  CHECK(e.redact("curl -H \"Authorization: Bearer abcdefghij\" x", 512) ==
        "curl -H \"Authorization: Bearer [REDACTED]\" x");
  CHECK(e.redact("OPENAI_API_KEY=abcdefgh\nline", 12) == "OPENAI_API_K...");
}

TEST_CASE("a quoted value is hidden to its closing quote; code that reads a key is kept") {
  auto indicators = aihunt::testing::makeTestSettings().cmdline;
  // A key variable of the content pack that no secret label names: only the evidence's own
  // search for assignments hides its value.
  indicators.key_variables.push_back("OPENAI_ORG_ID");
  const EvidenceRedactor e(indicators);
  CHECK(e.redact("$env:OPENAI_ORG_ID = 'org with spaces in it'; x", 512) ==
        "$env:OPENAI_ORG_ID = '[REDACTED]'; x");
  CHECK(e.redact("OPENAI_API_KEY='quoted secret with spaces' python x.py", 512) ==
        "OPENAI_API_KEY='[REDACTED]' python x.py");
  CHECK(e.redact("os.environ[\"OPENAI_ORG_ID\"] = \"org one two\"", 512) ==
        "os.environ[\"OPENAI_ORG_ID\"] = \"[REDACTED]\"");
  // Reading one variable into another names where the key comes from.
  CHECK(e.redact("OPENAI_ORG_ID=os.environ.get('VAULT_ORG') python x.py", 512) ==
        "OPENAI_ORG_ID=os.environ.get('VAULT_ORG') python x.py");
  CHECK(e.redact("client = OpenAI(api_key=os.environ['OPENAI_API_KEY'])", 512) ==
        "client = OpenAI(api_key=os.environ['OPENAI_API_KEY'])");
  // No closing quote on the line: the value ends where an unquoted one would.
  CHECK(e.redact("OPENAI_ORG_ID='org1 rest\nnext", 512) == "OPENAI_ORG_ID='[REDACTED] rest\nnext");
}

TEST_CASE("evidence hides keys assigned through quotes, indexes, arguments and setx") {
  const EvidenceRedactor e(aihunt::testing::makeTestSettings().cmdline);
  const std::string secret = "0123456789abcdef0123";  // no vendor prefix: only the name tells
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"python -c \"import os;os.environ['OPENAI_API_KEY']='" + secret + "'\"",
       "python -c \"import os;os.environ['OPENAI_API_KEY']='[REDACTED]'\""},
      {"[Environment]::SetEnvironmentVariable(\"OPENAI_API_KEY\",\"" + secret + "\",\"User\")",
       "[Environment]::SetEnvironmentVariable(\"OPENAI_API_KEY\",\"[REDACTED]\",\"User\")"},
      {"echo {\"ANTHROPIC_API_KEY\": \"" + secret + "\"} > c.json",
       "echo {\"ANTHROPIC_API_KEY\": \"[REDACTED]\"} > c.json"},
      {"setx OPENAI_API_KEY " + secret + " /M", "setx OPENAI_API_KEY [REDACTED] /M"},
      // Evidence keeps a tab as it was (each output escapes it for its reader).
      {"SETX  ANTHROPIC_API_KEY\t" + secret, "SETX  ANTHROPIC_API_KEY\t[REDACTED]"},
      {"OPENAI_API_KEY\t=" + secret, "OPENAI_API_KEY\t=[REDACTED]"},
  };
  for (const auto& [text, expected] : cases) {
    INFO(text);
    CHECK(e.redact(text, 512) == expected);
  }
  // Named, not assigned: left alone.
  CHECK(e.redact("notsetx OPENAI_API_KEY value", 512) == "notsetx OPENAI_API_KEY value");
  CHECK(e.redact("Get-Item env:OPENAI_API_KEY | fl", 512) == "Get-Item env:OPENAI_API_KEY | fl");
}

TEST_CASE("evidence keeps the text as it was, apart from secrets") {
  const EvidenceRedactor e(aihunt::testing::makeTestSettings().cmdline);
  // A script block: newlines, tabs, quotes, backslashes and non-ASCII letters stay.
  const std::string script =
      "$h = @{ \"Content-Type\" = 'application/json' }\r\n\tWrite-Host \"r\u00e9sum\u00e9\" "
      "C:\\Users\\jdoe\n\u202eevil";
  CHECK(e.redact(script, 512) == script);
  // Only the secret goes.
  CHECK(e.redact("$k = 'sk-proj-0123456789abcdefghijKLMNOP'\nInvoke-RestMethod", 512) ==
        "$k = '[REDACTED]'\nInvoke-RestMethod");
  // Bytes that are not UTF-8 become U+FFFD (JSON cannot carry them); a cut never splits a
  // character.
  CHECK(e.redact("a\xFF"
                 "b",
                 512) ==
        "a\xEF\xBF\xBD"
        "b");
  CHECK(e.redact("\xC3\xA9\xC3\xA9", 3) == "\xC3\xA9...");
}

TEST_CASE("a quote escaped with a backslash closes a value, and the backslash stays") {
  const EvidenceRedactor e(aihunt::testing::makeTestSettings().cmdline);
  // A Windows 4688 command line: the inner quotes are written \".
  CHECK(e.redact(R"(-Headers @{Authorization=\"Bearer $env:OPENAI_API_KEY\"} -Body $b)", 512) ==
        R"(-Headers @{Authorization=\"Bearer $env:OPENAI_API_KEY\"} -Body $b)");
  CHECK(e.redact(R"(-Headers @{Authorization=\"Bearer abcdefghijklmnop\"} -Body $b)", 512) ==
        R"(-Headers @{Authorization=\"Bearer [REDACTED]\"} -Body $b)");
  CHECK(e.redact(R"(@{\"OPENAI_API_KEY\"=\"s3cr3tvalue\"; x=1})", 512) ==
        R"(@{\"OPENAI_API_KEY\"=\"[REDACTED]\"; x=1})");
}

TEST_CASE("a variable reference is not a secret") {
  const EvidenceRedactor e(aihunt::testing::makeTestSettings().cmdline);
  const std::vector<std::string> kept = {
      "curl -H \"Authorization: Bearer $env:OPENAI_API_KEY\" https://api.openai.com/v1/models",
      "curl -H \"Authorization: Bearer $OPENAI_API_KEY\" https://api.openai.com/v1/models",
      "curl -H \"Authorization: Bearer ${OPENAI_API_KEY}\" https://api.openai.com/v1/models",
      "curl -H \"Authorization: Bearer %OPENAI_API_KEY%\" https://api.openai.com/v1/models",
      "curl -H \"x-api-key: $env:ANTHROPIC_API_KEY\" https://api.anthropic.com/v1/messages",
      "$env:OPENAI_API_KEY = $env:VAULT_OPENAI_KEY; python ask.py",
      "export OPENAI_API_KEY=${VAULT_KEY}",
  };
  for (const auto& text : kept) {
    INFO(text);
    CHECK(e.redact(text, 512) == text);
  }
  // A value next to a reference is still a value.
  CHECK(e.redact("curl -H \"Authorization: Bearer abcdefghij$env\" x", 512) ==
        "curl -H \"Authorization: Bearer [REDACTED]\" x");
}

TEST_CASE(
    "evidence for a text that names no key variable as a word is the same without the "
    "search for assignments, generated") {
  const auto settings = aihunt::testing::makeTestSettings();
  const EvidenceRedactor e(settings.cmdline);
  const aihunt::detection::CommandLineMatcher matcher(settings.cmdline);
  // Key variables glued to words, prefixes, labels and secrets: what could make hiding a secret
  // turn a name into a word.
  aihunt::testing::PieceText texts({"OPENAI_API_KEY",
                                    "openai_api_key",
                                    "HF_TOKEN",
                                    "x",
                                    "_",
                                    "1",
                                    "-",
                                    "=",
                                    ":",
                                    " ",
                                    "\"",
                                    "\\\"",
                                    "'",
                                    ";",
                                    ",",
                                    "sk-",
                                    "hf_",
                                    "AIza",
                                    "token=",
                                    "Bearer ",
                                    "sec:",
                                    "]",
                                    "abcdefghijklmnopqrstuvwxyz012345",
                                    "$env:",
                                    "setx ",
                                    "[REDACTED]",
                                    "\n"},
                                   0x853c49e6748fea9bULL);
  int without_names = 0;
  for (int round = 0; round < 20000; ++round) {
    const std::string text = texts.next(12);
    if (matcher.examine(text).key_variable) continue;
    ++without_names;
    INFO(text);
    CHECK(e.redact(text, 512, /*names_key_variable=*/false) == e.redact(text, 512));
  }
  CHECK(without_names > 1000);
}

// Secrets never reach a log: the redactor and the credential-shape scanner.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/digest.h"
#include "core/logging.h"
#include "core/secret_scan.h"
#include "tests/support/piece_text.h"

using namespace aihunt::core;

TEST_CASE("credentials however they are written on a command line are redacted") {
  // Each secret below is one a trial found left in evidence, or its kind.
  const std::string hex = "3f9a1c0e7b5d4a2f8e6c1b0a9d7e5f3c";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"curl https://api.openai.com/v1?api-key=" + hex,
       "curl https://api.openai.com/v1?api-key=[REDACTED]"},
      {"curl -u admin:" + hex + " https://x", "curl -u admin:[REDACTED] https://x"},
      {"curl --user admin:" + hex + " https://x", "curl --user admin:[REDACTED] https://x"},
      {"curl --user=admin:" + hex, "curl --user=admin:[REDACTED]"},
      {"curl --proxy-user 'bob:" + hex + "' x", "curl --proxy-user 'bob:[REDACTED]' x"},
      {"curl https://admin:" + hex + "@api.openai.com/v1",
       "curl https://admin:[REDACTED]@api.openai.com/v1"},
      {"Invoke-RestMethod -Headers @{'api-key'='" + hex + "'}",
       "Invoke-RestMethod -Headers @{'api-key'='[REDACTED]'}"},
      {"-Headers @{\"api-key\"=\"" + hex + "\"}", "-Headers @{\"api-key\"=\"[REDACTED]\"}"},
      {"requests.post(u, headers={\"api-key\": \"" + hex + "\"})",
       "requests.post(u, headers={\"api-key\": \"[REDACTED]\"})"},
      {"curl -H \"Cookie: session=" + hex + "; theme=dark\" x", "curl -H \"Cookie: [REDACTED]\" x"},
      {"wget --password=" + hex + " https://x", "wget --password=[REDACTED] https://x"},
      {"aws_secret_access_key=" + hex, "aws_secret_access_key=[REDACTED]"},
      {"git clone https://ghp_abcdefghijklmnopqrstuvwxyz0123456789@github.com/x",
       "git clone https://[REDACTED]@github.com/x"},
      {"AKIAIOSFODNN7EXAMPLE s3", "[REDACTED] s3"},
      {"password=P@ssw0rd x", "password=[REDACTED] x"},
      {"{\"client_secret\": \"" + hex + "\"}", "{\"client_secret\": \"[REDACTED]\"}"},
      {"token='correct horse battery staple'", "token='[REDACTED]'"},
      {"X-Amz-Signature=" + hex, "X-Amz-Signature=[REDACTED]"},
  };
  for (const auto& [text, expected] : cases) {
    INFO(text);
    CHECK(redactSecretShapes(text) == expected);
  }
}

TEST_CASE("a review's leaks: SAS and OAuth parameters, headers, YAML, options, quoting") {
  const std::string key = "abcdefghijklmnop";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"curl \"https://x.blob.core.windows.net/c?sv=2020&sig=" + key + "%3D&se=2025\"",
       "curl \"https://x.blob.core.windows.net/c?sv=2020&sig=[REDACTED]&se=2025\""},
      {"curl https://api.openai.com/v1/x?code=" + key + "#jwt=" + key,
       "curl https://api.openai.com/v1/x?code=[REDACTED]#jwt=[REDACTED]"},
      {"AccountKey=" + key + "==;EndpointSuffix=core", "AccountKey=[REDACTED];EndpointSuffix=core"},
      {"curl -H \"apikey: " + key + "\" x", "curl -H \"apikey: [REDACTED]\" x"},
      {"curl -H \"X-Vault-Token: hvs." + key + "\" x", "curl -H \"X-Vault-Token: [REDACTED]\" x"},
      {"curl -H \"Private-Token: " + key + "\" x", "curl -H \"Private-Token: [REDACTED]\" x"},
      {"node -e \"new OpenAI({apiKey:'" + key + "'})\"",
       "node -e \"new OpenAI({apiKey:'[REDACTED]'})\""},
      {"echo \"api_key: " + key + "\" > cfg.yaml", "echo \"api_key: [REDACTED]\" > cfg.yaml"},
      {"curl --cookie \"sid=" + key + "; a=b\" x", "curl --cookie \"[REDACTED]\" x"},
      {"wget --password " + key + " https://x", "wget --password [REDACTED] https://x"},
      {"http --auth alice:" + key + " x", "http --auth alice:[REDACTED] x"},
      {"http -a alice:" + key + " x", "http -a alice:[REDACTED] x"},
      {"curl -u sk_test_abcdefghijklmnopqrstuv: x", "curl -u [REDACTED]: x"},
      {"curl -u abcdefghijklmnopqrstuvwx: x", "curl -u [REDACTED]: x"},
      {"curl -d \"password=Summer(2024)!\" x", "curl -d \"password=[REDACTED]\" x"},
      {"-d \"password='$uperS3cretPw'\"", "-d \"password=[REDACTED]\""},
      {"@{password='$uperS3cretPw'}", "@{password='[REDACTED]'}"},
      {"-d 'password=\" correct horse battery\"'", "-d 'password=[REDACTED]'"},
      {"--data-urlencode \"password=abc def ghi\" x", "--data-urlencode \"password=[REDACTED]\" x"},
      {"$h.Add(\"api-key\", \"" + key + "\")", "$h.Add(\"api-key\", \"[REDACTED]\")"},
      {"ConvertTo-SecureString 'hunter2hunter2' -AsPlainText",
       "ConvertTo-SecureString '[REDACTED]' -AsPlainText"},
      {"git clone https://abcdefghijklmnopqrstuvwxyz0123456789abcd@github.com/o/r.git",
       "git clone https://[REDACTED]@github.com/o/r.git"},
  };
  for (const auto& [text, expected] : cases) {
    INFO(text);
    CHECK(redactSecretShapes(text) == expected);
  }
}

TEST_CASE("a review's over-redactions: paths, ids, empty values, code and command substitution") {
  for (const char* text : {
           "python -u C:\\tools\\chat.py api.openai.com",
           "python -u \"C:\\Program Files\\ai\\chat.py\"",
           "docker run -u 1000:1000 img",
           "curl -d \"token=\" \"https://api.openai.com/v1/chat/completions\" -o out.json",
           "curl -H \"Authorization:\" \"https://api.openai.com/v1/x\"",
           "curl -u \"\" \"https://api.openai.com/v1/x\"",
           "export TOKEN=$(vault kv get -field=token secret/openai)",
           "openai.api_key = ''; print('https://api.openai.com')",
           "-d region=ASIA_PACIFIC_DATACENTER_1",
           "curl --cookie cookies.txt https://api.openai.com/v1/x",
           "bash -c \"export OPENAI_API_KEY=$KEY; python x.py\"",
           "python -c \"c=OpenAI(api_key=get_key())\"",
       }) {
    INFO(text);
    CHECK(redactSecretShapes(text) == text);
  }
  // An unquoted cookie ends at its header's end, not the text's; a value ends before ')'.
  CHECK(redactSecretShapes("curl -H Cookie:session=abcdefghijk https://api.openai.com/v1/x") ==
        "curl -H Cookie:[REDACTED] https://api.openai.com/v1/x");
  CHECK(redactSecretShapes("OpenAI(api_key=my_key_var_1)") == "OpenAI(api_key=[REDACTED])");
  CHECK(redactSecretShapes("{headers:{'Authorization':`Bearer abcdefghijklmnop`}}") ==
        "{headers:{'Authorization':`Bearer [REDACTED]`}}");
  CHECK(redactSecretShapes("bash -c \"export OPENAI_API_KEY=abcdefgh; python x.py\"") ==
        "bash -c \"export OPENAI_API_KEY=[REDACTED]; python x.py\"");
}

TEST_CASE("a URL with many parameters is redacted in linear time") {
  // A review: a replace per parameter was quadratic (4 MB took 51 s). 40,000 parameters here.
  std::string url = "https://api.openai.com/v1/x?";
  for (int i = 0; i < 40000; ++i) url += "key=abcdefgh&";
  const std::string redacted = redactSecretShapes(url);
  CHECK(redacted.find("abcdefgh") == std::string::npos);
  CHECK(redacted.size() == url.size() + 40000 * (std::string("[REDACTED]").size() - 8));
}

TEST_CASE("what only names or reads a credential is kept") {
  for (const char* text : {
           "client = OpenAI(api_key=os.environ['OPENAI_API_KEY'])",
           "client = OpenAI(api_key=os.getenv(\"OPENAI_API_KEY\"))",
           "password=keyring.get_password('svc', 'me')",
           "python -u script.py --max_tokens=4096",
           "sudo -u www-data curl https://api.openai.com/v1/models",
           "curl https://api.openai.com:443/v1/models",
           "tokenizer=cl100k_base secrets_manager=vault",
           "git clone https://github.com/openai/openai-python",
           "the console refuses the token: HTTP 401",
       }) {
    INFO(text);
    CHECK(redactSecretShapes(text) == text);
  }
}

TEST_CASE("API-key-shaped tokens are found and redacted") {
  const std::string key = "sk-proj-4fJ9kL2mN8pQ1rS5tU7vW0xY3zA6bC9dE2fG";
  const std::string text = "curl -H \"Authorization: Bearer " + key + "\" https://x";
  const std::string redacted = redactSecretShapes(text);
  CHECK(redacted.find(key) == std::string::npos);
  CHECK(redacted.find("[REDACTED]") != std::string::npos);
  CHECK(containsApiKeyToken("sk-ant-api03-abcdefghijklmnopqrstuvwx"));
  CHECK(containsApiKeyToken("key=AIzaSyA-1234567890abcdefghijklmnop"));
  CHECK(containsApiKeyToken("hf_abcdefghijklmnopqrstuvwxyzAB"));
  CHECK_FALSE(containsApiKeyToken("sk-short"));
  CHECK_FALSE(containsApiKeyToken("task-abcdefghijklmnopqrstuvwxyz"));  // "sk-" inside a word
  CHECK_FALSE(containsApiKeyToken("aiza1234567890abcdefghijklmnop"));   // case matters
}

TEST_CASE("labelled secrets are redacted") {
  for (const char* text :
       {"SEC: 0123abcd-0000-1111-2222-333344445555", "sec:0123abcd-secret",
        "Authorization: Basic dXNlcjpwYXNz", "authorization: Bearer opaque-token-value",
        "https://x/?token=opaque-token-value&a=1", "api_key=opaque-token-value"}) {
    INFO(text);
    const std::string redacted = redactSecretShapes(text);
    CHECK(redacted.find("opaque-token-value") == std::string::npos);
    CHECK(redacted.find("0123abcd") == std::string::npos);
    CHECK(redacted.find("dXNlcjpwYXNz") == std::string::npos);
    CHECK(redacted.find("[REDACTED]") != std::string::npos);
  }
}

TEST_CASE("the logger redacts registered secrets at every level and format") {
  const std::string token = "9f1c2d3e-aaaa-bbbb-cccc-0123456789ab";
  for (const auto format : {LogFormat::kText, LogFormat::kJson}) {
    std::FILE* sink = std::tmpfile();
    REQUIRE(sink != nullptr);
    auto redactor = std::make_shared<Redactor>();
    redactor->addSecret(token);
    LogOptions options;
    options.level = spdlog::level::trace;
    options.format = format;
    options.stream = sink;
    auto logger = makeLogger("test", options, redactor);
    logger->trace("token is {}", token);
    logger->debug("header SEC: {}", token);
    logger->info("url https://qradar/api?x={}&y=1", token);
    logger->error("multi\nline {}", token);
    logger->flush();
    std::rewind(sink);
    std::string written;
    char buffer[4096];
    while (std::size_t n = std::fread(buffer, 1, sizeof buffer, sink)) written.append(buffer, n);
    std::fclose(sink);
    INFO(written);
    CHECK(written.find(token) == std::string::npos);
    CHECK(written.find("9f1c2d3e") == std::string::npos);
    // Four records, four lines: a newline in a message cannot forge a record.
    CHECK(std::count(written.begin(), written.end(), '\n') == 4);
    if (format == LogFormat::kJson) CHECK(written.find("{\"ts\":\"") == 0);
  }
}

TEST_CASE("a JSON log line's message is sanitised as the text log's, then escaped") {
  // `jq -r .msg` writes the message to a terminal: an escape sequence in a file name must
  // arrive there as text (a trial found the JSON log carrying it as \u001b, which jq undoes).
  std::FILE* sink = std::tmpfile();
  REQUIRE(sink != nullptr);
  LogOptions options;
  options.format = LogFormat::kJson;
  options.stream = sink;
  auto logger = makeLogger("test", options, std::make_shared<Redactor>());
  logger->error(
      "cannot open '/tmp/\x1b]8;;http://evil\x07x\xc2\x9b"
      "2J\u202e.jsonl'");
  logger->flush();
  std::rewind(sink);
  std::string written;
  char buffer[4096];
  while (std::size_t n = std::fread(buffer, 1, sizeof buffer, sink)) written.append(buffer, n);
  std::fclose(sink);
  INFO(written);
  const nlohmann::json line = nlohmann::json::parse(written);
  const std::string message = line["msg"];
  for (const char c : message) {
    CHECK(static_cast<unsigned char>(c) >= 0x20);
    CHECK(c != 0x7f);
  }
  CHECK(message.find("\u202e") == std::string::npos);
  CHECK(message.find("cannot open '/tmp/") == 0);
}

TEST_CASE("security warnings are written whatever the log level, redacted") {
  const std::string token = "9f1c2d3e-aaaa-bbbb-cccc-0123456789ab";
  for (const auto level : {spdlog::level::info, spdlog::level::err, spdlog::level::off}) {
    std::FILE* sink = std::tmpfile();
    REQUIRE(sink != nullptr);
    auto redactor = std::make_shared<Redactor>();
    redactor->addSecret(token);
    LogOptions options;
    options.level = level;
    options.stream = sink;
    auto logger = makeLogger("test", options, redactor);
    logger->warn("an ordinary warning");
    securityWarning(*logger, "--insecure: the token " + token + " can be read");
    logger->flush();
    std::rewind(sink);
    std::string written;
    char buffer[4096];
    while (std::size_t n = std::fread(buffer, 1, sizeof buffer, sink)) written.append(buffer, n);
    std::fclose(sink);
    INFO(written);
    CHECK(written.find("--insecure: the token [REDACTED] can be read") != std::string::npos);
    CHECK(written.find(" warning ") != std::string::npos);
    CHECK((written.find("an ordinary warning") != std::string::npos) ==
          (level == spdlog::level::info));
  }
}

TEST_CASE("SHA-256 matches the FIPS 180-2 test vector and fields are unambiguous") {
  Sha256 digest;
  CHECK(digest.update("abc").hex() ==
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  Sha256 a, b;
  CHECK(a.field("a").field("bc").hex() != b.field("ab").field("c").hex());
}

TEST_CASE("Authorization values are hidden whatever their scheme") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"-H \"Authorization: Token 9f8e7d6c5b4a3928170655\"",
       "-H \"Authorization: Token [REDACTED]\""},
      {"Authorization: Api-Key 9f8e7d6c5b4a3928170655 -d x",
       "Authorization: Api-Key [REDACTED] -d x"},
      {"authorization: BEARER abcdefghijkl", "authorization: BEARER [REDACTED]"},
      {"Authorization: Basic dXNlcjpwYXNz", "Authorization: Basic [REDACTED]"},
      {"Authorization: 9f8e7d6c5b4a", "Authorization: [REDACTED]"},
      // An unknown first word may be the secret itself: both words go.
      {"Authorization: hunter2hunter2 next", "Authorization: [REDACTED]"},
  };
  for (const auto& [text, expected] : cases) {
    INFO(text);
    CHECK(redactSecretShapes(text) == expected);
  }
  // Short words after a scheme are expressions, not secrets.
  CHECK(redactSecretShapes("Authorization: Bearer $t") == "Authorization: Bearer $t");
}

TEST_CASE("variable references are told apart from values") {
  using aihunt::core::isVariableReference;
  for (const char* reference :
       {"$env:OPENAI_API_KEY", "$ENV:openai_api_key", "$OPENAI_API_KEY", "${OPENAI_API_KEY}",
        "${OPENAI_API_KEY", "${env:KEY_1}", "%OPENAI_API_KEY%", "$_key"}) {
    INFO(reference);
    CHECK(isVariableReference(reference));
  }
  for (const char* value : {"", "$", "%%", "%KEY", "$1abc", "$env:", "sk-abc", "abc$KEY", "$KEY-1",
                            "%KEY X%", "${KEY}x"}) {
    INFO(value);
    CHECK_FALSE(isVariableReference(value));
  }
}

TEST_CASE("a value written between escaped quotes is hidden, quotes kept") {
  CHECK(redactSecretShapes(R"(-H token=\"s3cr3tvalue12345\" x)") == R"(-H token=\"[REDACTED]\" x)");
  CHECK(redactSecretShapes(R"(-H \"Authorization: Bearer \"abcdefghijklmnop\"\")") ==
        R"(-H \"Authorization: Bearer \"[REDACTED]\"\")");
  CHECK(redactSecretShapes(R"(Authorization: \"abcdefghijklmnop\")") ==
        R"(Authorization: \"[REDACTED]\")");
}

TEST_CASE("the one-pass secret scan finds what the key and label scanners find, generated") {
  // Texts built from the pieces the scanners react to, in every case and order: prefixes,
  // labels, key bodies, variable references, separators and word characters around them.
  aihunt::testing::PieceText texts({"sk-",
                                    "SK-",
                                    "sk-ant-",
                                    "sk-proj-",
                                    "pplx-",
                                    "xai-",
                                    "gsk_",
                                    "AIza",
                                    "aiza",
                                    "hf_",
                                    "r8_",
                                    "sec:",
                                    "SEC: ",
                                    "Bearer ",
                                    "bearer",
                                    "basic ",
                                    "token=",
                                    "api_key=",
                                    "APIKEY=",
                                    "api-key:",
                                    "x-api-key:",
                                    "'api-key'=",
                                    "\"password\": ",
                                    "client_secret=",
                                    "max_tokens=",
                                    "Cookie: ",
                                    "-u ",
                                    "--user=",
                                    "https://",
                                    "@",
                                    "ghp_",
                                    "AKIA",
                                    "os.environ[",
                                    "Authorization: ",
                                    "Token ",
                                    "Api-Key ",
                                    "abcdefghijklmnopqrstuvwxyz0123",
                                    "ABCDEF1234",
                                    "$env:OPENAI",
                                    "${KEY}",
                                    "%KEY%",
                                    " ",
                                    "\"",
                                    "'",
                                    ",",
                                    "&",
                                    ";",
                                    "\n",
                                    "\\\"",
                                    "}",
                                    "x",
                                    "_",
                                    "-",
                                    "=",
                                    ":",
                                    "a1"},
                                   0x2545f4914f6cdd1dULL);
  for (int round = 0; round < 20000; ++round) {
    const std::string text = texts.next(14);
    std::vector<SecretSpan> expected = findApiKeyTokens(text);
    const std::vector<SecretSpan> labelled = findLabelledSecrets(text);
    expected.insert(expected.end(), labelled.begin(), labelled.end());
    const std::vector<SecretSpan> credentials = findCredentialTokens(text);
    expected.insert(expected.end(), credentials.begin(), credentials.end());
    std::sort(expected.begin(), expected.end(),
              [](const SecretSpan& a, const SecretSpan& b) { return a.begin < b.begin; });
    std::vector<SecretSpan> merged;
    for (const auto& span : expected) {
      if (!merged.empty() && span.begin <= merged.back().end) {
        merged.back().end = std::max(merged.back().end, span.end);
      } else {
        merged.push_back(span);
      }
    }
    const std::vector<SecretSpan> found = findSecretSpans(text);
    INFO(text);
    REQUIRE(found.size() == merged.size());
    for (std::size_t i = 0; i < found.size(); ++i) {
      CHECK(found[i].begin == merged[i].begin);
      CHECK(found[i].end == merged[i].end);
    }
    std::string by_hand;
    std::size_t cursor = 0;
    for (const auto& span : merged) {
      by_hand += text.substr(cursor, span.begin - cursor) + "[REDACTED]";
      cursor = span.end;
    }
    by_hand += text.substr(cursor);
    CHECK(redactSecretShapes(text) == by_hand);
  }
}

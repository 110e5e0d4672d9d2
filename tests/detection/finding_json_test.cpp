// appendFindingJson writes a finding straight from its fields, without a DOM. Whatever the
// fields hold (quotes, backslashes, control characters, non-BMP characters), the text must be
// what nlohmann::json writes for the same document: parsed and written again, it comes back
// byte for byte, but for the hidden code points (a bidi override here), which we escape and
// nlohmann does not (core/json_text.h).
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <random>

#include "detection/finding_json.h"

namespace aihunt::detection {
namespace {

std::string hostile(std::mt19937& random) {
  static const std::vector<std::string> pieces = {"a",
                                                  "C:\\Windows\\System32\\curl.exe",
                                                  "\"",
                                                  "\\",
                                                  "\n",
                                                  "\r\n",
                                                  "\t",
                                                  "\b",
                                                  "\f",
                                                  "\x01",
                                                  "\x1b]0;title\x07",
                                                  "\xC3\xA9",
                                                  "\xE2\x80\xAE",
                                                  "\xF0\x9F\x94\x91",
                                                  "https://api.openai.com/v1?x=1&y=2",
                                                  "</script>",
                                                  "=cmd|' /C calc'!A0",
                                                  "{\"k\":[1]}",
                                                  ""};
  std::string out;
  const std::size_t count = random() % 6;
  for (std::size_t i = 0; i < count; ++i) out += pieces[random() % pieces.size()];
  return out;
}

}  // namespace

TEST_CASE("finding JSON is what a JSON library writes for the same document") {
  std::mt19937 random(3);
  for (int round = 0; round < 2000; ++round) {
    Finding finding;
    for (std::string* field :
         {&finding.finding_id, &finding.hunt, &finding.event_time, &finding.source_ip,
          &finding.username, &finding.host, &finding.destination_ip, &finding.url, &finding.domain,
          &finding.provider, &finding.application, &finding.process_name, &finding.exception,
          &finding.log_source, &finding.event_category, &finding.evidence}) {
      *field = hostile(random);
    }
    if (random() % 2 == 0) finding.destination_port = static_cast<std::int64_t>(random() % 65536);
    if (random() % 2 == 0) finding.bytes_sent = -static_cast<std::int64_t>(random());
    finding.signals.add(Signal::kNonBrowserAiApi);
    if (random() % 2 == 0) finding.signals.add(Signal::kLargeUpload);
    finding.risk_score = static_cast<int>(random() % 101);
    finding.suppressed = random() % 2 == 0;
    finding.process_category = static_cast<ProcessCategory>(random() % 8);

    std::string ours;
    appendFindingJson(ours, finding);
    INFO("round " << round << ": " << ours);
    const auto parsed = nlohmann::ordered_json::parse(ours);
    const auto value = [](const std::string& text) {
      return text.empty() ? nlohmann::ordered_json() : nlohmann::ordered_json(text);
    };
    CHECK(parsed.at("username") == value(finding.username));
    CHECK(parsed.at("evidence") == value(finding.evidence));
    std::string theirs = parsed.dump();
    for (std::size_t at = 0; (at = theirs.find("\xE2\x80\xAE", at)) != std::string::npos;) {
      theirs.replace(at, 3, "\\u202e");
    }
    CHECK(theirs == ours);
  }
}

}  // namespace aihunt::detection

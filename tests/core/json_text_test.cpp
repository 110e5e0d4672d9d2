// appendJsonString: whatever bytes come in (valid UTF-8 with any controls, quotes and
// backslashes, at any alignment), a JSON parser reads back exactly those bytes, and the output
// carries no raw control character or DEL.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <random>
#include <string>

#include "core/json_text.h"

TEST_CASE("appendJsonString round-trips generated strings through a JSON parser") {
  // Weighted towards the bytes that need escaping, with plain runs long enough for the 8-byte
  // fast path and multi-byte UTF-8 sequences that must pass through untouched.
  const std::vector<std::string> pieces = {"a",
                                           "plain-text-run/",
                                           "\"",
                                           "\\",
                                           "\n",
                                           "\r",
                                           "\t",
                                           "\x01",
                                           "\x1f",
                                           "\x7f",
                                           " ",
                                           "\xC3\xA9",
                                           "\xE2\x82\xAC",
                                           "\xF0\x9F\x94\x91",
                                           "{}",
                                           "0123456789abcdef"};
  std::mt19937 random(7);
  for (int round = 0; round < 3000; ++round) {
    std::string input;
    const std::size_t count = random() % 24;
    for (std::size_t i = 0; i < count; ++i) input += pieces[random() % pieces.size()];
    std::string out = "prefix";
    aihunt::core::appendJsonString(out, input);
    INFO("round " << round);
    REQUIRE(out.rfind("prefix", 0) == 0);
    const std::string literal = out.substr(6);
    CHECK(nlohmann::json::parse(literal).get<std::string>() == input);
    for (const char c : literal) {
      const auto byte = static_cast<unsigned char>(c);
      CHECK((byte >= 0x20 && byte != 0x7F));
    }
  }
}

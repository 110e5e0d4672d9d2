// appendJsonString: whatever bytes come in (valid UTF-8 with any controls, quotes and
// backslashes, at any alignment), a JSON parser reads back exactly those bytes, and the output
// carries no raw control character, DEL, C1 control, bidi override or other hidden character.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <random>
#include <string>

#include "core/display_text.h"
#include "core/json_text.h"
#include "core/text.h"

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
                                           "\xC2\x9B",          // CSI (C1)
                                           "\xE2\x80\xAE",      // right-to-left override
                                           "\xF3\xA0\x81\x81",  // a tag character
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
    for (std::size_t i = 0; i < literal.size();) {
      const aihunt::core::Utf8Char c = aihunt::core::decodeUtf8At(literal, i);
      REQUIRE(c.length != 0);
      CHECK_FALSE(aihunt::core::isHiddenOrControl(c.code));
      i += c.length;
    }
  }
}

// The finding writer's JSON must be what a DOM serialiser writes, byte for byte, so that the
// fast path and any document built with nlohmann::json agree. One deliberate difference: DEL
// and the hidden code points (C1 controls, bidi overrides, tags) are escaped (\u007f, \u009b),
// where nlohmann writes them as they are.
TEST_CASE("appendJsonString writes what nlohmann::json writes, for hostile bytes too") {
  const std::vector<std::string> pieces = {
      "a", "plain-text-run/", "\"", "\\", "\n", "\r", "\t", "\b", "\f", std::string(1, '\0'),
      "\x01", "\x1b[31m", "\x1f", "\x7f", "\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x94\x91",
      "\xEF\xBF\xBF", "\xF4\x8F\xBF\xBF", "\xC2\x85", "\xE2\x80\xAE", "\xE2\x81\xA6",
      "\xF3\xA0\x81\x81",
      // Invalid: stray continuation bytes, cut sequences, overlong forms, surrogates, bytes no
      // UTF-8 uses, code points past U+10FFFF.
      "\x80", "\xBF", "\xC3", "\xE2\x82", "\xF0\x9F\x94", "\xC0\xAF", "\xE0\x80\xAF",
      "\xED\xA0\x80", "\xF5\x80\x80\x80", "\xF4\x90\x80\x80", "\xFE", "\xFF", "\xF8\x88\x80\x80"};
  std::mt19937 random(11);
  for (int round = 0; round < 5000; ++round) {
    std::string input;
    const std::size_t count = random() % 16;
    for (std::size_t i = 0; i < count; ++i) input += pieces[random() % pieces.size()];
    std::string ours;
    aihunt::core::appendJsonString(ours, input);
    std::string theirs =
        nlohmann::json(input).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    const std::vector<std::pair<std::string, std::string>> escaped = {
        {"\x7f", "\\u007f"},
        {"\xC2\x85", "\\u0085"},
        {"\xE2\x80\xAE", "\\u202e"},
        {"\xE2\x81\xA6", "\\u2066"},
        {"\xF3\xA0\x81\x81", "\\udb40\\udc41"}};
    for (const auto& [raw, escape] : escaped) {
      for (std::size_t at = 0; (at = theirs.find(raw, at)) != std::string::npos;) {
        theirs.replace(at, raw.size(), escape);
        at += escape.size();
      }
    }
    INFO("round " << round);
    CHECK(ours == theirs);
  }
}

// core::utf8Excerpt copies ASCII runs at once; these generated cases hold it to the rule it
// promises, written out here one character at a time: whole characters only, each invalid byte
// as U+FFFD, "..." when the next character would pass the limit.
#include <catch2/catch.hpp>

#include <random>
#include <string>

#include "core/text.h"
#include "core/utf8_excerpt.h"

namespace aihunt::core {
namespace {

std::string excerptOneByOne(std::string_view text, std::size_t max_bytes) {
  const std::string replacement = "\xEF\xBF\xBD";
  std::string out;
  for (std::size_t at = 0; at < text.size();) {
    const auto byte = static_cast<unsigned char>(text[at]);
    const std::size_t length = byte < 0x80 ? 1 : decodeUtf8At(text, at).length;
    const std::string piece = length == 0 ? replacement : std::string(text.substr(at, length));
    if (out.size() + piece.size() > max_bytes) return out + "...";
    out += piece;
    at += length == 0 ? 1 : length;
  }
  return out;
}

TEST_CASE("utf8Excerpt keeps whole characters up to the limit", "[core][utf8]") {
  CHECK(utf8Excerpt("hello", 5) == "hello");
  CHECK(utf8Excerpt("hello!", 5) == "hello...");
  CHECK(utf8Excerpt("", 0).empty());
  CHECK(utf8Excerpt("a", 0) == "...");
  CHECK(utf8Excerpt("ab\xC3\xA9", 3) == "ab...");  // é would pass the limit
  CHECK(utf8Excerpt("ab\xFF", 10) == "ab\xEF\xBF\xBD");

  std::mt19937 random(7);
  const std::string pieces[] = {
      "a",    "key=", "sk-",      "\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80",
      "\xFF", "\xC3", "\xE2\x82", " ",        "\"",           "0123456789abcdef"};
  for (int round = 0; round < 5000; ++round) {
    std::string text;
    const int count = static_cast<int>(random() % 40);
    for (int p = 0; p < count; ++p) text += pieces[random() % std::size(pieces)];
    const std::size_t limit = random() % (text.size() + 8);
    INFO("limit " << limit << " text of " << text.size() << " bytes");
    CHECK(utf8Excerpt(text, limit) == excerptOneByOne(text, limit));
  }
}

}  // namespace
}  // namespace aihunt::core

// Columns of text on a terminal, and cutting text to fit without breaking a character.
#include <catch2/catch.hpp>

#include <random>
#include <string>
#include <vector>

#include "core/display_width.h"
#include "core/text.h"

using aihunt::core::displayColumns;
using aihunt::core::fitColumns;

TEST_CASE("display columns count characters, wide ones twice") {
  CHECK(displayColumns("") == 0);
  CHECK(displayColumns("curl.exe") == 8);
  CHECK(displayColumns("Z\xC3\xBCrich") == 6);             // ü: two bytes, one column
  CHECK(displayColumns("\xE6\x9D\xB1\xE4\xBA\xAC") == 4);  // 東京: two wide characters
  CHECK(displayColumns("e\xCC\x81") == 1);                 // e + combining acute
  // Marks of other scripts take no column either: a Hebrew point, an Arabic fatha, a Thai
  // vowel above, a Devanagari virama; a spacing mark (Devanagari vowel sign aa) takes one.
  CHECK(displayColumns("\xD7\xA9\xD6\xB0") == 1);          // shin + sheva
  CHECK(displayColumns("\xD8\xA8\xD9\x8E") == 1);          // beh + fatha
  CHECK(displayColumns("\xE0\xB8\x81\xE0\xB8\xB4") == 1);  // ko kai + sara i
  CHECK(displayColumns("\xE0\xA4\x95\xE0\xA5\x8D") == 1);  // ka + virama
  CHECK(displayColumns("\xE0\xA4\x95\xE0\xA4\xBE") == 2);  // ka + vowel sign aa (Mc)
}

TEST_CASE("fitting keeps short text and cuts long text with one ellipsis") {
  CHECK(fitColumns("powershell", 10) == "powershell");
  CHECK(fitColumns("powershell", 9) == "powershe\xE2\x80\xA6");
  CHECK(fitColumns("powershell", 1) == "\xE2\x80\xA6");
  CHECK(fitColumns("powershell", 0).empty());
  // A wide character that would straddle the limit is left out whole.
  CHECK(fitColumns("a\xE6\x9D\xB1\xE4\xBA\xAC", 3) == "a\xE2\x80\xA6");
}

TEST_CASE("fitting generated multi-byte text never cuts inside a character") {
  const std::vector<std::string> pieces = {
      "a", "Z", "\xC3\xBC", "\xE6\x9D\xB1", "\xF0\x9F\x98\x80", "e\xCC\x81", " ", "\xE2\x80\xA6"};
  std::mt19937 rng(2026);
  for (int round = 0; round < 2000; ++round) {
    std::string text;
    const int length = static_cast<int>(rng() % 30);
    for (int i = 0; i < length; ++i) text += pieces[rng() % pieces.size()];
    const std::size_t columns = rng() % 25;
    const std::string fitted = fitColumns(text, columns);
    INFO(text << " in " << columns);
    CHECK(aihunt::core::isValidUtf8(fitted));
    CHECK(displayColumns(fitted) <= columns);
    if (displayColumns(text) <= columns) {
      CHECK(fitted == text);
    } else if (columns > 0) {
      CHECK(fitted.ends_with("\xE2\x80\xA6"));
      CHECK(text.starts_with(fitted.substr(0, fitted.size() - 3)));
    }
  }
}

// core/display_text.h, the one sanitiser for human-facing text: every hidden or control code
// point is replaced ('?', or a space for CR and LF), whatever surrounds it; printable text (any
// script) is kept byte for byte; the output is valid UTF-8. And the CSV formula rule, and the JSON
// log's escaping of the same code points (exact, through a JSON parser).
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "core/display_text.h"
#include "core/json_text.h"
#include "core/text.h"

using aihunt::core::csvCellText;
using aihunt::core::csvLooksLikeFormula;
using aihunt::core::decodeUtf8At;
using aihunt::core::DisplayOptions;
using aihunt::core::displayText;
using aihunt::core::isHiddenOrControl;

namespace {

std::string utf8(char32_t code) {
  std::string out;
  if (code < 0x80) {
    out.push_back(static_cast<char>(code));
  } else if (code < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (code >> 6)));
    out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
  } else if (code < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (code >> 12)));
    out.push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (code >> 18)));
    out.push_back(static_cast<char>(0x80 | ((code >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
  }
  return out;
}

// The code points issue 12 names, each one of which must never reach a person as it is.
std::vector<char32_t> mustHide() {
  std::vector<char32_t> out;
  for (char32_t c = 0; c < 0x20; ++c) {
    if (c != '\t') out.push_back(c);
  }
  out.push_back(0x7F);
  for (char32_t c = 0x80; c <= 0x9F; ++c) out.push_back(c);
  for (char32_t c = 0x202A; c <= 0x202E; ++c) out.push_back(c);
  for (char32_t c = 0x2066; c <= 0x2069; ++c) out.push_back(c);
  for (char32_t c = 0x200B; c <= 0x200F; ++c) out.push_back(c);
  for (const char32_t c : {0x2028U, 0x2029U, 0xFEFFU, 0x061CU, 0x2060U, 0x00ADU, 0xE0041U}) {
    out.push_back(c);
  }
  // The rest of Unicode's format characters (category Cf) that a hostile-data trial got through:
  // Arabic and Syriac marks, Kaithi number signs, Egyptian hieroglyph and shorthand format
  // controls.
  for (const char32_t c : {0x0600U, 0x0605U, 0x06DDU, 0x070FU, 0x0890U, 0x08E2U, 0x110BDU, 0x110CDU,
                           0x13430U, 0x1343FU, 0x1BCA0U, 0x1BCA3U}) {
    out.push_back(c);
  }
  return out;
}

// True when `text` is valid UTF-8 with no hidden or control code point other than `allowed`.
bool safeForTerminal(const std::string& text, DisplayOptions options) {
  if (!aihunt::core::isValidUtf8(text)) return false;
  for (std::size_t i = 0; i < text.size();) {
    const auto decoded = decodeUtf8At(text, i);
    const bool allowed = (decoded.code == '\t' && options.keep_tab) ||
                         (decoded.code == '\n' && options.keep_newline);
    if (isHiddenOrControl(decoded.code) && !allowed) return false;
    i += decoded.length;
  }
  return true;
}

}  // namespace

TEST_CASE("every hidden or control code point is replaced, alone and between letters") {
  for (const char32_t code : mustHide()) {
    INFO("U+" << std::hex << static_cast<std::uint32_t>(code));
    CHECK(isHiddenOrControl(code));
    const std::string shown = code == '\n' || code == '\r' ? " " : "?";
    CHECK(displayText(utf8(code)) == shown);
    CHECK(displayText("a" + utf8(code) + "b") == "a" + shown + "b");
  }
  CHECK(displayText("a\tb") == "a\tb");
  CHECK(displayText("a\tb", DisplayOptions{.keep_tab = false}) == "a b");
  CHECK(displayText("a\nb") == "a b");
  CHECK(displayText("a\nb", DisplayOptions{.keep_newline = true}) == "a\nb");
}

TEST_CASE("the attacks from issue 12 come out inert") {
  // OSC (set the window title), CSI (clear the screen), a forged log line, NUL, 8-bit CSI as
  // UTF-8, and a right-to-left override that would show "exe.txt" as "txt.exe".
  CHECK(displayText("\x1b]0;owned\x07x") == "?]0;owned?x");
  CHECK(displayText("\x1b[2J\x1b[H") == "?[2J?[H");
  CHECK(displayText("ok\r\n2026-11-26T00:00:00Z INFO forged") ==
        "ok  2026-11-26T00:00:00Z INFO forged");
  CHECK(displayText(std::string("a\0b", 3)) == "a?b");
  CHECK(displayText("\xC2\x9B"
                    "31m") == "?31m");
  CHECK(displayText("report\xE2\x80\xAEtxt.exe") == "report?txt.exe");
}

TEST_CASE("printable text in any script is kept byte for byte") {
  for (const std::string text :
       {"plain ASCII ~!@#$%^&*()_+{}|:<>?", "caf\xC3\xA9 \xE2\x82\xAC", "\xE6\x97\xA5\xE6\x9C\xAC",
        "\xD8\xB9\xD8\xB1\xD8\xA8\xD9\x8A", "\xF0\x9F\x98\x80", "\xEF\xBC\x9D"}) {
    CHECK(displayText(text) == text);
  }
}

TEST_CASE("a few combining marks are writing; a long run of them is one '?'") {
  const std::string acute = utf8(0x0301);
  const std::string dot = utf8(0x0323);
  // Vietnamese stacks two marks on a letter; four in a row are kept.
  CHECK(displayText("e" + dot + utf8(0x0302) + "!") == "e" + dot + utf8(0x0302) + "!");
  std::string four = "a";
  for (int i = 0; i < 4; ++i) four += acute;
  CHECK(displayText(four) == four);
  // 3000 on one letter would draw over the lines above and below: the run past four is '?'.
  std::string zalgo = "a";
  for (int i = 0; i < 3000; ++i) zalgo += acute;
  CHECK(displayText(zalgo + "b" + acute) == four + "?b" + acute);
  // Marks of every script count, not only the combining diacritics block: Cyrillic's
  // millions sign, Hebrew points, Arabic harakat, Thai vowels.
  for (const char32_t mark : {0x0489U, 0x05B0U, 0x064BU, 0x0E34U, 0x20DDU}) {
    INFO("U+" << std::hex << static_cast<std::uint32_t>(mark));
    std::string run = "a";
    std::string kept = "a";
    for (int i = 0; i < 50; ++i) run += utf8(mark);
    for (int i = 0; i < 4; ++i) kept += utf8(mark);
    CHECK(displayText(run) == kept + "?");
  }
}

TEST_CASE("bytes that are not UTF-8 become one '?' each") {
  CHECK(displayText("\xFF") == "?");
  CHECK(displayText("a\xC3") == "a?");
  CHECK(displayText("\xC0\xAF") == "??");       // overlong '/'
  CHECK(displayText("\xED\xA0\x80") == "???");  // surrogate
  CHECK(displayText("\xE2\x80") == "??");       // cut short
}

TEST_CASE("generated hostile strings come out valid, inert, and otherwise unchanged") {
  // Pieces: (input, what it must become). Hostile ones become '?', benign ones stay.
  std::vector<std::pair<std::string, std::string>> pieces = {
      {"abc", "abc"},
      {" ", " "},
      {"\t", "\t"},
      {"\xC3\xA9", "\xC3\xA9"},
      {"\xE2\x82\xAC", "\xE2\x82\xAC"},
      {"\xF0\x9F\x94\x91", "\xF0\x9F\x94\x91"},
      {"\xFF", "?"},
      {"\xC3", "?"},
      {"=", "="},
      {"'", "'"}};
  for (const char32_t code : mustHide()) {
    pieces.emplace_back(utf8(code), code == '\n' || code == '\r' ? " " : "?");
  }
  std::mt19937 random(12);
  for (int round = 0; round < 5000; ++round) {
    std::string input;
    std::string expected;
    const std::size_t count = random() % 16;
    for (std::size_t i = 0; i < count; ++i) {
      const auto& piece = pieces[random() % pieces.size()];
      // A lone lead byte swallows nothing only when what follows is not a continuation byte;
      // every piece starts with a non-continuation byte, so the expectation holds.
      input += piece.first;
      expected += piece.second;
    }
    INFO("round " << round);
    const std::string shown = displayText(input);
    CHECK(shown == expected);
    CHECK(safeForTerminal(shown, DisplayOptions{}));
    const std::string one_line = displayText(input, DisplayOptions{.keep_tab = false});
    CHECK(safeForTerminal(one_line, DisplayOptions{.keep_tab = false}));
  }
}

TEST_CASE("CSV cells that a spreadsheet would run as a formula get a leading apostrophe") {
  for (const std::string formula :
       {"=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1", "  =HYPERLINK(\"x\")", " \t@x",
        "\xEF\xBC\x9D"
        "1",  // full-width '='
        "\xEF\xBC\x8B"
        "1",  // full-width '+'
        "\xEF\xBC\x8D"
        "1",  // full-width '-'
        "\xEF\xBC\xA0"
        "x",  // full-width '@'
        "\xC2\xA0=1", "\xE3\x80\x80=1",
        // Every other Unicode space: en, em, thin, narrow no-break, Ogham; a line separator.
        "\xE2\x80\x83=1+1", "\xE2\x80\x82+1", "\xE2\x80\x89-1", "\xE2\x80\xAF@x", "\xE1\x9A\x80=1",
        "\xE2\x80\xA8=1",
        // A newline shows as a space, so the shown cell starts with the formula.
        "\n=HYPERLINK(\"http://x/\")", "\n\n+1+cmd", "\v=1", "\f@SUM(A1)"}) {
    INFO(formula);
    CHECK(csvLooksLikeFormula(formula));
    CHECK(csvCellText(formula).front() == '\'');
  }
  for (const std::string plain : {"", "abc", "1-2", "a=b", "10.0.0.1", "   ", "'quoted", "?=1"}) {
    INFO(plain);
    CHECK_FALSE(csvLooksLikeFormula(plain));
    CHECK(csvCellText(plain) == plain);
  }
  // Control and invisible characters go the way of every human-facing text.
  CHECK(csvCellText("=cmd|' /C calc'!A0\r\n") == "'=cmd|' /C calc'!A0  ");
  CHECK(csvCellText("x\x1b]0;t\x07") == "x?]0;t?");
  // A zero-width space cannot hide a formula: it becomes a visible '?' first.
  CHECK(csvCellText("\xE2\x80\x8B=1") == "?=1");
  // A tab becomes a space: pasted as tab-separated text, the cell would split at the tab and the
  // formula after it would start a cell of its own.
  CHECK(csvCellText("WS-1\t=HYPERLINK(\"http://x/\")") == "WS-1 =HYPERLINK(\"http://x/\")");
  CHECK(csvCellText("a\tb").find('\t') == std::string::npos);
}

TEST_CASE("the JSON log escapes hidden code points exactly instead of stripping them") {
  std::vector<std::string> pieces = {"a", "\"", "\\", "\xC3\xA9", "\xF0\x9F\x98\x80", " "};
  for (const char32_t code : mustHide()) pieces.push_back(utf8(code));
  std::mt19937 random(3);
  for (int round = 0; round < 3000; ++round) {
    std::string input;
    const std::size_t count = random() % 12;
    for (std::size_t i = 0; i < count; ++i) input += pieces[random() % pieces.size()];
    std::string literal;
    aihunt::core::appendJsonStringEscapingHidden(literal, input);
    INFO("round " << round);
    CHECK(safeForTerminal(literal, DisplayOptions{.keep_tab = false}));
    CHECK(nlohmann::json::parse(literal).get<std::string>() == input);
  }
  std::string literal;
  aihunt::core::appendJsonStringEscapingHidden(literal, "\xE2\x80\xAE \xF3\xA0\x81\x81 \xFF");
  CHECK(literal == "\"\\u202e \\udb40\\udc41 \\ufffd\"");
}

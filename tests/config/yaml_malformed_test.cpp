// Malformed YAML ends in one error with its position, promptly. The inputs below made yaml-cpp
// 0.7 loop forever (found by fuzz/config_fuzz when yaml-cpp was the config parser); libyaml
// must refuse them where they go wrong, and the loader must report that, not hang.
#include <catch2/catch.hpp>

#include <string>
#include <utility>

#include "config/environment.h"
#include "config/loader.h"
#include "config/yaml_tree.h"

using namespace aihunt::config;

namespace {

YamlNode parse(const std::string& text, Diagnostics& diagnostics) {
  return parseYamlTree(text, diagnostics);
}

}  // namespace

TEST_CASE("a ',' where a node must start is a syntax error at the comma") {
  const std::pair<std::string, YamlMark> malformed[] = {
      {",", {1, 1}},
      {", a", {1, 1}},
      {"[a, b], c]", {1, 7}},
      {"{a: b}, c}", {1, 7}},
      {"---\n, a", {2, 1}},
      {"a: 1\n---\n, a", {3, 1}},
      {"[a]\n, b", {2, 1}},
      {"--- , a", {1, 5}},
      {"# c\n, a", {2, 1}},
      {"\"q\", a", {1, 4}},
      {"'q', a", {1, 4}},
      {"&x , a", {1, 4}},
      {"!!str , a", {1, 7}},
      {"a: 1\n...\n, b", {3, 1}},
      {" >#[\n,", {2, 1}},
      {"--- |#{\n, a", {2, 1}},
      {">+#[\n\n,", {3, 1}},
      {"w [\n#\n,", {3, 1}},
      {"w  [  [#\n#.K#\n,,>( [> [ ~[\n", {3, 1}},
      {"a: w {\n, b", {2, 1}},
      {"a: , b", {1, 4}},
  };
  for (const auto& [text, mark] : malformed) {
    INFO(text);
    Diagnostics diagnostics("malformed.yaml");
    const YamlNode root = parseYamlTree(text, diagnostics);
    CHECK(root.isNull());
    REQUIRE(diagnostics.errors().size() == 1);
    const ConfigError& error = diagnostics.errors().front();
    CHECK(error.line == mark.line);
    CHECK(error.column == mark.column);
    CHECK(error.message.rfind("YAML syntax error: ", 0) == 0);
    // Each points at the comma, and says what to do about one that belongs to a value.
    CHECK(error.message.find("; quote a value that starts with ','") != std::string::npos);
    const LoadOutcome outcome = loadConfigText(text, "malformed.yaml", MapEnvironment{});
    REQUIRE_FALSE(outcome.ok());
    CHECK(outcome.errors.front().message == error.message);
  }
}

TEST_CASE("bytes that are not UTF-8 text are refused in values and keys, passed over in comments") {
  // Configs edited on Windows or pasted from web pages hold Latin-1 bytes, control characters and
  // Unicode line separators, mostly in comments; they loaded before libyaml, which refuses them
  // anywhere (and reads U+0085, U+2028 and U+2029 as line breaks).
  for (const std::string& comment :
       {std::string("caf\xe9"), std::string("\x93quoted\x94"), std::string("bell\x07"),
        std::string("x\xc2\x85y"), std::string("x\xe2\x80\xa8y"), std::string("nul\0", 4)}) {
    INFO(comment);
    Diagnostics diagnostics("comment.yaml");
    const YamlNode root = parse("a: 1 # " + comment + "\nb: [2] # " + comment + "\n", diagnostics);
    CHECK(diagnostics.errors().empty());
    REQUIRE(root.find("b") != nullptr);
    CHECK(root.find("b")->items.size() == 1);
  }
  const std::pair<std::string, std::string> values[] = {
      {"a: 1\nowner: Jos\xe9\n", "owner"},
      {"a: 1\nowner: \"a\x1b[31m\"\n", "owner"},
      {"a: 1\nowner: IT\xe2\x80\xa8ops\n", "owner"},
      {"a: 1\nk\xe9y: x\n", ""},
  };
  for (const auto& [text, path] : values) {
    INFO(text);
    Diagnostics diagnostics("value.yaml");
    static_cast<void>(parse(text, diagnostics));
    REQUIRE(diagnostics.errors().size() == 1);
    const ConfigError& error = diagnostics.errors()[0];
    CHECK(error.path == path);
    CHECK(error.line == 2);
    CHECK(error.message.rfind("holds a byte that is not UTF-8 text", 0) == 0);
  }
  // Valid UTF-8 beyond ASCII is text like any other.
  Diagnostics diagnostics("utf8.yaml");
  CHECK(parse("owner: \"Jos\xc3\xa9 \xf0\x9f\x94\x8d\"\n", diagnostics).find("owner")->scalar ==
        "Jos\xc3\xa9 \xf0\x9f\x94\x8d");
  CHECK(diagnostics.errors().empty());
}

TEST_CASE("usual slips get a position and a hint") {
  struct Slip {
    std::string text;
    YamlMark mark;
    std::string says;
  };
  const Slip slips[] = {
      {"a:\n\tb: 1\n", {2, 1}, "it is a tab: YAML indents with spaces only"},
      {"k: [::1]\n", {1, 5}, "quote a value that starts with ':', such as an IPv6 address"},
      // libyaml finds the missing ':' on the next line; the error names the key's line.
      {"a: 1\nauth:sec\nb: 2\n", {2, 1}, "a key without ':' after it, or ':' without a space"},
      {"owner: @ops\n", {1, 8}, "quote a value that starts with '@'"},
      {"[a]\nb\n", {2, 1}, "unexpected text after a complete value"},
  };
  for (const Slip& slip : slips) {
    INFO(slip.text);
    Diagnostics diagnostics("slip.yaml");
    static_cast<void>(parse(slip.text, diagnostics));
    REQUIRE(diagnostics.errors().size() == 1);
    CHECK(diagnostics.errors()[0].line == slip.mark.line);
    CHECK(diagnostics.errors()[0].column == slip.mark.column);
    CHECK(diagnostics.errors()[0].message.find(slip.says) != std::string::npos);
  }
  // A key refused for not being text: what its value holds is named under "?".
  Diagnostics diagnostics("key.yaml");
  static_cast<void>(parse("a:\n  ? [x]\n  : {b: 1, b: 2}\n", diagnostics));
  REQUIRE(diagnostics.errors().size() == 2);
  CHECK(diagnostics.errors()[0].message == "map keys must be plain text");
  CHECK(diagnostics.errors()[1].path == "a.?.b");
}

TEST_CASE("commas inside values, quotes and flow collections are text or separators") {
  const std::pair<std::string, std::string> values[] = {
      {"k: a, b, c", "a, b, c"},
      {"k: 'it''s, fine'", "it's, fine"},
      {"k: \"a\\\", b\"", "a\", b"},
      {"k: it's a, b", "it's a, b"},
      {"k: &anc v, w", "v, w"},
      {"k: >-\n  folded, text\n  more, text", "folded, text more, text"},
      {"k: \"multi\n  line, quoted\"", "multi line, quoted"},
      {"k: w [x, y", "w [x, y"},
      // A plain scalar continued on a line that starts with ',' (the old screen refused it).
      {"k: x\n  , a]", "x , a]"},
  };
  for (const auto& [text, value] : values) {
    INFO(text);
    Diagnostics diagnostics("commas.yaml");
    const YamlNode root = parseYamlTree(text, diagnostics);
    REQUIRE(diagnostics.errors().empty());
    REQUIRE(root.find("k") != nullptr);
    CHECK(root.find("k")->scalar == value);
  }
  Diagnostics diagnostics("lists.yaml");
  const YamlNode root =
      parseYamlTree("k: [a,\n  b]\nm: {a: 1, b: 2}\nl:\n  - [c, d]\n  - {e: f}\n", diagnostics);
  REQUIRE(diagnostics.errors().empty());
  CHECK(root.find("k")->items.size() == 2);
  CHECK(root.find("m")->entries.size() == 2);
  CHECK(root.find("l")->items[0].items[1].scalar == "d");
  CHECK(root.find("l")->items[1].find("e")->scalar == "f");
}

TEST_CASE("flow collections nested too deep are refused at the bracket past the limit") {
  // 4 MiB of unclosed '[': refused at the 65th, not after the parser has read them all.
  const std::string brackets(4U << 20, '[');
  Diagnostics diagnostics("deep.yaml");
  static_cast<void>(parseYamlTree(brackets, diagnostics));
  REQUIRE(diagnostics.errors().size() == 1);
  CHECK(diagnostics.errors()[0].message == "nested deeper than 64 levels");
  CHECK(diagnostics.errors()[0].line == 1);
  CHECK(diagnostics.errors()[0].column == 65);
  const LoadOutcome outcome = loadConfigText(brackets, "deep.yaml", MapEnvironment{});
  REQUIRE_FALSE(outcome.ok());
  CHECK(outcome.errors[0].message == "nested deeper than 64 levels");

  std::string mixed = "k: ";
  for (int i = 0; i < 70; ++i) mixed += i % 2 == 0 ? "[" : "{a: ";
  Diagnostics mixed_diagnostics("mixed.yaml");
  static_cast<void>(parseYamlTree(mixed, mixed_diagnostics));
  REQUIRE(mixed_diagnostics.errors().size() == 1);
  CHECK(mixed_diagnostics.errors()[0].message == "nested deeper than 64 levels");

  // 63 lists under the root map: 64 levels, the most allowed.
  std::string nested = "k: ";
  for (int i = 0; i < 63; ++i) nested += "[";
  for (int i = 0; i < 63; ++i) nested += "]";
  Diagnostics nested_diagnostics("nested.yaml");
  static_cast<void>(parseYamlTree(nested, nested_diagnostics));
  CHECK(nested_diagnostics.errors().empty());
  Diagnostics one_more("one-more.yaml");
  static_cast<void>(parseYamlTree("k: [" + nested.substr(3) + "]", one_more));
  CHECK(one_more.errors().size() == 1);
}

TEST_CASE("brackets inside quotes, comments and block scalars do not nest") {
  const std::string deep(100, '[');
  for (const std::string& text : {
           "k: '" + deep + "'",
           "k: \"" + deep + "\"",
           "k: 1 # " + deep,
           "# " + deep + "\nk: 1",
           "k: |\n  " + deep + "\n  more " + deep + "\n\n  after a blank\nnext: [a]",
           "- >-\n   " + deep + "\n- b",
           "a:\n  k: |+ # comment\n    " + deep + "\n  j: 2",
       }) {
    INFO(text);
    Diagnostics diagnostics("block.yaml");
    static_cast<void>(parseYamlTree(text, diagnostics));
    CHECK(diagnostics.errors().empty());
  }
  // A block scalar ends where the indentation does: brackets after it nest again.
  Diagnostics diagnostics("after.yaml");
  static_cast<void>(parseYamlTree("k: |\n  " + deep + "\nj: " + deep, diagnostics));
  REQUIRE(diagnostics.errors().size() == 1);
  CHECK(diagnostics.errors()[0].line == 3);
  CHECK(diagnostics.errors()[0].column == 67);
}

TEST_CASE("a value that started with '&' or '!' is warned about, anchors and tags in use are not") {
  // `owner: &ops team` reads as "team" with an anchor, `reason: !urgent fix` as "fix" with a
  // tag: YAML takes the words for an anchor and a tag, and the value loses them silently.
  Diagnostics diagnostics("marks.yaml");
  const YamlNode root =
      parse("owner: &ops team\nreason: !urgent fix\nbase: &b {k: 1}\nuse: *b\nn: !!str 5\nq: ! x\n",
            diagnostics);
  CHECK(diagnostics.errors().empty());
  CHECK(root.find("owner")->scalar == "team");
  REQUIRE(diagnostics.warnings().size() == 2);
  CHECK(diagnostics.warnings()[0].path == "reason");
  CHECK(diagnostics.warnings()[0].line == 2);
  CHECK(diagnostics.warnings()[0].message ==
        "tag !urgent is not YAML's and is ignored (quote a value that starts with '!')");
  CHECK(diagnostics.warnings()[1].path == "owner");
  CHECK(diagnostics.warnings()[1].line == 1);
  CHECK(diagnostics.warnings()[1].message ==
        "anchor &ops is not used by any alias (quote a value that starts with '&')");
}

TEST_CASE("a refused character is named where it stands, and only characters that were refused") {
  // A review: the value's start was named, and a U+FFFD the file holds as text was refused once
  // any other byte in the file had been replaced.
  Diagnostics diagnostics("where.yaml");
  static_cast<void>(
      parse("# caf\xe9\nok: \"team \xef\xbf\xbd one\"\nowner: Jos\xe9 x\nreason: >-\n  "
            "first\n  sec\x93ond\n",
            diagnostics));
  REQUIRE(diagnostics.errors().size() == 2);
  CHECK(diagnostics.errors()[0].path == "owner");
  CHECK(diagnostics.errors()[0].line == 3);
  CHECK(diagnostics.errors()[0].column == 11);
  CHECK(diagnostics.errors()[1].path == "reason");
  CHECK(diagnostics.errors()[1].line == 6);
  CHECK(diagnostics.errors()[1].column == 6);
}

TEST_CASE("UTF-16 text is read as UTF-8 would be, with the same treatment") {
  const auto utf16 = [](std::string_view ascii, bool little) {
    std::string out = little ? "\xFF\xFE" : "\xFE\xFF";
    for (const char c : ascii) {
      out += little ? std::string{c, '\0'} : std::string{'\0', c};
    }
    return out;
  };
  for (const bool little : {true, false}) {
    INFO(little);
    Diagnostics diagnostics("wide.yaml");
    const YamlNode root = parse(utf16("a: 1\nowner: team # note\n", little), diagnostics);
    CHECK(diagnostics.errors().empty());
    REQUIRE(root.find("owner") != nullptr);
    CHECK(root.find("owner")->scalar == "team");
    // An unpaired surrogate in a comment is passed over, in a value refused at its place.
    std::string comment = utf16("a: 1 # x", little);
    comment += little ? std::string("\x00\xD8", 2) : std::string("\xD8\x00", 2);
    comment += utf16("\nb: 2\n", little).substr(2);
    Diagnostics lone("lone.yaml");
    CHECK(parse(comment, lone).find("b")->scalar == "2");
    CHECK(lone.errors().empty());
    // The directive limit holds in UTF-16 too (libyaml took 39 s on 4 MiB of them).
    std::string directives;
    for (int i = 0; i < 40; ++i) directives += "%TAG !t" + std::to_string(i) + "! x\n";
    Diagnostics many("many.yaml");
    static_cast<void>(parse(utf16(directives + "---\nk: 1\n", little), many));
    REQUIRE(many.errors().size() == 1);
    CHECK(many.errors()[0].line == 17);
  }
}

TEST_CASE("hints follow the text a byte order mark precedes, and what the problem is") {
  Diagnostics bom("bom.yaml");
  static_cast<void>(
      parse("\xEF\xBB\xBF"
            "a: @b\n",
            bom));
  REQUIRE(bom.errors().size() == 1);
  CHECK(bom.errors()[0].column == 4);
  CHECK(bom.errors()[0].message.find("quote a value that starts with '@'") != std::string::npos);
  Diagnostics colon("colon.yaml");
  static_cast<void>(parse("name: a: b\n", colon));
  REQUIRE(colon.errors().size() == 1);
  CHECK(colon.errors()[0].message.find("quote a value that holds ': '") != std::string::npos);
  CHECK(colon.errors()[0].message.find("IPv6") == std::string::npos);
}

TEST_CASE("'%' at the start of a line inside a value is no directive") {
  std::string text = "k: \"first\n";
  for (int i = 0; i < 20; ++i) text += "%" + std::to_string(i) + "\n";
  text += "end\"\n";
  Diagnostics diagnostics("percent.yaml");
  const YamlNode root = parse(text, diagnostics);
  CHECK(diagnostics.errors().empty());
  REQUIRE(root.find("k") != nullptr);
  CHECK(root.find("k")->scalar.rfind("first %0 %1", 0) == 0);
}

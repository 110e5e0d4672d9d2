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

std::string syntaxErrorAt(const YamlMark& mark) {
  return "YAML syntax error at line " + std::to_string(mark.line) + ", column " +
         std::to_string(mark.column) + ": ";
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
    CHECK(error.message.rfind(syntaxErrorAt(mark), 0) == 0);
    const LoadOutcome outcome = loadConfigText(text, "malformed.yaml", MapEnvironment{});
    REQUIRE_FALSE(outcome.ok());
    CHECK(outcome.errors.front().message == error.message);
  }
}

TEST_CASE("a control character is refused where it stands") {
  // config_fuzz's 33-byte input on which yaml-cpp spun allocating: ESC on line 2.
  const std::string text = "w $[  [#\n [\x1b\n#.K#\n,,>( [> [ ~\xbf[\n\xb9";
  Diagnostics diagnostics("control.yaml");
  static_cast<void>(parseYamlTree(text, diagnostics));
  REQUIRE(diagnostics.errors().size() == 1);
  CHECK(diagnostics.errors()[0].line == 2);
  CHECK(diagnostics.errors()[0].column == 3);
  CHECK(diagnostics.errors()[0].message.find("control characters are not allowed") !=
        std::string::npos);
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

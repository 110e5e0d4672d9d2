// Inputs that make yaml-cpp 0.7 loop forever are refused before it sees them (found by
// fuzz/config_fuzz), and ordinary commas are left alone.
#include <catch2/catch.hpp>

#include <string>

#include "config/environment.h"
#include "config/loader.h"
#include "config/yaml_hazards.h"
#include "config/yaml_tree.h"

using namespace aihunt::config;

TEST_CASE("commas where yaml-cpp expects a node are refused with their position") {
  const std::pair<std::string, YamlMark> hazards[] = {
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
      {"x\n  , a]", {2, 3}},
      // A block scalar whose header runs into a comment: yaml-cpp reads no bracket there.
      {" >#[\n,", {2, 1}},
      {"--- |#{\n, a", {2, 1}},
      {">+#[\n\n,", {3, 1}},
      // A bracket after plain text is part of that plain scalar to yaml-cpp, so a ',' starting a
      // later line is still where it expects a node (config_fuzz: LoadAll looped on these).
      {"w [\n#\n,", {3, 1}},
      {"w  [  [#\n#.K#\n,,>( [> [ ~[\n", {3, 1}},
      {"a: w {\n, b", {2, 1}},
      {"a: , b", {1, 4}},
  };
  for (const auto& [text, mark] : hazards) {
    INFO(text);
    const auto found = findYamlCppHazard(text);
    REQUIRE(found.has_value());
    CHECK(found->mark.line == mark.line);
    CHECK(found->mark.column == mark.column);
    // And through the loader: an error, promptly, not a hang.
    const LoadOutcome outcome = loadConfigText(text, "hazard.yaml", MapEnvironment{});
    REQUIRE_FALSE(outcome.ok());
    CHECK(outcome.errors[0].message.find("',' outside a [...] or {...} list") != std::string::npos);
  }
}

TEST_CASE("a line starting with ',' where the scanner sees a list is refused, not parsed") {
  // config_fuzz: a bracket on a plain scalar's next line is text to yaml-cpp, and the comment
  // line after it ends the scalar; the ',' then starts a line at depth 0 to yaml-cpp, which
  // spun allocating, while this scanner counted it inside a list.
  const std::string text = "w $[  [#\n [\x1b\n#.K#\n,,>( [> [ ~\xbf[\n\xb9";
  const auto found = findYamlCppHazard(text);
  REQUIRE(found.has_value());
  CHECK(found->mark.line == 4);
  CHECK(found->mark.column == 1);
  const LoadOutcome outcome = loadConfigText(text, "hazard.yaml", MapEnvironment{});
  REQUIRE_FALSE(outcome.ok());
  CHECK(outcome.errors[0].message.find("a line starts with ','") != std::string::npos);
  // A comma that ends a line of a multi-line list is fine.
  CHECK_FALSE(findYamlCppHazard("k: [a,\n  b]").has_value());
}

TEST_CASE("commas inside values, quotes and flow collections are fine") {
  for (const char* text :
       {"reason: a, b, c", "k: 'it''s, fine'", "k: \"a\\\", b\"", "k: [a, b]", "k: {a: 1, b: 2}",
        "k: it's a, b", "k: &anc v, w", "- a, b\n- [c, d]", "k: >-\n  folded, text\n  more, text",
        "k: \"multi\n  line, quoted\"", "k: w [x, y", "- w {a, b", "? [a, b]\n: c",
        "k:\n  - [a, b]\n  - {c: d}"}) {
    INFO(text);
    CHECK_FALSE(findYamlCppHazard(text).has_value());
  }
}

TEST_CASE("flow collections nested too deep or too long are refused before yaml-cpp") {
  // 4 MiB of unclosed '[': refused at the 65th, with our message, not after yaml-cpp has spent a
  // gigabyte on it.
  const std::string brackets(4U << 20, '[');
  const auto found = findYamlCppHazard(brackets);
  REQUIRE(found.has_value());
  CHECK(found->mark.line == 1);
  CHECK(found->mark.column == 65);
  const LoadOutcome outcome = loadConfigText(brackets, "deep.yaml", MapEnvironment{});
  REQUIRE_FALSE(outcome.ok());
  CHECK(outcome.errors[0].message.find("nested deeper than 64") != std::string::npos);

  std::string mixed = "k: ";
  for (int i = 0; i < 70; ++i) mixed += i % 2 == 0 ? "[" : "{a: ";
  REQUIRE(findYamlCppHazard(mixed).has_value());

  std::string nested = "k: ";
  for (int i = 0; i < 64; ++i) nested += "[";
  for (int i = 0; i < 64; ++i) nested += "]";
  CHECK_FALSE(findYamlCppHazard(nested).has_value());

  std::string wide = "k: [";
  for (int i = 0; i < 10'000; ++i) wide += "a,";
  wide += "a]";
  const auto too_wide = findYamlCppHazard(wide);
  REQUIRE(too_wide.has_value());
  CHECK(too_wide->message.find("more than 10000 entries") != std::string::npos);
  const YamlScanLimits roomy{64, 20'000};
  CHECK_FALSE(findYamlCppHazard(wide, roomy).has_value());
}

TEST_CASE("brackets inside quotes, comments and block scalars do not count") {
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
    CHECK_FALSE(findYamlCppHazard(text).has_value());
    Diagnostics diagnostics("block.yaml");
    static_cast<void>(parseYamlTree(text, diagnostics));
    CHECK(diagnostics.errors().empty());
  }
  // A block scalar ends where the indentation does: a bracket after it counts again.
  const auto after = findYamlCppHazard("k: |\n  " + deep + "\nj: " + deep);
  REQUIRE(after.has_value());
  CHECK(after->mark.line == 3);
  CHECK(after->mark.column == 68);
  // '|' inside a plain value is no block scalar.
  CHECK(findYamlCppHazard("k: a | b\nj: " + deep).has_value());
}

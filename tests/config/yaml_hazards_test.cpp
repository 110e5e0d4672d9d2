// Inputs that make yaml-cpp 0.7 loop forever are refused before it sees them (found by
// fuzz/config_fuzz), and ordinary commas are left alone.
#include <catch2/catch.hpp>

#include <string>

#include "config/environment.h"
#include "config/loader.h"
#include "config/yaml_hazards.h"

using namespace aihunt::config;

TEST_CASE("commas where yaml-cpp expects a node are refused with their position") {
  const std::pair<std::string, YamlMark> hazards[] = {
      {",", {1, 1}},          {", a", {1, 1}},
      {"[a, b], c]", {1, 7}}, {"{a: b}, c}", {1, 7}},
      {"---\n, a", {2, 1}},   {"a: 1\n---\n, a", {3, 1}},
      {"[a]\n, b", {2, 1}},   {"--- , a", {1, 5}},
      {"# c\n, a", {2, 1}},   {"\"q\", a", {1, 4}},
      {"'q', a", {1, 4}},     {"&x , a", {1, 4}},
      {"!!str , a", {1, 7}},  {"a: 1\n...\n, b", {3, 1}},
      {"x\n  , a]", {2, 3}},
  };
  for (const auto& [text, mark] : hazards) {
    INFO(text);
    const auto found = findYamlCppHazard(text);
    REQUIRE(found.has_value());
    CHECK(found->line == mark.line);
    CHECK(found->column == mark.column);
    // And through the loader: an error, promptly, not a hang.
    const LoadOutcome outcome = loadConfigText(text, "hazard.yaml", MapEnvironment{});
    REQUIRE_FALSE(outcome.ok());
    CHECK(outcome.errors[0].message.find("',' outside a [...] or {...} list") != std::string::npos);
  }
}

TEST_CASE("commas inside values, quotes and flow collections are fine") {
  for (const char* text : {"reason: a, b, c", "k: 'it''s, fine'", "k: \"a\\\", b\"", "k: [a, b]",
                           "k: {a: 1, b: 2}", "k: it's a, b", "k: &anc v, w", "- a, b\n- [c, d]",
                           "k: >-\n  folded, text\n  more, text", "k: \"multi\n  line, quoted\""}) {
    INFO(text);
    CHECK_FALSE(findYamlCppHazard(text).has_value());
  }
}

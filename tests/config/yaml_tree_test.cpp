#include <catch2/catch.hpp>
#include <string>

#include "config/yaml_tree.h"

namespace aihunt::config {
namespace {

TEST_CASE("parseYamlTree builds paths and marks", "[config][yaml]") {
  Diagnostics diagnostics("t.yaml");
  const YamlNode root = parseYamlTree("a:\n  b: [x, 'null', ~]\n  c: {d: 1}\n", diagnostics);
  REQUIRE_FALSE(diagnostics.hasErrors());
  REQUIRE(root.isMap());
  const YamlNode* b = root.find("a")->find("b");
  REQUIRE(b != nullptr);
  CHECK(b->path == "a.b");
  REQUIRE(b->items.size() == 3);
  CHECK(b->items[0].path == "a.b[0]");
  CHECK(b->items[0].scalar == "x");
  CHECK(b->items[1].isScalar());
  CHECK(b->items[1].quoted);
  CHECK(b->items[2].isNull());
  CHECK(root.find("a")->find("c")->find("d")->path == "a.c.d");
  CHECK(b->mark.line == 2);
}

TEST_CASE("syntax errors carry line and column", "[config][yaml]") {
  Diagnostics diagnostics("t.yaml");
  (void)parseYamlTree("a: 1\nb: [1, 2\nc: 3\n", diagnostics);
  REQUIRE(diagnostics.errors().size() == 1);
  const auto& error = diagnostics.errors().front();
  CHECK(error.line > 0);
  CHECK(error.column > 0);
  CHECK(error.message.rfind("YAML syntax error: ", 0) == 0);
}

TEST_CASE("duplicate keys are errors", "[config][yaml]") {
  Diagnostics diagnostics("t.yaml");
  (void)parseYamlTree("a: 1\nb: 2\na: 3\n", diagnostics);
  REQUIRE(diagnostics.errors().size() == 1);
  CHECK(diagnostics.errors()[0].path == "a");
  CHECK(diagnostics.errors()[0].message == "duplicate key");
  CHECK(diagnostics.errors()[0].line == 3);
}

TEST_CASE("several documents are rejected", "[config][yaml]") {
  Diagnostics diagnostics("t.yaml");
  (void)parseYamlTree("a: 1\n---\nb: 2\n", diagnostics);
  REQUIRE(diagnostics.errors().size() == 1);
  CHECK(diagnostics.errors()[0].message ==
        "expected one YAML document, found 2 (the second starts at line 2; remove the '---' "
        "lines)");
  CHECK(diagnostics.errors()[0].line == 2);
}

TEST_CASE("hostile YAML is refused without crashing", "[config][yaml][hostile]") {
  SECTION("deep flow nesting") {
    Diagnostics diagnostics("t.yaml");
    const std::string deep = std::string(100'000, '[') + std::string(100'000, ']');
    (void)parseYamlTree(deep, diagnostics);
    CHECK(diagnostics.hasErrors());
  }
  SECTION("nesting beyond our depth limit") {
    Diagnostics diagnostics("t.yaml");
    const std::string deep = std::string(100, '[') + std::string(100, ']');
    (void)parseYamlTree(deep, diagnostics);
    REQUIRE(diagnostics.errors().size() == 1);
    CHECK(diagnostics.errors()[0].message == "nested deeper than 64 levels");
    CHECK(diagnostics.errors()[0].column == 65);
  }
  SECTION("deep block nesting") {
    Diagnostics diagnostics("t.yaml");
    std::string deep;
    for (int i = 0; i < 200; ++i) deep += std::string(static_cast<std::size_t>(i), ' ') + "k:\n";
    (void)parseYamlTree(deep, diagnostics);
    REQUIRE(diagnostics.errors().size() == 1);
    CHECK(diagnostics.errors()[0].message == "nested deeper than 64 levels");
    CHECK(diagnostics.errors()[0].line == 65);
  }
  SECTION("billion laughs") {
    std::string bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n";
    for (char c = 'b'; c <= 'j'; ++c) {
      const char prev = static_cast<char>(c - 1);
      bomb += std::string(1, c) + ": &" + c + " [";
      for (int i = 0; i < 9; ++i) bomb += std::string(i ? ", *" : "*") + prev;
      bomb += "]\n";
    }
    Diagnostics diagnostics("t.yaml");
    (void)parseYamlTree(bomb, diagnostics);
    REQUIRE(diagnostics.errors().size() == 1);
    CHECK(diagnostics.errors()[0].message ==
          "document expands to more than 200000 nodes (alias expansion?)");
  }
  SECTION("a long scalar aliased by many nodes") {
    // 10,100 nodes, under max_nodes, but 10,000 copies of 8,000 bytes: 80 MB of text.
    std::string bomb = "a: &a \"" + std::string(8000, 'x') + "\"\nb: &b [";
    for (int i = 0; i < 100; ++i) bomb += std::string(i ? ", *a" : "*a");
    bomb += "]\nc: [";
    for (int i = 0; i < 100; ++i) bomb += std::string(i ? ", *b" : "*b");
    bomb += "]\n";
    Diagnostics diagnostics("t.yaml");
    (void)parseYamlTree(bomb, diagnostics);
    REQUIRE(diagnostics.errors().size() == 1);
    CHECK(diagnostics.errors()[0].message.find("bytes of text (alias expansion?)") !=
          std::string::npos);
  }
  SECTION("self-referencing alias") {
    // An anchor names its node once the node is complete: inside it, the alias names nothing.
    Diagnostics diagnostics("t.yaml");
    (void)parseYamlTree("a: &x {b: *x}\n", diagnostics);
    REQUIRE(diagnostics.errors().size() == 1);
    CHECK(diagnostics.errors()[0].message ==
          "alias *x names no node complete before it (an alias cannot stand inside the node it "
          "names)");
    CHECK(diagnostics.errors()[0].path == "a.b");
    // Also when the name was given to another node before: the alias does not take that one.
    Diagnostics again("t.yaml");
    (void)parseYamlTree("z: &x 1\na: &x {b: *x}\n", again);
    REQUIRE(again.errors().size() == 1);
    CHECK(again.errors()[0].path == "a.b");
  }
  SECTION("a long list without aliases") {
    std::string wide = "k: [";
    for (int i = 0; i < 250'000; ++i) wide += "a,";
    wide += "a]";
    Diagnostics diagnostics("t.yaml");
    (void)parseYamlTree(wide, diagnostics);
    REQUIRE(diagnostics.errors().size() == 1);
    CHECK(diagnostics.errors()[0].message == "document holds more than 200000 nodes");
  }
  SECTION("nested anchors, each keeping a copy of what it names") {
    // Each anchor's copy counts against the limits: 16 nested anchors over 20,000 nodes.
    std::string nested;
    for (int i = 0; i < 16; ++i)
      nested += "- &a" + std::to_string(i) + "\n" + std::string(2 * (i + 1), ' ');
    nested += "[";
    for (int i = 0; i < 20'000; ++i) nested += "x,";
    nested += "x]\n";
    Diagnostics diagnostics("t.yaml");
    (void)parseYamlTree(nested, diagnostics);
    REQUIRE(diagnostics.errors().size() == 1);
    CHECK(diagnostics.errors()[0].message.rfind("document holds more than 200000 nodes", 0) == 0);
  }
  SECTION("files above the size cap") {
    Diagnostics diagnostics("t.yaml");
    YamlLimits limits;
    limits.max_bytes = 1024;
    (void)parseYamlTree(std::string(2000, '#'), diagnostics, limits);
    REQUIRE(diagnostics.errors().size() == 1);
    CHECK(diagnostics.errors()[0].message == "file is larger than 1024 bytes");
  }
  SECTION("binary garbage") {
    std::string garbage;
    for (int i = 0; i < 4096; ++i) garbage += static_cast<char>((i * 7919) % 256);
    Diagnostics diagnostics("t.yaml");
    static_cast<void>(parseYamlTree(garbage, diagnostics));
    REQUIRE_FALSE(diagnostics.errors().empty());
    CHECK(diagnostics.errors()[0].line == 1);
    CHECK(diagnostics.errors()[0].message.rfind("holds a byte that is not UTF-8 text", 0) == 0);
  }
  SECTION("a long key in an aliased map counts each time it is copied") {
    // A review: the keys of alias copies were not counted, and 100 KB of file took 300 MB.
    std::string bomb = "a: &a\n  ? \"" + std::string(100'000, 'k') + "\"\n  : ~\nb: &b [";
    for (int i = 0; i < 100; ++i) bomb += std::string(i ? ", *a" : "*a");
    bomb += "]\nc: [";
    for (int i = 0; i < 30; ++i) bomb += std::string(i ? ", *b" : "*b");
    bomb += "]\n";
    Diagnostics diagnostics("t.yaml");
    (void)parseYamlTree(bomb, diagnostics);
    REQUIRE(diagnostics.errors().size() == 1);
    CHECK(diagnostics.errors()[0].message ==
          "document expands to more than 33554432 bytes of text (alias expansion?)");
  }
  SECTION("YAML directives past a handful") {
    // libyaml compares each %TAG with every earlier one: 300,000 of them took minutes.
    std::string directives;
    for (int i = 0; i < 100; ++i) directives += "%TAG !t" + std::to_string(i) + "! tag:x\n";
    directives += "---\nk: 1\n";
    Diagnostics diagnostics("t.yaml");
    (void)parseYamlTree(directives, diagnostics);
    REQUIRE(diagnostics.errors().size() == 1);
    CHECK(diagnostics.errors()[0].line == 17);
    CHECK(diagnostics.errors()[0].message.rfind("more than 16 YAML directives", 0) == 0);
    Diagnostics one("t.yaml");
    CHECK(parseYamlTree("%YAML 1.1\n---\nk: 1\n", one).find("k")->scalar == "1");
    CHECK(one.errors().empty());
  }
  SECTION("complex keys") {
    Diagnostics diagnostics("t.yaml");
    (void)parseYamlTree("? [a, b]\n: 1\n", diagnostics);
    REQUIRE(diagnostics.errors().size() == 1);
    CHECK(diagnostics.errors()[0].message == "map keys must be plain text");
  }
}

}  // namespace
}  // namespace aihunt::config

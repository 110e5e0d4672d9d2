// What ships beside the binary agrees with the binary: docs/config-reference.md is exactly what
// `aihunt config reference` prints, and `aihunt --version` names version, commit and build type.
#include <catch2/catch.hpp>

#include <fstream>
#include <regex>
#include <sstream>
#include <string>

#include "tests/support/aihunt_cli.h"

using aihunt::testing::runAihunt;
using aihunt::testing::sourcePath;

namespace {

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

TEST_CASE("docs/config-reference.md is what aihunt config reference prints") {
  const auto printed = runAihunt({"config", "reference"});
  REQUIRE(printed.exit_code == 0);
  CHECK(printed.err.empty());
  const std::string checked_in = readFile(sourcePath("docs/config-reference.md"));
  INFO("regenerate: build/bin/aihunt config reference > docs/config-reference.md");
  CHECK(printed.out == checked_in);
}

TEST_CASE("aihunt --version names the version, the commit and the build type") {
  for (const char* spelling : {"--version", "version"}) {
    const auto version = runAihunt({spelling});
    REQUIRE(version.exit_code == 0);
    INFO(version.out);
    std::smatch parts;
    REQUIRE(std::regex_match(
        version.out, parts,
        std::regex(
            R"(aihunt ([0-9]+\.[0-9]+\.[0-9]+) \(commit ([0-9a-f]{7,40}(-dirty)?|unknown), ([A-Za-z]+) build\)\n)")));
    // The one place the version lives.
    const std::string cmake = readFile(sourcePath("CMakeLists.txt"));
    CHECK(cmake.find("project(aihunt VERSION " + parts[1].str() + " ") != std::string::npos);
  }
}

#pragma once
// Helpers for integration tests that run the real `aihunt` binary.
#include <catch2/catch.hpp>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/process_runner.h"

namespace aihunt::testing {

inline ProcessResult runAihunt(const std::vector<std::string>& args,
                               const std::string& input = {}) {
  return runProcess(binaryPath("aihunt"), args, input, 120);
}

// `aihunt config example`, written once per test binary to the working folder.
inline std::string exampleConfigPath() {
  static const std::string path = [] {
    const ProcessResult example = runAihunt({"config", "example"});
    REQUIRE(example.exit_code == 0);
    const std::string file = "aihunt.example.test.yaml";
    std::ofstream(file) << example.out;
    return file;
  }();
  return path;
}

inline std::vector<nlohmann::json> jsonLines(const std::string& text) {
  std::vector<nlohmann::json> rows;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) rows.push_back(nlohmann::json::parse(line));
  return rows;
}

}  // namespace aihunt::testing

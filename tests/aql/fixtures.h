#pragma once
// Reading test fixtures from tests/aql/fixtures.
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace aihunt::aql::testing {

inline std::string readFixture(const std::string& name) {
  std::ifstream in(std::string(AIHUNT_AQL_FIXTURES) + "/" + name, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// The seed's detection query, verbatim: content/seed_query.aql, the same file `aihunt hunt
// --seed-query` compiles in.
inline std::string readSeedQuery() {
  std::ifstream in(AIHUNT_SEED_QUERY, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// corpus.aql holds queries separated by lines of ";;".
inline std::vector<std::string> readCorpus(const std::string& name) {
  const std::string text = readFixture(name);
  std::vector<std::string> queries;
  std::string current;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line == ";;") {
      queries.push_back(current);
      current.clear();
    } else {
      current += line + "\n";
    }
  }
  if (!current.empty()) queries.push_back(current);
  return queries;
}

}  // namespace aihunt::aql::testing
